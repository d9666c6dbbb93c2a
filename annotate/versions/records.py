"""Read spans and relations given as plain records, whatever their exact shape.

Spans arrive as dicts from exports (``span_id``), from the widget (``id``), as suggestion
objects (``key``) or as DataFrame rows; relations with ``head``/``tail`` or
``head_span_id``/``tail_span_id``. They are normalised once here, and checked against the text
they were made on, so the rest of the package can trust them.
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import AnnotateError

_SPAN_ID = ("id", "span_id", "key")
_REL_ID = ("id", "relation_id")
_REL_TYPE = ("type", "label")
_HEAD = ("head", "head_span_id")
_TAIL = ("tail", "tail_span_id", "child")


@dataclass(frozen=True, slots=True)
class GivenSpan:
    """A span as the caller gave it (a store record, an export row, a suggestion, a dict),
    read down to what projection needs. Unlike the store's
    :class:`~annotate.core.records.SpanRecord` it keeps the caller's own id, of any type, so
    what is carried back names the caller's spans as they named them."""

    id: Hashable
    layer: str
    label: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class GivenRelation:
    """A relation as the caller gave it, between two :class:`GivenSpan` ids."""

    id: Hashable
    type: str
    head: Hashable
    tail: Hashable
    attrs: dict[str, Any] = field(default_factory=dict)


def read_spans(spans: Iterable[object], text: str, *, which: str) -> list[GivenSpan]:
    """Normalise ``spans`` and check them against ``text`` (E503-E506)."""
    out: list[GivenSpan] = []
    seen: set[Hashable] = set()
    for index, raw in enumerate(spans):
        span_id = _first(raw, _SPAN_ID, what="span", index=index)
        start = _int(_first(raw, ("start",), what="span", index=index), "start", span_id)
        end = _int(_first(raw, ("end",), what="span", index=index), "end", span_id)
        if not 0 <= start < end <= len(text):
            raise AnnotateError(
                "E504", span_id=span_id, start=start, end=end, which=which, n_chars=len(text)
            )
        expected = _get(raw, "text")
        if isinstance(expected, str) and expected != text[start:end]:
            raise AnnotateError(
                "E505",
                span_id=span_id,
                expected=expected,
                found=text[start:end],
                which=which,
                start=start,
                end=end,
            )
        if span_id in seen:
            raise AnnotateError("E506", span_id=span_id, which=which)
        seen.add(span_id)
        attrs = _get(raw, "attrs")
        origin = _get(raw, "origin")
        out.append(
            GivenSpan(
                id=span_id,
                layer=str(_first(raw, ("layer",), what="span", index=index)),
                label=str(_first(raw, ("label",), what="span", index=index)),
                start=start,
                end=end,
                attrs=dict(attrs) if isinstance(attrs, Mapping) else {},
                origin=origin if isinstance(origin, str) else None,
            )
        )
    return out


def read_relations(
    relations: Iterable[object], span_ids: set[Hashable], *, which: str
) -> list[GivenRelation]:
    """Normalise ``relations``; every head and tail must be one of ``span_ids`` (E507)."""
    out: list[GivenRelation] = []
    for index, raw in enumerate(relations):
        rel_id = _get_any(raw, _REL_ID)
        rel_id = f"r{index}" if rel_id is None else rel_id
        head = _first(raw, _HEAD, what="relation", index=index)
        tail = _first(raw, _TAIL, what="relation", index=index)
        for end in (head, tail):
            if end not in span_ids:
                raise AnnotateError("E507", relation_id=rel_id, span_id=end, which=which)
        attrs = _get(raw, "attrs")
        out.append(
            GivenRelation(
                id=rel_id,
                type=str(_first(raw, _REL_TYPE, what="relation", index=index)),
                head=head,
                tail=tail,
                attrs=dict(attrs) if isinstance(attrs, Mapping) else {},
            )
        )
    return out


def _get(raw: object, name: str) -> Any:
    if isinstance(raw, Mapping):
        return raw.get(name)
    return getattr(raw, name, None)


def _get_any(raw: object, names: tuple[str, ...]) -> Any:
    for name in names:
        value = _get(raw, name)
        if value is not None:
            return value
    return None


def _first(raw: object, names: tuple[str, ...], *, what: str, index: int) -> Any:
    value = _get_any(raw, names)
    if value is None:
        fields = (
            list(raw)
            if isinstance(raw, Mapping)
            else [n for n in dir(raw) if not n.startswith("_")]
        )
        raise AnnotateError(
            "E503", what=what.capitalize(), index=index, field=names[0], fields=fields
        )
    return value


def _int(value: object, name: str, span_id: Hashable) -> int:
    if isinstance(value, bool):
        raise AnnotateError(
            "E502", option=f"span {span_id!r} {name}", expected="an integer", value=value
        )
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise AnnotateError(
            "E502", option=f"span {span_id!r} {name}", expected="an integer", value=value
        ) from None
