"""The document writers of the export formats, called alike: (units, folder, options).

Each adapts one format module's writer to the registry's shape (:mod:`.registry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import brat as brat_format
from . import conll as conll_format
from . import docbin as docbin_format
from . import doccano_writer, label_studio_writer
from . import prodigy as prodigy_format
from .docs import AnnotatedDoc
from .manifest import WriteReport
from .registry import WriteOptions

Written = tuple[WriteReport, dict[str, Any] | None]


def docbin(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    return docbin_format.write_units(units, out, split=options.split, seed=options.seed)


def prodigy(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    return prodigy_format.write_units(list(units), out), None


def conll(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    return conll_format.write_units(units, out), None


def brat(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    return brat_format.write_units(units, out, scheme=options.scheme), None


def label_studio(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    return label_studio_writer.write_units(units, out, scheme=options.scheme), None


def doccano(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    return doccano_writer.write_units(units, out), None


def hf(units: Sequence[AnnotatedDoc], out: Path, options: WriteOptions) -> Written:
    from . import hf as hf_format  # needs the optional `datasets`

    return hf_format.write_units(
        units, out, split=options.split, seed=options.seed, scheme=options.scheme
    )
