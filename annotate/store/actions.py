"""User actions on annotations, each a function of one open write transaction.

Every function here checks its input against the document and the scheme, changes rows through
a :class:`ChangeLog` and returns what the caller shows. The :class:`~annotate.store.Store` wraps
each in one transaction together with its event, so an action is saved whole or not at all.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import fragments as pieces
from ..core.scheme import Scheme
from ..errors import PermissionDenied, StoreError
from . import tables as t
from .changes import ChangeLog
from .checks import (
    HUMAN_KINDS,
    annotator_row,
    check_hash,
    check_offsets,
    check_overlap,
    document_row,
    new_id,
    owned_span,
    span_row,
)

STATUSES = ("done", "skipped", "flagged")
# Machine metadata that stays with the suggestion, not with the person's span.
SUGGESTION_ONLY_ATTRS = ("reason", "confidence")


# --- actions ------------------------------------------------------------------------------------


def add_span(
    log: ChangeLog,
    scheme: Scheme,
    *,
    annotator: str,
    doc_id: str,
    layer: str,
    label: str,
    start: int,
    end: int,
    attrs: dict[str, Any] | None = None,
    origin: str = "manual",
    doc_sha256: str | None = None,
    source_span_id: str | None = None,
    fragments: list[list[int]] | None = None,
) -> dict[str, Any]:
    connection = log.connection
    scheme.check_label(layer, label)
    attrs = dict(attrs or {})
    scheme.check_attrs(layer, attrs)
    document = document_row(connection, doc_id)
    check_hash(document, doc_sha256)
    check_offsets(document, start, end)
    problem = pieces.problem(start, end, fragments)
    if problem is not None:
        raise StoreError("E358", start=start, end=end, doc_id=doc_id, detail=problem)
    check_overlap(
        connection, scheme, doc_id=doc_id, annotator=annotator, layer=layer, start=start, end=end
    )
    now = t.utcnow()
    row = {
        "span_id": new_id(),
        "doc_id": doc_id,
        "annotator": annotator,
        "layer": layer,
        "label": label,
        "start": start,
        "end": end,
        "text": document["text"][start:end],
        "origin": origin,
        "attrs": attrs,
        "doc_sha256": document["text_sha256"],
        "source_span_id": source_span_id,
        "created_at": now,
        "updated_at": now,
        "fragments": pieces.normalise(fragments) if fragments else None,
    }
    log.insert(t.spans, row)
    return row


def update_span(
    log: ChangeLog,
    scheme: Scheme,
    *,
    annotator: str,
    actor: str,
    span_id: str,
    label: str | None = None,
    start: int | None = None,
    end: int | None = None,
    attrs: dict[str, Any] | None = None,
    doc_sha256: str | None = None,
) -> dict[str, Any]:
    connection = log.connection
    before = owned_span(connection, span_id, annotator=annotator, actor=actor)
    after = dict(before)
    document = document_row(connection, before["doc_id"])
    check_hash(document, doc_sha256)
    if label is not None:
        scheme.check_label(before["layer"], label)
        after["label"] = label
    if start is not None or end is not None:
        new_start = before["start"] if start is None else start
        new_end = before["end"] if end is None else end
        check_offsets(document, new_start, new_end)
        check_overlap(
            connection,
            scheme,
            doc_id=before["doc_id"],
            annotator=annotator,
            layer=before["layer"],
            start=new_start,
            end=new_end,
            ignore=span_id,
        )
        after.update(
            start=new_start,
            end=new_end,
            text=document["text"][new_start:new_end],
            doc_sha256=document["text_sha256"],
            # A discontinuous span keeps the pieces that lie in its new extent.
            fragments=pieces.clip(before.get("fragments"), new_start, new_end),
        )
    if attrs is not None:
        merged = {**before["attrs"], **attrs}
        merged = {k: v for k, v in merged.items() if v is not None}
        scheme.check_attrs(before["layer"], merged)
        after["attrs"] = merged
    if after == before:
        return before
    if before["origin"] == "suggested":
        after["origin"] = "edited"
    after["updated_at"] = t.utcnow()
    log.update(t.spans, before, after)
    return after


def delete_span(log: ChangeLog, *, annotator: str, actor: str, span_id: str) -> dict[str, Any]:
    connection = log.connection
    span = owned_span(connection, span_id, annotator=annotator, actor=actor)
    r = t.relations.c
    for row in connection.execute(
        sa.select(t.relations).where(sa.or_(r.head_span_id == span_id, r.tail_span_id == span_id))
    ):
        log.delete(t.relations, dict(row._mapping))
    d = t.decisions.c
    for row in connection.execute(
        sa.select(t.decisions).where(d.annotator == annotator, d.span_id == span_id)
    ):
        # Deleting a span taken from a suggestion is rejecting that suggestion.
        before = dict(row._mapping)
        log.update(t.decisions, before, {**before, "decision": "rejected", "span_id": None})
    log.delete(t.spans, span)
    return span


def add_relation(
    log: ChangeLog,
    scheme: Scheme,
    *,
    annotator: str,
    actor: str,
    type: str,
    head_span_id: str,
    tail_span_id: str,
    origin: str = "manual",
) -> dict[str, Any]:
    connection = log.connection
    head = owned_span(connection, head_span_id, annotator=annotator, actor=actor)
    tail = owned_span(connection, tail_span_id, annotator=annotator, actor=actor)
    if head["doc_id"] != tail["doc_id"]:
        raise StoreError("E122", span_id=tail_span_id, other=tail["doc_id"], doc_id=head["doc_id"])
    scheme.check_relation(type, head["layer"], tail["layer"])
    r = t.relations.c
    existing = connection.execute(
        sa.select(t.relations).where(
            r.annotator == annotator,
            r.type == type,
            r.head_span_id == head_span_id,
            r.tail_span_id == tail_span_id,
        )
    ).first()
    if existing:
        return dict(existing._mapping)
    row = {
        "relation_id": new_id(),
        "doc_id": head["doc_id"],
        "annotator": annotator,
        "type": type,
        "head_span_id": head_span_id,
        "tail_span_id": tail_span_id,
        "origin": origin,
        "created_at": t.utcnow(),
    }
    log.insert(t.relations, row)
    return row


def delete_relation(
    log: ChangeLog, *, annotator: str, actor: str, relation_id: str
) -> dict[str, Any]:
    row = log.connection.execute(
        sa.select(t.relations).where(t.relations.c.relation_id == relation_id)
    ).first()
    if row is None:
        raise StoreError("E110", relation_id=relation_id)
    relation = dict(row._mapping)
    if relation["annotator"] != annotator:
        raise PermissionDenied("E107", who=actor, owner=relation["annotator"])
    log.delete(t.relations, relation)
    return relation


def _decision(connection: Connection, annotator: str, suggestion_id: str) -> dict[str, Any] | None:
    d = t.decisions.c
    row = connection.execute(
        sa.select(t.decisions).where(d.annotator == annotator, d.suggestion_id == suggestion_id)
    ).first()
    return dict(row._mapping) if row else None


def _set_decision(
    log: ChangeLog,
    *,
    annotator: str,
    suggestion: dict[str, Any],
    decision: str,
    span_id: str | None,
) -> None:
    row = {
        "annotator": annotator,
        "suggestion_id": suggestion["span_id"],
        "doc_id": suggestion["doc_id"],
        "decision": decision,
        "span_id": span_id,
        "decided_at": t.utcnow(),
    }
    before = _decision(log.connection, annotator, suggestion["span_id"])
    if before is None:
        log.insert(t.decisions, row)
    else:
        log.update(t.decisions, before, row)


def suggestion(
    connection: Connection, suggestion_id: str, *, doc_id: str | None = None
) -> dict[str, Any]:
    span = span_row(connection, suggestion_id)
    owner = annotator_row(connection, span["annotator"])
    if owner is None or owner["kind"] in HUMAN_KINDS or (doc_id and span["doc_id"] != doc_id):
        raise StoreError("E121", span_id=suggestion_id, doc_id=doc_id or span["doc_id"])
    return span


def accept_suggestion(
    log: ChangeLog,
    scheme: Scheme,
    *,
    annotator: str,
    suggestion_id: str,
    label: str | None = None,
    start: int | None = None,
    end: int | None = None,
    attrs: dict[str, Any] | None = None,
    doc_sha256: str | None = None,
) -> dict[str, Any]:
    """Take a suggestion into the annotator's work, as is (``suggested``) or changed (``edited``).

    Relations the model suggested between this span and suggestions already accepted are
    carried over, so accepting a quote and its source also links them.
    """
    connection = log.connection
    proposed = suggestion(connection, suggestion_id)
    previous = _decision(connection, annotator, suggestion_id)
    if previous and previous["decision"] == "accepted" and previous["span_id"]:
        return span_row(connection, previous["span_id"])
    kept_attrs = {k: v for k, v in proposed["attrs"].items() if k not in SUGGESTION_ONLY_ATTRS}
    kept_attrs = {
        k: v for k, v in kept_attrs.items() if k in scheme.attributes_for(proposed["layer"])
    }
    final_label: str = proposed["label"] if label is None else label
    final_start: int = proposed["start"] if start is None else start
    final_end: int = proposed["end"] if end is None else end
    changed = bool(attrs) or (final_label, final_start, final_end) != (
        proposed["label"],
        proposed["start"],
        proposed["end"],
    )
    span = add_span(
        log,
        scheme,
        annotator=annotator,
        doc_id=proposed["doc_id"],
        layer=proposed["layer"],
        label=final_label,
        start=final_start,
        end=final_end,
        attrs={**kept_attrs, **(attrs or {})},
        origin="edited" if changed else "suggested",
        doc_sha256=doc_sha256,
        source_span_id=suggestion_id,
    )
    _set_decision(
        log, annotator=annotator, suggestion=proposed, decision="accepted", span_id=span["span_id"]
    )
    _carry_relations(log, scheme, annotator=annotator, suggestion=proposed, span=span)
    return span


def _carry_relations(
    log: ChangeLog,
    scheme: Scheme,
    *,
    annotator: str,
    suggestion: dict[str, Any],
    span: dict[str, Any],
) -> None:
    connection = log.connection
    r = t.relations.c
    model_relations = connection.execute(
        sa.select(t.relations).where(
            r.annotator == suggestion["annotator"],
            sa.or_(
                r.head_span_id == suggestion["span_id"], r.tail_span_id == suggestion["span_id"]
            ),
        )
    ).all()
    for relation in model_relations:
        is_head = relation.head_span_id == suggestion["span_id"]
        other = relation.tail_span_id if is_head else relation.head_span_id
        decided = _decision(connection, annotator, other)
        if not decided or decided["decision"] != "accepted" or not decided["span_id"]:
            continue
        head, tail = (
            (span["span_id"], decided["span_id"])
            if is_head
            else (
                decided["span_id"],
                span["span_id"],
            )
        )
        add_relation(
            log,
            scheme,
            annotator=annotator,
            actor=annotator,
            type=relation.type,
            head_span_id=head,
            tail_span_id=tail,
            origin="suggested",
        )


def reject_suggestion(log: ChangeLog, *, annotator: str, suggestion_id: str) -> None:
    connection = log.connection
    proposed = suggestion(connection, suggestion_id)
    previous = _decision(connection, annotator, suggestion_id)
    if previous and previous["decision"] == "accepted" and previous["span_id"]:
        delete_span(log, annotator=annotator, actor=annotator, span_id=previous["span_id"])
    _set_decision(log, annotator=annotator, suggestion=proposed, decision="rejected", span_id=None)


def set_status(
    log: ChangeLog,
    *,
    annotator: str,
    doc_id: str,
    status: str | None,
    comment: str | None = None,
) -> dict[str, Any]:
    if status is not None and status not in STATUSES:
        raise StoreError("E115", status=status, allowed=", ".join(STATUSES))
    document_row(log.connection, doc_id)
    before = log.current(t.doc_status, {"doc_id": doc_id, "annotator": annotator})
    after = {
        "doc_id": doc_id,
        "annotator": annotator,
        "status": status,
        "comment": comment,
        "updated_at": t.utcnow(),
    }
    if before is None:
        log.insert(t.doc_status, after)
    else:
        log.update(t.doc_status, before, after)
    return after


def open_suggestion_ids(
    connection: Connection, *, doc_id: str, annotator: str, suggester: str, layer: str | None
) -> list[str]:
    """Ids of the suggester's spans on the document's current text not yet decided by the
    annotator, nor identical to a span the annotator already has."""
    s = t.spans.c
    d = t.decisions.c
    doc = document_row(connection, doc_id)
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

