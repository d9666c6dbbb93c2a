"""The Store: the only thing that touches the database.

Every user action is one transaction that writes the new state and an append-only event with
the rows before and after, so undo, audit, time-per-document and crash safety come from one log.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.names import GOLD, check_person_name
from ..core.records import (
    DecisionRecord,
    DocSuggestions,
    Document,
    DocumentsOutcome,
    EventRecord,
    Filters,
    ImportCounts,
    ImportPlan,
    ProjectView,
    RelationRecord,
    SpanRecord,
    StatusRecord,
    UnitDecision,
    from_row,
)
from ..core.scheme import Scheme
from ..errors import StoreError
from . import actions, adjudication, contract, imports
from . import documents as corpus_rows
from . import tables as t
from .changes import ChangeLog
from .engine import create_engine, normalise_url, redact, run_read, run_write
from .migrations import migrate

T = TypeVar("T")

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


class Store:
    """Annotations in a SQLite file (default) or any SQLAlchemy database URL (PostgreSQL).

    >>> store = Store("project.db")                       # doctest: +SKIP
    >>> store = Store("postgresql://user@host/annotate")  # doctest: +SKIP
    """

    def __init__(
        self, path_or_url: str | os.PathLike[str], *, scheme: Scheme | None = None
    ) -> None:
        self.url = normalise_url(path_or_url)
        self.engine = create_engine(self.url)
        migrate(self.engine, url=self.url)
        self._scheme: Scheme | None = None
        if scheme is not None:
            self.set_scheme(scheme)

    def __repr__(self) -> str:
        return f"Store({redact(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    # --- transactions ----------------------------------------------------------------------
    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction (retried whole while the database is busy)."""
        return run_write(self.engine, work, url=self.url)

    def read(self, work: Callable[[Connection], T]) -> T:
        return run_read(self.engine, work, url=self.url)

    def _action(
        self,
        name: str,
        *,
        annotator: str,
        actor: str | None,
        doc_id: str | None,
        body: Callable[[ChangeLog], T],
        doc_of: Callable[[T], str | None] | None = None,
        lock: str | None = None,
    ) -> T:
        """One user action: permission check, the change, and its event, in one transaction.

        Writes to gold first take the document's gold lock (``lock`` names the document when
        ``doc_id`` does not), so reviewers working at once see each other's changes.
        """
        who = actor or annotator
        locked = doc_id if doc_id is not None else lock

        def work(connection: Connection) -> T:
            actions.check_may_write(connection, annotator=annotator, actor=who)
            if annotator == GOLD and locked is not None:
                adjudication.lock_document(connection, locked)
            log = ChangeLog(connection)
            result = body(log)
            if log.items:
                event_doc = doc_id if doc_id is not None else (doc_of(result) if doc_of else None)
                _record_event(
                    connection,
                    annotator=annotator,
                    actor=who,
                    doc_id=event_doc,
                    action=name,
                    payload={"changes": log.items},
                )
            return result

        return self.write(work)

    # --- settings and scheme ---------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        def work(connection: Connection) -> Any:
            value = connection.execute(
                sa.select(t.settings.c.value).where(t.settings.c.key == key)
            ).scalar()
            return default if value is None else value

        return self.read(work)

    def set_setting(self, key: str, value: Any) -> None:
        """Set one project setting; concurrent writers of one key leave the last value (one
        upsert statement, so two first writes cannot collide on the key)."""

        def work(connection: Connection) -> None:
            insert = actions.insert_for(connection)(t.settings).values(key=key, value=value)
            connection.execute(
                insert.on_conflict_do_update(index_elements=["key"], set_={"value": value})
            )

        self.write(work)

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            toml = self.get_setting("scheme_toml")
            self._scheme = Scheme.from_toml(toml, origin="project") if toml else Scheme.default()
        return self._scheme

    def set_scheme(self, scheme: Scheme) -> None:
        self.set_setting("scheme_toml", scheme.source_toml)
        self._scheme = scheme

    # --- annotators ------------------------------------------------------------------------
    def add_annotator(self, name: str, *, kind: str = "human", role: str = "annotator") -> None:
        """Register an annotator; ``role="reviewer"`` may write the adjudicated ``gold``.

        A person's name is checked even when it is registered already, so no role can be
        given to ``gold`` or to a machine annotator through this door.
        """
        if kind == "human":
            check_person_name(name)

        def work(connection: Connection) -> None:
            row = actions.ensure_annotator(connection, name, kind=kind, role=role)
            if row["role"] != role:
                connection.execute(
                    t.annotators.update().where(t.annotators.c.name == name).values(role=role)
                )

        self.write(work)

    def annotators(self) -> list[dict[str, Any]]:
        def work(connection: Connection) -> list[dict[str, Any]]:
            rows = connection.execute(sa.select(t.annotators).order_by(t.annotators.c.name))
            return [dict(row._mapping) for row in rows]

        return self.read(work)

    # --- documents -------------------------------------------------------------------------
    def add_documents(
        self,
        attempt: Callable[[], tuple[Iterable[Document], Callable[[DocumentsOutcome], T]]],
        *,
        update: bool = False,
    ) -> T:
        """Add a stream of documents in one transaction (see :mod:`.documents`).

        ``attempt()`` gives the stream and a ``finish`` that sees the outcome before the
        commit and returns the caller's report; raising in it rolls everything back. It is
        called again if the database was busy and the transaction is retried.
        """

        def work(connection: Connection) -> T:
            stream, finish = attempt()
            return finish(corpus_rows.add_documents(connection, stream, update=update))

        return self.write(work)

    def document(self, doc_id: str) -> Document:
        def work(connection: Connection) -> Document:
            row = connection.execute(
                sa.select(t.documents).where(t.documents.c.doc_id == doc_id)
            ).first()
            if row is None:
                raise StoreError("E101", doc_id=doc_id)
            return _document(row)

        return self.read(work)

    def documents(self) -> list[Document]:
        def work(connection: Connection) -> list[Document]:
            rows = connection.execute(sa.select(t.documents).order_by(t.documents.c.position))
            return [_document(row) for row in rows]

        return self.read(work)

    def iter_documents(self, doc_ids: Iterable[str], *, page: int = 200) -> Iterator[Document]:
        """Yield the given documents in order, reading a page at a time (memory stays flat)."""
        pending: list[str] = []
        for doc_id in doc_ids:
            pending.append(doc_id)
            if len(pending) >= page:
                yield from self._documents_page(pending)
                pending = []
        if pending:
            yield from self._documents_page(pending)

    def _documents_page(self, doc_ids: list[str]) -> list[Document]:
        def work(connection: Connection) -> list[Document]:
            rows = connection.execute(
                sa.select(t.documents).where(t.documents.c.doc_id.in_(doc_ids))
            )
            by_id = {row.doc_id: _document(row) for row in rows}
            missing = [doc_id for doc_id in doc_ids if doc_id not in by_id]
            if missing:
                raise StoreError("E101", doc_id=missing[0])
            return [by_id[doc_id] for doc_id in doc_ids]

        return self.read(work)

    def document_titles(self, *, preview_chars: int = 120) -> list[tuple[str, str]]:
        """(doc_id, title or the text's opening) for every document, in queue order, without
        reading whole texts: what a document list needs on a corpus of any size."""

        def work(connection: Connection) -> list[tuple[str, str]]:
            d = t.documents.c
            query = sa.select(d.doc_id, d.title, sa.func.substr(d.text, 1, preview_chars)).order_by(
                d.position
            )
            return [(row[0], row[1] or row[2]) for row in connection.execute(query)]

        return self.read(work)

    def doc_ids(self) -> list[str]:
        def work(connection: Connection) -> list[str]:
            query = sa.select(t.documents.c.doc_id).order_by(t.documents.c.position)
            return [row.doc_id for row in connection.execute(query)]

        return self.read(work)

    def document_hashes(self) -> dict[str, str]:
        def work(connection: Connection) -> dict[str, str]:
            query = sa.select(t.documents.c.doc_id, t.documents.c.text_sha256)
            return {row.doc_id: row.text_sha256 for row in connection.execute(query)}

        return self.read(work)

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
    ) -> SpanRecord:
        """Mark ``text[start:end]`` (end exclusive) with ``label`` in ``layer``."""
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
            lock=self._gold_document(annotator, span_id=span_id),
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
            lock=self._gold_document(annotator, span_id=span_id),
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
            lock=self._gold_document(annotator, span_id=head_span_id),
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
            lock=self._gold_document(annotator, relation_id=relation_id),
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
        )
        return SpanRecord(**row)

    def reject_suggestion(
        self, suggestion_id: str, *, annotator: str, actor: str | None = None
    ) -> None:
        def body(log: ChangeLog) -> str:
            actions.reject_suggestion(log, annotator=annotator, suggestion_id=suggestion_id)
            return str(actions.span_row(log.connection, suggestion_id)["doc_id"])

        self._action(
            "reject_suggestion",
            annotator=annotator,
            actor=actor,
            doc_id=None,
            body=body,
            doc_of=lambda doc_id: doc_id,
        )

    def accept_all(
        self,
        doc_id: str,
        *,
        annotator: str,
        suggester: str,
        layer: str,
        doc_sha256: str | None = None,
        actor: str | None = None,
    ) -> list[SpanRecord]:
        """Accept every undecided suggestion of one layer in a document: one action, one undo."""

        def body(log: ChangeLog) -> list[dict[str, Any]]:
            accepted = []
            for proposed in _open_suggestions(
                log.connection,
                doc_id=doc_id,
                annotator=annotator,
                suggester=suggester,
                layer=layer,
            ):
                accepted.append(
                    actions.accept_suggestion(
                        log,
                        self.scheme,
                        annotator=annotator,
                        suggestion_id=proposed,
                        doc_sha256=doc_sha256,
                    )
                )
            return accepted

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
            actions.check_may_write(connection, annotator=annotator, actor=annotator)
            actions.document_row(connection, doc_id)
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
            actions.check_may_write(connection, annotator=annotator, actor=who)
            if annotator == GOLD:
                adjudication.lock_document(connection, doc_id)
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
            event_id = _record_event(
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

    # --- adjudication ------------------------------------------------------------------------
    def decide(
        self,
        doc_id: str,
        decision: UnitDecision,
        *,
        reviewer: str,
        seen: str | None = None,
        replace: bool = False,
    ) -> DecisionRecord:
        """Write a reviewer's decision on one unit into gold: one transaction, one event.

        A unit has one decision at most. Deciding it again replaces the decision if it is the
        reviewer's own, if ``seen`` is the id of the decision the reviewer was shown, or with
        ``replace``; a decision someone else made meanwhile is refused naming them (E140).
        """
        return self._action(
            "decide",
            annotator=GOLD,
            actor=reviewer,
            doc_id=doc_id,
            body=lambda log: adjudication.decide(
                log, self.scheme, doc_id=doc_id, decision=decision, reviewer=reviewer,
                seen=seen, replace=replace,
            ),
        )

    def accept_agreements(
        self, doc_id: str, agreements: Sequence[UnitDecision], *, reviewer: str
    ) -> list[SpanRecord]:
        """Write the agreements not yet in gold, and the links every annotator drew between
        agreed spans, in one transaction; return the gold spans written (none when they are
        all there already, as when two reviewers open the document at once)."""
        rows = self._action(
            "accept_agreements",
            annotator=GOLD,
            actor=reviewer,
            doc_id=doc_id,
            body=lambda log: adjudication.accept_agreements(
                log, self.scheme, doc_id=doc_id, agreements=agreements, reviewer=reviewer
            ),
        )
        return [SpanRecord(**row) for row in rows]

    def adjudications(self, *, doc_id: str | None = None) -> list[DecisionRecord]:
        """Every decision on the document (or project), with the gold spans each wrote."""
        return self.read(lambda connection: adjudication.decision_rows(connection, doc_id))

    def _gold_document(
        self, annotator: str, *, span_id: str | None = None, relation_id: str | None = None
    ) -> str | None:
        """The document a gold change touches, for its gold lock (``None`` for others' work,
        and for ids that do not exist: the action then refuses them itself)."""
        if annotator != GOLD:
            return None

        def work(connection: Connection) -> str | None:
            if span_id is not None:
                query = sa.select(t.spans.c.doc_id).where(t.spans.c.span_id == span_id)
            else:
                query = sa.select(t.relations.c.doc_id).where(
                    t.relations.c.relation_id == relation_id
                )
            found = connection.execute(query).scalar()
            return None if found is None else str(found)

        return self.read(work)

    # --- model suggestions -----------------------------------------------------------------
    def suggested_docs(self, suggester: str) -> set[tuple[str, str]]:
        """(doc_id, text hash) of every document text this suggester has already parsed."""

        def work(connection: Connection) -> set[tuple[str, str]]:
            r = t.suggestion_runs.c
            query = sa.select(r.doc_id, r.text_sha256).where(r.annotator == suggester)
            return {(row.doc_id, row.text_sha256) for row in connection.execute(query)}

        return self.read(work)

    def suggesters(self) -> list[str]:
        """Model annotators with suggestions, the most recently run first."""

        def work(connection: Connection) -> list[str]:
            r = t.suggestion_runs.c
            query = (
                sa.select(r.annotator, sa.func.max(r.created_at).label("last"))
                .group_by(r.annotator)
                .order_by(sa.desc("last"), r.annotator)
            )
            return [row.annotator for row in connection.execute(query)]

        return self.read(work)

    def store_suggestions(
        self,
        suggester: str,
        items: Sequence[tuple[Document, DocSuggestions]],
        *,
        origin: str = "model",
    ) -> int:
        """Save a batch of documents' suggestions under the model annotator ``suggester``.

        Suggestions are their own annotator's spans: they never touch a person's work. A document
        parsed again (its text changed) gets its new suggestions beside the old ones, which stay
        tied to the old text hash.
        """
        if not items:
            return 0

        def work(connection: Connection) -> int:
            actions.ensure_annotator(connection, suggester, kind="model")
            now = t.utcnow()
            span_rows: list[dict[str, Any]] = []
            relation_rows: list[dict[str, Any]] = []
            run_rows: list[dict[str, Any]] = []
            for document, suggestions in items:
                ids = {span.key: actions.new_id() for span in suggestions.spans}
                for span in suggestions.spans:
                    span_rows.append(
                        {
                            "span_id": ids[span.key],
                            "doc_id": document.doc_id,
                            "annotator": suggester,
                            "layer": span.layer,
                            "label": span.label,
                            "start": span.start,
                            "end": span.end,
                            "text": document.text[span.start : span.end],
                            "origin": origin,
                            "attrs": span.attrs,
                            "doc_sha256": document.text_sha256,
                            "source_span_id": None,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                for relation in suggestions.relations:
                    relation_rows.append(
                        {
                            "relation_id": actions.new_id(),
                            "doc_id": document.doc_id,
                            "annotator": suggester,
                            "type": relation.type,
                            "head_span_id": ids[relation.head],
                            "tail_span_id": ids[relation.tail],
                            "origin": origin,
                            "created_at": now,
                        }
                    )
                run_rows.append(
                    {
                        "doc_id": document.doc_id,
                        "annotator": suggester,
                        "text_sha256": document.text_sha256,
                        "n_spans": len(suggestions.spans),
                        "created_at": now,
                    }
                )
            if span_rows:
                connection.execute(t.spans.insert(), span_rows)
            if relation_rows:
                connection.execute(t.relations.insert(), relation_rows)
            # A document suggested again on the same text (projections add to earlier ones)
            # keeps one run row, the latest.
            r = t.suggestion_runs.c
            for row in run_rows:
                connection.execute(t.suggestion_runs.delete().where(
                    r.doc_id == row["doc_id"], r.annotator == row["annotator"],
                    r.text_sha256 == row["text_sha256"]))
            connection.execute(t.suggestion_runs.insert(), run_rows)
            return len(span_rows)

        return self.write(work)

    def import_batch(
        self,
        *,
        path: str,
        fmt: str,
        annotators: Sequence[str],
        doc_ids: Mapping[str, str],
        reviewer: str | None,
        plan: Callable[[ProjectView], ImportPlan],
    ) -> ImportCounts:
        """Write one imported file in one transaction; ``plan`` checks its records against
        what the project holds inside that transaction (see :mod:`.imports`)."""
        return self.write(
            lambda connection: imports.import_batch(
                connection, path=path, fmt=fmt, annotators=annotators, doc_ids=doc_ids,
                reviewer=reviewer, plan=plan,
            )
        )

    def open_suggestions(
        self, doc_id: str, *, annotator: str, suggester: str, layer: str | None = None
    ) -> list[SpanRecord]:
        """The suggester's spans on the current text that the annotator has not decided yet."""

        def work(connection: Connection) -> list[SpanRecord]:
            ids = _open_suggestions(
                connection, doc_id=doc_id, annotator=annotator, suggester=suggester, layer=layer
            )
            if not ids:
                return []
            rows = connection.execute(sa.select(t.spans).where(t.spans.c.span_id.in_(ids)))
            by_id = {row.span_id: from_row(SpanRecord, row) for row in rows}
            return [by_id[i] for i in ids]

        return self.read(work)

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

    def contract_rows(self, filters: Filters | None = None) -> dict[str, dict[str, list[Any]]]:
        """The data contract's raw rows as columns (see :mod:`.contract`), in one read."""
        chosen = filters or Filters()
        return self.read(lambda connection: contract.contract_rows(connection, chosen))

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
    def labels_in_use(self) -> dict[tuple[str, str], int]:
        """(layer, label) -> the number of spans with that label."""

        def work(connection: Connection) -> dict[tuple[str, str], int]:
            s = t.spans.c
            query = sa.select(s.layer, s.label, sa.func.count()).group_by(s.layer, s.label)
            return {(layer, label): int(n) for layer, label, n in connection.execute(query)}

        return self.read(work)

    def relation_types_in_use(self) -> dict[str, int]:
        """Relation type -> the number of relations of that type."""

        def work(connection: Connection) -> dict[str, int]:
            r = t.relations.c
            query = sa.select(r.type, sa.func.count()).group_by(r.type)
            return {type_: int(n) for type_, n in connection.execute(query)}

        return self.read(work)

    def attributes_in_use(self) -> dict[tuple[str, str, str | bool | None], int]:
        """(layer, attribute, value) -> the number of spans with it. ``value`` is the value
        where it is a string or a boolean (what choice and bool attributes hold), else None.

        Attributes are JSON, which no portable GROUP BY reaches into, so the spans that have
        any are read and counted here.
        """

        def work(connection: Connection) -> dict[tuple[str, str, str | bool | None], int]:
            s = t.spans.c
            query = sa.select(s.layer, s.attrs).where(sa.cast(s.attrs, sa.Text) != "{}")
            counts: dict[tuple[str, str, str | bool | None], int] = {}
            for layer, attrs in connection.execute(query):
                for name, value in (attrs or {}).items():
                    if value is None:
                        continue
                    kept = value if isinstance(value, (str, bool)) else None
                    counts[(layer, name, kept)] = counts.get((layer, name, kept), 0) + 1
            return counts

        return self.read(work)


# --- helpers ------------------------------------------------------------------------------------


def _document(row: Any) -> Document:
    m = row._mapping
    return Document(
        doc_id=m["doc_id"],
        text=m["text"],
        title=m["title"],
        source=m["source"],
        byline=m["byline"],
        published=m["published"],
        meta=dict(m["meta"] or {}),
    )


def _filter(query: Any, columns: Any, *, doc_id: str | None, annotator: Any) -> Any:
    if doc_id is not None:
        query = query.where(columns.doc_id == doc_id)
    if isinstance(annotator, str):
        query = query.where(columns.annotator == annotator)
    elif annotator is not None:
        query = query.where(columns.annotator.in_(list(annotator)))
    return query


def _record_event(
    connection: Connection,
    *,
    annotator: str,
    actor: str,
    doc_id: str | None,
    action: str,
    payload: dict[str, Any],
    undoes: int | None = None,
) -> int:
    result = connection.execute(
        t.events.insert().values(
            at=t.utcnow(),
            annotator=annotator,
            actor=actor,
            doc_id=doc_id,
            action=action,
            payload=payload,
            undoes=undoes,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


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


def _open_suggestions(
    connection: Connection, *, doc_id: str, annotator: str, suggester: str, layer: str | None
) -> list[str]:
    """Ids of the suggester's spans on the document's current text not yet decided by the
    annotator, nor identical to a span the annotator already has."""
    s = t.spans.c
    d = t.decisions.c
    doc = actions.document_row(connection, doc_id)
    query = (
        sa.select(s.span_id, s.layer, s.label, s.start, s.end)
        .where(s.doc_id == doc_id, s.annotator == suggester, s.doc_sha256 == doc["text_sha256"])
        .where(~sa.exists().where(d.annotator == annotator, d.suggestion_id == s.span_id))
        .order_by(s.start, s.end)
    )
    if layer is not None:
        query = query.where(s.layer == layer)
    own = {
        (row.layer, row.label, row.start, row.end)
        for row in connection.execute(
            sa.select(s.layer, s.label, s.start, s.end).where(
                s.doc_id == doc_id, s.annotator == annotator
            )
        )
    }
    return [
        row.span_id
        for row in connection.execute(query)
        if (row.layer, row.label, row.start, row.end) not in own
    ]
