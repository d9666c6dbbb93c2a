"""The Store's queue reads: what moving through a corpus of any size needs, a page at a time.

An annotator's widget never holds the corpus: it asks for the documents around the one open
(:meth:`QueueMethods.queue_page`), the open one's place (:meth:`QueueMethods.queue_index`),
counts of statuses, the next document without one, and titles matching a search, each one
query that reads a bounded number of rows through an index (``documents.position``, the queue
order, and ``doc_status`` by annotator; see migration 4). Finishing a document with its
undecided suggestions accepted or rejected is here too: it is how a document leaves the queue,
and it is one transaction, so one step of undo; it decides the suggestions in a batch (see
:mod:`.batch`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import StatusRecord
from ..errors import StoreError
from . import actions, batch
from . import tables as t
from .base import StoreBase
from .changes import ChangeLog

PREVIEW_CHARS = 120


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A document as a list shows it: its id, its title (or the text's opening) and its index
    in queue order (0-based)."""

    doc_id: str
    title: str
    index: int


def _label(title: str | None, preview: str | None) -> str:
    return title if title else (preview or "")


class QueueMethods(StoreBase):
    # --- the corpus in queue order ---------------------------------------------------------
    def queue_count(self) -> int:
        """How many documents the project has."""

        def work(connection: Connection) -> int:
            return int(
                connection.execute(sa.select(sa.func.count()).select_from(t.documents)).scalar_one()
            )

        return self.read(work)

    def queue_index(self, doc_id: str) -> int:
        """The document's place in queue order (0-based); E101 for an unknown id."""

        def work(connection: Connection) -> int:
            d = t.documents.c
            position = connection.execute(
                sa.select(d.position).where(d.doc_id == doc_id)
            ).scalar()
            if position is None:
                raise StoreError("E101", doc_id=doc_id)
            before = sa.select(sa.func.count()).select_from(t.documents).where(
                d.position < position
            )
            return int(connection.execute(before).scalar_one())

        return self.read(work)

    def queue_page(self, *, offset: int, limit: int) -> list[QueueEntry]:
        """``limit`` documents from the ``offset``-th on, in queue order."""
        offset = max(0, offset)

        def work(connection: Connection) -> list[QueueEntry]:
            d = t.documents.c
            query = (
                sa.select(d.doc_id, d.title, sa.func.substr(d.text, 1, PREVIEW_CHARS))
                .order_by(d.position)
                .offset(offset)
                .limit(max(0, limit))
            )
            return [
                QueueEntry(row[0], _label(row[1], row[2]), offset + i)
                for i, row in enumerate(connection.execute(query))
            ]

        return self.read(work)

    def queue_titles(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc id -> title (or the text's opening) for the given documents only."""
        wanted = list(doc_ids)
        if not wanted:
            return {}

        def work(connection: Connection) -> dict[str, str]:
            d = t.documents.c
            query = sa.select(
                d.doc_id, d.title, sa.func.substr(d.text, 1, PREVIEW_CHARS)
            ).where(d.doc_id.in_(wanted))
            return {row[0]: _label(row[1], row[2]) for row in connection.execute(query)}

        return self.read(work)

    def queue_around(
        self, doc_id: str, *, before: int, after: int
    ) -> tuple[list[QueueEntry], int]:
        """Up to ``before`` documents before ``doc_id`` in queue order, the document itself and
        up to ``after`` after it, read through the position index whatever the corpus size.
        Their ``index`` counts from the first of them (the caller knows where that is); the
        second value is where ``doc_id`` is in the list."""

        def work(connection: Connection) -> tuple[list[QueueEntry], int]:
            d = t.documents.c
            position = connection.execute(
                sa.select(d.position).where(d.doc_id == doc_id)
            ).scalar()
            if position is None:
                raise StoreError("E101", doc_id=doc_id)
            columns = (d.doc_id, d.title, sa.func.substr(d.text, 1, PREVIEW_CHARS))
            earlier = list(
                connection.execute(
                    sa.select(*columns)
                    .where(d.position < position)
                    .order_by(d.position.desc())
                    .limit(max(0, before))
                )
            )[::-1]
            later = list(
                connection.execute(
                    sa.select(*columns)
                    .where(d.position >= position)
                    .order_by(d.position)
                    .limit(max(0, after) + 1)
                )
            )
            rows = earlier + later
            entries = [QueueEntry(r[0], _label(r[1], r[2]), i) for i, r in enumerate(rows)]
            return entries, len(earlier)

        return self.read(work)

    def search_documents(self, text: str, *, limit: int = 50) -> list[QueueEntry]:
        """Documents whose id starts with ``text`` or whose title (or, untitled, the text's
        opening) contains it, ignoring case, in queue order; at most ``limit``. Their
        ``index`` is -1: counting each one's place would read the queue up to it."""
        needle = text.strip().lower()
        if not needle:
            return []
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

        def work(connection: Connection) -> list[QueueEntry]:
            d = t.documents.c
            preview = sa.func.substr(d.text, 1, PREVIEW_CHARS)
            shown = sa.func.coalesce(d.title, preview)
            query = (
                sa.select(d.doc_id, d.title, preview)
                .where(
                    sa.or_(
                        d.doc_id.like(f"{escaped}%", escape="\\"),
                        sa.func.lower(shown).like(f"%{escaped}%", escape="\\"),
                    )
                )
                .order_by(d.position)
                .limit(max(0, limit))
            )
            return [
                QueueEntry(row[0], _label(row[1], row[2]), -1) for row in connection.execute(query)
            ]

        return self.read(work)

    # --- one annotator's statuses ----------------------------------------------------------
    def status_counts_of(self, annotator: str) -> dict[str, int]:
        """status -> how many documents the annotator gave it (statuses cleared not counted)."""

        def work(connection: Connection) -> dict[str, int]:
            s = t.doc_status.c
            query = (
                sa.select(s.status, sa.func.count())
                .where(s.annotator == annotator, s.status.is_not(None))
                .group_by(s.status)
            )
            return {str(status): int(n) for status, n in connection.execute(query)}

        return self.read(work)

    def status_rows(self, doc_ids: Iterable[str], *, annotator: str) -> dict[str, StatusRecord]:
        """The annotator's status rows for the given documents only."""
        wanted = list(doc_ids)
        if not wanted:
            return {}

        def work(connection: Connection) -> dict[str, StatusRecord]:
            s = t.doc_status.c
            query = sa.select(t.doc_status).where(s.annotator == annotator, s.doc_id.in_(wanted))
            return {
                row.doc_id: StatusRecord(**dict(row._mapping)) for row in connection.execute(query)
            }

        return self.read(work)

    def next_without_status(self, annotator: str, *, after: str | None = None) -> str | None:
        """The first document after ``after`` (from the start when None) in queue order that
        the annotator has given no status, wrapping round to the start; None when every
        document has one."""

        def work(connection: Connection) -> str | None:
            d = t.documents.c
            s = t.doc_status.c
            open_ = ~sa.exists().where(
                s.doc_id == d.doc_id, s.annotator == annotator, s.status.is_not(None)
            )
            start = None
            if after is not None:
                start = connection.execute(
                    sa.select(d.position).where(d.doc_id == after)
                ).scalar()
            base = sa.select(d.doc_id).where(open_).order_by(d.position).limit(1)
            if start is not None:
                found = connection.execute(base.where(d.position > start)).scalar()
                if found is not None:
                    return str(found)
                found = connection.execute(base.where(d.position <= start)).scalar()
            else:
                found = connection.execute(base).scalar()
            return None if found is None else str(found)

        return self.read(work)

    def seconds_on(self, doc_id: str, *, annotator: str) -> tuple[float, float]:
        """(seconds on this document, seconds on all documents) for the annotator."""

        def work(connection: Connection) -> tuple[float, float]:
            w = t.work_time.c
            here = connection.execute(
                sa.select(w.seconds_spent).where(w.doc_id == doc_id, w.annotator == annotator)
            ).scalar()
            total = connection.execute(
                sa.select(sa.func.sum(w.seconds_spent)).where(w.annotator == annotator)
            ).scalar()
            return float(here or 0.0), float(total or 0.0)

        return self.read(work)

    def has_suggestions(self, suggester: str) -> bool:
        """Whether the model annotator has suggested anything (one row read, not all)."""

        def work(connection: Connection) -> bool:
            r = t.suggestion_runs.c
            query = sa.select(r.doc_id).where(r.annotator == suggester).limit(1)
            return connection.execute(query).first() is not None

        return self.read(work)

    # --- leaving a document ------------------------------------------------------------------
    def finish_document(
        self,
        doc_id: str,
        status: str,
        *,
        annotator: str,
        accept: Sequence[str] = (),
        reject: Sequence[str] = (),
        comment: str | None = None,
        doc_sha256: str | None = None,
    ) -> StatusRecord:
        """Give the document ``status`` and decide the suggestions still open on it: those in
        ``accept`` are taken into the annotator's work as they are, those in ``reject`` are
        rejected. One transaction and one event, so one undo takes all of it back."""

        def body(log: ChangeLog) -> dict[str, Any]:
            batch.accept_suggestions(
                log, self.scheme, annotator=annotator, doc_id=doc_id,
                suggestion_ids=list(accept), doc_sha256=doc_sha256,
            )
            batch.reject_suggestions(
                log, annotator=annotator, doc_id=doc_id, suggestion_ids=list(reject)
            )
            return actions.set_status(
                log, annotator=annotator, doc_id=doc_id, status=status, comment=comment
            )

        # Recorded as the status change it is (undoable like one); its changes list every
        # suggestion it decided.
        row = self._action(
            "set_status", annotator=annotator, actor=None, doc_id=doc_id, body=body
        )
        return StatusRecord(**row)
