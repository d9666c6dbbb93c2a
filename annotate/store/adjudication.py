"""Adjudication as store actions: a reviewer's decision on a unit, written whole or not at all.

A decision is one transaction: the ``adjudications`` row (keyed by document and unit, so a unit
has at most one decision), the gold spans it writes, their ``adjudicated_spans`` links, the
links between gold spans that follow from the annotators' work, and the event that lets the
reviewer undo it. Every gold write first takes the document's gold lock (PostgreSQL: an
advisory lock per document; SQLite: the database's write lock, which every writer holds from
BEGIN IMMEDIATE on), so concurrent reviewers see each other's decisions before they write: none
is lost, none applied twice, and a unit decided a moment ago by someone else is refused with
their name (E140) instead of being overwritten.

What a unit *is* (grouping the annotators' spans) is decided above the store, in
:mod:`annotate.workflow.adjudicate`; here a decision arrives as a :class:`UnitDecision`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.names import GOLD
from ..core.records import DecisionRecord, GoldSpan, UnitDecision
from ..core.scheme import Scheme
from ..errors import StoreError
from . import actions, checks
from . import tables as t
from .changes import ChangeLog

NOTE_KEY = "_adjudication"
DECISIONS = ("agreed", "picked", "edited", "rejected")
CARRY = (None, "chosen", "agreed")


def lock_document(connection: Connection, doc_id: str, *, annotator: str = GOLD) -> None:
    """Serialise one annotator's writes on one document across processes (gold's: those of
    every reviewer). Each action reads what it checks before it writes (a suggestion's
    decision, the spans a new one may overlap), so two at once could both pass the check."""
    if connection.dialect.name == "postgresql":
        digest = hashlib.blake2b(f"{annotator}:{doc_id}".encode(), digest_size=8).digest()
        key = int.from_bytes(digest, "big", signed=True)
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    # SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE).


# --- reads --------------------------------------------------------------------------------------


def decision_rows(connection: Connection, doc_id: str | None = None) -> list[DecisionRecord]:
    """The decisions (of one document, or all), each with the gold spans it wrote."""
    a = t.adjudications.c
    query = sa.select(t.adjudications).order_by(a.doc_id, a.start, a.end, a.unit_id)
    links = sa.select(t.adjudicated_spans)
    if doc_id is not None:
        query = query.where(a.doc_id == doc_id)
        links = links.where(t.adjudicated_spans.c.doc_id == doc_id)
    spans: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in connection.execute(links.order_by(t.adjudicated_spans.c.span_id)):
        spans[(link.doc_id, link.unit_id)].append(link.span_id)
    return [
        _record(dict(row._mapping), spans[(row.doc_id, row.unit_id)])
        for row in connection.execute(query)
    ]


def _record(m: Mapping[str, Any], span_ids: Iterable[str]) -> DecisionRecord:
    return DecisionRecord(
        decision_id=m["decision_id"],
        doc_id=m["doc_id"],
        unit_id=m["unit_id"],
        layer=m["layer"],
        start=m["start"],
        end=m["end"],
        decision=m["decision"],
        chosen=m["chosen"],
        reviewer=m["reviewer"],
        annotators=tuple(m["annotators"] or ()),
        doc_sha256=m["doc_sha256"],
        decided_at=m["decided_at"],
        span_ids=tuple(span_ids),
    )


def _decision_row(connection: Connection, doc_id: str, unit_id: str) -> dict[str, Any] | None:
    a = t.adjudications.c
    row = connection.execute(
        sa.select(t.adjudications).where(a.doc_id == doc_id, a.unit_id == unit_id)
    ).first()
    return dict(row._mapping) if row else None


# --- writes -------------------------------------------------------------------------------------


def decide(
    log: ChangeLog,
    scheme: Scheme,
    *,
    doc_id: str,
    decision: UnitDecision,
    reviewer: str,
    seen: str | None = None,
    replace: bool = False,
) -> DecisionRecord:
    """Write one decision; an earlier decision of the unit is replaced only if it is the
    reviewer's own, the one the reviewer was shown (``seen``: its decision id), or ``replace``.
    """
    _check_decision(decision)
    connection = log.connection
    document = checks.document_row(connection, doc_id)
    current = _decision_row(connection, doc_id, decision.unit_id)
    if current is not None:
        mine = current["reviewer"] == reviewer
        if not (replace or mine or seen == current["decision_id"]):
            raise StoreError(
                "E140",
                unit=decision.unit_id,
                doc_id=doc_id,
                reviewer=current["reviewer"],
                what=_describe(current),
                at=f"{current['decided_at']:%Y-%m-%d %H:%M:%S} UTC",
            )
        _remove(log, current)
    _check_sources(connection, doc_id, decision)
    row = _insert_decision(log, doc_id=doc_id, decision=decision, reviewer=reviewer,
                           sha=document["text_sha256"])
    written = [
        _write_span(log, scheme, doc_id=doc_id, decision=decision, span=span, reviewer=reviewer,
                    sha=document["text_sha256"])
        for span in decision.spans
    ]
    if decision.carry == "chosen" and decision.chosen and written:
        _carry_links(log, scheme, doc_id=doc_id, sha=document["text_sha256"], touching=written,
                     annotators=[decision.chosen], everyone=False)
    return _record(row, [span["span_id"] for span in written])


def accept_agreements(
    log: ChangeLog,
    scheme: Scheme,
    *,
    doc_id: str,
    agreements: Sequence[UnitDecision],
    reviewer: str,
) -> list[dict[str, Any]]:
    """Write every agreement not decided yet, and the links every annotator drew between
    agreed spans; return the gold spans written. Nothing is written twice: a unit already
    decided, or a span gold already holds, is left as it is."""
    connection = log.connection
    document = checks.document_row(connection, doc_id)
    sha = document["text_sha256"]
    decided = {record.unit_id for record in decision_rows(connection, doc_id)}
    in_gold = {
        (row.layer, row.label, row.start, row.end)
        for row in connection.execute(
            sa.select(t.spans.c.layer, t.spans.c.label, t.spans.c.start, t.spans.c.end).where(
                t.spans.c.doc_id == doc_id,
                t.spans.c.annotator == GOLD,
                t.spans.c.doc_sha256 == sha,
            )
        )
    }
    written: list[dict[str, Any]] = []
    for agreement in agreements:
        _check_decision(agreement)
        if agreement.decision != "agreed" or len(agreement.spans) != 1:
            raise StoreError("E142", unit=agreement.unit_id, detail="an agreement has one span")
        (span,) = agreement.spans
        key = (agreement.layer, span.label, span.start, span.end)
        if agreement.unit_id in decided or key in in_gold:
            continue
        _check_sources(connection, doc_id, agreement)
        _insert_decision(log, doc_id=doc_id, decision=agreement, reviewer=reviewer, sha=sha)
        written.append(_write_span(log, scheme, doc_id=doc_id, decision=agreement, span=span,
                                   reviewer=reviewer, sha=sha))
        decided.add(agreement.unit_id)
        in_gold.add(key)
    people = sorted({name for agreement in agreements for name in agreement.annotators})
    agreed_spans = _agreed_gold_spans(connection, doc_id, sha)
    if people and agreed_spans:
        _carry_links(log, scheme, doc_id=doc_id, sha=sha, touching=agreed_spans,
                     annotators=people, everyone=True)
    return written


def _check_decision(decision: UnitDecision) -> None:
    if decision.decision not in DECISIONS:
        raise StoreError("E142", unit=decision.unit_id,
                         detail=f"decision {decision.decision!r} is not one of {DECISIONS}")
    if decision.carry not in CARRY:
        raise StoreError("E142", unit=decision.unit_id,
                         detail=f"carry {decision.carry!r} is not one of {CARRY}")
    if decision.decision == "rejected" and decision.spans:
        raise StoreError("E142", unit=decision.unit_id, detail="a rejection writes no span")
    for span in decision.spans:
        if span.layer != decision.layer:
            raise StoreError("E142", unit=decision.unit_id,
                             detail=f"span layer {span.layer!r} is not the unit's")


def _check_sources(connection: Connection, doc_id: str, decision: UnitDecision) -> None:
    """Each span a gold span is taken from must still be there, as the decision saw it: the
    annotators may have changed their work since the reviewer looked."""
    wanted = {source: name for span in decision.spans for name, source in span.sources.items()}
    if not wanted:
        return
    s = t.spans.c
    found = {
        row.span_id: row.annotator
        for row in connection.execute(
            sa.select(s.span_id, s.annotator).where(
                s.span_id.in_(list(wanted)), s.doc_id == doc_id
            )
        )
    }
    stale = [source for source, name in wanted.items() if found.get(source) != name]
    if stale:
        raise StoreError("E143", unit=decision.unit_id, doc_id=doc_id, count=len(stale))


def _insert_decision(
    log: ChangeLog, *, doc_id: str, decision: UnitDecision, reviewer: str, sha: str
) -> dict[str, Any]:
    row = {
        "doc_id": doc_id,
        "unit_id": decision.unit_id,
        "decision_id": checks.new_id(),
        "layer": decision.layer,
        "start": decision.start,
        "end": decision.end,
        "decision": decision.decision,
        "chosen": decision.chosen,
        "reviewer": reviewer,
        "annotators": list(decision.annotators),
        "doc_sha256": sha,
        "decided_at": t.utcnow(),
    }
    log.insert(t.adjudications, row)
    return row


def _write_span(
    log: ChangeLog,
    scheme: Scheme,
    *,
    doc_id: str,
    decision: UnitDecision,
    span: GoldSpan,
    reviewer: str,
    sha: str,
) -> dict[str, Any]:
    s = t.spans.c
    twin = log.connection.execute(
        sa.select(s.span_id).where(
            s.doc_id == doc_id, s.annotator == GOLD, s.doc_sha256 == sha, s.layer == span.layer,
            s.label == span.label, s.start == span.start, s.end == span.end,
        )
    ).first()
    if twin is not None:
        raise StoreError("E144", unit=decision.unit_id, doc_id=doc_id, label=span.label,
                         start=span.start, end=span.end)
    note: dict[str, Any] = {
        "decision": decision.decision,
        "by": reviewer,
        "unit": decision.unit_id,
        "annotators": list(decision.annotators),
        "from": list(span.sources),
        "span_ids": dict(span.sources),
    }
    if decision.chosen is not None:
        note["chosen"] = decision.chosen
    row = actions.add_span(
        log, scheme, annotator=GOLD, doc_id=doc_id, layer=span.layer, label=span.label,
        start=span.start, end=span.end, attrs={**span.attrs, NOTE_KEY: note}, doc_sha256=sha,
        fragments=_source_fragments(log.connection, span),
    )
    log.insert(t.adjudicated_spans,
               {"span_id": row["span_id"], "doc_id": doc_id, "unit_id": decision.unit_id})
    return row


def _source_fragments(connection: Connection, span: GoldSpan) -> list[list[int]] | None:
    """The pieces of the annotators' span a gold span is taken as it is from: a
    discontinuous span stays discontinuous in gold."""
    if not span.sources:
        return None
    s = t.spans.c
    for row in connection.execute(
        sa.select(s.start, s.end, s.label, s.fragments)
        .where(s.span_id.in_(sorted(span.sources.values())))
        .order_by(s.span_id)
    ):
        if (row.start, row.end, row.label) == (span.start, span.end, span.label) and row.fragments:
            return list(row.fragments)
    return None


def _remove(log: ChangeLog, current: dict[str, Any]) -> None:
    """Take an earlier decision out: its gold spans (with every link touching them), its
    links to them, and its row."""
    connection = log.connection
    links = t.adjudicated_spans.c
    for link in connection.execute(
        sa.select(t.adjudicated_spans).where(
            links.doc_id == current["doc_id"], links.unit_id == current["unit_id"]
        )
    ).all():
        span = checks.span_row(connection, link.span_id)
        r = t.relations.c
        for relation in connection.execute(
            sa.select(t.relations).where(
                sa.or_(r.head_span_id == link.span_id, r.tail_span_id == link.span_id)
            )
        ).all():
            log.delete(t.relations, dict(relation._mapping))
        log.delete(t.adjudicated_spans, dict(link._mapping))
        log.delete(t.spans, span)
    log.delete(t.adjudications, current)


def _agreed_gold_spans(connection: Connection, doc_id: str, sha: str) -> list[dict[str, Any]]:
    a, links, s = t.adjudications.c, t.adjudicated_spans.c, t.spans.c
    query = (
        sa.select(t.spans)
        .join(t.adjudicated_spans, links.span_id == s.span_id)
        .join(t.adjudications, sa.and_(a.doc_id == links.doc_id, a.unit_id == links.unit_id))
        .where(a.doc_id == doc_id, a.decision == "agreed", s.doc_sha256 == sha)
    )
    return [dict(row._mapping) for row in connection.execute(query)]


def _carry_links(
    log: ChangeLog,
    scheme: Scheme,
    *,
    doc_id: str,
    sha: str,
    touching: Sequence[dict[str, Any]],
    annotators: Sequence[str],
    everyone: bool,
) -> None:
    """Draw between gold spans the links the annotators drew between the spans gold took.

    Only links with at least one end among ``touching`` are considered. With ``everyone``, a
    link goes into gold only if every one of ``annotators`` drew it (agreements); else any of
    them suffices (the chosen annotator of a pick).
    """
    connection = log.connection
    gold_of: dict[tuple[str, str], str] = {}
    s = t.spans.c
    for row in connection.execute(
        sa.select(s.span_id, s.attrs).where(
            s.doc_id == doc_id, s.annotator == GOLD, s.doc_sha256 == sha
        )
    ):
        note = (row.attrs or {}).get(NOTE_KEY)
        sources = note.get("span_ids") if isinstance(note, dict) else None
        if isinstance(sources, dict):
            for name, source in sources.items():
                gold_of.setdefault((str(name), str(source)), row.span_id)
    ends: dict[str, set[str]] = defaultdict(set)  # annotator -> source span ids of touching
    for span in touching:
        note = span["attrs"].get(NOTE_KEY, {})
        for name, source in dict(note.get("span_ids", {})).items():
            ends[str(name)].add(str(source))
    drawn: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    r = t.relations.c
    for relation in connection.execute(
        sa.select(r.annotator, r.type, r.head_span_id, r.tail_span_id).where(
            r.doc_id == doc_id, r.annotator.in_(list(annotators))
        )
    ):
        mine = ends.get(relation.annotator, set())
        if relation.head_span_id not in mine and relation.tail_span_id not in mine:
            continue
        head = gold_of.get((relation.annotator, relation.head_span_id))
        tail = gold_of.get((relation.annotator, relation.tail_span_id))
        if head is not None and tail is not None and head != tail:
            drawn[(relation.type, head, tail)].add(relation.annotator)
    wanted = set(annotators)
    for (type_, head, tail), who in sorted(drawn.items()):
        if everyone and who != wanted:
            continue
        actions.add_relation(log, scheme, annotator=GOLD, actor=GOLD, type=type_,
                             head_span_id=head, tail_span_id=tail)


def _describe(row: dict[str, Any]) -> str:
    if row["decision"] == "picked" and row["chosen"]:
        return f"picked {row['chosen']}'s version"
    return str(row["decision"])
