"""The contract tables regrouped as one record per (document, annotator), as exporters need them.

Per-document formats (DocBin, Prodigy, CoNLL, brat) write one unit per annotator's view of a
document. Which views exist: every (document, annotator) with spans or relations, plus those an
annotator marked ``done`` with nothing in them — a finished document without entities is a true
"nothing here" and belongs in gold. ``skipped`` or ``flagged`` documents without annotations are
left out: an empty unit would claim an absence nobody checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
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
    columns = {
        name: {column: _plain_list(frame[column]) for column in wanted}
        for name, wanted in _READ.items()
        for frame in [table(tables, name, coerced=coerced)]
    }
    return units_of_columns(
        columns["documents"], columns["spans"], columns["relations"], columns["doc_status"],
        fmt=fmt,
    )


def _plain_list(series: pd.Series) -> list[Any]:
    """A column's values as Python objects: a category's values as text, missing as None."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return [None if value is pd.NA or value is pd.NaT or value != value else value
            for value in series.tolist()] if series.hasnans else series.tolist()


def units_of_columns(
    documents: Mapping[str, Sequence[Any]],
    spans: Mapping[str, Sequence[Any]],
    relations: Mapping[str, Sequence[Any]],
    status: Mapping[str, Sequence[Any]],
    *,
    fmt: str,
) -> tuple[list[AnnotatedDoc], list[ExportNote]]:
    """:func:`annotated_docs` of tables given as columns (lists, one a column, with the
    contract's names): what an export builds straight from the store's rows, without
    DataFrames. A span's ``fragments`` are its pieces, or None for a span of one piece."""
    texts: dict[str, tuple[str, str | None, str | None, str | None, Any]] = {}
    for doc_id, text, title, source, published, meta in zip(
        documents["doc_id"], documents["text"], documents["title"], documents["source"],
        documents["published"], documents["meta"], strict=True,
    ):
        texts.setdefault(
            doc_id,
            (text, _text_or_none(title), _text_or_none(source), _text_or_none(published), meta),
        )
    orphans = sorted(set(spans.get("doc_id", ())) - texts.keys())
    if orphans:
        shown = ", ".join(map(repr, orphans[:5])) + (" ..." if len(orphans) > 5 else "")
        raise FormatError("E312", doc_ids=shown)

    by_key: dict[tuple[str, str], list[SpanRecord]] = defaultdict(list)
    # Tables read for an export share one attrs dict among the spans with the same attributes
    # (see iter_tables): each is made plain once. The table holds them meanwhile, so an id is
    # not reused for another dict.
    plain: dict[int, Any] = {}
    for doc_id, annotator, span_id, layer, label, start, end, text, origin, attrs, pieces in zip(
        *(spans.get(column, ()) for column in _SPAN_COLUMNS), strict=True,
    ):
        by_key[(doc_id, annotator)].append(
            SpanRecord(
                span_id=span_id,
                layer=str(layer),
                label=str(label),
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
                fragments=None if pieces is None or len(pieces) == 1
                else fragments.normalise(pieces),
            )
        )
    rel_by_key: dict[tuple[str, str], list[DocRelation]] = defaultdict(list)
    for doc_id, annotator, relation_id, type_, head, tail, relation_attrs in zip(
        *(relations.get(column, ()) for column in _RELATION_COLUMNS), strict=True,
    ):
        rel_by_key[(doc_id, annotator)].append(
            DocRelation(relation_id, str(type_), head, tail, to_jsonable(relation_attrs))
        )

    keys = set(by_key) | {k for k in rel_by_key if k[0] in texts}
    keys |= {
        (doc_id, annotator)
        for doc_id, annotator, value in zip(
            status.get("doc_id", ()), status.get("annotator", ()), status.get("status", ()),
            strict=True,
        )
        if value == "done" and doc_id in texts
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


_SPAN_COLUMNS = ("doc_id", "annotator", "span_id", "layer", "label", "start", "end", "text",
                 "origin", "attrs", "fragments")
_RELATION_COLUMNS = ("doc_id", "annotator", "relation_id", "type", "head_span_id",
                     "tail_span_id", "attrs")
# The columns units are made of, per table.
_READ = {
    "documents": ("doc_id", "text", "title", "source", "published", "meta"),
    "spans": _SPAN_COLUMNS,
    "relations": _RELATION_COLUMNS,
    "doc_status": ("doc_id", "annotator", "status"),
}
