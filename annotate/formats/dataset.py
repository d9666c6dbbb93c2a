"""The data contract's tables as DataFrames, from the rows the store reads with filters.

One call gives pandas DataFrames for documents, spans, relations, quotes, claims and doc_status
with the columns and dtypes fixed in :mod:`annotate.formats.tables`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.records import Filters

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store


def load_tables(store: Store, filters: Filters | None = None) -> dict[str, pd.DataFrame]:
    """documents, spans, relations, quotes, claims and doc_status as DataFrames."""
    import json

    import pandas as pd

    from .tables import coerce, flatten_claims, flatten_quotes

    filters = filters or Filters()

    raw = {name: _frame(columns) for name, columns in store.contract_rows(filters).items()}
    spans, relations = raw["spans"], raw["relations"]
    spans["attrs"] = _json_column(spans["attrs"])
    relations["attrs"] = _json_column(relations["attrs"])
    spans["fragments"] = pd.Series(
        [json.loads(v) if isinstance(v, str) else v if isinstance(v, list) else None
         for v in spans["fragments"]],  # NULL reads as None or NaN; PostgreSQL gives JSON
        dtype=object, index=spans.index,
    )
    doc_status = raw["status"].merge(raw["time"], on=["doc_id", "annotator"], how="outer")
    if filters.status is not None:
        keep = doc_status[doc_status["status"].isin(filters.status)][["doc_id", "annotator"]]
        spans = spans.merge(keep, on=["doc_id", "annotator"])
        relations = relations.merge(keep, on=["doc_id", "annotator"])
        doc_status = doc_status.merge(keep, on=["doc_id", "annotator"])
    # A relation is kept only with both of its spans (layer and label filters drop spans).
    # A plain set lookup: Series.isin on arrow strings builds a scalar per value (seconds
    # on 200,000 spans).
    kept = set(spans["span_id"].tolist())
    both_kept = [
        head in kept and tail in kept
        for head, tail in zip(
            relations["head_span_id"].tolist(), relations["tail_span_id"].tolist(), strict=True
        )
    ]
    relations = relations[pd.Series(both_kept, index=relations.index, dtype=bool)]
    documents = raw["documents"]
    documents["meta"] = pd.Series(
        [
            {**(meta or {}), **({"byline": byline} if byline else {})}
            for meta, byline in zip(documents["meta"], documents["byline"], strict=True)
        ],
        dtype=object,
    )
    spans = coerce("spans", spans)
    relations = coerce("relations", relations)
    return {
        "documents": coerce("documents", documents),
        "spans": spans,
        "relations": relations,
        "quotes": flatten_quotes(spans, relations),
        "claims": flatten_claims(spans, relations),
        "doc_status": coerce("doc_status", pd.DataFrame(doc_status)),
    }


def _json_column(values: pd.Series) -> pd.Series:
    """Decode a column of JSON texts, parsing each distinct text once (suggestions repeat the
    same few attribute sets thousands of times). Drivers that decode JSON already pass through."""
    import json

    import pandas as pd

    parsed: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for value in values:
        if isinstance(value, str):
            if value not in parsed:
                parsed[value] = json.loads(value)
            out.append(dict(parsed[value] or {}))
        else:
            out.append(dict(value) if isinstance(value, dict) else {})  # NULL reads as NaN too
    return pd.Series(out, dtype=object, index=values.index)


def _frame(columns: dict[str, list[Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns)


__all__ = ["Filters", "load_tables"]
