"""brat's events as annotate's relations, and back.

A brat event is a trigger (a text-bound span typed with the event's type) with role:argument
pairs (``E1 Merge-org:T3 Org-Arg:T1 Org-Arg2:T2``); an argument may be another event. annotate
keeps spans and links between two spans, so an event becomes relations, in one of two ways:

- by a mapping (:class:`EventMapping`, a TOML or JSON file; ``brat_attribution.toml`` beside
  this module is the default for attribution corpora): the argument of the ``head`` role heads
  one relation per other role (``quote -said_by-> source``, ``quote -cue-> cue``); the trigger,
  which marks the same words as the ``trigger`` role's argument, is not kept;
- otherwise as brat has it: the trigger is a span, and each argument the tail of a relation
  from it typed with the role (numbered repeats such as ``Org-Arg2`` are the role ``Org-Arg``),
  a relation type of kind ``role``; an argument that is an event is its trigger.

An export writes both back as events: quotes with their cue as the mapping's events, spans
heading ``role`` relations as events of their own type.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.scheme import Scheme
from ..errors import FormatError

DEFAULT = "attribution"  # --brat-events attribution: the mapping shipped beside this module
_NUMBERED = re.compile(r"^(.*?\D)([2-9]|[1-9]\d+)$")


@dataclass(frozen=True, slots=True)
class EventRule:
    """One event type: the role heading the relations, the role the trigger repeats, and the
    relation type of every other role."""

    type: str
    head: str
    trigger: str
    roles: dict[str, str]


@dataclass(frozen=True, slots=True)
class EventMapping:
    types: dict[str, str] = field(default_factory=dict)  # brat span type -> layer:LABEL
    events: tuple[EventRule, ...] = ()
    origin: str = ""

    def rule(self, event_type: str) -> EventRule | None:
        return next((rule for rule in self.events if rule.type == event_type), None)

    def fits(self, scheme: Scheme) -> bool:
        """Whether ``scheme`` has the layers the types go to and the relation types."""
        layers = {target.partition(":")[0] for target in self.types.values()}
        relations = {r.name for r in scheme.relations}
        return layers <= set(scheme.layer_names) and all(
            set(rule.roles.values()) <= relations for rule in self.events
        )

    def rule_for(self, relation_types: set[str]) -> EventRule | None:
        """The event type to write for a head span linked by ``relation_types``: among the
        rules whose trigger role is linked and whose roles cover every link, the one with the
        fewest roles (``Attribution-no-source`` for a quote without a source)."""
        fitting = [
            rule
            for rule in self.events
            if rule.roles.get(rule.trigger) in relation_types
            and relation_types <= set(rule.roles.values())
        ]
        return min(fitting, key=lambda rule: len(rule.roles), default=None)


def role_base(role: str) -> str:
    """``Org-Arg2`` -> ``Org-Arg``: brat numbers a role's repeats from 2."""
    match = _NUMBERED.match(role)
    return match.group(1) if match else role


def numbered(role: str, nth: int) -> str:
    """The role as brat writes its ``nth`` (0-based) argument: ``Theme``, ``Theme2``, ..."""
    return role if nth == 0 else f"{role}{nth + 1}"


def load_events(given: str | Path | None, scheme: Scheme) -> EventMapping:
    """The mapping in the file ``given``; ``"attribution"`` for the shipped one; ``None`` for
    the shipped one where ``scheme`` has its layers and relation types, else none."""
    if given is None:
        shipped = _shipped()
        return shipped if shipped.fits(scheme) else EventMapping()
    if str(given) == DEFAULT:
        return _shipped()
    path = Path(given)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormatError("E352", path=str(path), detail=exc.strerror or str(exc)) from exc
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise FormatError("E352", path=str(path), detail=f"not valid TOML or JSON ({exc})") from exc
    return parse(raw, origin=str(path))


def _shipped() -> EventMapping:
    text = resources.files("annotate.formats").joinpath("brat_attribution.toml").read_text(
        "utf-8"
    )
    return parse(tomllib.loads(text), origin="brat_attribution.toml")


def parse(raw: Any, *, origin: str) -> EventMapping:
    """The mapping in ``raw`` (the parsed file); E352 naming what is wrong."""

    def fail(detail: str) -> FormatError:
        return FormatError("E352", path=origin, detail=detail)

    if not isinstance(raw, dict):
        raise fail("the file holds no table")
    unknown = set(raw) - {"types", "events"}
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}; use 'types' and 'events'")
    types = raw.get("types", {})
    if not isinstance(types, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in types.items()
    ):
        raise fail("'types' must map brat span types to 'layer:LABEL' strings")
    events = raw.get("events", [])
    if not isinstance(events, list):
        raise fail("'events' must be a list of [[events]] tables")
    rules: list[EventRule] = []
    for number, event in enumerate(events, start=1):
        where = f"[[events]] #{number}"
        if not isinstance(event, dict):
            raise fail(f"{where} is not a table")
        extra = set(event) - {"type", "head", "trigger", "roles"}
        if extra:
            raise fail(f"{where} has unknown key(s) {', '.join(sorted(extra))}")
        for key in ("type", "head", "trigger"):
            if not isinstance(event.get(key), str) or not event[key]:
                raise fail(f"{where} needs {key!r}, a string")
        roles = event.get("roles")
        if not isinstance(roles, dict) or not roles or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in roles.items()
        ):
            raise fail(f"{where} needs 'roles', a table of role = \"relation type\"")
        if event["trigger"] not in roles:
            raise fail(f"{where}: the trigger role {event['trigger']!r} is not one of its roles")
        if event["head"] in roles:
            raise fail(f"{where}: the head role {event['head']!r} heads the relations; it has "
                       "no relation of its own")
        if any(rule.type == event["type"] for rule in rules):
            raise fail(f"{where}: the event type {event['type']!r} is mapped twice")
        rules.append(EventRule(event["type"], event["head"], event["trigger"], dict(roles)))
    return EventMapping(types=dict(types), events=tuple(rules), origin=origin)
