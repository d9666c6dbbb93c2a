"""The Store's foundation: the connection, transactions, one action's frame, settings,
the scheme and who the annotators are. The Store's other methods, grouped by job, build on it
(see :mod:`.store`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.names import check_person_name
from ..core.scheme import Scheme
from ..errors import SchemeError
from . import adjudication, checks
from . import tables as t
from .changes import ChangeLog
from .engine import create_engine, normalise_url, redact, refuse_read_only, run_read, run_write
from .migrations import migrate

T = TypeVar("T")


class StoreBase:
    """The connection and the transaction frame every group of the Store's methods uses."""

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

    def check_writable(self) -> None:
        """Raise E129 now if the project cannot be written, before a long job reads anything."""
        refuse_read_only(self.engine, url=self.url)

    def _action(
        self,
        name: str,
        *,
        annotator: str,
        actor: str | None,
        doc_id: str | None,
        body: Callable[[ChangeLog], T],
        doc_of: Callable[[T], str | None] | None = None,
        lock: str | Callable[[Connection], str | None] | None = None,
    ) -> T:
        """One user action: permission check, the change, and its event, in one transaction.

        Writes first take the lock of the annotator's work on the document (``lock`` names
        the document when ``doc_id`` does not), so two writers at once, such as reviewers on
        gold or one person's two widgets, see each other's changes before they check theirs.
        """
        who = actor or annotator

        def work(connection: Connection) -> T:
            checks.check_may_write(connection, annotator=annotator, actor=who)
            locked = doc_id if doc_id is not None else lock
            if callable(locked):
                # Only PostgreSQL takes a lock (SQLite's writer holds the database's): only
                # there is the document looked up.
                postgres = connection.dialect.name == "postgresql"
                locked = locked(connection) if postgres else None
            if locked is not None:
                adjudication.lock_document(connection, locked, annotator=annotator)
            log = ChangeLog(connection)
            result = body(log)
            if log.items:
                event_doc = doc_id if doc_id is not None else (doc_of(result) if doc_of else None)
                record_event(
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
            insert = checks.insert_for(connection)(t.settings).values(key=key, value=value)
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

    def set_scheme(
        self, scheme: Scheme, *, allow_orphans: bool = False, origin: str = ""
    ) -> None:
        """Give the project ``scheme``. One that leaves out layers, labels, relation types,
        attributes or values the project's annotations use is refused (E733, listing each
        with its count) unless ``allow_orphans``; those annotations then stay as they are."""
        if not allow_orphans:
            orphans = scheme.orphans(
                labels=self.labels_in_use(),
                relation_types=self.relation_types_in_use(),
                attributes=self.attributes_in_use(),
            )
            if orphans:
                shown = origin or f"{scheme.name!r} (version {scheme.version})"
                raise SchemeError("E733", origin=shown, listed="; ".join(orphans))
        self.set_setting("scheme_toml", scheme.source_toml)
        self._scheme = scheme

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

    # --- annotators ------------------------------------------------------------------------
    def add_annotator(self, name: str, *, kind: str = "human", role: str = "annotator") -> None:
        """Register an annotator; ``role="reviewer"`` may write the adjudicated ``gold``.

        A person's name is checked even when it is registered already, so no role can be
        given to ``gold`` or to a machine annotator through this door.
        """
        if kind == "human":
            check_person_name(name)

        def work(connection: Connection) -> None:
            row = checks.ensure_annotator(connection, name, kind=kind, role=role)
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


def document_of(
    *, span_id: str | None = None, relation_id: str | None = None
) -> Callable[[Connection], str | None]:
    """Finds, inside an action's transaction, the document of the span or relation it changes,
    for the lock of the annotator's work there (``None`` for an id that does not exist: the
    action then refuses it itself)."""

    def find(connection: Connection) -> str | None:
        if span_id is not None:
            query = sa.select(t.spans.c.doc_id).where(t.spans.c.span_id == span_id)
        else:
            query = sa.select(t.relations.c.doc_id).where(t.relations.c.relation_id == relation_id)
        found = connection.execute(query).scalar()
        return None if found is None else str(found)

    return find


def record_event(
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
