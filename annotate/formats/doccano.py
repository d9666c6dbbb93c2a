"""doccano JSONL exports, both shapes doccano has written.

- sequence labelling: ``{"text": ..., "label": [[start, end, "LABEL"], ...]}``;
- relation projects (doccano 1.6+): ``{"text": ..., "entities": [{"id", "label",
  "start_offset", "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}``.

doccano exports one file per user, so the annotator is ``annotator`` or the file's stem
(percent-decoded, as annotate's export names the files). A
``label`` list of plain strings is document classification, which the scheme has no place for;
it is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.scheme import Scheme
from .batch import ImportBatch
from .builder import BatchBuilder, Unknown
from .jsonio import iter_jsonl
from .naming import from_file_name

FORMAT = "doccano"
_CONTENT = ("label", "labels", "entities", "relations", "Comments", "comments")


def read_doccano(
    path: str | Path,
    *,
    annotator: str | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
    text_field: str = "text",
) -> ImportBatch:
    """Read a doccano JSONL export (see the module docstring for the shapes).

    ``doc_id`` in a record, where present, is the document id; doccano's own ``id`` and any
    other fields go to the document's meta.
    """
    path = Path(path)
    rows = list(iter_jsonl(path))
    builder = BatchBuilder(
        path, FORMAT, scheme=scheme, layer=layer, label_map=label_map, unknown=unknown
    )
    name = annotator or from_file_name(path.stem)
    for line, row in rows:
        text = row.get(text_field)
        if not isinstance(text, str):
            raise builder.malformed(line, f"the record has no {text_field!r} string")
        doc_id = row.get("doc_id")
        meta = {k: v for k, v in row.items() if k not in (text_field, "doc_id", *_CONTENT)}
        if "id" in meta:
            meta["doccano_id"] = meta.pop("id")
        doc = builder.document(
            text, doc_id=str(doc_id) if doc_id is not None else None, meta=meta, line=line
        )
        if doc is None or not builder.claim_unit(doc, name, line=line):
            continue
        if "entities" in row:
            _read_entities(builder, doc, name, row, line)
        else:
            _read_triples(builder, doc, name, row.get("label", row.get("labels")) or [], line)
    return builder.build(len(rows))


def _read_triples(builder: BatchBuilder, doc: str, annotator: str, labels: Any, line: int) -> None:
    if not isinstance(labels, list):
        raise builder.malformed(line, "'label' is not a list")
    for item in labels:
        if isinstance(item, str):
            builder.problem(
                "unsupported", "document-level labels (classification) are not imported", line=line
            )
        elif isinstance(item, list) and len(item) == 3:
            start, end, label = item
            builder.span(doc, annotator=annotator, label=label, start=start, end=end, line=line)
        else:
            raise builder.malformed(line, f"label {item!r} is not [start, end, 'LABEL']")


def _read_entities(
    builder: BatchBuilder, doc: str, annotator: str, row: Mapping[str, Any], line: int
) -> None:
    entities, relations = row.get("entities") or [], row.get("relations") or []
    if not isinstance(entities, list) or not isinstance(relations, list):
        raise builder.malformed(line, "'entities' and 'relations' must be lists")
    keys: dict[str, str | None] = {}
    for entity in entities:
        if not isinstance(entity, dict):
            raise builder.malformed(line, "an entity is not a JSON object")
        keys[str(entity.get("id"))] = builder.span(
            doc,
            annotator=annotator,
            label=entity.get("label"),
            start=entity.get("start_offset"),
            end=entity.get("end_offset"),
            line=line,
        )
    for relation in relations:
        if not isinstance(relation, dict):
            raise builder.malformed(line, "a relation is not a JSON object")
        builder.relation(
            doc,
            annotator=annotator,
            type=relation.get("type"),
            head=keys.get(str(relation.get("from_id"))),
            tail=keys.get(str(relation.get("to_id"))),
            line=line,
        )
