"""Growing a scheme and writing it back as TOML.

A scheme grows when a project takes another tool's labels (``annotate import --extend-scheme``,
``annotate scheme add-label``) or is proposed from another tool's configuration (``annotate
scheme propose``). Every change goes through the TOML text and :meth:`Scheme.from_toml`, so a
grown scheme passes the same checks as a file a person wrote, with the same messages.

A new label gets the first key no other label of its layer and no layer uses, from digits to
signs and letters the widget does not already take for a command, and a colour of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import SchemeError
from .scheme import Attribute, Layer, RelationType, Scheme

# Keys a label may take, in the order they are handed out. Left out: the widget's command keys
# (a A b d f g k n p t v V x y z Z ?) and the default layers' keys (c e l q s), since in its
# layer a label's key is tried first and would hide the command.
LABEL_KEYS = (
    "1234567890-="
    "BCDEFGHIJKLMNOPQRSTUWXY"
    "[];',./"
    "hijmoruw"
)
LAYER_KEYS = "hijmoruw"
COLORS = (
    "#f4a261", "#8ecae6", "#90be6d", "#e9c46a", "#cdb4db", "#ffafcc", "#a8dadc", "#b5e48c",
    "#f1c0e8", "#e76f51", "#2a9d8f", "#457b9d", "#9d4edd", "#e63946", "#0096c7", "#6c757d",
)  # fmt: skip


@dataclass(slots=True)
class Extension:
    """What to add to a scheme. Labels go into existing layers or into ``layers`` named here
    (created with ``nesting`` as given); relation types are ``(name, head, tail, kind)``;
    attributes ``(layer, name, type, values)``, where a choice attribute that exists already
    gets the values it lacks."""

    labels: dict[str, list[str]] = field(default_factory=dict)
    layers: dict[str, bool] = field(default_factory=dict)  # new layer -> nesting
    relations: list[tuple[str, str, str, str]] = field(default_factory=list)
    attributes: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)

    def add_label(self, layer: str, label: str) -> None:
        names = self.labels.setdefault(layer, [])
        if label not in names:
            names.append(label)

    def __bool__(self) -> bool:
        return bool(self.labels or self.layers or self.relations or self.attributes)


def describe(scheme: Scheme, extension: Extension) -> list[str]:
    """One line per thing ``extension`` adds to ``scheme``, for reports."""
    lines = []
    for layer, nesting in extension.layers.items():
        if layer not in scheme.layer_names:
            lines.append(f"layer {layer}" + (" (spans may overlap)" if nesting else ""))
    for layer, labels in extension.labels.items():
        known = scheme.layer(layer).label_names if layer in scheme.layer_names else ()
        lines += [f"label {layer}:{label}" for label in labels if label not in known]
    known_types = {r.name for r in scheme.relations}
    for name, head, tail, kind in extension.relations:
        if name not in known_types:
            what = "" if kind == "link" else f", {kind}"
            lines.append(f"relation type {name} ({head} -> {tail}{what})")
    for layer, name, type_, values in extension.attributes:
        existing = scheme.attributes_for(layer).get(name)
        if existing is None:
            shown = f": {', '.join(values)}" if values else ""
            lines.append(f"attribute {name} on {'every layer' if layer == '*' else layer} "
                         f"({type_}{shown})")
        elif existing.type == "choice":
            added = [v for v in values if v not in existing.values]
            if added:
                lines.append(f"values {', '.join(added)} of attribute {name}")
    return lines


def extend(scheme: Scheme, extension: Extension, *, origin: str = "the extended scheme") -> Scheme:
    """``scheme`` with everything ``extension`` adds (what it has already is left as it is)."""
    return _apply(to_raw(scheme), extension, origin=origin)


def build(
    name: str,
    *,
    layers: Sequence[tuple[str, bool, Sequence[str]]],
    relations: Iterable[tuple[str, str, str, str]] = (),
    attributes: Iterable[tuple[str, str, str, tuple[str, ...]]] = (),
    base: Scheme | None = None,
    origin: str = "the proposed scheme",
) -> Scheme:
    """A scheme with these layers ``(name, nesting, labels)``, relation types and attributes,
    added to ``base`` where one is given."""
    extension = Extension(
        labels={layer: list(labels) for layer, _, labels in layers},
        layers={layer: nesting for layer, nesting, _ in layers},
        relations=list(relations),
        attributes=list(attributes),
    )
    if base is not None:
        return extend(base, extension, origin=origin)
    raw = {"name": name, "version": 1, "layers": [], "relations": [], "attributes": []}
    return _apply(raw, extension, origin=origin)


def _apply(raw: dict[str, Any], extension: Extension, *, origin: str) -> Scheme:
    layers = {layer["name"]: layer for layer in raw["layers"]}
    layer_keys = {layer.get("key", "") for layer in raw["layers"]} - {""}
    label_keys = {
        label.get("key") or str((n + 1) % 10)
        for layer in raw["layers"]
        for n, label in enumerate(layer["labels"])
    }
    for name, nesting in extension.layers.items():
        if name not in layers:
            layer_key = next((k for k in LAYER_KEYS if k not in layer_keys | label_keys), "")
            layer_keys.add(layer_key)
            layers[name] = {"name": name, "key": layer_key, "style": "highlight",
                            "nesting": nesting, "labels": []}
            raw["layers"].append(layers[name])
    for layer_name, labels in extension.labels.items():
        if layer_name not in layers:
            raise SchemeError("E741", layer=layer_name, layers=", ".join(layers))
        layer = layers[layer_name]
        known = {label["name"] for label in layer["labels"]}
        for label in labels:
            if label in known:
                continue
            key = _free_key(layer, layer_keys)
            if key is None:
                raise SchemeError("E742", layer=layer_name, label=label,
                                  count=len(layer["labels"]))
            color = COLORS[len(layer["labels"]) % len(COLORS)]
            layer["labels"].append({"name": label, "key": key, "color": color})
            known.add(label)
    relations = {relation["name"] for relation in raw["relations"]}
    for name, head, tail, kind in extension.relations:
        if name not in relations:
            relation = {"name": name, "head": head, "tail": tail}
            if kind != "link":
                relation["kind"] = kind
            raw["relations"].append(relation)
            relations.add(name)
    for layer_name, name, type_, values in extension.attributes:
        existing = next(
            (a for a in raw["attributes"]
             if a["name"] == name and a["layer"] in (layer_name, "*")),
            None,
        )
        if existing is None:
            entry: dict[str, Any] = {"layer": layer_name, "name": name, "type": type_}
            if type_ == "choice":
                entry["values"] = list(dict.fromkeys(values))
            raw["attributes"].append(entry)
        elif existing["type"] == "choice":
            existing["values"] = list(dict.fromkeys([*existing["values"], *values]))
    return Scheme.from_toml(dump(raw), origin=origin)


def _free_key(layer: dict[str, Any], layer_keys: set[str]) -> str | None:
    taken = {label.get("key") or str((n + 1) % 10) for n, label in enumerate(layer["labels"])}
    return next((k for k in LABEL_KEYS if k not in taken and k not in layer_keys), None)


# --- TOML --------------------------------------------------------------------------------------


def to_raw(scheme: Scheme) -> dict[str, Any]:
    """``scheme`` as the tables of its TOML file, only the keys that differ from defaults."""
    return {
        "name": scheme.name,
        "version": scheme.version,
        "layers": [_layer(layer) for layer in scheme.layers],
        "relations": [_relation(relation) for relation in scheme.relations],
        "attributes": [_attribute(attribute) for attribute in scheme.attributes],
    }


def _layer(layer: Layer) -> dict[str, Any]:
    raw: dict[str, Any] = {"name": layer.name}
    if layer.description:
        raw["description"] = layer.description
    if layer.key:
        raw["key"] = layer.key
    raw["style"] = layer.style
    raw["nesting"] = layer.nesting
    raw["labels"] = []
    for label in layer.labels:
        entry = {"name": label.name}
        if label.key:
            entry["key"] = label.key
        entry["color"] = label.color
        if label.description:
            entry["description"] = label.description
        raw["labels"].append(entry)
    return raw


def _relation(relation: RelationType) -> dict[str, Any]:
    raw = {"name": relation.name, "head": relation.head, "tail": relation.tail}
    if relation.kind != "link":
        raw["kind"] = relation.kind
    if relation.description:
        raw["description"] = relation.description
    return raw


def _attribute(attribute: Attribute) -> dict[str, Any]:
    raw: dict[str, Any] = {"layer": attribute.layer, "name": attribute.name,
                           "type": attribute.type}
    if attribute.type == "choice":
        raw["values"] = list(attribute.values)
    if attribute.default is not None:
        raw["default"] = attribute.default
    return raw


def dump(raw: Mapping[str, Any]) -> str:
    """TOML text for a scheme's tables, laid out like ``default_scheme.toml``."""
    lines = [f"name = {_value(raw.get('name', 'custom'))}",
             f"version = {_value(raw.get('version', 1))}"]
    for table, items in (("layers", raw.get("layers", [])),
                         ("relations", raw.get("relations", [])),
                         ("attributes", raw.get("attributes", []))):
        for item in items:
            lines += ["", f"[[{table}]]"]
            for key, value in item.items():
                if key == "labels":
                    lines.append("labels = [")
                    lines += [f"  {_inline(label)}," for label in value]
                    lines.append("]")
                else:
                    lines.append(f"{key} = {_value(value)}")
    return "\n".join(lines) + "\n"


def _inline(table: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{key} = {_value(value)}" for key, value in table.items()) + " }"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # JSON's escapes (\\" \\\\ \\n \\t \\uXXXX) are TOML's basic-string escapes too.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")
