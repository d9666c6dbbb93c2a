"""One call that writes every requested format and the manifest, all or nothing.

Layout of an export folder::

    manifest.json                  schema version, filters, counts, sha256 of every file
    documents.parquet, spans.parquet, ...     the contract tables (parquet / csv / jsonl)
    spacy/annotations.spacy        or spacy/train.spacy + spacy/dev.spacy with split=
    prodigy/annotations.jsonl
    conll/<annotator>.conll
    brat/annotation.conf, brat/<annotator>/<doc_id>.txt|.ann

Files in the folder that the manifest does not list are not part of this export, and an export
never removes or replaces them: it replaces only files an earlier export wrote (its manifest
lists them with their sha256), and stops with E325 where anything else is in the way unless
``force=True`` (see :mod:`.staging`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd

from ..core.collector import collector_paused
from ..core.scheme import Scheme
from ..errors import FormatError
from . import docbin, registry
from .docs import annotated_docs
from .files import TableFiles, TableFormat
from .flatten import flatten_claims, flatten_quotes
from .frames import ExportChunk
from .manifest import (
    MANIFEST_NAME,
    Manifest,
    WriteReport,
    annotators_of,
    build_manifest,
    count_tables,
    write_manifest,
)
from .staging import staged
from .tables import coerce, empty_table, table_names


def resolve_formats(formats: Sequence[str] | str) -> list[str]:
    """The export formats named (aliases resolved, each once), or E302."""
    if isinstance(formats, str):
        formats = [formats]
    chosen: list[str] = []
    for fmt in formats:
        name = registry.exporter_of(fmt).name
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise FormatError("E302", fmt="(none)", known=", ".join(registry.export_names()))
    return chosen


def prepare_tables(
    tables: Mapping[str, pd.DataFrame], *, coerced: bool = False
) -> dict[str, pd.DataFrame]:
    """The tables coerced to the contract (unless ``coerced`` says they are), with quotes and
    claims derived when left out."""
    prepared = {
        name: tables[name] if coerced else coerce(name, tables[name])
        for name in table_names(tables)
    }
    if "spans" in prepared:
        relations = prepared.get("relations", empty_table("relations"))
        if "quotes" not in prepared:
            prepared["quotes"] = flatten_quotes(prepared["spans"], relations)
        if "claims" not in prepared:
            prepared["claims"] = flatten_claims(prepared["spans"], relations)
    return {name: prepared[name] for name in table_names(prepared)}


def export(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    formats: Sequence[str] | str,
    filters: Mapping[str, Any],
    split: float | None = None,
    seed: int = 0,
    scheme: Scheme | None = None,
    force: bool = False,
) -> Manifest:
    """Write ``tables`` to ``out_dir`` in each of ``formats`` and return the manifest.

    ``formats``: any exportable format of :mod:`.registry` (parquet, csv, jsonl: the tables;
    spacy alias docbin, prodigy, conll, brat: the documents). ``filters`` is recorded as given
    (what selection produced the tables).
    ``split``/``seed`` split the DocBin into train and dev by document. Everything is written
    into a hidden folder inside ``out_dir`` and renamed into place at the end, so a failure
    leaves ``out_dir`` as it was; an unwritable folder raises FormatError E301.

    Only files an earlier export wrote (and nobody changed since) are replaced, and those of
    its files this export does not write are removed; anything else in the way of a file to
    write raises E325 naming it, unless ``force`` (which replaces it). Other files in the
    folder are never touched. ``out_dir`` naming a file raises E326.
    """
    return export_chunks(
        [tables], out_dir, formats=formats, filters=filters, split=split, seed=seed,
        scheme=scheme, force=force,
    )


def export_chunks(
    chunks: Iterable[Mapping[str, Any] | ExportChunk],
    out_dir: str | Path,
    *,
    formats: Sequence[str] | str,
    filters: Mapping[str, Any],
    split: float | None = None,
    seed: int = 0,
    scheme: Scheme | None = None,
    force: bool = False,
    coerced: bool = False,
) -> Manifest:
    """:func:`export` of tables that come a chunk of documents at a time (as
    :func:`.dataset.iter_tables` gives them), holding one chunk in memory.

    The tables' files grow by each chunk (Parquet row groups, CSV and JSON lines rows); the
    DocBin is written a file per chunk when there is more than one (see
    :class:`.docbin.DocBinFiles`); the other per-document formats append each chunk's
    documents to their files (see :mod:`.writers`), but Hugging Face ``datasets``, which
    is built from every chunk's documents at the end. The manifest counts every chunk.
    ``coerced`` says the chunks hold the contract's columns and dtypes already (as
    ``iter_tables`` gives them).
    A chunk may also be an :class:`.frames.ExportChunk` (as :func:`.dataset.iter_export_chunks`
    gives them): its Arrow tables are written to the table files as they are, and its units
    (made when per-document formats are asked for) to the other formats.
    """
    chosen = resolve_formats(formats)
    if split is not None:
        docbin.split_documents([], split)  # check the value before writing anything
    report = WriteReport()
    counts: dict[str, Any] = {}
    annotators: set[str] = set()
    split_info: dict[str, Any] | None = None
    with staged(out_dir, last=MANIFEST_NAME, force=force) as stage:
        options = registry.WriteOptions(split=split, seed=seed, scheme=scheme)
        table_files = {
            fmt: TableFiles(stage, fmt=cast(TableFormat, fmt))
            for fmt in chosen if registry.find(fmt).writes_tables
        }
        per_document = [fmt for fmt in chosen if fmt not in table_files]
        # exporter_of admitted only formats with a writer
        unit_writers = {fmt: registry.find(fmt).write()(stage / fmt, options)
                        for fmt in per_document}
        remaining = iter(chunks)
        while True:
            # A chunk's rows, units and Docs are hundreds of thousands of objects, alive from
            # its making to the end of its writing: the cycle collector's passes over them
            # cost more than their work. Paused for that time, it finds the few small cycles
            # the Docs leave once the chunk is gone.
            with collector_paused():
                chunk = next(remaining, None)
                if chunk is None:
                    break
                if isinstance(chunk, ExportChunk):
                    for files in table_files.values():
                        files.write_arrow(chunk.tables)
                    counted: Mapping[str, pd.DataFrame] = {
                        name: table.to_pandas() for name, table in chunk.counted.items()
                    }
                    units, notes = chunk.units, chunk.notes
                else:
                    counted = prepare_tables(chunk, coerced=coerced)
                    for files in table_files.values():
                        files.write(counted, coerced=True)
                    units, notes = [], []
                    if per_document:
                        if "documents" not in counted:
                            raise FormatError("E315", name="documents", fmt=per_document[0])
                        units, notes = annotated_docs(counted, fmt="export", coerced=True)
                counts = _add_counts(counts, count_tables(counted))
                annotators.update(annotators_of(counted))
                report.notes += notes
                for writer in unit_writers.values():
                    writer.add(units)
                del chunk, counted, units
        for fmt in chosen:
            if fmt in table_files:
                report.files += table_files[fmt].close()
            else:
                part, info = unit_writers[fmt].close()
                split_info = info or split_info
                report.extend(part)
        manifest = build_manifest({}, stage, report, formats=chosen, filters=filters,
                                  split=split_info)
        manifest.counts = counts or {"rows": {}}
        manifest.annotators = sorted(annotators)
        write_manifest(manifest, stage)
    return manifest


def _add_counts(total: dict[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """Counts of two chunks as one: numbers add up, nested counts key by key."""
    merged = dict(total)
    for key, value in more.items():
        if isinstance(value, Mapping):
            merged[key] = _add_counts(merged.get(key, {}), value)
        else:
            merged[key] = merged.get(key, 0) + value
    return merged


FORMATS: tuple[str, ...] = tuple(registry.export_names())
