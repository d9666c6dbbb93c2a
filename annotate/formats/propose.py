"""A scheme proposed from another tool's configuration or files: ``annotate scheme propose``.

- brat: an ``annotation.conf`` (see :mod:`.brat_conf`), or a folder of ``.ann`` files, with the
  ``annotation.conf`` in it where there is one, and what the files use beyond it;
- Label Studio: the labeling configuration (the ``<View>`` XML of the project's Labeling
  Interface): each ``<Labels>`` control's labels, ``<Relation>`` values, per-region
  ``<Choices>`` (choice attributes) and ``<TextArea>`` (text attributes); or a JSON export,
  read for what its annotations use;
- Prodigy: a JSONL file, read for the labels of its spans and relations.

Labels go to the layer a control or a label names (``<Labels name="quote">``, ``quote_DIRECT``)
where ``base`` has it, else to ``layer``. With ``base`` the proposal is that scheme grown by
what the file adds; without, a scheme of the file's own layers only. Either way it is checked
like any scheme file, and the names no export could carry are refused with where they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..core.scheme import Scheme
from ..core.scheme_edit import build, extend
from ..errors import FormatError
from .brat_conf import parse_conf, scheme_from_conf
from .brat_events import load_events
from .extension import extension_for
from .jsonio import read_text

FORMATS = ("brat", "label-studio", "prodigy")


def propose_scheme(
    path: str | Path, *, fmt: str, layer: str = "entity", base: Scheme | None = None,
    options: Mapping[str, Any] | None = None,
) -> tuple[Scheme, list[str]]:
    """The scheme proposed for ``path`` (see the module docstring), and notes for the person
    reading it (what the file did not say and the proposal chose). ``options`` go to the
    format's reader (brat's ``text_dir`` and ``events``)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise FormatError("E357", fmt=fmt, known=", ".join(FORMATS))
    if not path.exists():
        raise FormatError("E307", path=str(path))
    if fmt == "brat":
        return _brat(path, layer=layer, base=base, options=options), []
    if fmt == "label-studio" and _is_xml(path):
        return _labeling_config(path, layer=layer, base=base)
    return _from_files(path, fmt=fmt, layer=layer, base=base, options=options), []


def _brat(
    path: Path, *, layer: str, base: Scheme | None, options: Mapping[str, Any] | None
) -> Scheme:
    conf_path = path if path.is_file() and path.suffix == ".conf" else path / "annotation.conf"
    known = Scheme.default().layer_names
    scheme = None
    if conf_path.is_file():
        # Events the shipped mapping turns into the base's relations (attributions, where the
        # base has the news layers) are not proposed again as events of their own.
        mapping = load_events(None, base) if base is not None else None
        scheme = scheme_from_conf(parse_conf(conf_path), layer=layer, base=base,
                                  known_layers=known, mapping=mapping)
    if path.is_dir():
        return _from_files(path, fmt="brat", layer=layer, base=scheme or base, options=options)
    if scheme is None:
        raise FormatError("E356", path=str(path), detail="not a brat annotation.conf")
    return scheme


def _from_files(
    path: Path, *, fmt: str, layer: str, base: Scheme | None,
    options: Mapping[str, Any] | None = None,
) -> Scheme:
    from .importing import read_batch

    # Labels are read against the scheme proposed so far (or the news scheme, for the layers
    # a qualified label such as quote_DIRECT names); everything the file uses is kept.
    reading = base or Scheme.default()
    batch = read_batch(path, fmt=fmt, layer=layer, scheme=_with_layer(reading, layer),
                       options=options)
    extension = extension_for(batch, base, new_layers=True)
    if base is not None and not extension:
        return base
    if base is not None:
        return extend(base, extension, origin=f"the scheme proposed from {path}")
    name = re.sub(r"[^\w-]+", "-", path.stem).strip("-") or "proposed"
    return build(
        name, layers=[(lay, nest, extension.labels.get(lay, [])) for lay, nest
                      in extension.layers.items()],
        relations=extension.relations, attributes=extension.attributes,
        origin=f"the scheme proposed from {path}",
    )


def _with_layer(scheme: Scheme, layer: str) -> Scheme:
    """``scheme`` with the layer ``layer`` (readers put unqualified labels there)."""
    if layer in scheme.layer_names:
        return scheme
    return build(scheme.name, layers=[(layer, True, ["placeholder"])], base=scheme)


# --- Label Studio's labeling configuration ---------------------------------------------------

_REGION_CONTROLS = ("Labels", "HyperTextLabels", "ParagraphLabels")


def _is_xml(path: Path) -> bool:
    if path.suffix.lower() == ".xml":
        return True
    return path.is_file() and read_text(path).lstrip().startswith("<")


def _labeling_config(
    path: Path, *, layer: str, base: Scheme | None
) -> tuple[Scheme, list[str]]:
    text = read_text(path)
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        # A labeling configuration has neither; entities are the way XML bombs go off.
        raise FormatError("E356", path=str(path), detail="the XML declares a DOCTYPE or entities")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise FormatError("E356", path=str(path), detail=f"not XML ({exc})") from exc
    known = base.layer_names if base else Scheme.default().layer_names
    layers: dict[str, list[str]] = {}
    controls: dict[str, str] = {}  # control name -> layer
    for element in root.iter():
        if element.tag in _REGION_CONTROLS:
            name = element.get("name", "")
            target = name if name in known else layer
            controls[name] = target
            labels = layers.setdefault(target, [])
            for child in element:
                value = child.get("value")
                if child.tag == "Label" and value and value not in labels:
                    labels.append(value)
    if not layers:
        raise FormatError("E356", path=str(path), detail="no <Labels> control in it")
    notes: list[str] = []
    first = next(iter(layers))
    relations = []
    for element in root.iter("Relation"):
        value = element.get("value")
        if value:
            relations.append((value, first, first, "link"))
    if relations and len(layers) > 1:
        notes.append(f"Label Studio does not say which layers its relations link; they are "
                     f"proposed as {first} -> {first}: edit 'head' and 'tail' where that is wrong")
    attributes: list[tuple[str, str, str, tuple[str, ...]]] = []
    on = first if len(layers) == 1 else "*"
    for element in root.iter():
        if element.get("perRegion", "").lower() != "true" or not element.get("name"):
            continue
        if element.tag == "Choices":
            values = tuple(c.get("value", "") for c in element if c.tag == "Choice")
            attributes.append((on, element.get("name", ""), "choice", values))
        elif element.tag == "TextArea":
            attributes.append((on, element.get("name", ""), "text", ()))
    if not any(a[1] == "note" for a in attributes):
        attributes.append(("*", "note", "text", ()))
    scheme = build(re.sub(r"[^\w-]+", "-", path.stem).strip("-") or "label-studio",
                   layers=[(name, False, labels) for name, labels in layers.items()],
                   relations=relations, attributes=attributes, base=base,
                   origin=f"the scheme proposed from {path}")
    return scheme, notes


def describe_proposal(scheme: Scheme) -> dict[str, Any]:
    """Counts of what a proposal holds, for a one-line summary."""
    return {
        "layers": len(scheme.layers),
        "labels": sum(len(layer.labels) for layer in scheme.layers),
        "relation types": len(scheme.relations),
        "attributes": len(scheme.attributes),
    }
