"""The data contract's tables as DataFrames, from the rows the store reads with filters.

:func:`iter_tables` gives them a chunk of documents at a time (documents in queue order, each
with all of its rows), so a project of any size goes through in the memory of one chunk;
:func:`load_tables` gives the whole tables, built from those chunks without holding the
project's rows twice. Columns and dtypes are fixed in :mod:`annotate.formats.tables`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..core.records import Filters

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store
    from .frames import ExportChunk

TABLE_ORDER = ("documents", "spans", "relations", "quotes", "claims", "doc_status")


def iter_tables(
    store: Store,
    filters: Filters | None = None,
    *,
    chunk_docs: int | None = None,
    shared_attrs: bool = False,
) -> Iterator[dict[str, pd.DataFrame]]:
    """documents, spans, relations, quotes, claims and doc_status, ``chunk_docs`` documents
    at a time, or by default as many as make a chunk of about 60,000 rows and 20 million
    characters of text (see :mod:`annotate.store.contract`). Every chunk holds all six tables
    (some may be empty); a project without documents gives one chunk of empty tables.

    ``shared_attrs`` lets spans with the same attributes share one dict (for readers that
    never change them, such as an export): decoding and writing them again is then once per
    distinct set, not once a span."""
    from .frames import tables_of

    chosen = filters or Filters()
    for raw in _raw_chunks(store, chosen, chunk_docs):
        yield tables_of(raw, chosen, shared_attrs=shared_attrs)


def iter_export_chunks(
    store: Store,
    filters: Filters | None = None,
    *,
    chunk_docs: int | None = None,
    tables: bool = True,
    units: bool = False,
) -> Iterator[ExportChunk]:
    """The six tables as :func:`iter_tables` reads them, a chunk at a time as an export
    writes them, made without DataFrames: with ``tables`` as Arrow tables in the form files
    hold them, with ``units`` as (document, annotator) units (see
    :func:`.frames.export_chunk_of`)."""
    from .frames import export_chunk_of

    chosen = filters or Filters()
    for raw in _raw_chunks(store, chosen, chunk_docs):
        yield export_chunk_of(raw, chosen, tables=tables, units=units)


def _raw_chunks(
    store: Store, filters: Filters, chunk_docs: int | None
) -> Iterator[dict[str, dict[str, list[Any]]]]:
    """The store's chunks of raw rows; a project without documents gives one chunk of none
    (whose tables are empty)."""
    found = False
    for raw in store.iter_contract_rows(filters, chunk_docs=chunk_docs):
        found = True
        yield raw
    if not found:
        yield {"documents": {}}


def load_tables(
    store: Store, filters: Filters | None = None, *, chunk_docs: int | None = None
) -> dict[str, pd.DataFrame]:
    """documents, spans, relations, quotes, claims and doc_status as whole DataFrames."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLE_ORDER}
    for chunk in iter_tables(store, filters, chunk_docs=chunk_docs):
        for name in TABLE_ORDER:
            parts[name].append(chunk[name])
    tables = {}
    for name in TABLE_ORDER:
        # Each table's chunks are let go once it is whole: at most one table is held twice.
        tables[name] = concat_frames(parts.pop(name))
    return tables


def empty_tables() -> dict[str, pd.DataFrame]:
    from .tables import empty_table

    return {name: empty_table(name) for name in TABLE_ORDER}


def concat_frames(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Chunks of one table as one frame, keeping its dtypes: categorical columns whose chunks
    have different categories get the union of them, sorted as one chunk's would be."""
    import pandas as pd
    from pandas.api.types import union_categoricals

    if len(frames) == 1:
        return frames[0]
    columns: dict[str, Any] = {}
    for column in frames[0].columns:
        parts = [frame[column] for frame in frames]
        dtype = parts[0].dtype
        if isinstance(dtype, pd.CategoricalDtype) and any(p.dtype != dtype for p in parts):
            columns[column] = pd.Series(
                union_categoricals(parts, sort_categories=True, ignore_order=True)
            )
        else:
            columns[column] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns)


__all__ = ["Filters", "iter_export_chunks", "iter_tables", "load_tables"]
