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
