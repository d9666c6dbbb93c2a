"""Bring another tool's annotations into the store: all of a file, or none of it.

The readers in :mod:`annotate.formats` turn a file into an :class:`ImportBatch` and list what they
could not map. Here the batch is checked against the project (its scheme, its documents' texts)
and written in one transaction. Importing the same file again adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .corpus import content_doc_id, text_sha256
from .errors import FormatError, SchemeError
from .store import tables as t
from .store.actions import ensure_annotator, new_id

if TYPE_CHECKING:
    from .formats.batch import ImportBatch
    from .store import Store

IMPORT_FORMATS = ("prodigy", "label-studio", "doccano", "brat", "spacy")


@dataclass(slots=True)
class ImportReport:
    path: str
    format: str
    annotators: list[str]
    documents_added: int = 0
    spans_added: int = 0
    relations_added: int = 0
    spans_already_there: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.path} ({self.format}): {self.spans_added} span(s) and "
            f"{self.relations_added} relation(s) for {', '.join(self.annotators) or 'nobody'}; "
            f"{self.documents_added} new document(s); {self.spans_already_there} span(s) already "
            f"there; {len(self.problems)} problem(s) reported"
        )


def read_batch(
    path: str | Path,
    *,
    fmt: str,
    annotator: str | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    drop_unknown: bool = False,
    scheme: Any = None,
) -> ImportBatch:
    from . import formats

    options: dict[str, Any] = {
        "annotator": annotator, "layer": layer, "label_map": label_map, "scheme": scheme,
        "unknown": "drop" if drop_unknown else "keep",
    }
    readers: dict[str, Callable[..., ImportBatch]] = {
        "prodigy": formats.read_prodigy,
        "label-studio": formats.read_label_studio,
        "doccano": formats.read_doccano,
        "brat": formats.read_brat,
        "spacy": formats.read_docbin,
    }
    if fmt not in readers:
        raise FormatError("E318", fmt=fmt, known=", ".join(IMPORT_FORMATS))
    return readers[fmt](path, **options)


def import_batch(store: Store, batch: ImportBatch) -> ImportReport:
    """Write a batch into the store in one transaction; raise, writing nothing, if it does
    not fit the project (labels outside the scheme, a document whose text differs)."""
    scheme = store.scheme
    unknown = sorted(
        {(s.layer, s.label) for s in batch.spans if not _in_scheme(scheme, s.layer, s.label)}
    )
    if unknown:
        listed = ", ".join(f"{layer}:{label}" for layer, label in unknown[:20])
        raise SchemeError("E319", path=batch.path, labels=listed, layers=", ".join(
            f"{layer.name} ({', '.join(layer.label_names)})" for layer in scheme.layers))
    layers = {span.key: span.layer for span in batch.spans}
    for relation in batch.relations:
        try:
            scheme.check_relation(relation.type, layers[relation.head], layers[relation.tail])
        except SchemeError as exc:
            raise SchemeError("E321", path=batch.path, detail=str(exc)) from exc
    report = ImportReport(
        path=batch.path, format=batch.format, annotators=batch.annotators,
        problems=[str(p) for p in batch.problems],
    )
    store.write(lambda connection: _write(connection, store, batch, report))
    return report


def _in_scheme(scheme: Any, layer: str, label: str) -> bool:
    return layer in scheme.layer_names and label in scheme.layer(layer).label_names


def _write(connection: Connection, store: Store, batch: ImportBatch, report: ImportReport) -> None:
    d = t.documents.c
    now = t.utcnow()
    doc_ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    position = int(connection.execute(sa.select(sa.func.max(d.position))).scalar() or 0)
    for document in batch.documents:
        doc_id = document.doc_id or content_doc_id(document.text)
        sha = text_sha256(document.text)
        found = connection.execute(
            sa.select(d.text_sha256).where(d.doc_id == doc_id)
        ).scalar()
        if found is None:
            position += 1
            connection.execute(t.documents.insert().values(
                doc_id=doc_id, title=document.meta.get("title"), source=document.meta.get("source"),
                byline=None, published=document.meta.get("published"), text=document.text,
                text_sha256=sha, n_chars=len(document.text),
                meta={**document.meta, "imported_from": batch.path}, position=position,
                created_at=now, updated_at=now,
            ))
            report.documents_added += 1
        elif found != sha:
            raise FormatError("E320", path=batch.path, doc_id=doc_id)
        doc_ids[document.key] = doc_id
        texts[document.key] = document.text

    for name in batch.annotators:
        ensure_annotator(connection, name)

    existing: dict[tuple[str, str], dict[tuple[str, str, int, int], str]] = defaultdict(dict)
    s = t.spans.c
    wanted_docs = set(doc_ids.values())
    for row in connection.execute(
        sa.select(s.span_id, s.doc_id, s.annotator, s.layer, s.label, s.start, s.end).where(
            s.doc_id.in_(wanted_docs), s.annotator.in_(batch.annotators)
        )
    ):
        existing[(row.doc_id, row.annotator)][(row.layer, row.label, row.start, row.end)] = (
            row.span_id
        )

    span_ids: dict[str, str] = {}
    span_rows: list[dict[str, Any]] = []
    per_unit: dict[tuple[str, str], int] = defaultdict(int)
    for span in batch.spans:
        doc_id = doc_ids[span.doc]
        key = (span.layer, span.label, span.start, span.end)
        already = existing[(doc_id, span.annotator)].get(key)
        if already:
            span_ids[span.key] = already
            report.spans_already_there += 1
            continue
        span_id = new_id()
        existing[(doc_id, span.annotator)][key] = span_id
        span_ids[span.key] = span_id
        text = texts[span.doc]
        span_rows.append({
            "span_id": span_id, "doc_id": doc_id, "annotator": span.annotator,
            "layer": span.layer, "label": span.label, "start": span.start, "end": span.end,
            "text": text[span.start : span.end], "origin": "imported",
            "attrs": dict(span.attrs), "doc_sha256": text_sha256(text), "source_span_id": None,
            "created_at": now, "updated_at": now,
        })
        per_unit[(doc_id, span.annotator)] += 1
    if span_rows:
        connection.execute(t.spans.insert(), span_rows)
    report.spans_added = len(span_rows)

    r = t.relations.c
    known_relations = {
        (row.annotator, row.type, row.head_span_id, row.tail_span_id)
        for row in connection.execute(
            sa.select(r.annotator, r.type, r.head_span_id, r.tail_span_id).where(
                r.doc_id.in_(wanted_docs), r.annotator.in_(batch.annotators)
            )
        )
    }
    relation_rows = []
    for relation in batch.relations:
        identity = (relation.annotator, relation.type, span_ids[relation.head],
                    span_ids[relation.tail])
        if identity in known_relations:
            continue
        known_relations.add(identity)
        relation_rows.append({
            "relation_id": new_id(), "doc_id": doc_ids[relation.doc],
            "annotator": relation.annotator, "type": relation.type,
            "head_span_id": span_ids[relation.head], "tail_span_id": span_ids[relation.tail],
            "origin": "imported", "created_at": now,
        })
    if relation_rows:
        connection.execute(t.relations.insert(), relation_rows)
    report.relations_added = len(relation_rows)

    st = t.doc_status.c
    for doc_key, annotator in batch.units:
        doc_id = doc_ids[doc_key]
        has_status = connection.execute(
            sa.select(st.status).where(st.doc_id == doc_id, st.annotator == annotator)
        ).first()
        if has_status is None:
            # The file holds this annotator's finished answer for the document.
            connection.execute(t.doc_status.insert().values(
                doc_id=doc_id, annotator=annotator, status="done", comment=None, updated_at=now))
        if per_unit.get((doc_id, annotator)):
            connection.execute(t.events.insert().values(
                at=now, annotator=annotator, actor=annotator, doc_id=doc_id, action="import",
                payload={"path": batch.path, "format": batch.format,
                         "spans": per_unit[(doc_id, annotator)]},
                undoes=None,
            ))
