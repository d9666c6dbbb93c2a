"""The Store's reads: spans, relations, statuses, time, events, decisions, counts and the
data contract's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import (
    EventRecord,
    Filters,
    RelationRecord,
    SpanRecord,
    StatusRecord,
    from_row,
)
from . import contract, overview
from . import tables as t
from .arrow_reads import open_arrow_reader
from .base import StoreBase


class ReadMethods(StoreBase):
    # --- reads -----------------------------------------------------------------------------
    def spans(
        self,
        *,
        doc_id: str | None = None,
        annotator: str | Iterable[str] | None = None,
        layer: str | None = None,
    ) -> list[SpanRecord]:
        def work(connection: Connection) -> list[SpanRecord]:
            s = t.spans.c
            query = sa.select(t.spans).order_by(s.doc_id, s.start, s.end, s.layer)
            query = _filter(query, s, doc_id=doc_id, annotator=annotator)
            if layer is not None:
                query = query.where(s.layer == layer)
            return [from_row(SpanRecord, row) for row in connection.execute(query)]

        return self.read(work)

    def relations(
        self, *, doc_id: str | None = None, annotator: str | Iterable[str] | None = None
    ) -> list[RelationRecord]:
        def work(connection: Connection) -> list[RelationRecord]:
            r = t.relations.c
            query = sa.select(t.relations).order_by(r.doc_id, r.created_at)
            query = _filter(query, r, doc_id=doc_id, annotator=annotator)
            return [from_row(RelationRecord, row) for row in connection.execute(query)]

        return self.read(work)

    def statuses(
        self, *, doc_id: str | None = None, annotator: str | None = None
    ) -> list[StatusRecord]:
        def work(connection: Connection) -> list[StatusRecord]:
            d = t.doc_status.c
            query = sa.select(t.doc_status).order_by(d.doc_id, d.annotator)
            query = _filter(query, d, doc_id=doc_id, annotator=annotator)
            return [from_row(StatusRecord, row) for row in connection.execute(query)]

        return self.read(work)

    def seconds_spent(self, *, annotator: str | None = None) -> dict[tuple[str, str], float]:
        def work(connection: Connection) -> dict[tuple[str, str], float]:
            w = t.work_time.c
            query = _filter(sa.select(t.work_time), w, doc_id=None, annotator=annotator)
            return {(r.doc_id, r.annotator): r.seconds_spent for r in connection.execute(query)}

        return self.read(work)

    def decisions(self, doc_id: str, *, annotator: str) -> dict[str, tuple[str, str | None]]:
        """suggestion id -> (decision, span id) for one annotator on one document."""

        def work(connection: Connection) -> dict[str, tuple[str, str | None]]:
            d = t.decisions.c
            query = sa.select(t.decisions).where(d.doc_id == doc_id, d.annotator == annotator)
            return {
                row.suggestion_id: (row.decision, row.span_id) for row in connection.execute(query)
            }

        return self.read(work)

    # --- the overview ----------------------------------------------------------------------
    def iter_overview(
        self,
        annotators: Sequence[str],
        *,
        page: int = 50_000,
        limit: int | None = None,
        preview_chars: int = 0,
    ) -> Iterator[dict[str, list[Any]]]:
        """Documents in queue order with each of ``annotators``' status, ``page`` documents a
        read (see :mod:`.overview`); never a whole text."""
        return overview.iter_overview(
            self.read, list(annotators), page=page, limit=limit, preview_chars=preview_chars
        )

    def iter_document_columns(self, *, page: int = 50_000) -> Iterator[dict[str, Any]]:
        """doc_id, title, published, source and n_chars columns of every document in queue
        order, ``page`` documents a read; never a text. In a large SQLite project they are
        Arrow arrays (see :mod:`.arrow_reads`), otherwise lists."""
        return overview.iter_document_columns(
            self.read, page=page,
            arrow_reader=lambda: open_arrow_reader(self.engine, self.document_count),
        )

    def statuses_of(self, annotators: Sequence[str]) -> dict[str, list[Any]]:
        """doc_id, annotator and status columns of the annotators' status rows, in one read."""
        wanted = list(annotators)
        return self.read(lambda connection: overview.statuses_of(connection, wanted))

    def status_counts(self) -> dict[str, dict[str, int]]:
        """annotator -> {status: documents}, counted by the database."""
        return self.read(overview.status_counts)

    def document_count(self) -> int:
        return self.read(overview.document_count)

    def contract_rows(self, filters: Filters | None = None) -> dict[str, dict[str, list[Any]]]:
        """The data contract's raw rows as columns (see :mod:`.contract`), in one read."""
        chosen = filters or Filters()
        return self.read(lambda connection: contract.contract_rows(connection, chosen))

    def iter_contract_rows(
        self, filters: Filters | None = None, *, chunk_docs: int | None = None
    ) -> Iterator[dict[str, dict[str, Any]]]:
        """The contract's raw rows a chunk of ``chunk_docs`` documents at a time (by default
        sized by its rows), in queue order, each chunk in one read (see :mod:`.contract`); in a
        large SQLite project the documents' text columns are Arrow arrays (see
        :mod:`.arrow_reads`), every other column is a list."""
        return contract.iter_contract_rows(
            self.read, filters or Filters(),
            chunk_docs=None if chunk_docs is None else max(1, chunk_docs),
            arrow_reader=lambda: open_arrow_reader(self.engine, self.document_count),
        )

    def all_decisions(
        self, annotators: Iterable[str]
    ) -> dict[tuple[str, str], tuple[str, str | None]]:
        """(annotator, suggestion id) -> (decision, span id) for the annotators, in one read."""
        wanted = list(annotators)

        def work(connection: Connection) -> dict[tuple[str, str], tuple[str, str | None]]:
            d = t.decisions.c
            query = sa.select(d.annotator, d.suggestion_id, d.decision, d.span_id)
            rows = connection.execute(query.where(d.annotator.in_(wanted)))
            return {(r.annotator, r.suggestion_id): (r.decision, r.span_id) for r in rows}

        return self.read(work)

    def events(
        self, *, doc_id: str | None = None, annotator: str | None = None
    ) -> list[EventRecord]:
        def work(connection: Connection) -> list[EventRecord]:
            e = t.events.c
            query = _filter(
                sa.select(t.events).order_by(e.event_id), e, doc_id=doc_id, annotator=annotator
            )
            return [from_row(EventRecord, row) for row in connection.execute(query)]

        return self.read(work)

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status displays and tests."""

        def work(connection: Connection) -> dict[str, int]:
            names = (
                "documents",
                "annotators",
                "spans",
                "relations",
                "decisions",
                "doc_status",
                "events",
                "suggestion_runs",
            )
            return {
                name: int(
                    connection.execute(
                        sa.select(sa.func.count()).select_from(t.metadata.tables[name])
                    ).scalar_one()
                )
                for name in names
            }

        return self.read(work)

    # What the annotations use (every annotator's, suggestions too), so that a new scheme can
    # be checked for labels, relation types and attributes it would leave out.


def _filter(query: Any, columns: Any, *, doc_id: str | None, annotator: Any) -> Any:
    if doc_id is not None:
        query = query.where(columns.doc_id == doc_id)
    if isinstance(annotator, str):
        query = query.where(columns.annotator == annotator)
    elif annotator is not None:
        query = query.where(columns.annotator.in_(list(annotator)))
    return query
