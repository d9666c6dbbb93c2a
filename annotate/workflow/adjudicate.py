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

:func:`group_units` is the pure part, also used by the agreement report to list disagreements.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..core import names
from ..core.records import GoldSpan, UnitDecision
from ..core.scheme import MACHINE_ATTRS
from ..errors import AnnotateError
from ..store.adjudication import NOTE_KEY

if TYPE_CHECKING:
    from ..core.records import DecisionRecord, SpanRecord
    from ..store import Store

GOLD = names.GOLD
META_KEY = NOTE_KEY
# Attributes that say nothing about the annotation itself, so they never make a disagreement.
UNCOMPARED = frozenset({"note"}) | MACHINE_ATTRS
UnitKind = Literal["agreement", "disagreement"]


class SpanLike(Protocol):
    """What :func:`group_units` reads from a span (store records and row tuples both fit)."""

    @property
    def span_id(self) -> str: ...
    @property
    def annotator(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def attrs(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Version:
    """One way of marking part of a unit, and every annotator who marked it so."""

    label: str
    start: int
    end: int
    attrs: Mapping[str, Any]
    annotators: tuple[str, ...]
    span_ids: tuple[str, ...]  # the annotators' span ids, in the same order

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "attrs": dict(self.attrs),
            "annotators": list(self.annotators),
            "span_ids": list(self.span_ids),
        }


@dataclass(frozen=True, slots=True)
class Unit:
    """A candidate for gold: an agreement (one version, everyone) or a disagreement."""

    unit_id: str
    doc_id: str
    layer: str
    start: int  # the extent of every version in the unit
    end: int
    text: str
    kind: UnitKind
    versions: tuple[Version, ...]
    annotators: tuple[str, ...]  # everyone whose work was merged

    @property
    def missing(self) -> tuple[str, ...]:
        """Annotators who marked nothing in this unit."""
        present = {name for version in self.versions for name in version.annotators}
        return tuple(name for name in self.annotators if name not in present)

    @property
    def reason(self) -> str:
        """Why the annotators disagree: missing, label, boundaries, attributes (joined by +)."""
        if self.kind == "agreement":
            return ""
        labels = {v.label for v in self.versions}
        bounds = {(v.start, v.end) for v in self.versions}
        reasons = []
        if self.missing:
            reasons.append("missing")
        if len(labels) > 1:
            reasons.append("label")
        if len(bounds) > 1:
            reasons.append("boundaries")
        if len(labels) == 1 and len(bounds) == 1 and len(self.versions) > 1:
            reasons.append("attributes")
        return "+".join(reasons) or "duplicate"

    def choices(self) -> dict[str, list[Version]]:
        """Each annotator's versions in the unit (an empty list: marked nothing)."""
        result: dict[str, list[Version]] = {name: [] for name in self.annotators}
        for version in self.versions:
            for name in version.annotators:
                result.setdefault(name, []).append(version)
        return result

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "doc_id": self.doc_id,
            "layer": self.layer,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "reason": self.reason,
            "missing": list(self.missing),
            "annotators": list(self.annotators),
            "versions": [version.to_json() for version in self.versions],
        }


# --- grouping (pure) ---------------------------------------------------------------------------


def compared_attrs(
    attrs: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The attributes that count for agreement, with the scheme's defaults filled in.

    Machine metadata (keys starting with ``_``, ``reason``, ``confidence``, ...) and free notes
    are left out: two annotators who agree on a claim disagree only if, say, ``checkworthy``
    differs, and an unset value equals the scheme's default.
    """
    merged = {**(defaults or {}), **attrs}
    return {
        key: value
        for key, value in sorted(merged.items())
        if not key.startswith("_") and key not in UNCOMPARED and value is not None
    }


def _attrs_key(attrs: Mapping[str, Any]) -> str:
    return json.dumps(attrs, sort_keys=True, default=str)


def group_units(
    doc_id: str,
    layer: str,
    spans: Iterable[SpanLike],
    *,
    annotators: Sequence[str],
    text: str = "",
    defaults: Mapping[str, Any] | None = None,
) -> list[Unit]:
    """One layer of one document as agreement and disagreement units, in text order.

    Spans of annotators not in ``annotators`` are ignored; a span an annotator marked twice
    counts once. An agreement is a (label, start, end, attributes) every annotator marked. The
    other spans are grouped by overlap (transitively, so a chain of overlapping spans is one
    unit), each group being one disagreement. ``text`` is the document text, for display.
    """
    names = tuple(annotators)
    wanted = set(names)
    holders: dict[tuple[str, int, int, str], dict[str, SpanLike]] = {}
    kept_attrs: dict[tuple[str, int, int, str], dict[str, Any]] = {}
    plain = compared_attrs({}, defaults)
    plain_key = _attrs_key(plain)
    for span in spans:
        if span.annotator not in wanted:
            continue
        # Most spans carry no attributes: their key is the defaults' one, computed once.
        attrs = compared_attrs(span.attrs, defaults) if span.attrs else plain
        key = (span.label, span.start, span.end, _attrs_key(attrs) if span.attrs else plain_key)
        holders.setdefault(key, {}).setdefault(span.annotator, span)
        kept_attrs.setdefault(key, attrs)
    units: list[Unit] = []
    rest: list[tuple[str, int, int, str]] = []
    for key, by_name in holders.items():
        if len(by_name) == len(names):
            units.append(_unit(doc_id, layer, "agreement", [key], holders, kept_attrs, names, text))
        else:
            rest.append(key)
    rest.sort(key=lambda k: (k[1], k[2], k[0], k[3]))
    group: list[tuple[str, int, int, str]] = []
    group_end = -1
    for key in rest:
        if group and key[1] >= group_end:
            units.append(
                _unit(doc_id, layer, "disagreement", group, holders, kept_attrs, names, text)
            )
            group = []
        if not group:
            group_end = key[2]
        group.append(key)
        group_end = max(group_end, key[2])
    if group:
        units.append(_unit(doc_id, layer, "disagreement", group, holders, kept_attrs, names, text))
    units.sort(key=lambda u: (u.start, u.end, u.kind))
    return units


def _unit(
    doc_id: str,
    layer: str,
    kind: UnitKind,
    keys: list[tuple[str, int, int, str]],
    holders: Mapping[tuple[str, int, int, str], Mapping[str, SpanLike]],
    attrs: Mapping[tuple[str, int, int, str], Mapping[str, Any]],
    names: tuple[str, ...],
    text: str,
) -> Unit:
    versions = []
    for key in keys:
        by_name = holders[key]
        who = tuple(name for name in names if name in by_name)
        versions.append(
            Version(
                label=key[0],
                start=key[1],
                end=key[2],
                attrs=attrs[key],
                annotators=who,
                span_ids=tuple(str(by_name[name].span_id) for name in who),
            )
        )
    start = min(v.start for v in versions)
    end = max(v.end for v in versions)
    members = sorted((n, v.label, v.start, v.end) for v in versions for n in v.annotators)
    digest = hashlib.blake2b(repr(members).encode("utf-8"), digest_size=5).hexdigest()
    return Unit(
        unit_id=f"{layer}:{start}-{end}:{digest}",
        doc_id=doc_id,
        layer=layer,
        start=start,
        end=end,
        text=text[start:end],
        kind=kind,
        versions=tuple(versions),
        annotators=names,
    )


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
