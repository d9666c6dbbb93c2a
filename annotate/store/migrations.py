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


def _version_1_tables() -> list[sa.Table]:
    """The version-1 tables. Most are as tables.py defines them; ``spans`` and ``relations``
    are frozen here as they were before migration 6 gave them columns."""
    frozen = sa.MetaData()
    t.documents.to_metadata(frozen)
    t.annotators.to_metadata(frozen)
    spans = sa.Table(
        "spans",
        frozen,
        sa.Column("span_id", t.ID, primary_key=True),
        sa.Column("doc_id", t.ID, sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("annotator", t.NAME, sa.ForeignKey("annotators.name"), nullable=False),
        sa.Column("layer", sa.String(50), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("attrs", sa.JSON, nullable=False),
        sa.Column("doc_sha256", sa.String(64), nullable=False),
        sa.Column("source_span_id", t.ID),
        sa.Column("created_at", t.UTCDateTime, nullable=False),
        sa.Column("updated_at", t.UTCDateTime, nullable=False),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="span_offsets"),
        sa.Index("ix_spans_doc_annotator", "doc_id", "annotator"),
        sa.Index("ix_spans_annotator", "annotator"),
    )
    relations = sa.Table(
        "relations",
        frozen,
        sa.Column("relation_id", t.ID, primary_key=True),
        sa.Column("doc_id", t.ID, sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("annotator", t.NAME, sa.ForeignKey("annotators.name"), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("head_span_id", t.ID, sa.ForeignKey("spans.span_id"), nullable=False),
        sa.Column("tail_span_id", t.ID, sa.ForeignKey("spans.span_id"), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("created_at", t.UTCDateTime, nullable=False),
        sa.Index("ix_relations_doc_annotator", "doc_id", "annotator"),
        sa.Index("ix_relations_head", "head_span_id"),
        sa.Index("ix_relations_tail", "tail_span_id"),
    )
    rest = [
        table.to_metadata(frozen)
        for table in (t.settings, t.decisions, t.doc_status, t.work_time, t.events,
                      t.suggestion_runs)
    ]
    return [frozen.tables["documents"], frozen.tables["annotators"], spans, relations, *rest]


def _initial_schema(connection: Connection) -> None:
    # The version-1 shape, whatever tables.py says now: later migrations change it from there.
    tables = _version_1_tables()
    tables[0].metadata.create_all(connection, tables=tables)


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


def _fragments_and_relation_notes(connection: Connection) -> None:
    # Discontinuous spans keep their pieces (spans.fragments) beside their outer extent, which
    # stays in start/end; relations get attributes for their notes. Both NULL on every row
    # that exists: a span of one piece, a relation without a note.
    json_type = sa.JSON().compile(dialect=connection.dialect)
    connection.execute(sa.text(f"ALTER TABLE spans ADD COLUMN fragments {json_type}"))
    connection.execute(sa.text(f"ALTER TABLE relations ADD COLUMN attrs {json_type}"))


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
    Migration(6, "fragments of discontinuous spans, notes on relations",
              _fragments_and_relation_notes),
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
