"""What became of a model's suggestions once people decided: accepted as they were, edited,
rejected, or never decided, per layer and label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .documents import annotated_documents
from .matching import Span

if TYPE_CHECKING:
    import pandas as pd

OUTCOMES = ("suggested", "accepted", "edited", "rejected", "undecided", "human", "missed")


def suggestion_report(
    store: Any, *, suggester: str, annotators: Sequence[str] | None = None
) -> pd.DataFrame:
    """What became of a suggester's suggestions, per annotator, layer and label.

    Only documents the annotator annotated count, and only suggestions made on the current
    text. A suggestion is ``accepted`` (taken as is, or drawn identically by hand),
    ``edited`` (taken and changed, or paired one-to-one with an overlapping span of the same
    layer the annotator drew instead), ``rejected`` (rejected, or without counterpart on a
    document marked done; always so for ``gold``, which decides nothing about suggestions) or
    ``undecided``. ``human`` counts the annotator's spans and ``missed`` those no suggestion
    led to (not taken from one, not identical to one, not paired with an overlapping one).
    ``acceptance`` is accepted / decided, ``precision`` (accepted + edited) / decided and
    ``recall`` (human - missed) / human.
    """
    import pandas as pd

    from ..formats.dataset import Filters, load_tables

    store = getattr(store, "store", store)
    names = list(annotators) if annotators is not None else [
        a["name"] for a in store.annotators() if a["kind"] in ("human", "gold", "import")
    ]  # fmt: skip
    tables = load_tables(store, Filters.of(annotator=names))
    annotated = annotated_documents(tables["spans"], tables["doc_status"], names)
    status = tables["doc_status"]
    done = {
        (d, a)
        for d, a, s in zip(
            *(status[c].tolist() for c in ("doc_id", "annotator", "status")), strict=True
        )
        if s == "done"
    }
    hashes = store.document_hashes()
    current = [
        s
        for s in store.spans(annotator=[suggester, *names])
        if hashes.get(s.doc_id) == s.doc_sha256
    ]
    suggestions = [s for s in current if s.annotator == suggester]
    suggested_keys = {(s.doc_id, s.layer, s.label, s.start, s.end) for s in suggestions}
    decisions = _decisions(store, names)
    counts: dict[tuple[str, str, str], dict[str, int]] = {}

    def tally(name: str, layer: str, label: str) -> dict[str, int]:
        return counts.setdefault((name, layer, label), dict.fromkeys(OUTCOMES, 0))

    for name in names:
        mine = [s for s in current if s.annotator == name and s.doc_id in annotated[name]]
        by_id = {s.span_id: s for s in mine}
        drawn = {(s.doc_id, s.layer, s.label, s.start, s.end) for s in mine}
        theirs = [s for s in suggestions if s.doc_id in annotated[name]]
        near = _overlapping(theirs, mine)  # suggestion id -> the span it overlaps
        found = set(near.values())
        taken: set[str] = set()
        for s in theirs:
            row = tally(name, s.layer, s.label)
            row["suggested"] += 1
            decision, span_id = decisions.get((name, s.span_id), (None, None))
            if decision == "accepted" and span_id is not None and span_id in by_id:
                row["edited" if by_id[span_id].origin == "edited" else "accepted"] += 1
                taken.add(span_id)
            elif decision is not None:
                row["rejected"] += 1
            elif (s.doc_id, s.layer, s.label, s.start, s.end) in drawn:
                row["accepted"] += 1
            elif s.span_id in near:
                row["edited"] += 1
            elif name == "gold" or (s.doc_id, name) in done:
                row["rejected"] += 1
            else:
                row["undecided"] += 1
        for s in mine:
            row = tally(name, s.layer, s.label)
            row["human"] += 1
            key = (s.doc_id, s.layer, s.label, s.start, s.end)
            if s.span_id not in taken and s.span_id not in found and key not in suggested_keys:
                row["missed"] += 1
    records = []
    for (name, layer, label), row in sorted(counts.items()):
        decided = row["accepted"] + row["edited"] + row["rejected"]
        records.append(
            {
                "annotator": name,
                "layer": layer,
                "label": label,
                **row,
                "acceptance": row["accepted"] / decided if decided else None,
                "precision": (row["accepted"] + row["edited"]) / decided if decided else None,
                "recall": (row["human"] - row["missed"]) / row["human"] if row["human"] else None,
            }
        )
    columns = ["annotator", "layer", "label", *OUTCOMES, "acceptance", "precision", "recall"]
    return pd.DataFrame(records, columns=columns)


def _overlapping(suggestions: Sequence[Any], spans: Sequence[Any]) -> dict[str, str]:
    """Suggestion id -> span id, paired one-to-one by overlap within a layer, any label."""
    from .matching import match_spans

    found: dict[str, str] = {}
    for layer in {s.layer for s in suggestions}:
        mine = [Span(s.doc_id, "*", s.start, s.end, s.span_id) for s in spans if s.layer == layer]
        model = [
            Span(s.doc_id, "*", s.start, s.end, s.span_id) for s in suggestions if s.layer == layer
        ]
        for human, suggested in match_spans(mine, model, mode="overlap").pairs:
            found[str(suggested.id)] = str(human.id)
    return found


def _decisions(
    store: Any, annotators: Sequence[str]
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(annotator, suggestion id) -> (decision, span id), read in one query."""
    result: dict[tuple[str, str], tuple[str, str | None]] = store.all_decisions(annotators)
    return result

