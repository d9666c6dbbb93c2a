"""Units of adjudication: one layer of one document's spans, grouped as people compare them.

An *agreement* is a span every annotator marked identically (same label, offsets and compared
attributes); a *disagreement* is a group of overlapping spans that differ, with who chose what
and who marked nothing there. :func:`group_units` is pure: the agreement report lists
disagreements with it, and :mod:`annotate.workflow.adjudicate` turns units into decisions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..core.scheme import MACHINE_ATTRS

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
