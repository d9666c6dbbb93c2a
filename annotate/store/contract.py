"""Reading the data contract's rows: every table of annotations, filtered, column by column,
a chunk of documents at a time.

A chunk is a page of documents in queue order (keyset on ``(position, doc_id)``, so the next
page is found through the index whatever the project's size) with everything of theirs: spans,
relations, statuses and time. Each chunk is read in one transaction, so a document's rows are
always consistent with each other; memory depends on the chunk, not on the project.

Column-wise lists (not rows) because that is what DataFrames are built from, and handing pandas
a list of Row objects makes it probe each row's type. Attributes, document metadata and
timestamps come back raw (JSON text, ISO strings) and are decoded column-wise by the caller:
decoded row by row they were most of the time of a large table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import Filters
from . import tables as t
from .arrow_reads import ArrowReader, Unreadable, read_by
from .bulk import list_select

# A column is a list, or (the documents' text columns, read through ADBC) an Arrow array.
Columns = dict[str, Any]
Key = tuple[int, str]  # (position, doc_id): where a chunk ends
Select = Callable[..., Columns]  # select(query, arrow=column names) -> columns
# Where the caller does not say how many documents a chunk holds, the first holds
# FIRST_CHUNK_DOCS and each next one as many as make about ROWS_A_CHUNK rows (documents,
# spans, relations, statuses) and CHARS_A_CHUNK characters of text, as the last chunk had them:
# a chunk has a cost of its own (its queries, its tables), so a project of short articles with
# few spans is read in larger chunks, and one with many spans or long texts in smaller ones.
# Memory stays that of one chunk whatever the project's size.
FIRST_CHUNK_DOCS = 2000
ROWS_A_CHUNK = 60_000
CHARS_A_CHUNK = 20_000_000
MIN_CHUNK_DOCS, MAX_CHUNK_DOCS = 100, 20_000
# The documents' columns that are only handed on to Arrow (a DataFrame, a Parquet file): a
# reader that has them as Arrow already need not make a Python object of each value.
_ARROW_DOCUMENTS = frozenset({"title", "source", "published", "text", "text_sha256", "n_chars"})


def iter_contract_rows(
    read: Callable[[Callable[[Connection], Any]], Any],
    filters: Filters,
    *,
    chunk_docs: int | None = None,
    arrow_reader: Callable[[], ArrowReader | None] = lambda: None,
) -> Iterator[dict[str, Columns]]:
    """Chunks of ``chunk_docs`` documents (or as many as the rows make, see FIRST_CHUNK_DOCS)
    with their spans, relations, status and time, each read in its own transaction, see
    :func:`chunk_rows`: by the reader ``arrow_reader`` opens where there is one (the documents'
    text columns then come as Arrow arrays), otherwise, and from the first chunk that reader
    cannot read, by ``read`` (the Store's).

    With a reader, the next chunk is read while the caller has this one: the reader's process
    does the database's work, so the two overlap. Through ``read``, one chunk after the other:
    reading ahead on a thread was slower, as making the rows' Python values holds the
    interpreter either way."""
    reader = arrow_reader()
    size = chunk_docs or FIRST_CHUNK_DOCS
    ahead = ThreadPoolExecutor(max_workers=1)
    coming: Future[Any] | None = None

    def work(after: Key | None, size: int) -> Callable[[Select], Any]:
        return lambda select: chunk_rows(select, filters, after, size)

    try:
        after: Key | None = None
        while True:
            read_ahead: tuple[dict[str, Columns], Key | None] | None = None
            if coming is not None and reader is not None:
                try:
                    read_ahead = coming.result()
                except Unreadable:
                    reader.close()
                    reader = None
            coming = None
            if read_ahead is not None:
                chunk, last = read_ahead
            else:
                (chunk, last), reader = read_by(reader, read, work(after, size))
            if last is None:
                return
            full = len(chunk["documents"]["doc_id"]) == size
            if chunk_docs is None:
                size = next_chunk_docs(chunk)  # before the caller has the chunk to change
            if full and reader is not None:
                coming = ahead.submit(reader.read, work(last, size))
            yield chunk
            if not full:
                return
            after = last
    finally:
        if coming is not None:  # the reader is closed only once nobody reads with it
            with contextlib.suppress(Exception):
                coming.result()
        ahead.shutdown()
        if reader is not None:
            reader.close()


def next_chunk_docs(chunk: dict[str, Columns]) -> int:
    """How many documents make about ROWS_A_CHUNK rows and CHARS_A_CHUNK characters, going by
    ``chunk``."""
    documents = chunk["documents"]
    docs = len(documents["doc_id"])
    rows = docs + sum(len(chunk[name].get("doc_id", ())) for name in ("spans", "relations",
                                                                      "status"))
    lengths = documents["n_chars"]
    chars = sum(lengths) if isinstance(lengths, list) else _arrow_sum(lengths)
    scale = min(ROWS_A_CHUNK / max(rows, 1), CHARS_A_CHUNK / max(chars, 1))
    return max(MIN_CHUNK_DOCS, min(MAX_CHUNK_DOCS, int(docs * scale)))


def _arrow_sum(values: Any) -> int:
    import pyarrow.compute as pc

    return int(pc.sum(values).as_py() or 0)


def contract_rows(connection: Connection, filters: Filters) -> dict[str, Columns]:
    """Every table of the contract as columns, in one read (small projects and tests)."""
    rows, _ = chunk_rows(list_select(connection), filters, None, None)
    return rows


def chunk_rows(
    select: Select, filters: Filters, after: Key | None, limit: int | None
) -> tuple[dict[str, Columns], Key | None]:
    """The documents after ``after`` in queue order (``limit`` of them, or all), and every
    row of theirs, read by ``select``; and the key of the last one (``None`` when there were
    none). The documents' text columns may come as Arrow arrays (see ``_ARROW_DOCUMENTS``)."""
    s, r, d, st, w = t.spans.c, t.relations.c, t.documents.c, t.doc_status.c, t.work_time.c
    order = (d.position, d.doc_id)
    document_query = sa.select(
        d.doc_id, d.title, d.source, d.byline, d.published, d.text, d.text_sha256,
        d.n_chars, _raw(d.meta, sa.Text), d.position,
    ).order_by(*order)
    if after is not None:
        document_query = document_query.where(sa.tuple_(*order) > sa.tuple_(*after))
    if filters.doc_ids is not None:
        document_query = document_query.where(d.doc_id.in_(filters.doc_ids))
    if limit is not None:
        document_query = document_query.limit(limit)
    documents = select(document_query, _ARROW_DOCUMENTS)
    positions = documents.pop("position")
    if not positions:
        return {name: {} for name in ("spans", "relations", "status", "time")} | {
            "documents": documents
        }, None
    last: Key = (positions[-1], documents["doc_id"][-1])

    def chunk(query: Any, table: Any) -> Any:
        # The chunk's documents found through the documents' queue-order index, and each
        # one's rows through the table's (doc_id, annotator) index: no IN list, no scan.
        query = query.join(t.documents, t.documents.c.doc_id == table.c.doc_id)
        if after is not None:
            query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
        query = query.where(sa.tuple_(*order) <= sa.tuple_(*last))
        if filters.doc_ids is not None:
            query = query.where(d.doc_id.in_(filters.doc_ids))
        return query

    span_query = chunk(sa.select(
        s.doc_id, s.annotator, s.span_id, s.layer, s.label, s.start, s.end, s.text,
        s.origin, _raw(s.attrs, sa.Text), _raw(s.created_at, sa.String),
        _raw(s.updated_at, sa.String), _raw(s.fragments, sa.Text),
    ).select_from(t.spans), t.spans).order_by(*order, s.annotator, s.start, s.end, s.span_id)
    relation_query = chunk(sa.select(
        r.doc_id, r.annotator, r.relation_id, r.type, r.head_span_id, r.tail_span_id,
        _raw(r.attrs, sa.Text),
    ).select_from(t.relations), t.relations).order_by(
        *order, r.annotator, r.created_at, r.relation_id
    )
    status_query = chunk(
        sa.select(st.doc_id, st.annotator, st.status, st.comment).select_from(t.doc_status),
        t.doc_status,
    ).order_by(*order, st.annotator)
    time_query = chunk(
        sa.select(w.doc_id, w.annotator, w.seconds_spent).select_from(t.work_time), t.work_time
    ).order_by(*order, w.annotator)
    if filters.annotators is not None:
        span_query = span_query.where(s.annotator.in_(filters.annotators))
        relation_query = relation_query.where(r.annotator.in_(filters.annotators))
        status_query = status_query.where(st.annotator.in_(filters.annotators))
        time_query = time_query.where(w.annotator.in_(filters.annotators))
    if filters.layers is not None:
        span_query = span_query.where(s.layer.in_(filters.layers))
    if filters.labels is not None:
        span_query = span_query.where(s.label.in_(filters.labels))
    return {
        "spans": select(span_query),
        "relations": select(relation_query),
        "status": select(status_query),
        "time": select(time_query),
        "documents": documents,
    }, last


def _raw(column: Any, type_: Any) -> Any:
    return sa.type_coerce(column, type_).label(column.name)
