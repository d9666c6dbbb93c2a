"""The data contract's tables, read from the store with filters.

One call gives pandas DataFrames for documents, spans, relations, quotes, claims and doc_status
with the columns and dtypes fixed in :mod:`annotate.formats.tables`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..store import tables as t

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store


@dataclass(frozen=True, slots=True)
class Filters:
    """Which annotations a table holds. ``None`` means no restriction."""

    annotators: tuple[str, ...] | None = None
    layers: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    status: tuple[str, ...] | None = None  # keep (document, annotator) pairs with this status
    doc_ids: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        *,
        annotator: str | Iterable[str] | None = None,
        layer: str | Iterable[str] | None = None,
        label: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        doc_id: str | Iterable[str] | None = None,
    ) -> Filters:
        return cls(
            annotators=_tuple(annotator), layers=_tuple(layer), labels=_tuple(label),
            status=_tuple(status), doc_ids=_tuple(doc_id),
        )

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) for k, v in asdict(self).items() if v is not None}


def _tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def load_tables(store: Store, filters: Filters | None = None) -> dict[str, pd.DataFrame]:
    """documents, spans, relations, quotes, claims and doc_status as DataFrames."""
    import pandas as pd

    from .tables import coerce, flatten_claims, flatten_quotes

    filters = filters or Filters()

    def work(connection: Any) -> dict[str, pd.DataFrame]:
        s, r, d, st, w = (
            t.spans.c, t.relations.c, t.documents.c, t.doc_status.c, t.work_time.c,
        )
        # attrs and timestamps come back raw and are decoded column-wise below: row by row
        # they were most of the time of a large table.
        span_query = sa.select(
            s.doc_id, s.annotator, s.span_id, s.layer, s.label, s.start, s.end, s.text,
            s.origin, _raw(s.attrs, sa.Text), _raw(s.created_at, sa.String),
            _raw(s.updated_at, sa.String),
        ).order_by(s.doc_id, s.annotator, s.start, s.end)
        relation_query = sa.select(
            r.doc_id, r.annotator, r.relation_id, r.type, r.head_span_id, r.tail_span_id
        ).order_by(r.doc_id, r.annotator, r.created_at)
        status_query = sa.select(st.doc_id, st.annotator, st.status, st.comment)
        time_query = sa.select(w.doc_id, w.annotator, w.seconds_spent)
        document_query = sa.select(
            d.doc_id, d.title, d.source, d.byline, d.published, d.text, d.text_sha256,
            d.n_chars, d.meta,
        ).order_by(d.position)
        if filters.annotators is not None:
            span_query = span_query.where(s.annotator.in_(filters.annotators))
            relation_query = relation_query.where(r.annotator.in_(filters.annotators))
            status_query = status_query.where(st.annotator.in_(filters.annotators))
            time_query = time_query.where(w.annotator.in_(filters.annotators))
        if filters.doc_ids is not None:
            span_query = span_query.where(s.doc_id.in_(filters.doc_ids))
            relation_query = relation_query.where(r.doc_id.in_(filters.doc_ids))
            status_query = status_query.where(st.doc_id.in_(filters.doc_ids))
            time_query = time_query.where(w.doc_id.in_(filters.doc_ids))
            document_query = document_query.where(d.doc_id.in_(filters.doc_ids))
        if filters.layers is not None:
            span_query = span_query.where(s.layer.in_(filters.layers))
        if filters.labels is not None:
            span_query = span_query.where(s.label.in_(filters.labels))
        return {
            "spans": _frame(connection, span_query),
            "relations": _frame(connection, relation_query),
            "status": _frame(connection, status_query),
            "time": _frame(connection, time_query),
            "documents": _frame(connection, document_query),
        }

    raw = store.read(work)
    spans, relations = raw["spans"], raw["relations"]
    spans["attrs"] = _json_column(spans["attrs"])
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


def _raw(column: Any, type_: Any) -> Any:
    return sa.type_coerce(column, type_).label(column.name)


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
            out.append(dict(parsed[value]))
        else:
            out.append(dict(value or {}))
    return pd.Series(out, dtype=object, index=values.index)


def _frame(connection: Any, query: Any) -> pd.DataFrame:
    import pandas as pd

    result = connection.execute(query)
    keys = list(result.keys())
    # Column by column: handing pandas a list of Row objects makes it probe each row's type.
    columns = list(zip(*result.fetchall(), strict=True)) or [() for _ in keys]
    return pd.DataFrame({key: list(values) for key, values in zip(keys, columns, strict=True)})
