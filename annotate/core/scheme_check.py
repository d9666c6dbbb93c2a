"""Checks a scheme file before it is used, naming the file, line and table of each problem.

A scheme that loads must be one the rest of the package can trust: no name defined twice, no
key that picks two things, no default outside its values, a list wherever a list is meant (TOML's
``values = "yes"`` would otherwise become the choices y, e, s), names that every export format
can carry, and relations and attributes that point at layers that exist.

Names are an allow-list: letters and digits of any script, ``_`` and ``-``, starting with a
letter or digit. brat writes ``T1<TAB>TYPE 0 5``, CoNLL ``token<SPACE>B-TYPE``; brat's
annotation.conf gives ``:`` ``|`` ``,`` ``=`` ``<`` ``>`` ``!`` ``#`` meanings, and label maps
write ``layer:LABEL``. White space, control characters and those signs would each split or
corrupt a line in some export, so none of them is allowed. Layer names take no ``_`` either:
brat and Prodigy labels carry the layer as ``layer_LABEL``, split at the first ``_``.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import SchemeError

ATTRIBUTE_TYPES = ("choice", "bool", "text")
RELATION_KINDS = ("link", "role", "equivalence")
STYLES = ("highlight", "underline", "box", "bracket")  # what the widgets draw (common.js)
# The store's columns: spans.layer, spans.label, relations.type.
LIMITS = {"layer": 50, "label": 100, "relation type": 50, "attribute": 100,
          "attribute value": 100}

_NAME = re.compile(r"[^\W_][\w-]*")
_LAYER_NAME = re.compile(r"[^\W_](?:[^\W_]|-)*")
_ARRAY_HEADER = re.compile(r"\s*\[\[\s*([\w.-]+)\s*\]\]")
_ANY_HEADER = re.compile(r"\s*\[\[?\s*([\w.-]+)\s*\]\]?")


class _Locator:
    """Where things are in the TOML text. tomllib gives no positions, so the tables'
    ``[[name]]`` headers and ``key =`` lines are found in the text itself; a scheme written
    with inline tables instead gets the table's number without a line."""

    def __init__(self, text: str, origin: str) -> None:
        self.origin = origin
        self.lines = text.split("\n")
        self.headers: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines):
            match = _ARRAY_HEADER.match(line)
            if match:
                self.headers.setdefault(match.group(1), []).append(number)

    def _section(self, table: str, index: int) -> range | None:
        starts = self.headers.get(table, [])
        if index >= len(starts):
            return None
        start = starts[index]
        for number in range(start + 1, len(self.lines)):
            match = _ANY_HEADER.match(self.lines[number])
            if match and not match.group(1).startswith(f"{table}."):
                return range(start, number)
        return range(start, len(self.lines))

    def line(self, table: str, index: int, *patterns: str, occurrence: int = 0) -> int | None:
        """The 1-based line of the ``index``-th ``[[table]]``; with ``patterns``, the line in it
        matching the last pattern (after a line matching each earlier one)."""
        section = self._section(table, index)
        if section is None:
            return None
        found = section.start
        for position, pattern in enumerate(patterns):
            compiled = re.compile(pattern)
            hits = [n for n in range(found, section.stop) if compiled.search(self.lines[n])]
            wanted = occurrence if position == len(patterns) - 1 else 0
            if len(hits) <= wanted:
                break
            found = hits[wanted]
        return found + 1

    def top(self, key: str) -> str:
        first_table = min((lines[0] for lines in self.headers.values()), default=len(self.lines))
        for number in range(first_table):
            if re.match(_key_line(key), self.lines[number]):
                return f"{self.origin}, line {number + 1}"
        return self.origin


class _Place:
    """One table of the scheme (a layer, a label, a relation, an attribute), for messages."""

    def __init__(
        self, at: _Locator, table: str, index: int, name: object, *, label: str = ""
    ) -> None:
        self.at, self.table, self.index, self.label = at, table, index, label
        self.name = name if isinstance(name, str) else None
        self.line = at.line(table, index)

    def on_line(self, line: int | None) -> _Place:
        self.line = line
        return self

    def __call__(self, key: str | None = None) -> str:
        """Where the table is; with ``key``, the line that sets it, else (the key is missing)
        the line of its name. A label's keys sit on the label's own line."""
        line = self.line
        if key is not None and not self.label:
            for wanted in (key, "name"):
                found = self.at.line(self.table, self.index, _key_line(wanted))
                if found != self.line:
                    line = found
                    break
        named = f" {self.name!r}" if self.name else ""
        at = f", line {line}" if line else ""
        return f"{self.at.origin}{at} ([[{self.table}]] #{self.index + 1}{named}){self.label}"


Where = _Place | str  # a table, or a fixed place (the top of the file)


def _where(place: Where, key: str | None = None) -> str:
    return place if isinstance(place, str) else place(key)


def _key_line(key: str) -> str:
    return rf"^\s*{re.escape(key)}\s*="


_SHORT_ESCAPES = {"\b": "b", "\t": "t", "\n": "n", "\f": "f", "\r": "r", '"': '"', "\\": "\\"}


def _name_line(name: str) -> str:
    """A pattern for ``name = "<name>"`` as TOML may write it: literally, or with escapes
    (a tab as ``\\t`` or ``\\u0009``) in a basic string."""
    chars = []
    for char in name:
        forms = [rf"\\u(?i:{ord(char):04x})", rf"\\U(?i:{ord(char):08x})"]
        if char in _SHORT_ESCAPES:
            forms.append(re.escape("\\" + _SHORT_ESCAPES[char]))
        if char.isprintable() and char not in '"\\':
            forms.append(re.escape(char))
        chars.append("(?:" + "|".join(forms) + ")")
    literal = re.escape(name)
    return rf"name\s*=\s*(\"{''.join(chars)}\"|'{literal}')"


_KINDS = {str: "the string", bool: "the boolean", int: "the number", float: "the number",
          list: "the list", dict: "the table"}
_EXPECTED = {str: "a string", bool: "true or false", int: "a whole number",
             list: "a list in [ ]", dict: "a table"}


def _wrong(where: str, key: str, expected: str, value: Any, hint: str = "") -> SchemeError:
    kind = _KINDS.get(type(value), f"a {type(value).__name__}")
    hint = hint or f"Change it to {expected}."
    return SchemeError("E726", where=where, key=key, expected=expected, kind=kind, value=value,
                       hint=hint)


def _get(table: dict[str, Any], key: str, kind: type, place: Where, *, required: bool = False,
         expected: str = "", table_name: str = "") -> Any:
    """``table[key]`` if it has the TOML type ``kind``; E729 if required and missing."""
    expected = expected or _EXPECTED[kind]
    if key not in table:
        if required:
            raise SchemeError("E729", where=_where(place, key), table=table_name, key=key,
                              expected=expected)
        return None
    value = table[key]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        hint = ""
        if kind is list and isinstance(value, str):
            hint = f'Put the items in square brackets, e.g. {key} = ["{value}"].'
        raise _wrong(_where(place, key), key, expected, value, hint)
    return value


def _check_name(name: str, what: str, where: str, *, layer: bool = False) -> None:
    pattern = _LAYER_NAME if layer else _NAME
    if not pattern.fullmatch(name):
        bad = [c for c in name if not (c.isalnum() or c == "-" or (c == "_" and not layer))]
        if not name:
            problem = "is empty"
        elif bad:
            problem = f"holds {bad[0]!r}" + (" (white space)" if bad[0].isspace() else "")
        else:
            problem = "does not start with a letter or digit"
        allowed = (
            "letters, digits and '-' (no '_', which separates layer and label)"
            if layer
            else "letters, digits, '_' and '-'"
        )
        cleaned = re.sub(r"[^\w-]+|_" if layer else r"[^\w-]+", "-" if layer else "_", name)
        suggestion = cleaned.strip("_-") or "NAME"
        raise SchemeError("E727", where=where, what=what, name=name, problem=problem,
                          allowed=allowed, suggestion=suggestion)
    if len(name) > LIMITS[what]:
        raise SchemeError("E734", where=where, what=what, name=name, n_chars=len(name),
                          limit=LIMITS[what])


def valid_name(name: str, what: str, *, layer: bool = False) -> str | None:
    """Why ``name`` cannot name a ``what`` (a key of :data:`LIMITS`) in a scheme, or None."""
    try:
        _check_name(name, what, "the name", layer=layer)
    except SchemeError as exc:
        fields = exc.fields
        if exc.code == "E734":
            return f"it has {fields['n_chars']} characters, and a {what} at most {fields['limit']}."
        return (
            f"it {fields['problem']}, and names hold {fields['allowed']} (brat, CoNLL and "
            f"Prodigy files would be corrupted by others), e.g. {fields['suggestion']!r}."
        )
    return None


def _check_key(key: str, what: str, where: str) -> None:
    if len(key) != 1 or key.isspace() or not key.isprintable():
        raise SchemeError("E732", where=where, key=key, what=what)


def check_scheme(raw: dict[str, Any], text: str, origin: str) -> None:
    """Raise a SchemeError (E720-E735) for the first problem in the parsed scheme ``raw``."""
    at = _Locator(text, origin)
    _get(raw, "name", str, at.top("name"))
    _get(raw, "version", int, at.top("version"))
    layers = _get(raw, "layers", list, at.top("layers"), required=True, table_name="the scheme",
                  expected="[[layers]] tables")
    if not layers:
        raise SchemeError("E730", where=at.top("layers"), what="the scheme", items="layers")
    names = _check_layers(layers, at)
    relations = _get(raw, "relations", list, at.top("relations"), expected="[[relations]] tables")
    _check_relations(relations or [], names, at)
    attributes = _get(raw, "attributes", list, at.top("attributes"),
                      expected="[[attributes]] tables")
    _check_attributes(attributes or [], names, at)


def _tables(items: list[Any], table: str, at: _Locator) -> list[tuple[_Place, dict[str, Any]]]:
    """``(place, table)`` for each entry of an array of tables; E726 for one that is not."""
    found = []
    for index, item in enumerate(items):
        place = _Place(at, table, index, item.get("name") if isinstance(item, dict) else None)
        if not isinstance(item, dict):
            raise _wrong(place(), table, "a table", item)
        found.append((place, item))
    return found


def _check_layers(layers: list[Any], at: _Locator) -> list[str]:
    """The layers' names, in order."""
    seen: dict[str, str] = {}
    layer_keys: dict[str, tuple[str, _Place]] = {}  # key -> (what, where)
    label_keys: dict[str, str] = {}  # every label's key, for clashes with layer keys
    for index, (place, layer) in enumerate(_tables(layers, "layers", at)):
        name = _get(layer, "name", str, place, required=True, table_name="a layer")
        _check_name(name, "layer", place("name"), layer=True)
        if name in seen:
            raise SchemeError("E720", where=place("name"), name=name, first=seen[name])
        seen[name] = place("name")
        for field in ("description", "color"):
            _get(layer, field, str, place)
        style = _get(layer, "style", str, place)
        if style is not None and style not in STYLES:
            raise _wrong(place("style"), "style", f"one of {', '.join(map(repr, STYLES))}", style)
        _get(layer, "nesting", bool, place)
        key = _get(layer, "key", str, place)
        if key:
            what = f"layer {name!r}"
            _check_key(key, what, place("key"))
            if key in layer_keys:
                raise SchemeError("E724", where=place("key"), key=key, what=what,
                                  other=layer_keys[key][0])
            layer_keys[key] = (what, place)
        labels = _get(layer, "labels", list, place, required=True, table_name="a layer")
        if not labels:
            raise SchemeError("E730", where=place("labels"), what=f"the layer {name!r}",
                              items="labels")
        for label_key, label in _check_labels(labels, name, index, at).items():
            label_keys.setdefault(label_key, label)
    for key, (what, place) in layer_keys.items():
        if key in label_keys:
            # The widget tries the active layer's label keys first, so from that layer this
            # key would label instead of switching.
            raise SchemeError("E724", where=place("key"), key=key, what=what,
                              other=label_keys[key] + ", which wins in its layer")
    return list(seen)


def _check_labels(labels: list[Any], layer: str, index: int, at: _Locator) -> dict[str, str]:
    """Each label's key (as the widget assigns it) -> the label."""
    seen: set[str] = set()
    keys: dict[str, str] = {}
    for position, label in enumerate(labels):
        name = label.get("name") if isinstance(label, dict) else None
        place = _Place(at, "layers", index, layer, label=f", label #{position + 1}")
        if isinstance(name, str):
            earlier = sum(1 for other in labels[:position]
                          if isinstance(other, dict) and other.get("name") == name)
            place.on_line(at.line("layers", index, _key_line("labels"), _name_line(name),
                                  occurrence=earlier))
        else:
            place.on_line(at.line("layers", index, _key_line("labels")))
        if not isinstance(label, dict):
            raise _wrong(place(), "labels", 'tables such as { name = "PERSON", key = "1" }',
                         label)
        name = _get(label, "name", str, place, required=True, table_name="a label")
        _check_name(name, "label", place())
        if name in seen:
            raise SchemeError("E721", where=place(), what="the label", name=name,
                              container=f"layer {layer!r}")
        seen.add(name)
        for field in ("color", "description"):
            _get(label, field, str, place)
        key = _get(label, "key", str, place)
        if key:
            _check_key(key, f"label {name!r}", place())
        # The widget's rule (annotator.js labelKey): a label without a key gets its position.
        effective = key or str((position + 1) % 10)
        what = f"label {name!r} of layer {layer!r}" + ("" if key else " (by its position)")
        if effective in keys:
            raise SchemeError("E724", where=place(), key=effective, what=what,
                              other=keys[effective])
        keys[effective] = what
    return keys


def _check_relations(relations: list[Any], layers: list[str], at: _Locator) -> None:
    seen: dict[str, str] = {}
    for place, relation in _tables(relations, "relations", at):
        name = _get(relation, "name", str, place, required=True, table_name="a relation")
        _check_name(name, "relation type", place("name"))
        if name in seen:
            raise SchemeError("E722", where=place("name"), name=name, first=seen[name])
        seen[name] = place("name")
        _get(relation, "description", str, place)
        kind = _get(relation, "kind", str, place)
        if kind is not None and kind not in RELATION_KINDS:
            raise SchemeError("E740", where=place("kind"), name=name, kind=kind,
                              kinds=", ".join(map(repr, RELATION_KINDS)))
        for end in ("head", "tail"):
            layer = _get(relation, end, str, place, required=True, table_name="a relation",
                         expected="a layer name")
            if layer not in layers:
                raise SchemeError("E728", where=place(end), what=f"the relation's {end}",
                                  layer=layer, layers=", ".join(layers), star="")


def _check_attributes(attributes: list[Any], layers: list[str], at: _Locator) -> None:
    seen: dict[tuple[str, str], str] = {}
    for place, attribute in _tables(attributes, "attributes", at):
        layer = _get(attribute, "layer", str, place, required=True, table_name="an attribute",
                     expected='a layer name, or "*" for every layer')
        if layer != "*" and layer not in layers:
            raise SchemeError("E728", where=place("layer"), what="the attribute", layer=layer,
                              layers=", ".join(layers), star=' (or "*" for every layer)')
        name = _get(attribute, "name", str, place, required=True, table_name="an attribute")
        _check_name(name, "attribute", place("name"))
        # "*" puts the attribute on every layer, so it clashes with a same-named one anywhere.
        clashes = [(layer, name), ("*", name)] if layer != "*" else [
            (other, name) for other in [*layers, "*"]
        ]
        for pair in clashes:
            if pair in seen:
                raise SchemeError("E723", where=place("name"), name=name, layer=layer,
                                  first=seen[pair])
        seen[(layer, name)] = place("name")
        type_ = _get(attribute, "type", str, place, required=True, table_name="an attribute",
                     expected=f"one of {', '.join(ATTRIBUTE_TYPES)}")
        if type_ not in ATTRIBUTE_TYPES:
            raise SchemeError("E731", where=place("type"), name=name, type=type_,
                              types=", ".join(map(repr, ATTRIBUTE_TYPES)))
        values = _get(attribute, "values", list, place)
        if values is not None and type_ != "choice":
            raise SchemeError("E735", where=place("values"), name=name, type=type_)
        if type_ == "choice":
            _check_values(values, name, place("values"))
        _check_default(attribute, name, type_, values or [], place("default"))


def _check_values(values: list[Any] | None, name: str, where: str) -> None:
    if not values:
        raise SchemeError("E730", where=where, what=f"the choice attribute {name!r}",
                          items="values")
    for value in values:
        if not isinstance(value, str):
            raise _wrong(where, "values", "a list of strings", value)
        _check_name(value, "attribute value", where)
    for value in values:
        if values.count(value) > 1:
            raise SchemeError("E721", where=where, what="the value", name=value,
                              container=f"the values of attribute {name!r}")


def _check_default(
    attribute: dict[str, Any], name: str, type_: str, values: list[Any], where: str
) -> None:
    if "default" not in attribute:
        return
    default = attribute["default"]
    if type_ == "choice" and default not in values:
        expected = "one of " + ", ".join(map(repr, values))
    elif type_ == "bool" and not isinstance(default, bool):
        expected = "true or false"
    elif type_ == "text" and not isinstance(default, str):
        expected = "a string"
    else:
        return
    raise SchemeError("E725", where=where, name=name, default=default, expected=expected)
