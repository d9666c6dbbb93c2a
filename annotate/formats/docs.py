"""The contract tables regrouped as one record per (document, annotator), as exporters need them.

Per-document formats (DocBin, Prodigy, CoNLL, brat) write one unit per annotator's view of a
document. Which views exist: every (document, annotator) with spans or relations, plus those an
annotator marked ``done`` with nothing in them — a finished document without entities is a true
"nothing here" and belongs in gold. ``skipped`` or ``flagged`` documents without annotations are
left out: an empty unit would claim an absence nobody checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core import fragments
from ..core.records import SpanRecord
from ..errors import FormatError
from .jsonio import to_jsonable
from .manifest import ExportNote
from .tables import coerce, empty_table


@dataclass(frozen=True, slots=True)
class DocRelation:
    relation_id: str
    type: str
    head: str  # span_id
    tail: str  # span_id
    attrs: dict[str, Any] = field(default_factory=dict)  # a note, where the relation has one


@dataclass(slots=True)
class AnnotatedDoc:
    doc_id: str
    annotator: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[DocRelation] = field(default_factory=list)

    def layer(self, name: str) -> list[SpanRecord]:
        return [span for span in self.spans if span.layer == name]

    def header(self) -> dict[str, Any]:
        """Document-level fields worth carrying into a file, without empty ones."""
        fields = {"title": self.title, "source": self.source, "published": self.published}
        return {k: v for k, v in fields.items() if v is not None}


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def table(
    tables: Mapping[str, pd.DataFrame], name: str, *, coerced: bool = False
) -> pd.DataFrame:
    """Table ``name`` coerced to the contract (unless ``coerced`` says it is), or an empty one
    if the caller left it out."""
    frame = tables.get(name)
    if frame is None:
        return empty_table(name)
    return frame if coerced else coerce(name, frame)


def annotated_docs(
    tables: Mapping[str, pd.DataFrame], *, fmt: str, coerced: bool = False
) -> tuple[list[AnnotatedDoc], list[ExportNote]]:
    """One :class:`AnnotatedDoc` per (document, annotator), in document order then annotator.

    Spans keep their table order sorted by offsets; relations whose spans are not in the export
    (filtered out by the caller) are dropped and reported, never written dangling. ``coerced``
    says the tables are the contract's already (an export's), so they are not checked again.
    """
    if "documents" not in tables:
        raise FormatError("E315", name="documents", fmt=fmt)
    documents = table(tables, "documents", coerced=coerced)
    spans = table(tables, "spans", coerced=coerced)
    relations = table(tables, "relations", coerced=coerced)
    status = table(tables, "doc_status", coerced=coerced)

    texts: dict[str, tuple[str, str | None, str | None, str | None, dict[str, Any]]] = {}
    for doc_id, text, title, source, published, meta in zip(
        documents["doc_id"].tolist(),
        documents["text"].tolist(),
        documents["title"].tolist(),
        documents["source"].tolist(),
        documents["published"].tolist(),
        documents["meta"].tolist(),
        strict=True,
    ):
        texts.setdefault(
            doc_id,
            (text, _text_or_none(title), _text_or_none(source), _text_or_none(published), meta),
        )
    orphans = sorted(set(spans["doc_id"].tolist()) - texts.keys())
    if orphans:
        shown = ", ".join(map(repr, orphans[:5])) + (" ..." if len(orphans) > 5 else "")
        raise FormatError("E312", doc_ids=shown)

    by_key: dict[tuple[str, str], list[SpanRecord]] = defaultdict(list)
    # Tables read for an export share one attrs dict among the spans with the same attributes
    # (see iter_tables): each is made plain once. The table holds them meanwhile, so an id is
    # not reused for another dict.
    plain: dict[int, Any] = {}
    for doc_id, annotator, span_id, layer, label, start, end, text, origin, attrs, pieces in zip(
        spans["doc_id"].tolist(),
        spans["annotator"].tolist(),
        spans["span_id"].tolist(),
        spans["layer"].astype(str).tolist(),
        spans["label"].astype(str).tolist(),
        spans["start"].tolist(),
        spans["end"].tolist(),
        spans["text"].tolist(),
        spans["origin"].astype(object).tolist(),
        spans["attrs"].tolist(),
        spans["fragments"].tolist(),
        strict=True,
    ):
        by_key[(doc_id, annotator)].append(
            SpanRecord(
                span_id=span_id,
                layer=layer,
                label=label,
                start=int(start),
                end=int(end),
                text=text,
                origin=origin if isinstance(origin, str) else "",
                attrs=plain[id(attrs)] if id(attrs) in plain else plain.setdefault(
                    id(attrs), to_jsonable(attrs)
                ),
                doc_id=doc_id,
                annotator=annotator,
                # The contract lists one piece for a span of one piece, which has none.
                fragments=None if len(pieces) == 1 else fragments.normalise(pieces),
            )
        )
    rel_by_key: dict[tuple[str, str], list[DocRelation]] = defaultdict(list)
    for doc_id, annotator, relation_id, type_, head, tail, relation_attrs in zip(
        relations["doc_id"].tolist(),
        relations["annotator"].tolist(),
        relations["relation_id"].tolist(),
        relations["type"].astype(str).tolist(),
        relations["head_span_id"].tolist(),
        relations["tail_span_id"].tolist(),
        relations["attrs"].tolist(),
        strict=True,
    ):
        rel_by_key[(doc_id, annotator)].append(
            DocRelation(relation_id, type_, head, tail, to_jsonable(relation_attrs))
        )

    keys = set(by_key) | {k for k in rel_by_key if k[0] in texts}
    done = status.loc[status["status"].astype(str) == "done", ["doc_id", "annotator"]]
    keys |= {
        k
        for k in zip(done["doc_id"].tolist(), done["annotator"].tolist(), strict=True)
        if k[0] in texts
    }
    order = {doc_id: n for n, doc_id in enumerate(texts)}

    notes: list[ExportNote] = []
    units: list[AnnotatedDoc] = []
    for doc_id, annotator in sorted(keys, key=lambda k: (order[k[0]], k[1])):
        text, title, source, published, meta = texts[doc_id]
        unit_spans = sorted(by_key.get((doc_id, annotator), []), key=lambda s: (s.start, -s.end))
        ids = {span.span_id for span in unit_spans}
        kept = []
        for relation in rel_by_key.get((doc_id, annotator), []):
            if relation.head in ids and relation.tail in ids:
                kept.append(relation)
            else:
                notes.append(
                    ExportNote(
                        fmt,
                        "dangling-relation",
                        doc_id,
                        annotator,
                        relation.relation_id,
                        "relation points at a span that is not in the export; left out",
                    )
                )
        units.append(
            AnnotatedDoc(
                doc_id,
                annotator,
                text,
                title,
                source,
                published,
                to_jsonable(meta),
                unit_spans,
                kept,
            )
        )
    return units, notes
