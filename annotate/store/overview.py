"""The project at a glance, counted by the database: documents in queue order with each
annotator's status, a page at a time, and each annotator's status counts. No text is read but
the few characters a list shows where a document has no title.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import tables as t
from .arrow_reads import ArrowReader, read_by
from .bulk import select_columns

Columns = dict[str, Any]  # a column: a list, or an Arrow array where a reader has one


def overview_page(
    connection: Connection,
    annotators: Sequence[str],
    *,
    after: tuple[int, str] | None,
    limit: int,
    preview_chars: int = 0,
) -> Columns:
    """Up to ``limit`` documents after ``after`` (position, doc_id) in queue order: doc_id,
    title, published, source, byline, n_chars, position, ``preview`` (the text's first
    characters, with ``preview_chars``) and one status column per annotator (``s0``, ``s1``,
    ... in the order given)."""
    d, st = t.documents.c, t.doc_status.c
    selected: list[Any] = [d.doc_id, d.title, d.published, d.source, d.byline, d.n_chars,
                           d.position]
    if preview_chars:
        selected.append(sa.func.substr(d.text, 1, preview_chars).label("preview"))
    for number, name in enumerate(annotators):
        # One lookup in doc_status's primary key per document and annotator: no join to group.
        status = (
            sa.select(st.status)
            .where(st.doc_id == d.doc_id, st.annotator == name)
            .scalar_subquery()
            .label(f"s{number}")
        )
        selected.append(status)
    query = sa.select(*selected).order_by(d.position, d.doc_id).limit(limit)
    if after is not None:
        query = query.where(sa.tuple_(d.position, d.doc_id) > sa.tuple_(*after))
    return select_columns(connection, query)


# The overview's columns that a reader through ADBC hands over as Arrow arrays (see
# :mod:`.arrow_reads`): a million documents' ids and titles need never be Python strings.
_OVERVIEW_ARROW = frozenset({"doc_id", "title", "published", "source", "n_chars"})


def document_columns(
    select: Callable[..., Columns], *, after: tuple[int, str] | None, limit: int
) -> Columns:
    """doc_id, title, published, source, n_chars and position of up to ``limit`` documents
    after ``after`` in queue order, as columns (through a reader, all but position are Arrow
    arrays), with ``last_id``, the doc_id as a list, for the next page."""
    d = t.documents.c
    query = sa.select(d.doc_id, d.title, d.published, d.source, d.n_chars, d.position,
                      d.doc_id.label("last_id"))
    query = query.order_by(d.position, d.doc_id).limit(limit)
    if after is not None:
        query = query.where(sa.tuple_(d.position, d.doc_id) > sa.tuple_(*after))
    return select(query, _OVERVIEW_ARROW)


def iter_document_columns(
    read: Any, *, page: int, arrow_reader: Callable[[], ArrowReader | None] = lambda: None
) -> Iterator[Columns]:
    """Pages of :func:`document_columns`, each in its own read: by the reader
    ``arrow_reader`` opens where there is one, otherwise (and from the first page it cannot
    read) by ``read``, the Store's."""
    reader = arrow_reader()
    try:
        after: tuple[int, str] | None = None
        while True:

            def work(select: Callable[..., Columns], after: Any = after) -> Columns:
                return document_columns(select, after=after, limit=page)

            columns, reader = read_by(reader, read, work)
            positions, ids = columns.pop("position"), columns.pop("last_id")
            if not positions:
                return
            yield columns
            if len(positions) < page:
                return
            after = (positions[-1], ids[-1])
    finally:
        if reader is not None:
            reader.close()


def statuses_of(connection: Connection, annotators: Sequence[str]) -> Columns:
    """doc_id, annotator and status of every status row of ``annotators``: for a whole
    project's overview, joined to the documents by the caller (a lookup per document and
    annotator in SQL costs several times as much as reading the documents)."""
    st = t.doc_status.c
    query = sa.select(st.doc_id, st.annotator, st.status).where(
        st.annotator.in_(list(annotators))
    )
    return select_columns(connection, query)


def iter_overview(
    read: Any, annotators: Sequence[str], *, page: int, limit: int | None, preview_chars: int
) -> Iterator[Columns]:
    """Pages of :func:`overview_page`, each in its own read (``read`` is the Store's)."""
    after: tuple[int, str] | None = None
    left = limit
    while left is None or left > 0:
        size = page if left is None else min(page, left)
        columns = read(
            lambda connection, after=after, size=size: overview_page(
                connection, annotators, after=after, limit=size, preview_chars=preview_chars
            )
        )
        n = len(columns["doc_id"])
        if n == 0:
            return
        yield columns
        if n < size:
            return
        after = (columns["position"][-1], columns["doc_id"][-1])
        if left is not None:
            left -= n


def status_counts(connection: Connection) -> dict[str, dict[str, int]]:
    """annotator -> {status: number of documents}, for every annotator with a status."""
    st = t.doc_status.c
    query = (
        sa.select(st.annotator, st.status, sa.func.count())
        .where(st.status.is_not(None))
        .group_by(st.annotator, st.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for annotator, status, n in connection.execute(query):
        counts.setdefault(annotator, {})[status] = int(n)
    return counts


def document_count(connection: Connection) -> int:
    query = sa.select(sa.func.count()).select_from(t.documents)
    return int(connection.execute(query).scalar_one())
