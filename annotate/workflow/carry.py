"""Carrying an annotator's work between versions of one story, and comparing two versions.

The alignment and projection are pure (:mod:`annotate.versions`); here they meet the store:
the annotator's spans are read from one version, projected onto the other and stored as
suggestions of the model annotator ``projected:<annotator>`` (origin ``projected``), which the
annotator accepts or rejects like any suggestion. Nothing is ever written as their own work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from ..versions import consistency, project_spans

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store

PROJECTED = "projected:{annotator}"


def carry_version(
    store: Store, source_doc_id: str, target_doc_id: str, *, annotator: str
) -> dict[str, Any]:
    """Carry ``annotator``'s work on one version onto another, as suggestions.

    Returns the suggester's name, counts, and the spans left out with the reason. Spans
    carried here before (from any version) are not offered twice; what is new on the source
    since then is added.
    """
    source = store.document(source_doc_id)
    target = store.document(target_doc_id)
    spans = [s.to_json() for s in store.spans(doc_id=source_doc_id, annotator=annotator)]
    relations = [
        r.to_json() for r in store.relations(doc_id=source_doc_id, annotator=annotator)
    ]
    projection = project_spans(
        source.text,
        target.text,
        spans,
        relations,
        source_doc_id=source_doc_id,
        target_doc_id=target_doc_id,
    )
    suggester = PROJECTED.format(annotator=annotator)
    # Spans carried here before (from any version) are not offered twice; what is new on
    # the source since then is added.
    offered = {
        (s.layer, s.label, s.start, s.end)
        for s in store.spans(doc_id=target_doc_id, annotator=suggester)
        if s.doc_sha256 == target.text_sha256
    }
    new = [
        s
        for s in projection.spans
        if (s["layer"], s["label"], s["start"], s["end"]) not in offered
    ]
    new_ids = {str(s["id"]) for s in new}
    if new:
        suggestions = DocSuggestions(
            spans=[
                SpanSuggestion(
                    str(s["id"]), s["layer"], s["label"], s["start"], s["end"], dict(s["attrs"])
                )
                for s in new
            ],
            relations=[
                RelationSuggestion(r["type"], str(r["head"]), str(r["tail"]))
                for r in projection.relations
                if str(r["head"]) in new_ids and str(r["tail"]) in new_ids
            ],
        )
        store.store_suggestions(suggester, [(target, suggestions)], origin="projected")
    already = bool(projection.spans) and not new
    return {
        "suggester": suggester,
        "already_projected": already,
        "added": len(new),
        **projection.summary(),
        "left_out": projection.dropped,
    }


def consistency_between(
    store: Store, doc_a: str, doc_b: str, *, annotator: str, annotator_b: str | None = None
) -> pd.DataFrame:
    """Where two versions are annotated differently in identical sentences (see
    :func:`annotate.versions.consistency`), as a DataFrame."""
    import pandas as pd

    first, second = store.document(doc_a), store.document(doc_b)
    spans_a = [s.to_json() for s in store.spans(doc_id=doc_a, annotator=annotator)]
    spans_b = [s.to_json() for s in store.spans(doc_id=doc_b, annotator=annotator_b or annotator)]
    return pd.DataFrame(consistency(first.text, spans_a, second.text, spans_b))
