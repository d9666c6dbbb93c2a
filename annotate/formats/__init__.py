"""File formats: the data-contract tables out to files other tools read, their files back in.

Exports take the contract DataFrames (see :mod:`annotate.formats.tables`); imports return an
:class:`ImportBatch` of neutral records with the problems they met. Heavy libraries (spaCy,
pyarrow) load only when a format that needs them is used.
"""

from __future__ import annotations

from .batch import ImportBatch, ImportedDocument, ImportedRelation, ImportedSpan, Problem
from .brat import read_brat, write_brat
from .conll import read_conll, write_conll
from .docbin import read_docbin, split_documents, write_docbin
from .doccano import read_doccano
from .export import FORMATS, export
from .files import read_table, read_tables, write_tables
from .label_studio import read_label_studio
from .manifest import ExportNote, FileEntry, Manifest, WriteReport, read_manifest
from .prodigy import read_prodigy, write_prodigy
from .tables import (
    COLUMNS,
    DTYPES,
    SCHEMA_VERSION,
    TABLES,
    coerce,
    empty_table,
    flatten_claims,
    flatten_quotes,
)

__all__ = [
    "COLUMNS",
    "DTYPES",
    "FORMATS",
    "SCHEMA_VERSION",
    "TABLES",
    "ExportNote",
    "FileEntry",
    "ImportBatch",
    "ImportedDocument",
    "ImportedRelation",
    "ImportedSpan",
    "Manifest",
    "Problem",
    "WriteReport",
    "coerce",
    "empty_table",
    "export",
    "flatten_claims",
    "flatten_quotes",
    "read_brat",
    "read_conll",
    "read_docbin",
    "read_doccano",
    "read_label_studio",
    "read_manifest",
    "read_prodigy",
    "read_table",
    "read_tables",
    "split_documents",
    "write_brat",
    "write_conll",
    "write_docbin",
    "write_prodigy",
    "write_tables",
]
