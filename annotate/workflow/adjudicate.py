"""Adjudication: merge several annotators' work on a document into candidate units, then decide.

:func:`merge` groups one document's spans, layer by layer, into units: an *agreement* is a span
every annotator marked identically (same label, offsets and attributes); a *disagreement* is a
group of overlapping spans that differ, with who chose what (and who marked nothing there).
:func:`auto_accept_agreements` writes the agreements, and the relations every annotator drew
between them, into the ``gold`` annotator; :func:`resolve` settles one disagreement by picking an
annotator's version, writing an edited span, or rejecting the unit. Each is one store action
(:meth:`~annotate.store.Store.decide`): the decision, its gold spans and links and its event in
one transaction, serialised per document, so reviewers working at once never lose or duplicate
a decision, and each reviewer's undo takes back their own. Each gold span also keeps
``attrs["_adjudication"]`` saying how it was decided, by whom and from which annotators' spans.

Grouping spans into units is pure and lives in :mod:`annotate.scoring.units` (the agreement
report lists disagreements with it); its names are re-exported here for convenience.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core import names
from ..core.records import GoldSpan, UnitDecision
from ..errors import AnnotateError
from ..scoring.units import Unit, Version, compared_attrs, group_units
from ..store.adjudication import NOTE_KEY

if TYPE_CHECKING:
    from ..core.records import DecisionRecord, SpanRecord
    from ..store import Store

GOLD = names.GOLD
META_KEY = NOTE_KEY

__all__ = [
    "GOLD", "META_KEY", "Edit", "Pick", "Reject", "Unit", "Version", "auto_accept_agreements",
    "compared_attrs", "decisions", "group_units", "merge", "resolve",
]  # fmt: skip
# --- the store side ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pick:
    """Take this annotator's version(s) of the unit into gold."""

    annotator: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Write this span into gold instead of any annotator's version."""

    label: str
    start: int
    end: int
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reject:
    """Nothing in this unit goes into gold."""


Choice = Pick | Edit | Reject | str | Sequence[Edit] | None


def _defaults(store: Store, layer: str) -> dict[str, Any]:
    attributes = store.scheme.attributes_for(layer)
    return {name: a.default for name, a in attributes.items() if a.default is not None}


def merge(store: Store, doc_id: str, annotators: Sequence[str]) -> list[Unit]:
    """Every annotator's spans on ``doc_id`` as candidate units, in text order.

    Only spans made on the document's current text count (a span made before the text changed
    has offsets into another text).
    """
    if len(set(annotators)) < 2:
        raise AnnotateError("E416", got=len(set(annotators)), names=", ".join(annotators))
    document = store.document(doc_id)
    current = document.text_sha256
    spans = [s for s in store.spans(doc_id=doc_id, annotator=list(annotators))]
    spans = [s for s in spans if s.doc_sha256 == current]
    layers = store.scheme.layer_names
    by_layer: dict[str, list[SpanRecord]] = {}
    for span in spans:
        by_layer.setdefault(span.layer, []).append(span)
    order = {name: i for i, name in enumerate(layers)}
    units: list[Unit] = []
    for layer in sorted(by_layer, key=lambda name: (order.get(name, len(order)), name)):
        units.extend(
            group_units(
                doc_id,
                layer,
                by_layer[layer],
                annotators=annotators,
                text=document.text,
                defaults=_defaults(store, layer),
            )
        )
    units.sort(key=lambda u: (u.start, u.end, order.get(u.layer, len(order)), u.kind))
    return units


def _decision(
    unit: Unit,
    decision: str,
    *,
    spans: Sequence[tuple[str, int, int, Mapping[str, Any], Version | None]] = (),
    chosen: str | None = None,
    carry: str | None = None,
) -> UnitDecision:
    """The store's form of a decision: the unit, and each gold span with whose spans it was
    taken from (``(label, start, end, attrs, version)``; version ``None``: nobody's)."""
    return UnitDecision(
        unit_id=unit.unit_id,
        layer=unit.layer,
        start=unit.start,
        end=unit.end,
        decision=decision,
        annotators=tuple(unit.annotators),
        spans=tuple(
            GoldSpan(
                layer=unit.layer,
                label=label,
                start=start,
                end=end,
                attrs=dict(attrs),
                sources=dict(zip(version.annotators, version.span_ids, strict=True))
                if version
                else {},
            )
            for label, start, end, attrs, version in spans
        ),
        chosen=chosen,
        carry=carry,
    )


def auto_accept_agreements(
    store: Store, doc_id: str, *, reviewer: str, annotators: Sequence[str]
) -> list[Unit]:
    """Write every agreement of ``doc_id`` into gold (as ``reviewer``); return the
    disagreements still to decide.

    Relations that every annotator drew between agreed spans are written between the gold
    spans too. It is one store action: two reviewers opening the document at the same moment
    write each agreement once, and running it again writes nothing new.
    """
    units = merge(store, doc_id, annotators)
    agreements = [
        _decision(
            unit,
            "agreed",
            spans=[(v.label, v.start, v.end, v.attrs, v) for v in unit.versions],
            carry="agreed",
        )
        for unit in units
        if unit.kind == "agreement"
    ]
    if agreements:
        store.accept_agreements(doc_id, agreements, reviewer=reviewer)
    return [unit for unit in units if unit.kind == "disagreement"]


def decisions(store: Store, doc_id: str) -> dict[str, DecisionRecord]:
    """unit id -> its decision, for every decided unit of the document."""
    return {record.unit_id: record for record in store.adjudications(doc_id=doc_id)}


def _as_choice(choice: Choice, unit: Unit) -> Pick | Reject | list[Edit]:
    if choice is None or isinstance(choice, Reject) or choice == "reject":
        return Reject()
    if isinstance(choice, str):
        choice = Pick(choice)
    if isinstance(choice, Pick):
        if choice.annotator not in unit.annotators:
            raise AnnotateError(
                "E421", choice=choice, unit=unit.unit_id, annotators=", ".join(unit.annotators)
            )
        return choice
    if isinstance(choice, Edit):
        return [choice]
    edits = list(choice)
    if not edits or not all(isinstance(edit, Edit) for edit in edits):
        raise AnnotateError(
            "E421", choice=choice, unit=unit.unit_id, annotators=", ".join(unit.annotators)
        )
    return edits


def resolve(
    store: Store,
    doc_id: str,
    unit: Unit,
    choice: Choice,
    *,
    reviewer: str,
    replace: bool = False,
    seen: str | None = None,
) -> list[SpanRecord]:
    """Settle one unit in gold and return the gold spans written.

    ``choice`` is an annotator's name or ``Pick(name)`` (their version(s) of the unit, with the
    relations they drew to spans already in gold; someone who marked nothing there is a valid
    pick), an ``Edit(label, start, end, attrs)`` or a list of them (the reviewer's own spans),
    or ``Reject()`` / ``"reject"`` / ``None`` (nothing).

    The decision is one store action. Deciding a unit again replaces the reviewer's own earlier
    decision; one made by another reviewer is refused naming them (E140) unless ``replace`` is
    true or ``seen`` is that decision's id (the reviewer was shown it and decided anyway).
    """
    if unit.doc_id != doc_id:
        raise AnnotateError("E422", unit=unit.unit_id, other=unit.doc_id, doc_id=doc_id)
    decided = _as_choice(choice, unit)
    if isinstance(decided, Reject):
        decision = _decision(unit, "rejected")
    elif isinstance(decided, Pick):
        mine = [v for v in unit.versions if decided.annotator in v.annotators]
        decision = _decision(
            unit,
            "picked",
            spans=[(v.label, v.start, v.end, v.attrs, v) for v in mine],
            chosen=decided.annotator,
            carry="chosen",
        )
    else:
        spans = []
        for edit in decided:
            same = next(
                (
                    v
                    for v in unit.versions
                    if (v.label, v.start, v.end) == (edit.label, edit.start, edit.end)
                ),
                None,
            )
            spans.append((edit.label, edit.start, edit.end, edit.attrs, same))
        decision = _decision(unit, "edited", spans=spans)
    record = store.decide(doc_id, decision, reviewer=reviewer, seen=seen, replace=replace)
    if not record.span_ids:
        return []
    written = {s.span_id: s for s in store.spans(doc_id=doc_id, annotator=GOLD)}
    return [written[span_id] for span_id in record.span_ids if span_id in written]
