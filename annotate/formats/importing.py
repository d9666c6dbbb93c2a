"""Bring another tool's annotations into the store: all of a file, or none of it.

The readers in :mod:`annotate.formats` turn a file into an :class:`ImportBatch` and list what they
could not map. Here the batch is checked against the project with the widget's own rules (see
:mod:`annotate.formats.validate`: labels, attributes, offsets, overlaps, relations, documents'
texts, annotator names) and written in one transaction. A file with an invalid record imports
nothing, unless ``drop_invalid`` leaves those records out and lists them. Only a reviewer
imports into ``gold``, and then the events name the reviewer. Importing the same file again adds
nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.names import GOLD, check_person_name
from ..core.records import text_sha256
from ..errors import FormatError, SchemeError
from ..store import tables as t
from ..store.actions import annotator_row, ensure_annotator, new_id
from .validate import MAX_PUBLISHED, ProjectView, check_batch, doc_ids, meta_text

if TYPE_CHECKING:
    from ..store import Store
    from .batch import ImportBatch

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
    # Invalid records left out (drop_invalid=True), each with file, record and reason.
    left_out: list[str] = field(default_factory=list)
    reviewer: str | None = None

    def summary(self) -> str:
        by = f" (by reviewer {self.reviewer})" if self.reviewer else ""
        return (
            f"{self.path} ({self.format}): {self.spans_added} span(s) and "
            f"{self.relations_added} relation(s) for {', '.join(self.annotators) or 'nobody'}"
            f"{by}; {self.documents_added} new document(s); {self.spans_already_there} span(s) "
            f"already there; {len(self.left_out)} invalid record(s) left out; "
            f"{len(self.problems)} problem(s) reported"
        )


def check_import_names(annotator: str | None, reviewer: str | None) -> None:
    """The caller's own names, checked before the file is read.

    ``gold`` only with a reviewer, a reviewer only for ``gold``; any other name must be one a
    person may have (E125/E126).
    """
    if annotator == GOLD and reviewer is None:
        raise FormatError("E329", detail="--annotator gold (annotator='gold') needs a reviewer.")
    if reviewer is not None and annotator != GOLD:
        raise FormatError(
            "E329",
            detail=f"--reviewer {reviewer} was given with annotator {annotator!r}; a reviewer "
            "only imports into gold.",
        )
    if annotator is not None and annotator != GOLD:
        check_person_name(annotator)


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
    from .. import formats

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


def import_batch(
    store: Store, batch: ImportBatch, *, drop_invalid: bool = False, reviewer: str | None = None
) -> ImportReport:
    """Write a batch into the store in one transaction; raise, writing nothing, if it does
    not fit the project.

    Labels outside the scheme raise E319 and relation types it lacks E321 (map or drop them);
    invalid records raise E327 listing them (E328 where the trouble is an annotator's name),
    unless ``drop_invalid``, which leaves them out (with what depends on them) and lists them
    in the report. ``reviewer`` imports a batch whose every answer is ``gold`` on behalf of
    that reviewer (E329 otherwise, E330 if they are not a reviewer).
    """
    scheme = store.scheme
    if reviewer is not None and set(batch.annotators) - {GOLD}:
        others = ", ".join(sorted(set(batch.annotators) - {GOLD}))
        raise FormatError(
            "E329", detail=f"The batch also holds answers of {others}, not only of gold."
        )
    unknown = sorted(
        {(s.layer, s.label) for s in batch.spans if not _in_scheme(scheme, s.layer, s.label)}
    )
    if unknown:
        listed = ", ".join(f"{layer}:{label}" for layer, label in unknown[:20])
        raise SchemeError("E319", path=batch.path, labels=listed, layers=", ".join(
            f"{layer.name} ({', '.join(layer.label_names)})" for layer in scheme.layers))
    layers = {span.key: span.layer for span in batch.spans}
    for relation in batch.relations:
        if relation.head not in layers or relation.tail not in layers:
            continue  # a missing end is an invalid record, listed by the checks below
        try:
            scheme.check_relation(relation.type, layers[relation.head], layers[relation.tail])
        except SchemeError as exc:
            raise SchemeError("E321", path=batch.path, detail=str(exc)) from exc
    report = ImportReport(
        path=batch.path, format=batch.format, annotators=batch.annotators,
        problems=[str(p) for p in batch.problems if not p.invalid], reviewer=reviewer,
    )
    store.write(lambda connection: _write(
        connection, store, batch, report, drop_invalid=drop_invalid, reviewer=reviewer))
    return report


def _in_scheme(scheme: Any, layer: str, label: str) -> bool:
    return layer in scheme.layer_names and label in scheme.layer(layer).label_names


def _check_reviewer(connection: Connection, reviewer: str) -> None:
    row = annotator_row(connection, reviewer)
    if row is None:
        raise FormatError("E330", name=reviewer, detail="no one of that name is registered")
    if row["kind"] != "human" or row["role"] != "reviewer":
        raise FormatError(
            "E330", name=reviewer, detail=f"registered as {row['kind']} {row['role']}"
        )


def _project_view(
    connection: Connection, batch: ImportBatch, ids: dict[str, str]
) -> ProjectView:
    """The project's texts for the batch's document ids and its annotators' spans on them."""
    d, s = t.documents.c, t.spans.c
    wanted = sorted(set(ids.values()))
    view = ProjectView()
    for chunk in _chunks(wanted):
        for found in connection.execute(
            sa.select(d.doc_id, d.text_sha256).where(d.doc_id.in_(chunk))
        ):
            view.texts[found.doc_id] = found.text_sha256
        for row in connection.execute(
            sa.select(s.doc_id, s.annotator, s.layer, s.label, s.start, s.end).where(
                s.doc_id.in_(chunk), s.annotator.in_(batch.annotators)
            )
        ):
            view.spans.setdefault((row.doc_id, row.annotator, row.layer), []).append(
                (row.start, row.end, row.label)
            )
    return view


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    # Bound the IN (...) lists: SQLite caps the number of parameters in one statement.
    return [values[i : i + size] for i in range(0, len(values), size)]


def _write(
    connection: Connection,
    store: Store,
    batch: ImportBatch,
    report: ImportReport,
    *,
    drop_invalid: bool,
    reviewer: str | None,
) -> None:
    # store.write retries the whole function when the database is busy: start counts afresh.
    report.documents_added = report.spans_added = report.relations_added = 0
    report.spans_already_there = 0
    if reviewer is not None:
        _check_reviewer(connection, reviewer)
    ids = doc_ids(batch)
    verdict = check_batch(
        batch, store.scheme, _project_view(connection, batch, ids), gold_ok=reviewer is not None
    )
    if verdict.invalid and not drop_invalid:
        raise verdict.error(batch.path)
    report.left_out = [str(item) for item in sorted(verdict.invalid, key=lambda i: i.where.key())]
    batch = verdict.prune(batch)
    report.annotators = batch.annotators

    d = t.documents.c
    now = t.utcnow()
    doc_id_of: dict[str, str] = {}
    texts: dict[str, str] = {}
    position = int(connection.execute(sa.select(sa.func.max(d.position))).scalar() or 0)
    for document in batch.documents:
        doc_id = ids[document.key]
        sha = text_sha256(document.text)
        found = connection.execute(
            sa.select(d.text_sha256).where(d.doc_id == doc_id)
        ).scalar()
        if found is None:
            position += 1
            meta = document.meta
            connection.execute(t.documents.insert().values(
                doc_id=doc_id, title=meta_text(meta, "title"), source=meta_text(meta, "source"),
                byline=None, published=meta_text(meta, "published", limit=MAX_PUBLISHED),
                text=document.text, text_sha256=sha, n_chars=len(document.text),
                meta={**meta, "imported_from": batch.path}, position=position,
                created_at=now, updated_at=now,
            ))
            report.documents_added += 1
        elif found != sha:  # pragma: no cover - check_batch refuses these first
            raise FormatError("E320", path=batch.path, doc_id=doc_id)
        doc_id_of[document.key] = doc_id
        texts[document.key] = document.text

    for name in batch.annotators:
        if name == GOLD:
            ensure_annotator(connection, name, kind="gold")
        else:
            ensure_annotator(connection, name)

    existing: dict[tuple[str, str], dict[tuple[str, str, int, int], str]] = defaultdict(dict)
    s = t.spans.c
    wanted_docs = sorted(set(doc_id_of.values()))
    for chunk in _chunks(wanted_docs):
        for row in connection.execute(
            sa.select(s.span_id, s.doc_id, s.annotator, s.layer, s.label, s.start, s.end).where(
                s.doc_id.in_(chunk), s.annotator.in_(batch.annotators)
            )
        ):
            existing[(row.doc_id, row.annotator)][(row.layer, row.label, row.start, row.end)] = (
                row.span_id
            )

    span_ids: dict[str, str] = {}
    span_rows: list[dict[str, Any]] = []
    per_unit: dict[tuple[str, str], int] = defaultdict(int)
    for span in batch.spans:
        doc_id = doc_id_of[span.doc]
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
    known_relations: set[tuple[str, str, str, str]] = set()
    for chunk in _chunks(wanted_docs):
        known_relations |= {
            (row.annotator, row.type, row.head_span_id, row.tail_span_id)
            for row in connection.execute(
                sa.select(r.annotator, r.type, r.head_span_id, r.tail_span_id).where(
                    r.doc_id.in_(chunk), r.annotator.in_(batch.annotators)
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
            "relation_id": new_id(), "doc_id": doc_id_of[relation.doc],
            "annotator": relation.annotator, "type": relation.type,
            "head_span_id": span_ids[relation.head], "tail_span_id": span_ids[relation.tail],
            "origin": "imported", "created_at": now,
        })
    if relation_rows:
        connection.execute(t.relations.insert(), relation_rows)
    report.relations_added = len(relation_rows)

    st = t.doc_status.c
    for doc_key, annotator in batch.units:
        doc_id = doc_id_of[doc_key]
        has_status = connection.execute(
            sa.select(st.status).where(st.doc_id == doc_id, st.annotator == annotator)
        ).first()
        if has_status is None:
            # The file holds this annotator's finished answer for the document.
            connection.execute(t.doc_status.insert().values(
                doc_id=doc_id, annotator=annotator, status="done", comment=None, updated_at=now))
        if per_unit.get((doc_id, annotator)):
            connection.execute(t.events.insert().values(
                at=now, annotator=annotator, actor=reviewer or annotator, doc_id=doc_id,
                action="import",
                payload={"path": batch.path, "format": batch.format,
                         "spans": per_unit[(doc_id, annotator)]},
                undoes=None,
            ))
