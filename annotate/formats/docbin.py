"""spaCy ``DocBin`` (``.spacy``): what ``spacy train`` and ``spacy evaluate`` read.

One ``Doc`` per (document, annotator), tokenised by ``spacy.blank("en")``:

- ``doc.ents``: the annotator's entities that do not overlap (longest first); the others are
  reported in the export notes;
- ``doc.spans[layer]`` for every layer, ``doc.spans["entity"]`` included, so overlapping
  entities are all kept for span categorisers;
- ``doc.user_data["annotate"]``: the document id, annotator, document fields, and per layer the
  span records (id, exact character offsets, origin, attributes) in the order of
  ``doc.spans[layer]``, plus the relations by span id. All of it is plain JSON.

Spans not on token boundaries are widened to whole tokens (``alignment_mode="expand"``) and
reported; the exact offsets stay in ``user_data``, which :func:`read_docbin` prefers.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.scheme import Scheme
from ..errors import FormatError
from .batch import ImportBatch
from .builder import BatchBuilder, Unknown
from .docs import AnnotatedDoc, annotated_docs
from .manifest import ExportNote, WriteReport
from .tables import SCHEMA_VERSION
from .tokens import Boundaries, blank_nlp, choose_ents, place_spans

FORMAT = "spacy"
USER_DATA_KEY = "annotate"
# What a blank("en") Doc holds: tokens, whitespace (always stored) and entities. Tags, heads,
# lemmas and morphology are empty without a trained pipeline; storing their zeros would double
# the file's token arrays and the memory an export of thousands of documents needs.
DOCBIN_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")
FRESH_VOCAB_STRINGS = 50_000  # strings the pipeline holds before a fresh one is made


@contextmanager
def msgpack_hooks_once() -> Iterator[None]:
    """Look up srsly's msgpack encoders and decoders once for the whole export.

    srsly asks its catalogue registries for every msgpack call, and each lookup scans every
    installed package's entry points: in a JupyterLab environment that is most of the time of
    a DocBin export (a DocBin packs each span group and each ``user_data`` separately). The
    registries answer from a snapshot while the block runs and are restored after it.
    """
    try:
        packing: Any = importlib.import_module("srsly.msgpack")
        registries: list[Any] = [packing.msgpack_encoders, packing.msgpack_decoders]
    except (ImportError, AttributeError):  # pragma: no cover - another srsly layout
        yield
        return
    patched = []
    for registry in registries:
        if "get_all" in vars(registry):  # a concurrent export already did it
            continue
        snapshot = registry.get_all()
        registry.get_all = lambda snapshot=snapshot: dict(snapshot)
        patched.append(registry)
    try:
        yield
    finally:
        for registry in patched:
            vars(registry).pop("get_all", None)


def split_documents(
    doc_ids: Sequence[str], split: float, *, seed: int = 0
) -> tuple[list[str], list[str]]:
    """Documents for training and for evaluation, by document so no text is in both.

    The ids are sorted before shuffling, so the same documents and seed give the same split
    whatever order the tables came in.
    """
    if not isinstance(split, (int, float)) or not 0 < split < 1:
        raise FormatError("E311", split=split)
    ids = sorted(set(doc_ids))
    random.Random(seed).shuffle(ids)
    n_train = round(len(ids) * split)
    if len(ids) >= 2:
        n_train = min(max(n_train, 1), len(ids) - 1)
    return sorted(ids[:n_train]), sorted(ids[n_train:])


def to_doc(
    tokenised: Any, unit: AnnotatedDoc, boundaries: Boundaries | None = None
) -> tuple[Any, list[ExportNote]]:
    """A ``Doc`` holding ``unit``'s spans and relations, built on a copy of ``tokenised``
    (whose :class:`.tokens.Boundaries` the caller may have)."""
    from spacy.tokens import Span

    doc = tokenised.copy()
    known = boundaries or Boundaries(tokenised)
    layers: dict[str, list[Any]] = {}
    for record in unit.spans:
        layers.setdefault(record.layer, []).append(record)
    notes: list[ExportNote] = []
    records: dict[str, list[dict[str, Any]]] = {}
    for layer, spans in layers.items():
        placed, layer_notes = place_spans(doc, unit, spans, fmt=FORMAT, boundaries=known,
                                          with_ids=True)
        notes.extend(layer_notes)
        doc.spans[layer] = [span for _, span in placed]
        records[layer] = [
            {
                "span_id": record.span_id,
                "label": record.label,
                "start": record.start,
                "end": record.end,
                "origin": record.origin or None,
                "attrs": record.attrs,
            }
            for record, _ in placed
        ]
        if layer == "entity":
            ents, ent_notes = choose_ents(
                placed, unit, fmt=FORMAT, fallback="kept in doc.spans['entity'] only"
            )
            # Entities carry no span id: set on doc.ents, it would become every token's ENT_ID.
            doc.ents = [Span(doc, ent.start, ent.end, label=ent.label) for ent in ents]
            notes.extend(ent_notes)
    doc.user_data[USER_DATA_KEY] = {
        "schema_version": SCHEMA_VERSION,
        "doc_id": unit.doc_id,
        "annotator": unit.annotator,
        **unit.header(),
        "meta": unit.meta,
        "spans": records,
        "relations": [
            {"relation_id": r.relation_id, "type": r.type, "head": r.head, "tail": r.tail}
            for r in unit.relations
        ],
    }
    return doc, notes


def write_units(
    units: Sequence[AnnotatedDoc], out_dir: Path, *, split: float | None = None, seed: int = 0
) -> tuple[WriteReport, dict[str, Any] | None]:
    """Write ``units`` as ``annotations.spacy``, or ``train.spacy`` + ``dev.spacy`` with a split."""
    files = DocBinFiles(out_dir, split=split, seed=seed)
    files.add(units)
    return files.close()


class DocBinFiles:
    """DocBin files written a chunk of units at a time (see :meth:`add`), so an export of any
    size holds one chunk's Docs in memory.

    One chunk gives the files :func:`write_units` always wrote: ``annotations.spacy``, or
    ``train.spacy`` + ``dev.spacy``. More chunks give one file per chunk and part, numbered
    (``annotations-00001.spacy``, ``train-00001.spacy``, ...); ``spacy train`` and
    ``DocBin``-reading code take the folder or each file. A split is then drawn within each
    chunk, with the same share and seed, so train and dev still never share a document.
    """

    def __init__(self, out_dir: Path, *, split: float | None = None, seed: int = 0) -> None:
        if split is not None:
            split_documents([], split)  # check the value before anything is written
        self.out = out_dir
        self.split = split
        self.seed = seed
        self.report = WriteReport()
        self.written: list[dict[str, Path]] = []  # per chunk: part name -> file
        self.counts = {"train_docs": 0, "dev_docs": 0}
        self._nlp: Any = None

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        from spacy.tokens import DocBin

        if not units and self.written:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        if self.split is None:
            parts = {"annotations": {u.doc_id for u in units}}
        else:
            train, dev = split_documents([u.doc_id for u in units], self.split, seed=self.seed)
            parts = {"train": set(train), "dev": set(dev)}
            self.counts["train_docs"] += len(train)
            self.counts["dev_docs"] += len(dev)
        bins = {name: DocBin(attrs=DOCBIN_ATTRS, store_user_data=True) for name in parts}
        order: dict[str, list[str]] = {name: [] for name in parts}
        if self._nlp is None or len(self._nlp.vocab.strings) >= FRESH_VOCAB_STRINGS:
            # Every span id (each one unique) and token text goes into the pipeline's string
            # store, which only grows, by about 20 strings a document for a model's
            # suggestions: a fresh pipeline every 50,000 strings keeps the memory of a large
            # export flat (a fresh one costs about 50 ms).
            import spacy

            self._nlp = spacy.blank("en")
        tokenised: Any = None
        tokenised_text: str | None = None
        boundaries: Boundaries | None = None
        with msgpack_hooks_once():
            for unit in units:
                # Units come grouped by document: tokenise each text once for all its
                # annotators (compared with the text kept here, as Doc.text is rebuilt from
                # the tokens on every call).
                if tokenised is None or tokenised_text != unit.text:
                    tokenised = self._nlp.make_doc(unit.text)
                    tokenised_text = unit.text
                    boundaries = Boundaries(tokenised)
                doc, notes = to_doc(tokenised, unit, boundaries)
                self.report.notes.extend(notes)
                name = next(n for n, ids in parts.items() if unit.doc_id in ids)
                bins[name].add(doc)
                if not order[name] or order[name][-1] != unit.doc_id:
                    order[name].append(unit.doc_id)
            chunk = len(self.written) + 1
            paths = {}
            for name, docbin in bins.items():
                path = self.out / f"{name}.part{chunk}.spacy"
                docbin.to_disk(path)
                paths[name] = path
                self.report.doc_ids[path] = order[name]
        self.written.append(paths)

    def close(self) -> tuple[WriteReport, dict[str, Any] | None]:
        """Name the files as the class docstring says; return the report and split."""
        if not self.written:
            self.add([])
        several = len(self.written) > 1
        for chunk, paths in enumerate(self.written, start=1):
            for name, path in paths.items():
                final = self.out / (f"{name}-{chunk:05d}.spacy" if several else f"{name}.spacy")
                path.rename(final)
                self.report.doc_ids[final] = self.report.doc_ids.pop(path)
                self.report.files.append(final)
        split_info = None
        if self.split is not None:
            split_info = {"ratio": self.split, "seed": self.seed, **self.counts}
        return self.report, split_info


def write_docbin(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    split: float | None = None,
    seed: int = 0,
) -> WriteReport:
    """Write the tables as DocBin file(s) in ``out_dir`` (see the module docstring).

    ``split=0.8`` writes ``train.spacy`` with 80% of the documents and ``dev.spacy`` with the
    rest, chosen with ``seed``; without it, ``annotations.spacy`` holds everything.
    """
    units, notes = annotated_docs(tables, fmt=FORMAT)
    report, _ = write_units(units, Path(out_dir), split=split, seed=seed)
    report.notes[:0] = notes
    return report


# --- import ------------------------------------------------------------------------------------


def read_docbin(
    path: str | Path,
    *,
    annotator: str | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    span_groups: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
) -> ImportBatch:
    """Read a ``.spacy`` file into an :class:`ImportBatch`.

    A DocBin written by :func:`write_docbin` comes back whole: exact offsets, span ids,
    attributes and relations from ``user_data``. Any other DocBin gives ``doc.ents`` under
    ``layer`` and each ``doc.spans`` group named like a scheme layer under that layer;
    ``span_groups={"sc": "entity"}`` maps other group names, and unmapped groups are reported.
    The annotator is ``annotator``, else the one recorded in the Doc, else the file's stem.
    """
    from spacy.tokens import DocBin

    path = Path(path)
    if not path.is_file():
        raise FormatError("E307", path=str(path))
    try:
        with msgpack_hooks_once():
            docbin = DocBin(store_user_data=True).from_disk(path)
            docs = list(docbin.get_docs(blank_nlp().vocab))
    except Exception as exc:  # DocBin raises ValueError, KeyError or msgpack errors alike
        raise FormatError("E309", path=str(path), detail=f"{type(exc).__name__}: {exc}") from exc
    builder = BatchBuilder(
        path, FORMAT, scheme=scheme, layer=layer, label_map=label_map, unknown=unknown, unit="doc"
    )
    groups = dict(span_groups or {})
    for number, doc in enumerate(docs, start=1):
        info = doc.user_data.get(USER_DATA_KEY) if isinstance(doc.user_data, dict) else None
        if isinstance(info, dict):
            _read_own(
                builder, doc, info, number, annotator or str(info.get("annotator") or path.stem)
            )
        else:
            _read_foreign(builder, doc, groups, number, annotator or path.stem)
    return builder.build(len(docs))


def _read_own(
    builder: BatchBuilder, doc: Any, info: dict[str, Any], number: int, annotator: str
) -> None:
    meta = dict(info["meta"]) if isinstance(info.get("meta"), dict) else {}
    meta.update({k: info[k] for k in ("title", "source", "published") if k in info})
    doc_id = info.get("doc_id")
    key = builder.document(
        doc.text, doc_id=str(doc_id) if doc_id is not None else None, meta=meta, line=number
    )
    if key is None or not builder.claim_unit(key, annotator, line=number):
        return
    keys: dict[str, str | None] = {}
    recorded: dict[str, Any] = info["spans"] if isinstance(info.get("spans"), dict) else {}
    for group_name, group in doc.spans.items():
        found = recorded.get(group_name) or []
        records = list(found) if isinstance(found, (list, tuple)) else []  # msgpack: tuples
        if len(records) != len(group) or not all(isinstance(r, dict) for r in records):
            builder.problem(
                "user-data",
                f"span group {group_name!r} has {len(group)} spans but user_data records "
                f"{len(records)} readable ones; read the spans as tokens give them",
                line=number,
            )
            records = [{} for _ in group]
        for span, record in zip(group, records, strict=True):
            span_id = record.get("span_id") or span.id_ or None
            keys[str(span_id)] = builder.span(
                key,
                annotator=annotator,
                label=record.get("label", span.label_),
                start=record.get("start", span.start_char),
                end=record.get("end", span.end_char),
                layer=group_name,
                attrs=record.get("attrs") or {},
                key=span_id,
                line=number,
            )
    relations = info.get("relations") or []
    if not isinstance(relations, (list, tuple)) or not all(isinstance(r, dict) for r in relations):
        builder.problem(
            "malformed-record",
            "user_data 'relations' is not a list of objects",
            line=number,
        )
        relations = []
    for relation in relations:
        builder.relation(
            key,
            annotator=annotator,
            type=relation.get("type"),
            head=keys.get(str(relation.get("head"))),
            tail=keys.get(str(relation.get("tail"))),
            line=number,
        )


def _read_foreign(
    builder: BatchBuilder, doc: Any, groups: dict[str, str], number: int, annotator: str
) -> None:
    key = builder.document(doc.text, line=number)
    if key is None or not builder.claim_unit(key, annotator, line=number):
        return
    layers = set(builder.scheme.layer_names)
    entity_group = next(
        (name for name in doc.spans if groups.get(name, name) == builder.layer), None
    )
    if entity_group is None:
        for ent in doc.ents:
            builder.span(
                key,
                annotator=annotator,
                label=ent.label_,
                start=ent.start_char,
                end=ent.end_char,
                line=number,
            )
    for name, group in doc.spans.items():
        layer = groups.get(name, name)
        if layer not in layers:
            builder.problem(
                "unmapped-group",
                f"span group {name!r} is not a layer of the scheme; left out "
                f"(pass span_groups={{{name!r}: 'LAYER'}})",
                line=number,
            )
            continue
        for span in group:
            builder.span(
                key,
                annotator=annotator,
                label=span.label_,
                start=span.start_char,
                end=span.end_char,
                layer=layer,
                line=number,
            )
