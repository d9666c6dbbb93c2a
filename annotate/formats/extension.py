"""What a project's scheme lacks to take an imported file whole: ``--extend-scheme``.

The file's labels go into the layers the reader put them in, its relation types link the
layers their spans are in (with the kind the file gives, as brat's events and equivalence sets
do), and its attributes get the type the file gives them or, where it gives none, the one their
values have: true/false is ``bool``, short names are a ``choice`` of the values seen, anything
else ``text``. A name no export could carry is refused here, with the record it comes from.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

from ..core.scheme import MACHINE_ATTRS, Scheme
from ..core.scheme_check import LIMITS, valid_name
from ..core.scheme_edit import Extension
from ..errors import FormatError
from .batch import ImportBatch, Where

MAX_CHOICES = 30  # more distinct values than this read as text, not as a list to pick from


def extension_for(
    batch: ImportBatch, scheme: Scheme | None, *, new_layers: bool = False
) -> Extension:
    """Everything ``batch`` uses that ``scheme`` lacks; E354 for what no scheme can hold.

    ``new_layers`` (for a proposed scheme) also adds the layers the batch's spans are in, each
    nesting where the file has overlapping spans of one annotator in it; otherwise a layer the
    scheme lacks was reported by the reader and nothing is made up for it.
    """
    extension = Extension()
    layers = set(scheme.layer_names) if scheme is not None else set()
    for span in batch.spans:
        if span.layer not in layers:
            if not new_layers:
                continue
            _check(batch, span.where, "the layer", span.layer, "layer")
            extension.layers.setdefault(span.layer, False)
        known = (
            scheme.layer(span.layer).label_names
            if scheme is not None and span.layer in layers
            else ()
        )
        if span.label not in known:
            _check(batch, span.where, "the label", span.label, "label")
            extension.add_label(span.layer, span.label)
    for layer in extension.layers:
        extension.layers[layer] = _overlapping(batch, layer)
    _relations(batch, scheme, extension, layers | set(extension.layers))
    _attributes(batch, scheme, extension, layers | set(extension.layers))
    return extension


def _overlapping(batch: ImportBatch, layer: str) -> bool:
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for span in batch.spans:
        if span.layer == layer:
            spans[(span.doc, span.annotator)].append((span.start, span.end))
    for found in spans.values():
        found.sort()
        if any(b[0] < a[1] for a, b in pairwise(found)):
            return True
    return False


def _check(batch: ImportBatch, where: Where | None, what: str, name: str, kind: str) -> None:
    problem = valid_name(name, kind, layer=kind == "layer")
    if problem is not None:
        place = str(where) if where is not None else batch.path
        raise FormatError("E354", path=place, what=f"{what} {name!r}", detail=problem)


def _relations(
    batch: ImportBatch, scheme: Scheme | None, extension: Extension, layers: set[str]
) -> None:
    layer_of = {span.key: span.layer for span in batch.spans if span.layer in layers}
    known = {relation.name for relation in scheme.relations} if scheme is not None else set()
    ends: dict[str, dict[tuple[str, str], Where | None]] = defaultdict(dict)
    for relation in batch.relations:
        if relation.type in known or relation.head not in layer_of or relation.tail not in layer_of:
            continue
        _check(batch, relation.where, "the relation type", relation.type, "relation type")
        ends[relation.type].setdefault(
            (layer_of[relation.head], layer_of[relation.tail]), relation.where
        )
    for type_, pairs in ends.items():
        if len(pairs) > 1:
            listed = "; ".join(
                f"{head} -> {tail} ({where or batch.path})" for (head, tail), where in pairs.items()
            )
            raise FormatError(
                "E354", path=batch.path, what=f"the relation type {type_!r}",
                detail=f"it links spans of several pairs of layers ({listed}), and a relation "
                "type of the scheme links one.",
            )
        (head, tail), _ = next(iter(pairs.items()))
        extension.relations.append((type_, head, tail, batch.relation_kinds.get(type_, "link")))


def _attributes(
    batch: ImportBatch, scheme: Scheme | None, extension: Extension, layers: set[str]
) -> None:
    values: dict[tuple[str, str], list[Any]] = defaultdict(list)
    where: dict[tuple[str, str], Where | None] = {}
    for span in batch.spans:
        if span.layer not in layers:
            continue
        for name, value in span.attrs.items():
            if name.startswith("_") or name in MACHINE_ATTRS or value is None:
                continue
            values[(span.layer, name)].append(value)
            where.setdefault((span.layer, name), span.where)
    for (layer, name), seen in values.items():
        declared = (
            scheme.attributes_for(layer).get(name)
            if scheme is not None and layer in scheme.layer_names
            else None
        )
        if declared is not None and declared.type != "choice":
            continue  # a value of the wrong type is an invalid record, listed by the checks
        if declared is None:
            _check(batch, where[(layer, name)], "the attribute", name, "attribute")
        type_ = batch.attribute_types.get(name) or _type_of(seen)
        if declared is not None and type_ != "choice":
            continue
        choices: tuple[str, ...] = ()
        if type_ == "choice":
            choices = tuple(dict.fromkeys(v for v in seen if isinstance(v, str)))
            for value in choices:
                _check(batch, where[(layer, name)], f"the value of {name!r}", value,
                       "attribute value")
        if declared is None:
            extension.attributes.append((layer, name, type_, choices))
        elif set(choices) - set(declared.values):
            extension.attributes.append((layer, name, "choice", choices))


def _type_of(values: list[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "bool"
    names = {v for v in values if isinstance(v, str)}
    if (
        all(isinstance(v, str) for v in values)
        and len(names) <= MAX_CHOICES
        and all(valid_name(v, "attribute value", layer=False) is None for v in names)
        and all(len(v) <= LIMITS["attribute value"] for v in names)
    ):
        return "choice"
    return "text"
