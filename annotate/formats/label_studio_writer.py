"""Label Studio's JSON import format, and the labeling configuration that goes with it.

The export writes two files:

- ``config.xml``: the labeling configuration for the scheme — a ``<Text name="text">``, one
  ``<Labels>`` control per layer (named like the layer, each label with its colour), the
  relation types as ``<Relations>``, and one per-region control per attribute (``<Choices>`` for
  choices and booleans, ``<TextArea>`` for text), shown for the layers that have it;
- ``tasks.json``: one task per document, ``data`` holding ``text``, ``doc_id`` and the title,
  source and date; each person's work is one annotation (``completed_by`` by e-mail, see
  :func:`annotator_email`), each model's one prediction (``model_version`` its name).

Regions keep the span id as their ``id``; offsets are counted as Label Studio counts them (UTF-16
code units, as browsers do) with the region's ``text`` beside them, which the reader uses to
turn them back into characters. Relations are ``relation`` results from the quote (claim,
source) to its source (cue, entity). What the format cannot hold is reported in the export's
notes: attribute values that are not text, attributes the scheme does not name, and machine
metadata (``confidence``, ``reason``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.sax.saxutils import quoteattr

from ..core.names import is_machine_name
from ..core.scheme import MACHINE_ATTRS, Attribute, Scheme
from .docs import AnnotatedDoc
from .jsonio import to_jsonable
from .manifest import ExportNote, WriteReport
from .tables import _default_scheme

FORMAT = "label-studio"
TASKS_FILE = "tasks.json"
CONFIG_FILE = "config.xml"
TEXT_CONTROL = "text"
# People whose name is not an e-mail address get one in this domain, reserved (RFC 2606) so it
# can never reach anyone; the reader turns such addresses back into the name.
EMAIL_DOMAIN = "annotate.invalid"
_EMAIL_SAFE = "._+-'"


def annotator_email(name: str) -> str:
    """The e-mail a person is known by in Label Studio, which names users by e-mail.

    A name that is an address already stays as it is; any other becomes
    ``<percent-encoded name>@annotate.invalid``, which :func:`annotator_from_email` undoes.
    """
    local, at, domain = name.partition("@")
    if at and local and "." in domain and " " not in name and "@" not in domain:
        return name
    return f"{quote(name, safe=_EMAIL_SAFE)}@{EMAIL_DOMAIN}"


def annotator_from_email(email: str) -> str:
    """The annotator behind a Label Studio user's e-mail (see :func:`annotator_email`)."""
    local, _, domain = email.rpartition("@")
    return unquote(local) if domain == EMAIL_DOMAIN and local else email


def utf16_offsets(text: str) -> list[int]:
    """For each character position (and the end), its position in UTF-16 code units."""
    positions = [0] * (len(text) + 1)
    units = 0
    for index, ch in enumerate(text):
        positions[index] = units
        units += 2 if ord(ch) > 0xFFFF else 1
    positions[len(text)] = units
    return positions


# --- the labeling configuration --------------------------------------------------------------


def _attribute_layers(scheme: Scheme, attribute: Attribute) -> list[str]:
    return list(scheme.layer_names) if attribute.layer == "*" else [attribute.layer]


def labeling_config(scheme: Scheme) -> str:
    """The ``<View>`` Label Studio needs to show and accept this scheme's annotations."""
    lines = ["<View>", f'  <Text name="{TEXT_CONTROL}" value="$text"/>']
    for layer in scheme.layers:
        lines.append(f'  <Labels name={quoteattr(layer.name)} toName="{TEXT_CONTROL}">')
        for label in layer.labels:
            lines.append(
                f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>"
            )
        lines.append("  </Labels>")
    if scheme.relations:
        lines.append("  <Relations>")
        for relation in scheme.relations:
            lines.append(f"    <Relation value={quoteattr(relation.name)}/>")
        lines.append("  </Relations>")
    for attribute in scheme.attributes:
        lines.extend(_attribute_control(scheme, attribute))
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _attribute_control(scheme: Scheme, attribute: Attribute) -> list[str]:
    layers = _attribute_layers(scheme, attribute)
    # Shown only while a region of a layer that has the attribute is selected.
    when = f" whenTagName={quoteattr(','.join(layers))}" if attribute.layer != "*" else ""
    common = (
        f"name={quoteattr(attribute.name)} toName=\"{TEXT_CONTROL}\" perRegion=\"true\"{when}"
    )
    if attribute.type == "text":
        return [f"  <TextArea {common} editable=\"true\" maxSubmissions=\"1\"/>"]
    values = ["true", "false"] if attribute.type == "bool" else list(attribute.values)
    return [
        f'  <Choices {common} choice="single">',
        *(f"    <Choice value={quoteattr(value)}/>" for value in values),
        "  </Choices>",
    ]


# --- tasks -----------------------------------------------------------------------------------


def _attribute_result(
    attribute: Attribute, value: Any, region: dict[str, Any]
) -> dict[str, Any] | None:
    """The per-region result holding ``value``, or None where the control cannot hold it."""
    if attribute.type == "bool":
        if not isinstance(value, bool):
            return None
        kind, payload = "choices", {"choices": ["true" if value else "false"]}
    elif attribute.type == "choice":
        if not isinstance(value, str) or value not in attribute.values:
            return None
        kind, payload = "choices", {"choices": [value]}
    else:
        if not isinstance(value, str):
            return None
        kind, payload = "textarea", {"text": [value]}
    position = {k: region["value"][k] for k in ("start", "end", "text")}
    return {
        "id": region["id"],
        "from_name": attribute.name,
        "to_name": TEXT_CONTROL,
        "type": kind,
        "value": {**position, **payload},
    }


def _result(
    unit: AnnotatedDoc, scheme: Scheme, positions: list[int]
) -> tuple[list[dict[str, Any]], list[ExportNote]]:
    notes: list[ExportNote] = []
    result: list[dict[str, Any]] = []
    for span in unit.spans:
        region = {
            "id": span.span_id,
            "from_name": span.layer,
            "to_name": TEXT_CONTROL,
            "type": "labels",
            "value": {
                "start": positions[span.start],
                "end": positions[span.end],
                "text": unit.text[span.start : span.end],
                "labels": [span.label],
            },
        }
        result.append(region)
        known = scheme.attributes_for(span.layer) if span.layer in scheme.layer_names else {}
        for name, value in span.attrs.items():
            attribute = known.get(name)
            item = _attribute_result(attribute, value, region) if attribute else None
            if item is not None:
                result.append(item)
            elif value is not None:
                why = (
                    "machine metadata"
                    if name.startswith("_") or name in MACHINE_ATTRS
                    else "not an attribute of the scheme"
                    if attribute is None
                    else f"a value its {attribute.type} control cannot hold"
                )
                notes.append(
                    ExportNote(
                        FORMAT,
                        "attribute-left-out",
                        unit.doc_id,
                        unit.annotator,
                        span.span_id,
                        f"attribute {name}={value!r} of {span.layer} {span.label} is {why}; "
                        "left out",
                    )
                )
    for relation in unit.relations:
        result.append(
            {
                "id": relation.relation_id,
                "type": "relation",
                "from_id": relation.head,
                "to_id": relation.tail,
                "direction": "right",
                "labels": [relation.type],
            }
        )
    return result, notes


def to_tasks(
    units: Sequence[AnnotatedDoc], scheme: Scheme
) -> tuple[list[dict[str, Any]], list[ExportNote]]:
    """One task per document, each annotator's work in it (see the module docstring)."""
    tasks: list[dict[str, Any]] = []
    by_doc: dict[str, dict[str, Any]] = {}
    notes: list[ExportNote] = []
    positions: list[int] = []
    for unit in units:
        task = by_doc.get(unit.doc_id)
        if task is None:
            data = {"text": unit.text, "doc_id": unit.doc_id, **unit.header()}
            task = by_doc[unit.doc_id] = {"data": data, "annotations": [], "predictions": []}
            tasks.append(task)
            positions = utf16_offsets(unit.text)
        result, unit_notes = _result(unit, scheme, positions)
        notes.extend(unit_notes)
        if is_machine_name(unit.annotator):
            task["predictions"].append({"model_version": unit.annotator, "result": result})
        else:
            task["annotations"].append(
                {
                    "completed_by": {"email": annotator_email(unit.annotator)},
                    "result": result,
                    "was_cancelled": False,
                    "ground_truth": False,
                }
            )
    return tasks, notes


class LabelStudioFiles:
    """``config.xml`` and ``tasks.json``, the tasks written a chunk of units at a time (each
    :meth:`add` appends its documents' tasks to the JSON array), so an export of any size holds
    one chunk. The file is the text ``json.dumps(tasks, indent=1)`` gives of all of them."""

    def __init__(self, out_dir: Path, *, scheme: Scheme | None = None) -> None:
        self.out = out_dir
        self.scheme = scheme or _default_scheme()
        self.path = out_dir / TASKS_FILE
        self.report = WriteReport()
        self.doc_ids: dict[str, None] = {}  # in task order, each once
        self.tasks = 0

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        tasks, notes = to_tasks(units, self.scheme)  # a document's units come in one chunk
        self.report.notes.extend(notes)
        with self.path.open("a" if self.tasks else "w", encoding="utf-8") as handle:
            for task in tasks:
                text = json.dumps(to_jsonable(task), ensure_ascii=False, indent=1)
                # An item of the array, indented one level deeper (JSON text has no raw
                # newline but its indentation's).
                handle.write(("[\n " if not self.tasks else ",\n ") + text.replace("\n", "\n "))
                self.tasks += 1
        self.doc_ids.update(dict.fromkeys(unit.doc_id for unit in units))

    def close(self) -> WriteReport:
        self.out.mkdir(parents=True, exist_ok=True)
        config = self.out / CONFIG_FILE
        config.write_text(labeling_config(self.scheme), encoding="utf-8")
        with self.path.open("a" if self.tasks else "w", encoding="utf-8") as handle:
            handle.write("\n]\n" if self.tasks else "[]\n")
        self.report.files += [config, self.path]
        self.report.doc_ids[self.path] = list(self.doc_ids)
        return self.report


def write_units(
    units: Sequence[AnnotatedDoc], out_dir: Path, *, scheme: Scheme | None = None
) -> WriteReport:
    """Write ``config.xml`` and ``tasks.json`` into ``out_dir``."""
    files = LabelStudioFiles(out_dir, scheme=scheme)
    files.add(units)
    return files.close()
