"""The document writers of the export formats, opened alike: (folder, options) -> a writer
that takes the annotated documents a chunk at a time.

Each adapts one format module's writer to the registry's shape (:mod:`.registry`): ``add``
writes a chunk's units, ``close`` finishes the files and gives the report (and the split,
for the formats that make one). All but Hugging Face ``datasets`` write as the units come, so
an export of any size holds one chunk of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from . import brat as brat_format
from . import conll as conll_format
from . import docbin as docbin_format
from . import doccano_writer, label_studio_writer
from . import prodigy as prodigy_format
from .docs import AnnotatedDoc
from .manifest import WriteReport
from .registry import WriteOptions

Written = tuple[WriteReport, dict[str, Any] | None]


class UnitWriter(Protocol):
    def add(self, units: Sequence[AnnotatedDoc]) -> None: ...

    def close(self) -> Written: ...


class _Files(Protocol):
    def add(self, units: Sequence[AnnotatedDoc]) -> None: ...

    def close(self) -> WriteReport: ...


class _NoSplit:
    """A format's files that make no train/dev split."""

    def __init__(self, files: _Files) -> None:
        self.files = files

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        self.files.add(units)

    def close(self) -> Written:
        return self.files.close(), None


class _Gathered:
    """A format written in one go from every unit (``datasets`` builds the whole dataset)."""

    def __init__(self, write: Callable[[list[AnnotatedDoc]], Written]) -> None:
        self.write = write
        self.units: list[AnnotatedDoc] = []

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        self.units += units

    def close(self) -> Written:
        return self.write(self.units)


def docbin(out: Path, options: WriteOptions) -> UnitWriter:
    return docbin_format.DocBinFiles(out, split=options.split, seed=options.seed)


def prodigy(out: Path, options: WriteOptions) -> UnitWriter:
    return _NoSplit(prodigy_format.ProdigyFile(out))


def conll(out: Path, options: WriteOptions) -> UnitWriter:
    return _NoSplit(conll_format.ConllFiles(out))


def brat(out: Path, options: WriteOptions) -> UnitWriter:
    return _NoSplit(brat_format.BratFiles(out, scheme=options.scheme))


def label_studio(out: Path, options: WriteOptions) -> UnitWriter:
    return _NoSplit(label_studio_writer.LabelStudioFiles(out, scheme=options.scheme))


def doccano(out: Path, options: WriteOptions) -> UnitWriter:
    return _NoSplit(doccano_writer.DoccanoFiles(out))


def hf(out: Path, options: WriteOptions) -> UnitWriter:
    from . import hf as hf_format  # needs the optional `datasets`

    return _Gathered(lambda units: hf_format.write_units(
        units, out, split=options.split, seed=options.seed, scheme=options.scheme
    ))
