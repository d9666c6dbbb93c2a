"""Bring another tool's annotations into the store: all of a file, or none of it.

The readers in :mod:`annotate.formats` turn a file into an :class:`ImportBatch` and list what they
could not map. Here the batch is checked against the project with the widget's own rules (see
:mod:`annotate.formats.validate`: labels, attributes, offsets, overlaps, relations, documents'
texts, annotator names) and written in one transaction (the store runs the checks inside it, see
:mod:`annotate.store.imports`). A file with an invalid record imports
nothing, unless ``drop_invalid`` leaves those records out and lists them. Only a reviewer
imports into ``gold``, and then the events name the reviewer. Importing the same file again adds
nothing.

A file's document is the project's article with the same text, whatever id the file uses, so
annotations of ingested articles attach to them. Labels, relation types and attributes the
scheme lacks refuse the file (E350, E351), unless ``extend_scheme`` adds them to the scheme in
the import's own transaction (listed in the report's ``scheme_added``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.names import GOLD, check_person_name
from ..core.records import Document, ImportPlan, ProjectView
from ..core.scheme import Scheme
from ..core.scheme_edit import describe, extend
from ..errors import FormatError, SchemeError
from .validate import MAX_PUBLISHED, check_batch, lookup, meta_text

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
    # What --extend-scheme added to the scheme, one line each ("label entity:Person").
    scheme_added: list[str] = field(default_factory=list)
    # Documents of the file found in the project by their text: file id -> project id.
    attached: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        by = f" (by reviewer {self.reviewer})" if self.reviewer else ""
        grown = f"; {len(self.scheme_added)} addition(s) to the scheme" if self.scheme_added else ""
        return (
            f"{self.path} ({self.format}): {self.spans_added} span(s) and "
            f"{self.relations_added} relation(s) for {', '.join(self.annotators) or 'nobody'}"
            f"{by}; {self.documents_added} new document(s); {self.spans_already_there} span(s) "
            f"already there; {len(self.left_out)} invalid record(s) left out; "
            f"{len(self.problems)} problem(s) reported{grown}"
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
    options: Mapping[str, Any] | None = None,
) -> ImportBatch:
    """Read ``path`` with the reader of ``fmt``. ``options`` are the reader's own (brat's
    ``text_dir`` and ``events``), passed on only where given."""
    from . import registry

    arguments: dict[str, Any] = {
        "annotator": annotator, "layer": layer, "label_map": label_map, "scheme": scheme,
        "unknown": "drop" if drop_unknown else "keep",
        **{key: value for key, value in (options or {}).items() if value is not None},
    }
    return registry.reader_of(fmt)(path, **arguments)


def import_batch(
    store: Store,
    batch: ImportBatch,
    *,
    drop_invalid: bool = False,
    reviewer: str | None = None,
    extend_scheme: bool = False,
) -> ImportReport:
    """Write a batch into the store in one transaction; raise, writing nothing, if it does
    not fit the project.

    Labels outside the scheme raise E350 and relation types it lacks E351 (map, drop, or
    add them: ``extend_scheme`` adds every label, relation type and attribute the file uses to
    the scheme, in the same transaction); invalid records raise E327 listing them (E328 where
    the trouble is an annotator's name), unless ``drop_invalid``, which leaves them out (with
    what depends on them) and lists them in the report. ``reviewer`` imports a batch whose
    every answer is ``gold`` on behalf of that reviewer (E329 otherwise, E330 if they are not
    a reviewer).
    """
    scheme = store.scheme
    grown: Scheme | None = None
    added: list[str] = []
    if extend_scheme:
        from .extension import extension_for

        extension = extension_for(batch, scheme)
        if extension:
            added = describe(scheme, extension)
            grown = scheme = extend(scheme, extension, origin=f"{scheme.name!r} extended")
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
        more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        raise SchemeError("E350", path=batch.path, labels=listed + more, layers=", ".join(
            f"{layer.name} ({', '.join(layer.label_names)})" for layer in scheme.layers))
    layers = {span.key: span.layer for span in batch.spans}
    for relation in batch.relations:
        if relation.head not in layers or relation.tail not in layers:
            continue  # a missing end is an invalid record, listed by the checks below
        try:
            scheme.check_relation(relation.type, layers[relation.head], layers[relation.tail])
        except SchemeError as exc:
            where = relation.where or batch.path
            raise SchemeError("E351", path=str(where), detail=str(exc)) from exc
    # Problems about labels and relation types a grown scheme now has no longer apply.
    settled = {"unknown-label", "unknown-relation"} if grown is not None else set()
    report = ImportReport(
        path=batch.path, format=batch.format, annotators=batch.annotators,
        problems=[str(p) for p in batch.problems if not p.invalid and p.kind not in settled],
        reviewer=reviewer, scheme_added=added,
    )
    counts = store.import_batch(
        path=batch.path, fmt=batch.format, annotators=batch.annotators, lookup=lookup(batch),
        reviewer=reviewer, scheme=grown,
        plan=_plan(batch, scheme, report, drop_invalid=drop_invalid, reviewer=reviewer),
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
    scheme: Scheme,
    report: ImportReport,
    *,
    drop_invalid: bool,
    reviewer: str | None,
) -> Callable[[ProjectView], ImportPlan]:
    """The checks, run by the store inside the import's transaction on what the project holds
    then: refuse the file (E327), or leave the invalid records out and list them."""

    def plan(view: ProjectView) -> ImportPlan:
        verdict = check_batch(batch, scheme, view, gold_ok=reviewer is not None)
        if verdict.invalid and not drop_invalid:
            raise verdict.error(batch.path)
        report.left_out = [
            str(item) for item in sorted(verdict.invalid, key=lambda i: i.where.key())
        ]
        ids = verdict.doc_ids
        report.attached = {
            doc.doc_id or doc.key: ids[doc.key]
            for doc in batch.documents
            if ids[doc.key] in view.texts and ids[doc.key] != (doc.doc_id or ids[doc.key])
        }
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
