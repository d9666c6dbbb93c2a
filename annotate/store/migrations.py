"""Recorded schema migrations.

Every database remembers which migrations it has had in ``schema_migrations``. A new database
gets each migration in order; an existing one gets those it lacks, in order; a database written by a
newer version of the package is refused (E114) rather than misread.

A migration is a function of a connection, run in its own transaction. Migrations never change
once released: a schema change is a new migration appended to :data:`MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from . import tables as t
from .engine import redact


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _initial_schema(connection: Connection) -> None:
    # Builds the version-1 tables from tables.py. When a later migration alters one of them,
    # this function must go on building the version-1 shape: freeze a copy of it here then.
    initial = [
        t.settings,
        t.documents,
        t.annotators,
        t.spans,
        t.relations,
        t.decisions,
        t.doc_status,
        t.work_time,
        t.events,
        t.suggestion_runs,
    ]
    t.metadata.create_all(connection, tables=initial)


def _events_by_document_index(connection: Connection) -> None:
    # The audit trail and time-per-document read a document's events in time order.
    # Plain DDL: an sa.Index bound to t.events would join the table's metadata and be created
    # again by the initial migration of the next new database.
    connection.execute(sa.text("CREATE INDEX ix_events_doc_at ON events (doc_id, at)"))


def _adjudication_in_the_store(connection: Connection) -> None:
    # Reviewers' decisions become rows with a key per unit, and gold can hold a span only once;
    # what earlier versions kept beside gold (decision notes on gold spans, rejections in
    # "review:<doc>" settings) is carried into the new tables. See adjudication_migration.py.
    from .adjudication_migration import move_adjudication_into_tables

    t.metadata.create_all(connection, tables=[t.adjudications, t.adjudicated_spans])
    move_adjudication_into_tables(connection)
    connection.execute(
        sa.text(
            'CREATE UNIQUE INDEX ux_gold_spans ON spans (doc_id, layer, label, "start", "end", '
            "doc_sha256) WHERE annotator = 'gold'"
        )
    )


def _indexes_for_large_projects(connection: Connection) -> None:
    # Reading a project of a million documents in queue order, a page at a time (exports,
    # tables, the status overview), and counting each annotator's statuses, without sorting
    # or scanning whole tables. Plain DDL, as in migration 2.
    connection.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_documents_position ON documents (position, doc_id)")
    )
    connection.execute(
        sa.text(
            "CREATE INDEX IF NOT EXISTS ix_doc_status_annotator ON doc_status (annotator, status)"
        )
    )


def _queue_indexes(connection: Connection) -> None:
    # The annotator's widget reads the queue a page at a time (documents around the open one,
    # in position order) and counts one annotator's statuses. Migration 4 makes the same
    # indexes (for reading large projects in pages) under the same names: IF NOT EXISTS, so
    # where migration 4 made them this step changes nothing.
    connection.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_documents_position ON documents (position)")
    )
    connection.execute(
        sa.text(
            "CREATE INDEX IF NOT EXISTS ix_doc_status_annotator ON doc_status (annotator, status)"
        )
    )


def _suggestion_uncertainty(connection: Connection) -> None:
    # Kept per document text beside the suggestion runs, not in a settings blob: a million
    # documents' values are rows written with their suggestions, read by one indexed query.
    t.metadata.create_all(connection, tables=[t.suggestion_uncertainty])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial_schema),
    Migration(2, "index events by document and time", _events_by_document_index),
    Migration(3, "adjudication decisions in their own tables", _adjudication_in_the_store),
    Migration(4, "indexes for reading large projects in pages", _indexes_for_large_projects),
    Migration(5, "index the queue order and each annotator's statuses", _queue_indexes),
    Migration(7, "how unsure a trained suggester was about each document", _suggestion_uncertainty),
)
LATEST = MIGRATIONS[-1].version


def current_version(connection: Connection) -> int:
    if not sa.inspect(connection).has_table("schema_migrations"):
        return 0
    found = connection.execute(sa.select(sa.func.max(t.schema_migrations.c.version))).scalar()
    return int(found or 0)


def applied_versions(connection: Connection) -> set[int]:
    if not sa.inspect(connection).has_table("schema_migrations"):
        return set()
    return {int(v) for v in connection.execute(sa.select(t.schema_migrations.c.version)).scalars()}


def migrate(engine: Engine, *, url: str, target: int = LATEST) -> list[int]:
    """Bring the database up to ``target``; return the versions applied."""
    applied: list[int] = []
    with engine.connect() as connection:
        connection.execution_options(annotate_write=True)
        with connection.begin():
            _lock(connection)
            t.schema_migrations.create(connection, checkfirst=True)
            done = applied_versions(connection)
            found = max(done, default=0)
            if found > LATEST:
                raise StoreError("E114", url=redact(url), found=found, known=LATEST)
            for migration in MIGRATIONS:
                # Each migration the database lacks, not only those above its newest: versions
                # are numbered when work starts, so one may land after a higher one.
                if migration.version not in done and migration.version <= target:
                    migration.apply(connection)
                    connection.execute(
                        t.schema_migrations.insert().values(
                            version=migration.version, name=migration.name, applied_at=t.utcnow()
                        )
                    )
                    applied.append(migration.version)
    return applied


def _lock(connection: Connection) -> None:
    """Keep two processes opening a new database at once from migrating it twice."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(7714201)"))
    # SQLite: the write transaction (BEGIN IMMEDIATE) already holds the database's write lock.
