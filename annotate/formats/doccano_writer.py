"""doccano's JSONL for sequence labelling with relations, one file per annotator.

Each line is what doccano's "JSONL(Relation)" import reads and its export writes back:
``{"text", "doc_id", "title", ..., "entities": [{"id", "label", "start_offset", "end_offset"}],
"relations": [{"id", "from_id", "to_id", "type"}]}``. doccano keeps the extra fields of a line
(``doc_id``, the title, source and date) as the example's metadata and exports them again.

doccano has one flat list of span types, so labels carry their layer (``quote_DIRECT``) but for
entities (``PERSON``), as in the Prodigy export; :func:`span_types` and
:func:`relation_types` list what a doccano project needs for a scheme. doccano keeps no per-span
attributes: they are left out and reported. Files are named like the annotator
(``<annotator>.jsonl``, percent-encoded), as doccano names its per-user export files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.scheme import Scheme
from .annotator_files import AnnotatorFiles
from .docs import AnnotatedDoc
from .jsonio import dumps
from .manifest import ExportNote, WriteReport
from .naming import qualify

FORMAT = "doccano"


def span_types(scheme: Scheme) -> list[tuple[str, str]]:
    """``(doccano label, colour)`` for every label of the scheme."""
    return [
        (qualify(layer.name, label.name), label.color)
        for layer in scheme.layers
        for label in layer.labels
    ]


def relation_types(scheme: Scheme) -> list[str]:
    return [relation.name for relation in scheme.relations]


def to_line(unit: AnnotatedDoc) -> tuple[dict[str, Any], list[ExportNote]]:
    """The doccano record of one annotator's work on one document."""
    numbers = {span.span_id: n for n, span in enumerate(unit.spans, start=1)}
    notes = [
        ExportNote(
            FORMAT,
            "attributes-left-out",
            unit.doc_id,
            unit.annotator,
            span.span_id,
            f"doccano keeps no span attributes; {', '.join(sorted(span.attrs))} of "
            f"{span.layer} {span.label} left out",
        )
        for span in unit.spans
        if span.attrs
    ]
    entities = [
        {
            "id": numbers[span.span_id],
            "label": qualify(span.layer, span.label),
            "start_offset": span.start,
            "end_offset": span.end,
        }
        for span in unit.spans
    ]
    relations = [
        {
            "id": n,
            "from_id": numbers[relation.head],
            "to_id": numbers[relation.tail],
            "type": relation.type,
        }
        for n, relation in enumerate(unit.relations, start=1)
    ]
    line = {
        "text": unit.text,
        "doc_id": unit.doc_id,
        # Every line has the same fields, null where unknown: doccano reads a file into one
        # table, and a field some lines lack becomes NaN, which its database refuses as JSON.
        "title": unit.title,
        "source": unit.source,
        "published": unit.published,
        "entities": entities,
        "relations": relations,
    }
    return line, notes


class DoccanoFiles(AnnotatorFiles):
    """``<annotator>.jsonl`` files, each chunk's units appended (see :class:`AnnotatorFiles`)."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir, suffix=".jsonl")

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        with self.appending() as write:
            for unit in units:
                line, notes = to_line(unit)
                self.report.notes.extend(notes)
                write(unit, dumps(line) + "\n")


def write_units(units: Sequence[AnnotatedDoc], out_dir: Path) -> WriteReport:
    """Write ``<annotator>.jsonl`` for every annotator into ``out_dir``."""
    files = DoccanoFiles(out_dir)
    files.add(units)
    return files.close()
