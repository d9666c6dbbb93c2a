"""Deciding many suggestions of one document in one transaction, with a few statements.

Accepting all 150 suggestions of a layer one by one through :func:`.actions.accept_suggestion`
runs about fifteen statements each (the suggestion, its owner, the decision, the document, the
overlap check, the row, the decision again, the relations to carry): over two thousand for the
batch. These functions read what every decision needs once (the suggestions, their owners, the
annotator's decisions and spans, the suggester's relations), check each suggestion exactly as
the single action does, and write the rows with one statement per table. The changes are
recorded in the same :class:`~.changes.ChangeLog` format, so undo and redo treat the batch as
the one action it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ..core.scheme import Scheme
from ..errors import StoreError
from . import actions
from . import tables as t
from .changes import ChangeLog, to_json
from .checks import HUMAN_KINDS, check_hash, check_offsets, document_row, new_id


def accept_suggestions(
    log: ChangeLog,
    scheme: Scheme,
    *,
    annotator: str,
    doc_id: str,
    suggestion_ids: Sequence[str],
    doc_sha256: str | None = None,
) -> list[dict[str, Any]]:
    """Take the suggestions into the annotator's work as they are; returns the new spans."""
    if not suggestion_ids:
        return []
    connection = log.connection
    document = document_row(connection, doc_id)
    check_hash(document, doc_sha256)
    proposed = _suggestions(connection, doc_id, suggestion_ids)
    decided = _decisions(connection, annotator, doc_id)
    taken = _spans_by_layer(connection, scheme, annotator, doc_id)
    now = t.utcnow()
    spans: list[dict[str, Any]] = []
    decisions: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []
    for suggestion_id in suggestion_ids:
        suggestion = proposed[suggestion_id]
        previous = decided.get(suggestion_id)
        if previous and previous["decision"] == "accepted" and previous["span_id"]:
            continue  # accepted already (the single action returns that span)
        layer, label = suggestion["layer"], suggestion["label"]
        attrs = {
            k: v
            for k, v in suggestion["attrs"].items()
            if k not in actions.SUGGESTION_ONLY_ATTRS and k in scheme.attributes_for(layer)
        }
        scheme.check_label(layer, label)
        scheme.check_attrs(layer, attrs)
        start, end = suggestion["start"], suggestion["end"]
        check_offsets(document, start, end)
        if layer in taken:
            for other in taken[layer]:
                if other["start"] < end and other["end"] > start:
                    raise StoreError(
                        "E123",
                        start=start,
                        end=end,
                        other=f"{other['label']} [{other['start']}, {other['end']})",
                        layer=layer,
                    )
        row = {
            "span_id": new_id(),
            "doc_id": doc_id,
            "annotator": annotator,
            "layer": layer,
            "label": label,
            "start": start,
            "end": end,
            "text": document["text"][start:end],
            "origin": "suggested",
            "attrs": attrs,
            "doc_sha256": document["text_sha256"],
            "source_span_id": suggestion_id,
            "created_at": now,
            "updated_at": now,
        }
        spans.append(row)
        if layer in taken:
            taken[layer].append(row)
        decision = {
            "annotator": annotator,
            "suggestion_id": suggestion_id,
            "doc_id": doc_id,
            "decision": "accepted",
            "span_id": row["span_id"],
            "decided_at": now,
        }
        decisions.append((previous, decision))
        decided[suggestion_id] = decision
    _insert(log, t.spans, spans)
    _write_decisions(log, decisions)
    _carry_relations(log, scheme, annotator, doc_id, proposed, decided, spans)
    return spans


def reject_suggestions(
    log: ChangeLog, *, annotator: str, doc_id: str, suggestion_ids: Sequence[str]
) -> None:
    """Reject the suggestions; one accepted already loses its span, as with the single action."""
    suggestion_ids = list(dict.fromkeys(suggestion_ids))
    if not suggestion_ids:
        return
    connection = log.connection
    _suggestions(connection, doc_id, suggestion_ids)
    decided = _decisions(connection, annotator, doc_id)
    now = t.utcnow()
    decisions = []
    taken_back = []
    for suggestion_id in suggestion_ids:
        previous = decided.get(suggestion_id)
        if previous and previous["decision"] == "accepted" and previous["span_id"]:
            taken_back.append(suggestion_id)  # its span and links go too: the single action
            continue
        row = {
            "annotator": annotator,
            "suggestion_id": suggestion_id,
            "doc_id": doc_id,
            "decision": "rejected",
            "span_id": None,
            "decided_at": now,
        }
        decisions.append((previous, row))
    _write_decisions(log, decisions)
    for suggestion_id in taken_back:
        actions.reject_suggestion(log, annotator=annotator, suggestion_id=suggestion_id)


# --- what every decision needs, read once -------------------------------------------------------


def _suggestions(
    connection: Any, doc_id: str, suggestion_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    s = t.spans.c
    rows = {
        row.span_id: dict(row._mapping)
        for row in connection.execute(sa.select(t.spans).where(s.span_id.in_(list(suggestion_ids))))
    }
    owners = {row["annotator"] for row in rows.values()}
    a = t.annotators.c
    kinds = {
        row.name: row.kind
        for row in connection.execute(sa.select(a.name, a.kind).where(a.name.in_(owners)))
    }
    for suggestion_id in suggestion_ids:
        row = rows.get(suggestion_id)
        if row is None:
            raise StoreError("E106", span_id=suggestion_id)
        kind = kinds.get(row["annotator"])
        if kind is None or kind in HUMAN_KINDS or row["doc_id"] != doc_id:
            raise StoreError("E121", span_id=suggestion_id, doc_id=doc_id)
    return rows


def _decisions(connection: Any, annotator: str, doc_id: str) -> dict[str, dict[str, Any]]:
    d = t.decisions.c
    query = sa.select(t.decisions).where(d.annotator == annotator, d.doc_id == doc_id)
    return {row.suggestion_id: dict(row._mapping) for row in connection.execute(query)}


def _spans_by_layer(
    connection: Any, scheme: Scheme, annotator: str, doc_id: str
) -> dict[str, list[dict[str, Any]]]:
    """The annotator's spans on the document, per layer whose spans may not overlap."""
    flat = {layer.name for layer in scheme.layers if not layer.nesting}
    s = t.spans.c
    query = sa.select(s.span_id, s.layer, s.label, s.start, s.end).where(
        s.doc_id == doc_id, s.annotator == annotator
    )
    taken: dict[str, list[dict[str, Any]]] = {name: [] for name in flat}
    for row in connection.execute(query):
        if row.layer in taken:
            taken[row.layer].append(dict(row._mapping))
    return taken


# --- writing -----------------------------------------------------------------------------------


def _insert(log: ChangeLog, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    log.connection.execute(table.insert(), rows)
    log.items.extend({"table": table.name, "before": None, "after": to_json(table, row)}
                     for row in rows)


def _write_decisions(
    log: ChangeLog, decisions: list[tuple[dict[str, Any] | None, dict[str, Any]]]
) -> None:
    _insert(log, t.decisions, [row for before, row in decisions if before is None])
    for before, row in decisions:
        if before is not None:
            log.update(t.decisions, before, row)


def _carry_relations(
    log: ChangeLog,
    scheme: Scheme,
    annotator: str,
    doc_id: str,
    proposed: dict[str, dict[str, Any]],
    decided: dict[str, dict[str, Any]],
    new_spans: list[dict[str, Any]],
) -> None:
    """The suggesters' links between suggestions now both accepted, between the spans they
    became (as :func:`.actions.accept_suggestion` carries them one at a time)."""
    if not new_spans:
        return
    connection = log.connection
    accepted_now = {row["source_span_id"] for row in new_spans}
    owners = list({proposed[s]["annotator"] for s in accepted_now})
    r = t.relations.c
    model_relations = connection.execute(
        sa.select(t.relations).where(
            r.doc_id == doc_id,
            r.annotator.in_(owners),
            sa.or_(r.head_span_id.in_(list(accepted_now)), r.tail_span_id.in_(list(accepted_now))),
        )
    ).all()
    if not model_relations:
        return
    existing = {
        (row.type, row.head_span_id, row.tail_span_id)
        for row in connection.execute(
            sa.select(r.type, r.head_span_id, r.tail_span_id).where(
                r.doc_id == doc_id, r.annotator == annotator
            )
        )
    }
    mine: dict[str, str] = {}  # span id -> layer, for the relation check
    s = t.spans.c
    for row in connection.execute(
        sa.select(s.span_id, s.layer).where(s.doc_id == doc_id, s.annotator == annotator)
    ):
        mine[row.span_id] = row.layer
    mine.update({row["span_id"]: row["layer"] for row in new_spans})
    now = t.utcnow()
    rows = []
    for relation in model_relations:
        head_decision = decided.get(relation.head_span_id)
        tail_decision = decided.get(relation.tail_span_id)
        if not (head_decision and tail_decision):
            continue
        both = (head_decision, tail_decision)
        if any(d["decision"] != "accepted" or not d["span_id"] for d in both):
            continue
        head, tail = head_decision["span_id"], tail_decision["span_id"]
        if head not in mine or tail not in mine:
            continue  # one end's span went since (deleted): nothing to link
        key = (relation.type, head, tail)
        if key in existing:
            continue
        scheme.check_relation(relation.type, mine[head], mine[tail])
        existing.add(key)
        rows.append(
            {
                "relation_id": new_id(),
                "doc_id": doc_id,
                "annotator": annotator,
                "type": relation.type,
                "head_span_id": head,
                "tail_span_id": tail,
                "origin": "suggested",
                "created_at": now,
            }
        )
    _insert(log, t.relations, rows)
