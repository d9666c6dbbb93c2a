"""One chunk of the store's raw rows as the data contract's six tables.

The store hands each table over as lists, a list a column (see :mod:`annotate.store.contract`);
the filters that SQL does not apply (status, and relations whose spans were filtered out) are
applied to those lists, and each table is built by :func:`.columns.contract_frame`. The store
checked every row when it was written, so nothing is coerced again.

An export builds no DataFrame: :func:`export_chunk_of` makes the tables as the files hold them
(:func:`.columns.contract_arrow`) and the per-document formats' units
(:func:`.docs.units_of_columns`) straight from the lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.collector import collector_paused
from ..core.records import Filters
from .columns import (
    Columns,
    arrow_column,
    column_length,
    contract_arrow,
    contract_frame,
    dicts,
)
from .docs import AnnotatedDoc, units_of_columns
from .flatten import flattened
from .jsonio import JSONObject
from .manifest import ExportNote
from .tables import empty_table, fragment_pieces

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def tables_of(
    raw: dict[str, Columns], filters: Filters, *, shared_attrs: bool = False
) -> dict[str, pd.DataFrame]:
    """The six tables of one chunk of the store's raw rows (``documents``, ``spans``,
    ``relations``, ``status`` and ``time`` columns).

    ``shared_attrs`` lets spans with the same attributes share one dict (for readers that
    never change them, such as an export); otherwise each row has its own."""
    from .dataset import empty_tables

    if not raw["documents"].get("doc_id"):
        return empty_tables()
    with collector_paused():
        chunk = _Chunk(raw, filters, copy=not shared_attrs)
        quotes, claims = chunk.flattened()
        return {
            "documents": contract_frame("documents", chunk.documents, copy_dicts=chunk.copy),
            "spans": contract_frame("spans", chunk.spans),
            "relations": contract_frame("relations", chunk.relations),
            "quotes": contract_frame("quotes", quotes) if quotes else empty_table("quotes"),
            "claims": contract_frame("claims", claims) if claims else empty_table("claims"),
            "doc_status": contract_frame("doc_status", chunk.status),
        }


# What an export's manifest counts and names (see .manifest.count_tables); doc_id keeps the
# row count.
COUNTED_COLUMNS = ("doc_id", "annotator", "layer", "label", "type", "status")


@dataclass(slots=True)
class ExportChunk:
    """One chunk of an export, made straight from the store's rows: the six tables' columns
    that the manifest counts (as Arrow tables), the tables as Arrow tables in the file form
    when table files are written, and the (document, annotator) units when per-document
    formats are, with the notes of relations left out."""

    counted: dict[str, pa.Table]
    tables: dict[str, pa.Table] = field(default_factory=dict)
    units: list[AnnotatedDoc] = field(default_factory=list)
    notes: list[ExportNote] = field(default_factory=list)


def export_chunk_of(
    raw: dict[str, Columns], filters: Filters, *, tables: bool, units: bool
) -> ExportChunk:
    """The :class:`ExportChunk` of one chunk of the store's raw rows: its file tables when
    ``tables``; its documents as :class:`.docs.AnnotatedDoc` when ``units`` (as
    :func:`.docs.annotated_docs` makes them of the same tables as DataFrames)."""
    if not raw["documents"].get("doc_id"):
        raw = {name: {} for name in ("documents", "spans", "relations", "status", "time")}
    with collector_paused():
        chunk = _Chunk(raw, filters, copy=False)
        if tables:
            quotes, claims = chunk.flattened()
        else:  # only counted: a row a quote or claim span, as in the views
            quotes, claims = _layer_rows(chunk.spans, "quote"), _layer_rows(chunk.spans, "claim")
        columns = {"documents": chunk.documents, "spans": chunk.spans,
                   "relations": chunk.relations, "quotes": quotes or {}, "claims": claims or {},
                   "doc_status": chunk.status}
        made = ExportChunk({name: _counted(values) for name, values in columns.items()})
        if tables:
            made.tables = {name: contract_arrow(name, values) for name, values in columns.items()}
        if units and column_length(chunk.documents):
            made.units, made.notes = units_of_columns(
                _document_lists(chunk.documents), _span_lists(chunk.spans), chunk.relations,
                chunk.status, fmt="export",
            )
        return made


def _counted(columns: Columns) -> pa.Table:
    """The columns of a table the manifest counts, categories as they are in the file form."""
    import pyarrow as pa

    return pa.table({
        name: pa.array(columns[name], pa.string()).dictionary_encode()
        if name != "doc_id" else arrow_column(columns[name], pa.large_string())
        for name in COUNTED_COLUMNS if name in columns
    })


def _layer_rows(spans: Columns, layer: str) -> Columns:
    """The document and annotator of each span of ``layer``."""
    rows = [row for row, value in enumerate(spans.get("layer", ())) if value == layer]
    return {column: [spans[column][row] for row in rows] for column in ("doc_id", "annotator")}


def _document_lists(documents: Columns) -> Columns:
    """The documents' columns as lists (the store may read texts as Arrow arrays), metadata
    decoded."""
    lists = {
        name: values.to_pylist() if hasattr(values, "to_pylist") else values
        for name, values in documents.items()
    }
    return {**lists, "meta": dicts(lists.get("meta", []), copy=False)}


def _span_lists(spans: Columns) -> Columns:
    """The spans' columns with each span's pieces (None for a span of one piece)."""
    pieces = [
        None if value is None else fragment_pieces("spans", row, start, end, value)
        for row, (start, end, value) in enumerate(zip(
            spans.get("start", ()), spans.get("end", ()), spans.get("fragments", ()),
            strict=True,
        ))
    ]
    return {**spans, "fragments": pieces}


class _Chunk:
    """One chunk's rows as columns, filtered as SQL could not (by status; relations whose
    spans were filtered out), with the attributes decoded once for every table that reads
    them."""

    def __init__(self, raw: dict[str, Columns], filters: Filters, *, copy: bool) -> None:
        self.copy = copy
        status = _doc_status(raw["status"], raw["time"])
        spans, relations = raw["spans"], raw["relations"]
        if filters.status is not None:
            chosen = set(filters.status)
            keep = {
                (doc_id, annotator)
                for doc_id, annotator, value in zip(
                    status["doc_id"], status["annotator"], status["status"], strict=True
                )
                if value in chosen
            }
            spans = _rows_of(spans, keep)
            relations = _rows_of(relations, keep)
            status = _rows_of(status, keep)
        # A relation is kept only with both of its spans (layer and label filters drop spans).
        kept = set(spans.get("span_id", ()))
        heads, tails = relations.get("head_span_id", []), relations.get("tail_span_id", [])
        relations = _rows_where(relations, lambda i: heads[i] in kept and tails[i] in kept)
        self.spans = {**spans, "attrs": dicts(spans.get("attrs", []), copy=copy)}
        self.relations = {**relations, "attrs": dicts(relations.get("attrs", []), copy=copy)}
        self.status = status
        self.documents = _with_bylines(raw["documents"])

    def flattened(self) -> tuple[Columns | None, Columns | None]:
        """The quotes' and claims' columns; None for a table without rows."""
        if not self.spans.get("span_id"):
            return None, None
        quotes, claims = flattened(self.spans, self.relations)
        return (quotes if quotes["doc_id"] else None), (claims if claims["doc_id"] else None)


def _rows_of(columns: Columns, keys: set[tuple[Any, Any]]) -> Columns:
    """The rows of ``columns`` whose (doc_id, annotator) is one of ``keys``."""
    doc_ids, annotators = columns.get("doc_id", []), columns.get("annotator", [])
    return _rows_where(columns, lambda i: (doc_ids[i], annotators[i]) in keys)


def _doc_status(status: Columns, time: Columns) -> Columns:
    """Status and time rows joined on (doc_id, annotator), as an outer join: time is counted
    before a document has a status. Sorted by the key, as the contract's table always was."""
    rows: dict[tuple[str, str], list[Any]] = {}
    for doc_id, annotator, value, comment in zip(
        status.get("doc_id", ()), status.get("annotator", ()), status.get("status", ()),
        status.get("comment", ()), strict=True,
    ):
        rows[(doc_id, annotator)] = [value, comment, None]
    for doc_id, annotator, seconds in zip(
        time.get("doc_id", ()), time.get("annotator", ()), time.get("seconds_spent", ()),
        strict=True,
    ):
        rows.setdefault((doc_id, annotator), [None, None, None])[2] = seconds
    keys = sorted(rows)
    return {
        "doc_id": [key[0] for key in keys],
        "annotator": [key[1] for key in keys],
        "status": [rows[key][0] for key in keys],
        "comment": [rows[key][1] for key in keys],
        "seconds_spent": [rows[key][2] for key in keys],
    }


def _with_bylines(documents: Columns) -> Columns:
    """The documents' columns with each byline moved into ``meta``, where the contract keeps
    it. A document without one keeps its metadata text as stored."""
    metas = list(documents.get("meta", ()))
    for row, byline in enumerate(documents.get("byline", ())):
        if isinstance(byline, str) and byline:
            meta = metas[row]
            decoded = json.loads(meta) if isinstance(meta, str) and meta else dict(meta or {})
            metas[row] = JSONObject({**decoded, "byline": byline})
    return {**documents, "meta": metas}


def _rows_where(columns: Columns, keep: Callable[[int], bool]) -> Columns:
    """The rows of ``columns`` for which ``keep(row)`` holds."""
    n = column_length(columns)
    rows = [row for row in range(n) if keep(row)]
    if len(rows) == n:
        return columns
    return {name: [values[row] for row in rows] for name, values in columns.items()}
