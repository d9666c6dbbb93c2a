"""File formats: the data-contract tables out to files other tools read, their files back in.

Exports take the contract DataFrames (see :mod:`annotate.formats.tables`); imports return an
:class:`ImportBatch` of neutral records with the problems they met. Heavy libraries (spaCy,
pyarrow) load only when a format that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name and the module it lives in. Loaded on first use (PEP 562), so importing one
# format module, or the registry for the command line's help, loads no other's libraries.
_WHERE = {
    "COLUMNS": "tables",
    "DTYPES": "tables",
    "ExportNote": "manifest",
    "FORMATS": "exporting",
    "FileEntry": "manifest",
    "ImportBatch": "batch",
    "ImportedDocument": "batch",
    "ImportedRelation": "batch",
    "ImportedSpan": "batch",
    "Manifest": "manifest",
    "ImportProblem": "batch",
    "SCHEMA_VERSION": "tables",
    "TABLES": "tables",
    "WriteReport": "manifest",
    "coerce": "tables",
    "empty_table": "tables",
    "export": "exporting",
    "flatten_claims": "flatten",
    "flatten_quotes": "flatten",
    "read_brat": "brat",
    "read_conll": "conll",
    "read_docbin": "docbin",
    "read_doccano": "doccano",
    "read_label_studio": "label_studio",
    "read_manifest": "manifest",
    "read_prodigy": "prodigy",
    "read_table": "files",
    "read_tables": "files",
    "split_documents": "docbin",
    "to_hf_dataset": "hf",
    "write_brat": "brat",
    "write_conll": "conll",
    "write_docbin": "docbin",
    "write_prodigy": "prodigy",
    "write_tables": "files",
}

__all__ = [
    "COLUMNS",
    "DTYPES",
    "FORMATS",
    "SCHEMA_VERSION",
    "TABLES",
    "ExportNote",
    "FileEntry",
    "ImportBatch",
    "ImportProblem",
    "ImportedDocument",
    "ImportedRelation",
    "ImportedSpan",
    "Manifest",
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
    "to_hf_dataset",
    "write_brat",
    "write_conll",
    "write_docbin",
    "write_prodigy",
    "write_tables",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
