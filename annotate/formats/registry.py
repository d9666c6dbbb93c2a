"""Every file format in one place: its name, what it reads and writes, and its line of help.

Exports, imports and the command line's help all ask this registry, so a format is added (or
renamed) once. A format's reader turns a file into an :class:`~.batch.ImportBatch`; its
writer is either the contract tables (``tables``) or a function of the annotated documents.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import FormatError

if TYPE_CHECKING:
    from ..core.scheme import Scheme
    from .batch import ImportBatch
    from .writers import UnitWriter

Reader = Callable[..., "ImportBatch"]


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """What a writer may need beyond the documents: the train/dev split and the scheme."""

    split: float | None = None
    seed: int = 0
    scheme: Scheme | None = None


# Opens a format's writer in a folder: it takes the annotated documents a chunk at a time
# (see .writers).
DocumentWriter = Callable[[Path, WriteOptions], "UnitWriter"]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A format and where its code is. Readers and writers are named ``module:function`` in
    this package and loaded when used, so listing the formats (``annotate --help``) loads no
    format's libraries."""

    name: str
    help: str  # one line, for --help and error messages
    reader: str | None = None  # import: "module:function" returning an ImportBatch
    writes_tables: bool = False  # export: the contract tables as files of this format
    writer: str | None = None  # export: "module:function" of (folder, WriteOptions)
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def exports(self) -> bool:
        return self.writes_tables or self.writer is not None

    def read(self) -> Reader:
        assert self.reader is not None
        reader: Reader = _load(self.reader)
        return reader

    def write(self) -> DocumentWriter:
        assert self.writer is not None
        writer: DocumentWriter = _load(self.writer)
        return writer


def _load(spec: str) -> Any:
    module, name = spec.split(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


FORMATS: tuple[FileFormat, ...] = (
    FileFormat("parquet", "the contract tables as Parquet", writes_tables=True),
    FileFormat("csv", "the contract tables as CSV", writes_tables=True),
    FileFormat("jsonl", "the contract tables as JSON lines", writes_tables=True),
    FileFormat("spacy", "spaCy DocBin (ents + spans; train/dev with a split)",
               reader="docbin:read_docbin", writer="writers:docbin", aliases=("docbin",)),
    FileFormat("prodigy", "Prodigy JSONL", reader="prodigy:read_prodigy",
               writer="writers:prodigy"),
    FileFormat("conll", "CoNLL-2003 entity columns", writer="writers:conll"),
    FileFormat("brat", "brat standoff (.txt + .ann, annotation.conf)", reader="brat:read_brat",
               writer="writers:brat"),
    FileFormat("label-studio", "Label Studio JSON (tasks.json + config.xml for the project)",
               reader="label_studio:read_label_studio", writer="writers:label_studio"),
    FileFormat("doccano", "doccano JSONL with relations, one file per annotator",
               reader="doccano:read_doccano", writer="writers:doccano"),
    FileFormat("hf", "Hugging Face datasets (tokens, BIO tags per layer, spans; train/dev "
               "with a split)", writer="writers:hf", aliases=("datasets",)),
)


def find(name: str) -> FileFormat:
    """The format called ``name`` (or one of its aliases); E302 lists the known ones."""
    for entry in FORMATS:
        if name == entry.name or name in entry.aliases:
            return entry
    raise FormatError("E302", fmt=name, known=", ".join(f.name for f in FORMATS))


def export_names() -> list[str]:
    return [f.name for f in FORMATS if f.exports]


def import_names() -> list[str]:
    return [f.name for f in FORMATS if f.reader is not None]


def reader_of(name: str) -> Reader:
    """The reader of an importable format; E318 lists the importable ones."""
    entry = next((f for f in FORMATS if name == f.name or name in f.aliases), None)
    if entry is None or entry.reader is None:
        raise FormatError("E318", fmt=name, known=", ".join(import_names()))
    return entry.read()


def exporter_of(name: str) -> FileFormat:
    """An exportable format (E302 names the exportable ones)."""
    entry = find(name)
    if not entry.exports:
        raise FormatError("E302", fmt=name, known=", ".join(export_names()))
    return entry
