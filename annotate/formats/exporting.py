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

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd

from ..core.scheme import Scheme
from ..errors import FormatError
from . import docbin, registry
from .docs import AnnotatedDoc, annotated_docs
from .files import TableFormat, write_tables
from .manifest import MANIFEST_NAME, Manifest, WriteReport, build_manifest, write_manifest
from .staging import staged
from .tables import coerce, empty_table, flatten_claims, flatten_quotes, table_names


def _formats(formats: Sequence[str] | str) -> list[str]:
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


def prepare_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables coerced to the contract, with quotes and claims derived when left out."""
    prepared = {name: coerce(name, tables[name]) for name in table_names(tables)}
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
    chosen = _formats(formats)
    if split is not None:
        docbin.split_documents([], split)  # check the value before writing anything
    prepared = prepare_tables(tables)
    units: list[AnnotatedDoc] | None = None
    report = WriteReport()
    split_info: dict[str, Any] | None = None
    with staged(out_dir, last=MANIFEST_NAME, force=force) as stage:
        options = registry.WriteOptions(split=split, seed=seed, scheme=scheme)
        for fmt in chosen:
            entry = registry.find(fmt)
            if entry.writes_tables:
                report.files += write_tables(prepared, stage, fmt=cast(TableFormat, fmt))
                continue
            if units is None:
                if "documents" not in prepared:
                    raise FormatError("E315", name="documents", fmt=fmt)
                units, notes = annotated_docs(prepared, fmt="export")
                report.notes += notes
            assert entry.writer is not None  # exporter_of admitted only writers
            part, info = entry.write()(units, stage / fmt, options)
            split_info = info or split_info
            report.extend(part)
        manifest = build_manifest(
            prepared, stage, report, formats=chosen, filters=filters, split=split_info
        )
        write_manifest(manifest, stage)
    return manifest


FORMATS: tuple[str, ...] = tuple(registry.export_names())
