"""The annotation scheme: layers, labels, relations and attributes, read from TOML.

The scheme is data, not code: a project can change labels, colours, keys, relation types and
attributes in a TOML file without touching Python or JavaScript. ``default_scheme.toml`` beside
this module is the news scheme every new project starts with.

A scheme grows by :meth:`Scheme.extended` (labels, relation types, attributes and choice values
added, each new label given a free key and a colour) and is written back with
:meth:`Scheme.to_toml`; both go through the same checks as a file.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import SchemeError
from .scheme_check import ATTRIBUTE_TYPES as ATTRIBUTE_TYPES
from .scheme_check import RELATION_KINDS as RELATION_KINDS
from .scheme_check import check_scheme


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Layer:
    name: str
    labels: tuple[Label, ...]
    key: str = ""
    style: str = "highlight"
    nesting: bool = False
    description: str = ""

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)


@dataclass(frozen=True, slots=True)
class RelationType:
    """A link from a span of the ``head`` layer to one of the ``tail`` layer.

    ``kind`` says what the link means beyond its name: ``link`` (the default), ``role`` (an
    argument of an event: the head span is the event's trigger, as brat's events have it) or
    ``equivalence`` (the two spans are one thing; symmetric and transitive, brat's ``*`` sets).
    """

    name: str
    head: str
    tail: str
    description: str = ""
    kind: str = "link"


@dataclass(frozen=True, slots=True)
class Attribute:
    layer: str  # a layer name, or "*" for every layer
    name: str
    type: str
    values: tuple[str, ...] = ()
    default: Any = None


@dataclass(frozen=True, slots=True)
class Scheme:
    name: str
    version: int
    layers: tuple[Layer, ...]
    relations: tuple[RelationType, ...] = ()
    attributes: tuple[Attribute, ...] = field(default=())
    source_toml: str = ""

    # --- look-ups ----------------------------------------------------------------------------
    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers)

    def layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise SchemeError("E104", layer=name, layers=", ".join(self.layer_names))

    def relation(self, name: str) -> RelationType:
        for relation in self.relations:
            if relation.name == name:
                return relation
        raise SchemeError(
            "E108", type=name, types=", ".join(r.name for r in self.relations) or "(none)"
        )

    def attributes_for(self, layer: str) -> dict[str, Attribute]:
        return {a.name: a for a in self.attributes if a.layer in (layer, "*")}

    # --- checks ------------------------------------------------------------------------------
    def check_label(self, layer: str, label: str) -> None:
        known = self.layer(layer).label_names
        if label not in known:
            raise SchemeError("E105", label=label, layer=layer, labels=", ".join(known))

    def check_relation(self, type_: str, head_layer: str, tail_layer: str) -> None:
        relation = self.relation(type_)
        if (relation.head, relation.tail) != (head_layer, tail_layer):
            raise SchemeError(
                "E109",
                type=type_,
                head_layer=head_layer,
                tail_layer=tail_layer,
                want_head=relation.head,
                want_tail=relation.tail,
            )

    def check_attrs(self, layer: str, attrs: dict[str, Any]) -> None:
        """Check attribute values against the scheme.

        Keys starting with ``_`` or named ``reason``/``confidence`` are machine metadata
        (e.g. why a suggestion was made) and pass through unchecked.
        """
        known = self.attributes_for(layer)
        for name, value in attrs.items():
            if name.startswith("_") or name in MACHINE_ATTRS:
                continue
            if name not in known:
                raise SchemeError(
                    "E117", name=name, layer=layer, known=", ".join(sorted(known)) or "(none)"
                )
            attribute = known[name]
            if value is None:
                continue
            if attribute.type == "bool" and not isinstance(value, bool):
                raise SchemeError(
                    "E118", name=name, layer=layer, expected="true or false", value=value
                )
            if attribute.type == "choice" and value not in attribute.values:
                raise SchemeError(
                    "E118",
                    name=name,
                    layer=layer,
                    expected=f"one of {list(attribute.values)}",
                    value=value,
                )
            if attribute.type == "text" and not isinstance(value, (str, dict)):
                raise SchemeError("E118", name=name, layer=layer, expected="text", value=value)

    def orphans(
        self,
        *,
        labels: Mapping[tuple[str, str], int],
        relation_types: Mapping[str, int],
        attributes: Mapping[tuple[str, str, str | bool | None], int],
    ) -> list[str]:
        """What annotations use that this scheme leaves out, each with how many use it.

        The arguments are what :meth:`Store.labels_in_use`, :meth:`Store.relation_types_in_use`
        and :meth:`Store.attributes_in_use` return. An attribute value counts as left out when
        :meth:`check_attrs` would refuse it now (a choice no longer offered, a changed type).
        """
        missing_layers: Counter[str] = Counter()
        found: list[str] = []
        for (layer, label), n in sorted(labels.items()):
            if layer not in self.layer_names:
                missing_layers[layer] += n
            elif label not in self.layer(layer).label_names:
                found.append(f"label {label!r} of layer {layer!r} ({n} span(s))")
        found[:0] = [f"layer {layer!r} ({n} span(s))" for layer, n in missing_layers.items()]
        known_types = {r.name for r in self.relations}
        found += [
            f"relation type {type_!r} ({n} relation(s))"
            for type_, n in sorted(relation_types.items())
            if type_ not in known_types
        ]
        left_out: Counter[str] = Counter()
        for (layer, name, value), n in attributes.items():
            if layer not in self.layer_names or name.startswith("_") or name in MACHINE_ATTRS:
                continue
            if name not in self.attributes_for(layer):
                left_out[f"attribute {name!r} of layer {layer!r}"] += n
            elif value is not None:
                try:
                    self.check_attrs(layer, {name: value})
                except SchemeError:
                    left_out[f"value {value!r} of attribute {name!r} of layer {layer!r}"] += n
        found += [f"{what} ({n} span(s))" for what, n in sorted(left_out.items())]
        return found

    # --- (de)serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the widgets."""
        data = asdict(self)
        data.pop("source_toml")
        return data

    @classmethod
    def from_toml(cls, text: str, *, origin: str = "<scheme>") -> Scheme:
        """The scheme in ``text``, checked (see :mod:`annotate.core.scheme_check`): a SchemeError
        naming ``origin``, the line and the table for the first problem."""
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemeError("E701", path=origin, detail=str(exc)) from exc
        check_scheme(raw, text, origin)
        return _build(raw, text)

    @classmethod
    def from_file(cls, path: str | Path) -> Scheme:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SchemeError("E701", path=str(path), detail=exc.strerror or str(exc)) from exc
        return cls.from_toml(text, origin=str(path))

    @classmethod
    def default(cls) -> Scheme:
        text = resources.files("annotate.core").joinpath("default_scheme.toml").read_text("utf-8")
        return cls.from_toml(text, origin="default_scheme.toml")


MACHINE_ATTRS = frozenset({"reason", "confidence", "speaker", "claimant", "suggested_from"})


def _build(raw: dict[str, Any], text: str) -> Scheme:
    """The Scheme of a checked TOML document: every name, type and reference is known good."""
    layers = tuple(
        Layer(
            name=layer["name"],
            labels=tuple(
                Label(
                    name=label["name"],
                    key=label.get("key", ""),
                    color=label.get("color", "#cccccc"),
                    description=label.get("description", ""),
                )
                for label in layer["labels"]
            ),
            key=layer.get("key", ""),
            style=layer.get("style", "highlight"),
            nesting=layer.get("nesting", False),
            description=layer.get("description", ""),
        )
        for layer in raw["layers"]
    )
    relations = tuple(
        RelationType(
            name=r["name"], head=r["head"], tail=r["tail"], description=r.get("description", ""),
            kind=r.get("kind", "link"),
        )
        for r in raw.get("relations", [])
    )
    attributes = tuple(
        Attribute(
            layer=a["layer"],
            name=a["name"],
            type=a["type"],
            values=tuple(a.get("values", ())),
            default=a.get("default"),
        )
        for a in raw.get("attributes", [])
    )
    return Scheme(
        name=raw.get("name", "custom"),
        version=raw.get("version", 1),
        layers=layers,
        relations=relations,
        attributes=attributes,
        source_toml=text,
    )
