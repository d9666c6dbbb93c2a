"""brat's ``annotation.conf``: written with every export, read to propose a scheme.

The file has four sections, one type a line (brat's configuration.html)::

    [entities]
    Person                      one type a line; a tab's indent makes a subtype; a leading
    !Life                       "!" a type only for the hierarchy, not for annotation
    [relations]
    Family      Arg1:Person, Arg2:Person
    Alias       Arg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive
    <OVERLAP>   Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>
    [events]
    <POG>=Person|Organization|GPE                   a macro
    Die         Person-Arg:Person, Agent-Arg?:<POG>     roles: ? optional, * + repeated
    [attributes]
    Negation    Arg:<EVENT>                          present or not
    Confidence  Arg:<EVENT>, Value:High|Neutral|Low  one of the values

:func:`parse_conf` reads it; :func:`scheme_from_conf` proposes a scheme: every entity and event
type a label of one layer (``layer``; types written ``<layer>_<LABEL>``, as annotate's export
writes them, go back to their layer), relations and event roles relation types (kind ``link``,
``equivalence`` or ``role``), attributes choice or bool attributes, and brat's notes a ``note``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..core.scheme import Scheme
from ..core.scheme_check import valid_name
from ..core.scheme_edit import build
from ..errors import FormatError
from .brat_events import EventMapping, role_base
from .jsonio import lines as split_lines
from .jsonio import read_text
from .naming import qualify, split_qualified

SECTIONS = ("entities", "relations", "events", "attributes")
_SPECIAL = re.compile(r"<[^>]+>")


# --- writing --------------------------------------------------------------------------------


@dataclass(slots=True)
class ConfTypes:
    """The types an export wrote, gathered while it writes, for the ``annotation.conf``."""

    entities: list[str] = field(default_factory=list)
    events: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # type->role->types
    relations: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    sets: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, tuple[list[str], str]] = field(default_factory=dict)

    def entity(self, type_: str) -> None:
        _add(self.entities, type_)

    def event_arg(self, event: str, role: str, type_: str) -> None:
        _add(self.events.setdefault(event, {}).setdefault(role, []), type_)

    def relation(self, name: str, head: str, tail: str) -> None:
        heads, tails = self.relations.setdefault(name, ([], []))
        _add(heads, head)
        _add(tails, tail)

    def equivalence(self, name: str, types: list[str]) -> None:
        for type_ in types:
            _add(self.sets.setdefault(name, []), type_)

    def attribute(self, name: str, target: str, values: str) -> None:
        targets, _ = self.attributes.setdefault(name, ([], values))
        _add(targets, target)

    def render(self, scheme: Scheme) -> str:
        """The configuration: the scheme's types and relations, and what the data added."""
        by_layer = {
            layer.name: [qualify(layer.name, lab, plain_layer=None) for lab in layer.label_names]
            for layer in scheme.layers
        }
        events = set(self.events)
        entities = [t for names in by_layer.values() for t in names if t not in events]
        entities += [t for t in self.entities if t not in entities and t not in events]
        lines = ["[entities]", *entities, "", "[relations]"]
        relations = {name: (list(heads), list(tails)) for name, (heads, tails) in
                     self.relations.items()}
        for relation in scheme.relations:
            if relation.kind == "link":
                heads, tails = relations.setdefault(relation.name, ([], []))
                heads[:0] = [t for t in by_layer.get(relation.head, []) if t not in heads]
                tails[:0] = [t for t in by_layer.get(relation.tail, []) if t not in tails]
            elif relation.kind == "equivalence":
                self.equivalence(relation.name, by_layer.get(relation.head, []))
        for name, (heads, tails) in relations.items():
            lines.append(f"{name}\tArg1:{'|'.join(heads) or '<ENTITY>'}, "
                         f"Arg2:{'|'.join(tails) or '<ENTITY>'}")
        for name, types in self.sets.items():
            listed = "|".join(types) or "<ENTITY>"
            lines.append(f"{name}\tArg1:{listed}, Arg2:{listed}, <REL-TYPE>:symmetric-transitive")
        lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
        for event, roles in self.events.items():
            args = ", ".join(f"{role}*:{'|'.join(types)}" for role, types in roles.items())
            lines.append(f"{event}\t{args}" if args else event)
        lines += ["", "[attributes]"]
        attributes = dict(self.attributes)
        for attribute in scheme.attributes:
            if attribute.type not in ("choice", "bool"):
                continue
            layers = scheme.layer_names if attribute.layer == "*" else (attribute.layer,)
            targets = [t for layer in layers for t in by_layer.get(layer, [])]
            values = "|".join(attribute.values) if attribute.type == "choice" else "true|false"
            found, _ = attributes.get(attribute.name, ([], values))
            attributes[attribute.name] = (targets + [t for t in found if t not in targets],
                                          values)
        for name, (targets, values) in attributes.items():
            arg = "|".join(targets) or "<ENTITY>"
            lines.append(f"{name}\tArg:{arg}, Value:{values}")
        return "\n".join(lines) + "\n"


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


# --- reading --------------------------------------------------------------------------------


@dataclass(slots=True)
class Conf:
    """What an ``annotation.conf`` defines, each with the line defining it."""

    path: str
    entities: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    # relation -> (Arg1 types, Arg2 types, symmetric-transitive, line)
    relations: dict[str, tuple[list[str], list[str], bool, int]] = field(default_factory=dict)
    roles: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # event -> role -> types
    # attribute -> (target types, values (empty: present or not), line)
    attributes: dict[str, tuple[list[str], list[str], int]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # any name -> its line


def parse_conf(path: Path) -> Conf:
    """The types, relations, roles and attributes ``path`` defines; E355 for a line that is
    none of the section's forms."""
    conf = Conf(str(path))
    macros: dict[str, list[str]] = {}
    section = None
    for number, raw in enumerate(split_lines(read_text(path)), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            section = header.group(1)
            continue
        macro = re.fullmatch(r"(<[^>]+>)\s*=\s*(.+)", line)
        if macro:
            macros[macro.group(1)] = macro.group(2).split("|")
            continue
        if section not in SECTIONS:
            if section is None:
                raise FormatError("E355", path=str(path), line=number,
                                  detail=f"{line[:40]!r} comes before any [section]")
            continue  # a section brat has and annotate needs nothing from
        name = line.split()[0]
        rest = line[len(name):].strip()
        if name.startswith("!"):
            continue  # brat's hierarchy only: not a type to annotate with
        args = _args(rest, macros, path, number) if rest else []
        _define(conf, section, name, args, number, path)
    return conf


def _args(
    text: str, macros: dict[str, list[str]], path: Path, number: int
) -> list[tuple[str, list[str]]]:
    found = []
    for item in (part.strip() for part in text.split(",")):
        role, sep, types = item.partition(":")
        if not sep or not role or not types:
            raise FormatError("E355", path=str(path), line=number,
                              detail=f"{item!r} is not ROLE:TYPE|TYPE")
        expanded: list[str] = []
        for type_ in types.split("|"):
            expanded += macros.get(type_.strip(), [type_.strip()])
        found.append((role.strip(), expanded))
    return found


def _define(conf: Conf, section: str, name: str, args: list[tuple[str, list[str]]],
            number: int, path: Path) -> None:
    conf.lines.setdefault(name, number)
    if section == "entities":
        conf.entities.setdefault(name, number)
    elif section == "events":
        conf.events.setdefault(name, number)
        roles = conf.roles.setdefault(name, {})
        for role, types in args:
            base = role_base(re.sub(r"(\{[\d,-]+\}|[?*+])$", "", role))
            roles.setdefault(base, [])
            roles[base] += [t for t in types if t not in roles[base]]
    elif section == "relations":
        if name.startswith("<"):
            return  # <OVERLAP> and other brat settings
        given = dict(args)
        heads, tails = given.get("Arg1", []), given.get("Arg2", [])
        if not heads or not tails:
            raise FormatError("E355", path=str(path), line=number,
                              detail=f"the relation {name!r} needs Arg1:TYPE and Arg2:TYPE")
        symmetric = "symmetric-transitive" in given.get("<REL-TYPE>", [])
        earlier = conf.relations.get(name)
        if earlier is not None:
            heads = earlier[0] + [t for t in heads if t not in earlier[0]]
            tails = earlier[1] + [t for t in tails if t not in earlier[1]]
            number = earlier[3]
        conf.relations[name] = (heads, tails, symmetric, number)
    else:
        given = dict(args)
        targets = given.get("Arg", ["<ENTITY>"])
        values = given.get("Value", [])
        conf.attributes[name] = (targets, values, number)


def scheme_from_conf(
    conf: Conf, *, layer: str = "entity", base: Scheme | None = None,
    known_layers: tuple[str, ...] = (), mapping: EventMapping | None = None,
) -> Scheme:
    """A scheme for the files ``conf`` configures (see the module docstring). Types and events
    ``mapping`` maps (onto ``base``'s layers and relations) take the mapping's place."""
    layers = (*(base.layer_names if base else ()), *known_layers)
    mapped_types = dict(mapping.types) if mapping is not None else {}
    mapped_events = {rule.type for rule in mapping.events} if mapping is not None else set()
    conf.events = {e: n for e, n in conf.events.items() if e not in mapped_events}
    conf.roles = {e: r for e, r in conf.roles.items() if e not in mapped_events}
    layer_of: dict[str, tuple[str, str]] = {}
    labels: dict[str, list[str]] = defaultdict(list)
    for type_, number in [*conf.entities.items(), *conf.events.items()]:
        if type_ in mapped_types:
            target, _, label = mapped_types[type_].partition(":")
            layer_of[type_] = (target, label)
            if label not in labels[target]:
                labels[target].append(label)
            continue
        named, label = split_qualified(type_, layers)
        target = named or layer
        _valid(conf, label, "label", number)
        layer_of[type_] = (target, label)
        if label not in labels[target]:
            labels[target].append(label)
    event_layers = sorted({layer_of[e][0] for e in conf.events}) or [layer]

    def layers_of(types: list[str], line: int, what: str) -> str:
        found = set()
        for type_ in types:
            if type_ in ("<ENTITY>", "<ANY>"):
                found |= {layer_of[t][0] for t in conf.entities} or {layer}
            elif type_ == "<EVENT>":
                found |= set(event_layers)
            elif type_ in layer_of:
                found.add(layer_of[type_][0])
            elif not _SPECIAL.fullmatch(type_):
                raise FormatError("E355", path=conf.path, line=line, detail=(
                    f"{what} names the type {type_!r}, which no section defines"))
        if len(found) > 1:
            raise FormatError("E355", path=conf.path, line=line, detail=(
                f"{what} links types of several layers ({', '.join(sorted(found))}), and a "
                "relation type of a scheme links one layer to one layer"))
        return found.pop() if found else layer

    relations = []
    for name, (heads, tails, symmetric, number) in conf.relations.items():
        _valid(conf, name, "relation type", number)
        relations.append((name, layers_of(heads, number, f"relation {name!r}"),
                          layers_of(tails, number, f"relation {name!r}"),
                          "equivalence" if symmetric else "link"))
    for event, roles in conf.roles.items():
        number = conf.events[event]
        for role, types in roles.items():
            _valid(conf, role, "relation type", number)
            if any(r[0] == role for r in relations):
                continue
            relations.append((role, layer_of[event][0],
                              layers_of(types, number, f"the role {role!r} of {event!r}"),
                              "role"))
    attributes: list[tuple[str, str, str, tuple[str, ...]]] = []
    for name, (targets, values, number) in conf.attributes.items():
        _valid(conf, name, "attribute", number)
        for value in values:
            _valid(conf, value, "attribute value", number)
        where = {layers_of([t], number, f"attribute {name!r}") for t in targets}
        on = where.pop() if len(where) == 1 else "*"
        attributes.append((on, name, "choice" if values else "bool", tuple(values)))
    attributes.append(("*", "note", "text", ()))
    ordered = [
        (name, base.layer(name).nesting if base and name in base.layer_names else True,
         labels[name])
        for name in labels
    ]
    return build(Path(conf.path).parent.name or "brat", layers=ordered, relations=relations,
                 attributes=attributes, base=base, origin=f"the scheme proposed from {conf.path}")


def _valid(conf: Conf, name: str, what: str, line: int) -> None:
    problem = valid_name(name, what)
    if problem is not None:
        raise FormatError("E355", path=conf.path, line=line,
                          detail=f"the {what} {name!r} cannot be a name in a scheme: {problem}")
