"""The annotation scheme: layers, labels, relations and attributes, read from TOML.

The scheme is data, not code: a project can change labels, colours, keys, relation types and
attributes in a TOML file without touching Python or JavaScript. ``default_scheme.toml`` beside
this module is the news scheme every new project starts with.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import SchemeError

ATTRIBUTE_TYPES = ("choice", "bool", "text")


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
    name: str
    head: str
    tail: str
    description: str = ""


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

    # --- (de)serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the widgets."""
        data = asdict(self)
        data.pop("source_toml")
        return data

    @classmethod
    def from_toml(cls, text: str, *, origin: str = "<scheme>") -> Scheme:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemeError("E701", path=origin, detail=str(exc)) from exc
        try:
            return _build(raw, text)
        except (KeyError, TypeError, ValueError) as exc:
            raise SchemeError("E701", path=origin, detail=f"{type(exc).__name__}: {exc}") from exc

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
        text = resources.files("annotate").joinpath("default_scheme.toml").read_text("utf-8")
        return cls.from_toml(text, origin="default_scheme.toml")


MACHINE_ATTRS = frozenset({"reason", "confidence", "speaker", "claimant", "suggested_from"})


def _build(raw: dict[str, Any], text: str) -> Scheme:
    layers = []
    for layer in raw["layers"]:
        labels = tuple(
            Label(
                name=str(label["name"]),
                key=str(label.get("key", "")),
                color=str(label.get("color", "#cccccc")),
                description=str(label.get("description", "")),
            )
            for label in layer["labels"]
        )
        if not labels:
            raise ValueError(f"layer {layer['name']!r} has no labels")
        layers.append(
            Layer(
                name=str(layer["name"]),
                labels=labels,
                key=str(layer.get("key", "")),
                style=str(layer.get("style", "highlight")),
                nesting=bool(layer.get("nesting", False)),
                description=str(layer.get("description", "")),
            )
        )
    names = [layer.name for layer in layers]
    if len(set(names)) != len(names):
        raise ValueError(f"layer names repeat: {names}")
    relations = tuple(
        RelationType(
            name=str(r["name"]),
            head=str(r["head"]),
            tail=str(r["tail"]),
            description=str(r.get("description", "")),
        )
        for r in raw.get("relations", [])
    )
    for relation in relations:
        for end in (relation.head, relation.tail):
            if end not in names:
                raise ValueError(f"relation {relation.name!r} names unknown layer {end!r}")
    attributes = []
    for a in raw.get("attributes", []):
        if a["type"] not in ATTRIBUTE_TYPES:
            raise ValueError(
                f"attribute {a['name']!r} has type {a['type']!r}; use {ATTRIBUTE_TYPES}"
            )
        if a["layer"] != "*" and a["layer"] not in names:
            raise ValueError(f"attribute {a['name']!r} names unknown layer {a['layer']!r}")
        attributes.append(
            Attribute(
                layer=str(a["layer"]),
                name=str(a["name"]),
                type=str(a["type"]),
                values=tuple(str(v) for v in a.get("values", ())),
                default=a.get("default"),
            )
        )
    return Scheme(
        name=str(raw.get("name", "custom")),
        version=int(raw.get("version", 1)),
        layers=tuple(layers),
        relations=relations,
        attributes=tuple(attributes),
        source_toml=text,
    )
