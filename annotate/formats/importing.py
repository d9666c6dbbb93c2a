"""Bring another tool's annotations into the store: all of a file, or none of it.

The readers in :mod:`annotate.formats` turn a file into an :class:`ImportBatch` and list what they
could not map. Here the batch is checked against the project with the widget's own rules (see
:mod:`annotate.formats.validate`: labels, attributes, offsets, overlaps, relations, documents'
texts, annotator names) and written in one transaction (the store runs the checks inside it, see
:mod:`annotate.store.imports`). A file with an invalid record imports
nothing, unless ``drop_invalid`` leaves those records out and lists them. Only a reviewer
imports into ``gold``, and then the events name the reviewer. Importing the same file again adds
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.names import GOLD, check_person_name
from ..core.records import Document, ImportPlan, ProjectView
from ..errors import FormatError, SchemeError
from .validate import MAX_PUBLISHED, check_batch, doc_ids, meta_text

if TYPE_CHECKING:
    from ..store import Store
    from .batch import ImportBatch



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
    from . import registry

    options: dict[str, Any] = {
        "annotator": annotator, "layer": layer, "label_map": label_map, "scheme": scheme,
        "unknown": "drop" if drop_unknown else "keep",
    }
    return registry.reader_of(fmt)(path, **options)


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
    ids = doc_ids(batch)
    counts = store.import_batch(
        path=batch.path, fmt=batch.format, annotators=batch.annotators, doc_ids=ids,
        reviewer=reviewer,
        plan=_plan(batch, store, report, ids, drop_invalid=drop_invalid, reviewer=reviewer),
    )
    report.documents_added = counts.documents_added
    report.spans_added = counts.spans_added
    report.relations_added = counts.relations_added
    report.spans_already_there = counts.spans_already_there
    return report


def _in_scheme(scheme: Any, layer: str, label: str) -> bool:
    return layer in scheme.layer_names and label in scheme.layer(layer).label_names


def _plan(
    batch: ImportBatch,
    store: Store,
    report: ImportReport,
    ids: dict[str, str],
    *,
    drop_invalid: bool,
    reviewer: str | None,
) -> Callable[[ProjectView], ImportPlan]:
    """The checks, run by the store inside the import's transaction on what the project holds
    then: refuse the file (E327), or leave the invalid records out and list them."""

    def plan(view: ProjectView) -> ImportPlan:
        verdict = check_batch(batch, store.scheme, view, gold_ok=reviewer is not None)
        if verdict.invalid and not drop_invalid:
            raise verdict.error(batch.path)
        report.left_out = [
            str(item) for item in sorted(verdict.invalid, key=lambda i: i.where.key())
        ]
        kept = verdict.prune(batch)
        report.annotators = kept.annotators
        documents = []
        for document in kept.documents:
            meta = document.meta
            documents.append((document.key, Document(
                doc_id=ids[document.key], text=document.text, title=meta_text(meta, "title"),
                source=meta_text(meta, "source"),
                published=meta_text(meta, "published", limit=MAX_PUBLISHED),
                meta={**meta, "imported_from": batch.path},
            )))
        return ImportPlan(
            documents=documents, spans=list(kept.spans), relations=list(kept.relations),
            units=list(kept.units), annotators=list(kept.annotators),
        )

    return plan
