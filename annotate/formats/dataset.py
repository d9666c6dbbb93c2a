"""The data contract's tables as DataFrames, from the rows the store reads with filters.

:func:`iter_tables` gives them a chunk of documents at a time (documents in queue order, each
with all of its rows), so a project of any size goes through in the memory of one chunk;
:func:`load_tables` gives the whole tables, built from those chunks without holding the
project's rows twice. Columns and dtypes are fixed in :mod:`annotate.formats.tables`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..core.records import Filters

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store

CHUNK_DOCS = 2000  # documents a chunk: a few MB of rows for news articles
TABLE_ORDER = ("documents", "spans", "relations", "quotes", "claims", "doc_status")


def iter_tables(
    store: Store,
    filters: Filters | None = None,
    *,
    chunk_docs: int = CHUNK_DOCS,
    shared_attrs: bool = False,
) -> Iterator[dict[str, pd.DataFrame]]:
    """documents, spans, relations, quotes, claims and doc_status, ``chunk_docs`` documents
    at a time. Every chunk holds all six tables (some may be empty); a project without
    documents gives one chunk of empty tables.

    ``shared_attrs`` lets spans with the same attributes share one dict (for readers that
    never change them, such as an export): decoding and writing them again is then once per
    distinct set, not once a span."""
    filters = filters or Filters()
    found = False
    for raw in store.iter_contract_rows(filters, chunk_docs=chunk_docs):
        found = True
        yield tables_of(raw, filters, shared_attrs=shared_attrs)
    if not found:
        yield empty_tables()


def load_tables(
    store: Store, filters: Filters | None = None, *, chunk_docs: int = CHUNK_DOCS
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


def tables_of(
    raw: dict[str, dict[str, list[Any]]], filters: Filters, *, shared_attrs: bool = False
) -> dict[str, pd.DataFrame]:
    """The six tables of one chunk of the store's raw rows."""
    import numpy as np
    import pandas as pd

    from .tables import coerce, flatten_claims, flatten_quotes

    if not raw["documents"].get("doc_id"):
        return empty_tables()
    frames = {name: pd.DataFrame(_with_categories(name, columns)) for name, columns in raw.items()}
    spans, relations = frames["spans"], frames["relations"]
    attrs = _json_column(spans["attrs"], shared=True, copy=not shared_attrs)
    spans["attrs"] = pd.Series(attrs, dtype=object)
    relations["attrs"] = pd.Series(
        _json_column(relations["attrs"], shared=True, copy=not shared_attrs), dtype=object
    )
    spans["fragments"] = pd.Series(
        [json.loads(v) if isinstance(v, str) else v if isinstance(v, list) else None
         for v in spans["fragments"].tolist()],  # NULL reads as None or NaN; PostgreSQL: JSON
        dtype=object,
    )
    doc_status = frames["status"].merge(frames["time"], on=["doc_id", "annotator"], how="outer")
    if filters.status is not None:
        keep = doc_status[doc_status["status"].isin(filters.status)][["doc_id", "annotator"]]
        spans = spans.merge(keep, on=["doc_id", "annotator"])
        relations = relations.merge(keep, on=["doc_id", "annotator"])
        doc_status = doc_status.merge(keep, on=["doc_id", "annotator"])
    # A relation is kept only with both of its spans (layer and label filters drop spans).
    # A plain set lookup: Series.isin on arrow strings builds a scalar per value.
    kept = set(spans["span_id"].tolist())
    both_kept = [
        head in kept and tail in kept
        for head, tail in zip(
            relations["head_span_id"].tolist(), relations["tail_span_id"].tolist(), strict=True
        )
    ]
    relations = relations[pd.Series(both_kept, index=relations.index, dtype=bool)]
    documents = frames["documents"]
    documents["meta"] = pd.Series(
        [
            # A missing byline is None or NaN, depending on the other rows' values.
            {**meta, **({"byline": byline} if isinstance(byline, str) and byline else {})}
            for meta, byline in zip(
                _json_column(documents["meta"], shared=False),
                documents["byline"].tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )
    spans = coerce("spans", spans)
    relations = coerce("relations", relations)
    # The flattened tables read quotes, claims and the spans relations link them to; the rest
    # (most entities) only made their joins longer.
    linked = kept & (set(relations["head_span_id"].tolist()) | set(relations["tail_span_id"]))
    involved = spans["layer"].isin(["quote", "claim"]).to_numpy() | np.fromiter(
        (span_id in linked for span_id in spans["span_id"].tolist()), dtype=bool, count=len(spans)
    )
    flat = spans[involved].reset_index(drop=True)
    return {
        "documents": coerce("documents", documents),
        "spans": spans,
        "relations": relations,
        "quotes": flatten_quotes(flat, relations),
        "claims": flatten_claims(flat, relations),
        "doc_status": coerce("doc_status", pd.DataFrame(doc_status)),
    }


def _with_categories(name: str, columns: dict[str, list[Any]]) -> dict[str, Any]:
    """The raw columns of spans and relations, their category columns made categorical from
    the lists themselves: inferring a column of strings and converting it after costs several
    times as much. Values outside a column's fixed categories are left for ``coerce`` to refuse.
    """
    import pandas as pd

    from .tables import DTYPES, FIXED_CATEGORIES

    if name not in ("spans", "relations") or not columns:
        return columns
    out: dict[str, Any] = dict(columns)
    for column, dtype in DTYPES[name].items():
        values = columns.get(column)
        if dtype != "category" or not values:
            continue
        fixed = FIXED_CATEGORIES.get((name, column))
        if fixed is None:
            out[column] = pd.Categorical(values)
        elif set(values) <= set(fixed):
            out[column] = pd.Categorical(values, categories=list(fixed))
    return out


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


def _json_column(
    values: pd.Series, *, shared: bool, copy: bool = True
) -> list[dict[str, Any]]:
    """Decode a column of JSON texts. With ``shared``, each distinct text is parsed once (a
    model's suggestions repeat the same few attribute sets thousands of times), and each row
    gets its own copy unless ``copy=False``. Drivers that decode JSON already pass through."""
    parsed: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for value in values.tolist():
        if isinstance(value, str):
            if not shared:
                out.append(json.loads(value) if value else {})
                continue
            if value not in parsed:
                parsed[value] = json.loads(value)
            out.append(dict(parsed[value] or {}) if copy else parsed[value] or {})
        else:
            out.append(dict(value) if isinstance(value, dict) else {})  # NULL reads as NaN too
    return out


__all__ = ["CHUNK_DOCS", "Filters", "iter_tables", "load_tables"]
