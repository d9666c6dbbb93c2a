"""One chunk of the store's raw rows as the data contract's six tables.

The store hands each table over as lists, a list a column (see :mod:`annotate.store.contract`);
the filters that SQL does not apply (status, and relations whose spans were filtered out) are
applied to those lists, and each table is built by :func:`.columns.contract_frame`. The store
checked every row when it was written, so nothing is coerced again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.collector import collector_paused
from ..core.records import Filters
from .columns import Columns, column_length, contract_arrow, contract_frame, dicts
from .flatten import flattened
from .jsonio import JSONObject
from .tables import empty_table

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


def file_tables_of(raw: dict[str, Columns], filters: Filters) -> dict[str, pa.Table]:
    """The six tables of one chunk as Arrow tables in the form files hold them (dicts and
    fragments as JSON text; see :mod:`.files`), built without a DataFrame where the store's
    rows are written as they are: the export of a large project to Parquet."""
    if not raw["documents"].get("doc_id"):
        raw = {name: {} for name in ("documents", "spans", "relations", "status", "time")}
    with collector_paused():
        chunk = _Chunk(raw, filters, copy=False)
        quotes, claims = chunk.flattened()
        return {
            "documents": contract_arrow("documents", chunk.documents),
            "spans": contract_arrow("spans", chunk.spans),
            "relations": contract_arrow("relations", chunk.relations),
            "quotes": contract_arrow("quotes", quotes or {}),
            "claims": contract_arrow("claims", claims or {}),
            "doc_status": contract_arrow("doc_status", chunk.status),
        }


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
