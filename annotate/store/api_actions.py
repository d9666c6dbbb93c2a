"""The Store's user actions, each one transaction with its event, and their undo and redo.

Every action checks who may write, changes rows through a :class:`.changes.ChangeLog` (the
functions of :mod:`.actions`) and records the event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.names import GOLD
from ..core.records import (
    EventRecord,
    RelationRecord,
    SpanRecord,
    StatusRecord,
    from_row,
)
from ..errors import StoreError
from . import actions, adjudication, batch, checks
from . import tables as t
from .base import StoreBase, document_of, record_event
from .changes import ChangeLog

UNDOABLE = frozenset(
    {
        "add_span",
        "update_span",
        "delete_span",
        "add_relation",
        "delete_relation",
        "accept_suggestion",
        "reject_suggestion",
        "accept_all",
        "set_status",
        "decide",
    }
)







class ActionMethods(StoreBase):
    # --- user actions ----------------------------------------------------------------------
    def add_span(
        self,
        *,
        annotator: str,
        doc_id: str,
        layer: str,
        label: str,
        start: int,
        end: int,
        attrs: dict[str, Any] | None = None,
        doc_sha256: str | None = None,
        actor: str | None = None,
        fragments: list[list[int]] | None = None,
    ) -> SpanRecord:
        """Mark ``text[start:end]`` (end exclusive) with ``label`` in ``layer``; a
        discontinuous span gives its pieces in ``fragments`` (``[[start, end], ...]``, from
        ``start`` to ``end``; see :mod:`annotate.core.fragments`)."""
        row = self._action(
            "add_span",
            annotator=annotator,
            actor=actor,
            doc_id=doc_id,
            body=lambda log: actions.add_span(
                log,
                self.scheme,
                annotator=annotator,
                doc_id=doc_id,
                layer=layer,
                label=label,
                start=start,
                end=end,
                attrs=attrs,
                doc_sha256=doc_sha256,
                fragments=fragments,
            ),
        )
        return SpanRecord(**row)

    def update_span(
        self,
        span_id: str,
        *,
        annotator: str,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        attrs: dict[str, Any] | None = None,
        doc_sha256: str | None = None,
        actor: str | None = None,
    ) -> SpanRecord:
        """Change a span's label, boundaries or attributes (``None`` attribute values unset)."""
        row = self._action(
            "update_span",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=lambda log: actions.update_span(
                log,
                self.scheme,
                annotator=annotator,
                actor=actor or annotator,
                span_id=span_id,
                label=label,
                start=start,
                end=end,
                attrs=attrs,
                doc_sha256=doc_sha256,
            ),
            doc_of=lambda row: row["doc_id"],
            lock=document_of(span_id=span_id),
        )
        return SpanRecord(**row)

    def delete_span(self, span_id: str, *, annotator: str, actor: str | None = None) -> None:
        self._action(
            "delete_span",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=lambda log: actions.delete_span(
                log, annotator=annotator, actor=actor or annotator, span_id=span_id
            ),
            doc_of=lambda row: row["doc_id"],
            lock=document_of(span_id=span_id),
        )

    def add_relation(
        self,
        type: str,
        head_span_id: str,
        tail_span_id: str,
        *,
        annotator: str,
        actor: str | None = None,
    ) -> RelationRecord:
        """Link two of the annotator's spans, e.g. ``add_relation("said_by", quote, source)``."""
        row = self._action(
            "add_relation",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=lambda log: actions.add_relation(
                log,
                self.scheme,
                annotator=annotator,
                actor=actor or annotator,
                type=type,
                head_span_id=head_span_id,
                tail_span_id=tail_span_id,
            ),
            doc_of=lambda row: row["doc_id"],
            lock=document_of(span_id=head_span_id),
        )
        return RelationRecord(**row)

    def delete_relation(
        self, relation_id: str, *, annotator: str, actor: str | None = None
    ) -> None:
        self._action(
            "delete_relation",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=lambda log: actions.delete_relation(
                log, annotator=annotator, actor=actor or annotator, relation_id=relation_id
            ),
            doc_of=lambda row: row["doc_id"],
            lock=document_of(relation_id=relation_id),
        )

    def accept_suggestion(
        self,
        suggestion_id: str,
        *,
        annotator: str,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        attrs: dict[str, Any] | None = None,
        doc_sha256: str | None = None,
        actor: str | None = None,
    ) -> SpanRecord:
        """Take a suggestion into the annotator's work, as it is or changed."""
        row = self._action(
            "accept_suggestion",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=lambda log: actions.accept_suggestion(
                log,
                self.scheme,
                annotator=annotator,
                suggestion_id=suggestion_id,
                label=label,
                start=start,
                end=end,
                attrs=attrs,
                doc_sha256=doc_sha256,
            ),
            doc_of=lambda row: row["doc_id"],
            lock=document_of(span_id=suggestion_id),
        )
        return SpanRecord(**row)

    def reject_suggestion(
        self, suggestion_id: str, *, annotator: str, actor: str | None = None
    ) -> None:
        def body(log: ChangeLog) -> str:
            actions.reject_suggestion(log, annotator=annotator, suggestion_id=suggestion_id)
            return str(checks.span_row(log.connection, suggestion_id)["doc_id"])

        self._action(
            "reject_suggestion",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=body,
            doc_of=lambda doc_id: doc_id,
            lock=document_of(span_id=suggestion_id),
        )

    def accept_all(
        self,
        doc_id: str,
        *,
        annotator: str,
        suggester: str,
        layer: str,
        only: Collection[str] | None = None,
        doc_sha256: str | None = None,
        actor: str | None = None,
    ) -> list[SpanRecord]:
        """Accept every undecided suggestion of one layer in a document (of those in ``only``,
        when given: what the annotator is shown): one action, one undo. The suggestions are
        checked one by one as :meth:`accept_suggestion` checks them, and written in a batch
        (see :mod:`.batch`)."""

        def body(log: ChangeLog) -> list[dict[str, Any]]:
            ids = actions.open_suggestion_ids(
                log.connection, doc_id=doc_id, annotator=annotator, suggester=suggester,
                layer=layer,
            )
            if only is not None:
                ids = [i for i in ids if i in only]
            return batch.accept_suggestions(
                log, self.scheme, annotator=annotator, doc_id=doc_id, suggestion_ids=ids,
                doc_sha256=doc_sha256,
            )

        rows = self._action(
            "accept_all", annotator=annotator, actor=actor, doc_id=doc_id, body=body
        )
        return [SpanRecord(**row) for row in rows]

    def set_status(
        self,
        doc_id: str,
        status: str | None,
        *,
        annotator: str,
        comment: str | None = None,
        actor: str | None = None,
    ) -> StatusRecord:
        """Mark a document ``done``, ``skipped`` or ``flagged`` (with a comment), or ``None``."""
        row = self._action(
            "set_status",
            annotator=annotator,
            actor=actor,
            doc_id=doc_id,
            body=lambda log: actions.set_status(
                log, annotator=annotator, doc_id=doc_id, status=status, comment=comment
            ),
        )
        return StatusRecord(**row)

    def add_time(self, doc_id: str, seconds: float, *, annotator: str) -> float:
        """Add working time on a document; returns the new total in seconds."""

        def work(connection: Connection) -> float:
            checks.check_may_write(connection, annotator=annotator, actor=annotator)
            checks.document_row(connection, doc_id)
            w = t.work_time.c
            key = sa.and_(w.doc_id == doc_id, w.annotator == annotator)
            total = connection.execute(sa.select(w.seconds_spent).where(key)).scalar()
            new_total = float(total or 0.0) + max(0.0, float(seconds))
            values = {"seconds_spent": new_total, "updated_at": t.utcnow()}
            if total is None:
                connection.execute(
                    t.work_time.insert().values(doc_id=doc_id, annotator=annotator, **values)
                )
            else:
                connection.execute(t.work_time.update().where(key).values(**values))
            return new_total

        return self.write(work)

    # --- undo and redo ---------------------------------------------------------------------
    def undo(self, doc_id: str, *, annotator: str, actor: str | None = None) -> EventRecord:
        """Reverse the annotator's last action on the document (recorded as an event)."""
        return self._replay(doc_id, annotator=annotator, actor=actor, redo=False)

    def redo(self, doc_id: str, *, annotator: str, actor: str | None = None) -> EventRecord:
        """Repeat the last undone action, if nothing was done since."""
        return self._replay(doc_id, annotator=annotator, actor=actor, redo=True)

    def can_undo(
        self, doc_id: str, *, annotator: str, actor: str | None = None
    ) -> tuple[bool, bool]:
        """(something to undo, something to redo) for the annotator; on gold, for the
        reviewer ``actor`` (each reviewer undoes their own gold changes only)."""
        by = (actor or annotator) if annotator == GOLD else None
        done, undone = self.read(
            lambda c: _undo_stacks(c, annotator=annotator, doc_id=doc_id, actor=by)
        )
        return bool(done), bool(undone)

    def _replay(self, doc_id: str, *, annotator: str, actor: str | None, redo: bool) -> EventRecord:
        who = actor or annotator
        by = who if annotator == GOLD else None

        def work(connection: Connection) -> EventRecord:
            checks.check_may_write(connection, annotator=annotator, actor=who)
            adjudication.lock_document(connection, doc_id, annotator=annotator)
            done, undone = _undo_stacks(connection, annotator=annotator, doc_id=doc_id, actor=by)
            stack = undone if redo else done
            if not stack:
                raise StoreError("E112" if redo else "E111", annotator=annotator, doc_id=doc_id)
            target = stack[-1]
            original = connection.execute(
                sa.select(t.events.c.payload).where(t.events.c.event_id == target)
            ).scalar_one()
            log = ChangeLog(connection)
            try:
                log.replay(original["changes"], reverse=not redo)
            except StoreError as exc:
                if exc.code != "E113" or by is None:
                    raise
                raise _changed_by_another(connection, doc_id, target, who) from exc
            event_id = record_event(
                connection,
                annotator=annotator,
                actor=who,
                doc_id=doc_id,
                action="redo" if redo else "undo",
                payload={"changes": log.items},
                undoes=target,
            )
            row = connection.execute(
                sa.select(t.events).where(t.events.c.event_id == event_id)
            ).one()
            return from_row(EventRecord, row)  # type: ignore[no-any-return]

        return self.write(work)


def _undo_stacks(
    connection: Connection, *, annotator: str, doc_id: str, actor: str | None = None
) -> tuple[list[int], list[int]]:
    """Replay the log of one annotator on one document into (undoable, redoable) event ids;
    with ``actor``, only the changes that person made (each reviewer's own stack on gold)."""
    e = t.events.c
    query = (
        sa.select(e.event_id, e.action, e.undoes)
        .where(e.annotator == annotator, e.doc_id == doc_id)
        .order_by(e.event_id)
    )
    if actor is not None:
        query = query.where(e.actor == actor)
    rows = connection.execute(query)
    done: list[int] = []
    undone: list[int] = []
    for row in rows:
        if row.action == "undo" and done and done[-1] == row.undoes:
            undone.append(done.pop())
        elif row.action == "redo" and undone and undone[-1] == row.undoes:
            done.append(undone.pop())
        elif row.action in UNDOABLE:
            done.append(row.event_id)
            undone.clear()
    return done, undone



def _changed_by_another(
    connection: Connection, doc_id: str, target: int, who: str
) -> StoreError:
    """E141 naming the last other reviewer to change the document's gold after ``target``."""
    e = t.events.c
    later = connection.execute(
        sa.select(e.actor, e.action, e.at)
        .where(e.annotator == GOLD, e.doc_id == doc_id, e.event_id > target, e.actor != who)
        .order_by(e.event_id.desc())
        .limit(1)
    ).first()
    if later is None:
        return StoreError("E113", detail="the gold spans it wrote were changed since")
    return StoreError(
        "E141", doc_id=doc_id, who=later.actor, action=later.action,
        at=f"{later.at:%Y-%m-%d %H:%M:%S} UTC",
    )
