"""Carrying adjudication records of earlier versions into the adjudication tables (migration 3).

Before version 3 a decision lived in two places: a note in each gold span's attributes
(``_adjudication``: unit, decision, reviewer, whose spans) and, for decisions that wrote no
span (a rejection, or picking someone who marked nothing), a JSON record per document in the
settings table under ``review:<doc_id>``. Both are read here into ``adjudications`` rows, the
gold spans are linked to their decision, the settings records are removed, and gold spans that
concurrent reviewers wrote twice are merged into one so the new unique index can be built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import tables as t

NOTE_KEY = "_adjudication"
REVIEW_PREFIX = "review:"


def move_adjudication_into_tables(connection: Connection) -> None:
    _merge_duplicate_gold_spans(connection)
    known: set[tuple[str, str]] = set()
    _decisions_from_gold_notes(connection, known)
    _decisions_from_review_settings(connection, known)


def _merge_duplicate_gold_spans(connection: Connection) -> None:
    s = t.spans.c
    rows = connection.execute(
        sa.select(s.span_id, s.doc_id, s.layer, s.label, s.start, s.end, s.doc_sha256)
        .where(s.annotator == "gold")
        .order_by(s.created_at, s.span_id)
    ).all()
    keep: dict[tuple[Any, ...], str] = {}
    for row in rows:
        key = (row.doc_id, row.layer, row.label, row.start, row.end, row.doc_sha256)
        kept = keep.setdefault(key, row.span_id)
        if kept == row.span_id:
            continue
        r = t.relations.c
        connection.execute(
            t.relations.update().where(r.head_span_id == row.span_id).values(head_span_id=kept)
        )
        connection.execute(
            t.relations.update().where(r.tail_span_id == row.span_id).values(tail_span_id=kept)
        )
        connection.execute(t.spans.delete().where(s.span_id == row.span_id))
    # Links that now say the same thing twice keep their first row.
    r = t.relations.c
    seen: set[tuple[str, str, str, str]] = set()
    for relation in connection.execute(
        sa.select(r.relation_id, r.doc_id, r.type, r.head_span_id, r.tail_span_id)
        .where(r.annotator == "gold")
        .order_by(r.created_at, r.relation_id)
    ).all():
        identity = (relation.doc_id, relation.type, relation.head_span_id, relation.tail_span_id)
        if identity in seen:
            connection.execute(t.relations.delete().where(r.relation_id == relation.relation_id))
        seen.add(identity)


def _extent(unit_id: str, fallback: tuple[str, int, int]) -> tuple[str, int, int]:
    """A unit id reads ``layer:start-end:digest``."""
    try:
        layer, offsets, _digest = unit_id.rsplit(":", 2)
        start, end = (int(part) for part in offsets.split("-"))
    except ValueError:
        return fallback
    return layer, start, end


def _ensure_reviewer(connection: Connection, name: str, when: dt.datetime) -> None:
    found = connection.execute(
        sa.select(t.annotators.c.name).where(t.annotators.c.name == name)
    ).first()
    if found is None:
        connection.execute(
            t.annotators.insert().values(name=name, kind="human", role="reviewer", created_at=when)
        )


def _insert_decision(
    connection: Connection,
    known: set[tuple[str, str]],
    *,
    doc_id: str,
    unit_id: str,
    note: dict[str, Any],
    extent: tuple[str, int, int],
    sha: str,
    when: dt.datetime,
) -> None:
    if (doc_id, unit_id) in known:
        return
    known.add((doc_id, unit_id))
    reviewer = str(note.get("by") or "unknown reviewer")
    _ensure_reviewer(connection, reviewer, when)
    layer, start, end = _extent(unit_id, extent)
    annotators = note.get("annotators")
    connection.execute(
        t.adjudications.insert().values(
            doc_id=doc_id,
            unit_id=unit_id,
            decision_id=uuid.uuid4().hex,
            layer=layer,
            start=start,
            end=end,
            decision=str(note.get("decision") or "picked"),
            chosen=note.get("chosen") if isinstance(note.get("chosen"), str) else None,
            reviewer=reviewer,
            annotators=[str(a) for a in annotators] if isinstance(annotators, list) else [],
            doc_sha256=sha,
            decided_at=when,
        )
    )


def _decisions_from_gold_notes(connection: Connection, known: set[tuple[str, str]]) -> None:
    s = t.spans.c
    for span in connection.execute(
        sa.select(s.span_id, s.doc_id, s.layer, s.start, s.end, s.attrs, s.doc_sha256,
                  s.created_at)
        .where(s.annotator == "gold")
        .order_by(s.created_at, s.span_id)
    ).all():
        note = (span.attrs or {}).get(NOTE_KEY)
        if not isinstance(note, dict):
            continue
        unit_id = note.get("unit")
        if not isinstance(unit_id, str) or not unit_id:
            continue
        when = span.created_at or t.utcnow()
        _insert_decision(
            connection,
            known,
            doc_id=span.doc_id,
            unit_id=unit_id,
            note=note,
            extent=(span.layer, span.start, span.end),
            sha=span.doc_sha256,
            when=when,
        )
        connection.execute(
            t.adjudicated_spans.insert().values(
                span_id=span.span_id, doc_id=span.doc_id, unit_id=unit_id
            )
        )


def _decisions_from_review_settings(connection: Connection, known: set[tuple[str, str]]) -> None:
    st = t.settings.c
    records = connection.execute(
        sa.select(st.key, st.value).where(st.key.like(REVIEW_PREFIX + "%"))
    ).all()
    if not records:
        return
    d = t.documents.c
    documents = {row.doc_id: row.text_sha256 for row in connection.execute(
        sa.select(d.doc_id, d.text_sha256))}
    # Long document ids were stored under the hash of the id.
    hashed = {
        "sha256:" + hashlib.sha256(doc_id.encode("utf-8")).hexdigest(): doc_id
        for doc_id in documents
    }
    empties: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for record in records:
        suffix = record.key[len(REVIEW_PREFIX):]
        doc_id = suffix if suffix in documents else hashed.get(suffix)
        value = record.value if isinstance(record.value, dict) else {}
        empty = value.get("empty")
        if doc_id is not None and isinstance(empty, dict):
            for unit_id, note in empty.items():
                if isinstance(unit_id, str) and isinstance(note, dict):
                    empties[doc_id].append((unit_id, note))
        connection.execute(t.settings.delete().where(st.key == record.key))
    for doc_id, notes in empties.items():
        for unit_id, note in notes:
            when = _parse_time(note.get("at"))
            _insert_decision(
                connection,
                known,
                doc_id=doc_id,
                unit_id=unit_id,
                note={"decision": "rejected", **note},
                extent=("", 0, 0),
                sha=documents[doc_id],
                when=when,
            )


def _parse_time(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return t.utcnow()
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return t.utcnow()
