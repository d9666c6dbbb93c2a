"""Reading the data contract's rows: every table of annotations, filtered, column by column.

Column-wise lists (not rows) because that is what DataFrames are built from, and handing pandas
a list of Row objects makes it probe each row's type. Attributes and timestamps come back raw
(JSON text, ISO strings) and are decoded column-wise by the caller: decoded row by row they were
most of the time of a large table.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import Filters
from . import tables as t

Columns = dict[str, list[Any]]


def contract_rows(connection: Connection, filters: Filters) -> dict[str, Columns]:
    """spans, relations, status, time and documents as columns, filtered."""
    s, r, d, st, w = t.spans.c, t.relations.c, t.documents.c, t.doc_status.c, t.work_time.c
    span_query = sa.select(
        s.doc_id, s.annotator, s.span_id, s.layer, s.label, s.start, s.end, s.text,
        s.origin, _raw(s.attrs, sa.Text), _raw(s.created_at, sa.String),
        _raw(s.updated_at, sa.String), _raw(s.fragments, sa.Text),
    ).order_by(s.doc_id, s.annotator, s.start, s.end)
    relation_query = sa.select(
        r.doc_id, r.annotator, r.relation_id, r.type, r.head_span_id, r.tail_span_id,
        _raw(r.attrs, sa.Text),
    ).order_by(r.doc_id, r.annotator, r.created_at, r.relation_id)
    status_query = sa.select(st.doc_id, st.annotator, st.status, st.comment)
    time_query = sa.select(w.doc_id, w.annotator, w.seconds_spent)
    document_query = sa.select(
        d.doc_id, d.title, d.source, d.byline, d.published, d.text, d.text_sha256,
        d.n_chars, d.meta,
    ).order_by(d.position)
    if filters.annotators is not None:
        span_query = span_query.where(s.annotator.in_(filters.annotators))
        relation_query = relation_query.where(r.annotator.in_(filters.annotators))
        status_query = status_query.where(st.annotator.in_(filters.annotators))
        time_query = time_query.where(w.annotator.in_(filters.annotators))
    if filters.doc_ids is not None:
        span_query = span_query.where(s.doc_id.in_(filters.doc_ids))
        relation_query = relation_query.where(r.doc_id.in_(filters.doc_ids))
        status_query = status_query.where(st.doc_id.in_(filters.doc_ids))
        time_query = time_query.where(w.doc_id.in_(filters.doc_ids))
        document_query = document_query.where(d.doc_id.in_(filters.doc_ids))
    if filters.layers is not None:
        span_query = span_query.where(s.layer.in_(filters.layers))
    if filters.labels is not None:
        span_query = span_query.where(s.label.in_(filters.labels))
    return {
        "spans": _columns(connection, span_query),
        "relations": _columns(connection, relation_query),
        "status": _columns(connection, status_query),
        "time": _columns(connection, time_query),
        "documents": _columns(connection, document_query),
    }


def _raw(column: Any, type_: Any) -> Any:
    return sa.type_coerce(column, type_).label(column.name)


def _columns(connection: Connection, query: Any) -> Columns:
    result = connection.execute(query)
    keys = list(result.keys())
    columns = list(zip(*result.fetchall(), strict=True)) or [() for _ in keys]
    return {key: list(values) for key, values in zip(keys, columns, strict=True)}
