"""The database tables, as SQLAlchemy Core objects. The current schema; see migrations.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Timestamps stored as naive UTC on every back end and read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


ID = sa.String(64)
NAME = sa.String(200)

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("doc_id", ID, primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("byline", sa.Text),
    sa.Column("published", sa.String(40)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("n_chars", sa.Integer, nullable=False),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # ingest order, the default queue order
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

annotators = sa.Table(
    "annotators",
    metadata,
    sa.Column("name", NAME, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # human | model | gold | import
    sa.Column("role", sa.String(20), nullable=False),  # annotator | reviewer
    sa.Column("created_at", UTCDateTime, nullable=False),
)

spans = sa.Table(
    "spans",
    metadata,
    sa.Column("span_id", ID, primary_key=True),
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), nullable=False),
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), nullable=False),
    sa.Column("layer", sa.String(50), nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),  # suggested | edited | manual | ...
    sa.Column("attrs", sa.JSON, nullable=False),
    # The document's text hash when the span was made: a later text change is detectable.
    sa.Column("doc_sha256", sa.String(64), nullable=False),
    # The suggestion (or projected/imported span) this one was made from, if any.
    sa.Column("source_span_id", ID),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # A discontinuous span's pieces, [[start, end], ...] sorted; NULL for a span of one piece.
    # start and end stay the outer extent, so every reader of offsets alone keeps working.
    sa.Column("fragments", sa.JSON(none_as_null=True)),
    sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="span_offsets"),
    sa.Index("ix_spans_doc_annotator", "doc_id", "annotator"),
    sa.Index("ix_spans_annotator", "annotator"),
)

relations = sa.Table(
    "relations",
    metadata,
    sa.Column("relation_id", ID, primary_key=True),
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), nullable=False),
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), nullable=False),
    sa.Column("type", sa.String(50), nullable=False),
    sa.Column("head_span_id", ID, sa.ForeignKey("spans.span_id"), nullable=False),
    sa.Column("tail_span_id", ID, sa.ForeignKey("spans.span_id"), nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # A relation's note, as {"note": ...} (brat writes notes on relations); NULL for none.
    sa.Column("attrs", sa.JSON(none_as_null=True)),
    sa.Index("ix_relations_doc_annotator", "doc_id", "annotator"),
    sa.Index("ix_relations_head", "head_span_id"),
    sa.Index("ix_relations_tail", "tail_span_id"),
)

# What a person decided about a model's suggestion: accepted (into span_id) or rejected.
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), primary_key=True),
    sa.Column("suggestion_id", ID, sa.ForeignKey("spans.span_id"), primary_key=True),
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),  # accepted | rejected
    sa.Column("span_id", ID),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    sa.Index("ix_decisions_doc_annotator", "doc_id", "annotator"),
)

doc_status = sa.Table(
    "doc_status",
    metadata,
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), primary_key=True),
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), primary_key=True),
    sa.Column("status", sa.String(20)),  # done | skipped | flagged | NULL (in progress)
    sa.Column("comment", sa.Text),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Time on a document, kept apart from doc_status: it grows while the annotator works and is not
# an action to undo.
work_time = sa.Table(
    "work_time",
    metadata,
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), primary_key=True),
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), primary_key=True),
    sa.Column("seconds_spent", sa.Float, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Append-only: who did what, when, with the rows before and after. Undo and redo are events too.
events = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("annotator", NAME, nullable=False),  # whose annotations changed
    sa.Column("actor", NAME, nullable=False),  # who made the change (a reviewer for gold)
    sa.Column("doc_id", ID),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("undoes", sa.Integer),  # for undo/redo: the event they reverse or repeat
    sa.Index("ix_events_annotator_doc", "annotator", "doc_id", "event_id"),
)

# One row per document parsed by a suggester: the cache key that saves re-parsing.
suggestion_runs = sa.Table(
    "suggestion_runs",
    metadata,
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), primary_key=True),
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), primary_key=True),
    sa.Column("text_sha256", sa.String(64), primary_key=True),
    sa.Column("n_spans", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# How unsure a trained suggester was about one document text (0..1), measured when it parsed
# it: the queue can put the least sure first. Keyed like suggestion_runs, written with them.
suggestion_uncertainty = sa.Table(
    "suggestion_uncertainty",
    metadata,
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), primary_key=True),
    sa.Column("annotator", NAME, sa.ForeignKey("annotators.name"), primary_key=True),
    sa.Column("text_sha256", sa.String(64), primary_key=True),
    sa.Column("uncertainty", sa.Float, nullable=False),
)

# A reviewer's decision on one unit of adjudication (a span every annotator marked alike, or a
# group of overlapping spans they marked differently): the unit's id is its key within the
# document, so two reviewers can never both decide it, and deciding it again replaces the row
# (in the same transaction as the gold spans it wrote).
UNIT_ID = sa.String(160)

adjudications = sa.Table(
    "adjudications",
    metadata,
    sa.Column("doc_id", ID, sa.ForeignKey("documents.doc_id"), primary_key=True),
    sa.Column("unit_id", UNIT_ID, primary_key=True),
    sa.Column("decision_id", ID, nullable=False, unique=True),
    sa.Column("layer", sa.String(50), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),  # agreed | picked | edited | rejected
    sa.Column("chosen", NAME),  # whose version was picked (may have marked nothing)
    sa.Column("reviewer", NAME, sa.ForeignKey("annotators.name"), nullable=False),
    sa.Column("annotators", sa.JSON, nullable=False),  # whose work was merged
    sa.Column("doc_sha256", sa.String(64), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
)

# Which gold spans a decision wrote. A gold span belongs to at most one decision.
adjudicated_spans = sa.Table(
    "adjudicated_spans",
    metadata,
    sa.Column("span_id", ID, sa.ForeignKey("spans.span_id"), primary_key=True),
    sa.Column("doc_id", ID, nullable=False),
    sa.Column("unit_id", UNIT_ID, nullable=False),
    sa.ForeignKeyConstraint(
        ["doc_id", "unit_id"], ["adjudications.doc_id", "adjudications.unit_id"]
    ),
    sa.Index("ix_adjudicated_spans_unit", "doc_id", "unit_id"),
)
