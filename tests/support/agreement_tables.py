"""Agreement tests' data: contract tables built from (annotator, doc, layer, label, offsets)
rows, the Prodigy review file, and the seed article's first quote."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pandas as pd

from annotate.formats.flatten import flatten_claims, flatten_quotes
from annotate.formats.tables import coerce
from tests.support.paths import ROOT

SpanRow = tuple[Any, ...]  # (annotator, doc_id, layer, label, start, end[, attrs[, span_id]])
_SPAN_COLUMNS = (
    "doc_id", "annotator", "span_id", "layer", "label", "start", "end", "text", "origin",
    "attrs", "created_at", "updated_at",
)  # fmt: skip

PRODIGY = (
    ROOT.parent / "shared" / "peer-data" / "prodigy" / "ner_manual_restaurant_reviews_test.jsonl"
)


def make_tables(
    texts: dict[str, str],
    spans: Iterable[SpanRow],
    *,
    status: Iterable[tuple[str, str, str | None]] = (),
    relations: Iterable[tuple[str, str, str, str]] = (),  # (annotator, type, head, tail)
) -> dict[str, pd.DataFrame]:
    """Contract tables from plain tuples; span ids default to annotator:doc:start:end:label."""
    span_rows = []
    for row in spans:
        annotator, doc_id, layer, label, start, end = row[:6]
        attrs = row[6] if len(row) > 6 else {}
        span_id = row[7] if len(row) > 7 else f"{annotator}:{doc_id}:{start}:{end}:{label}"
        span_rows.append(
            {
                "doc_id": doc_id,
                "annotator": annotator,
                "span_id": span_id,
                "layer": layer,
                "label": label,
                "start": start,
                "end": end,
                "text": texts[doc_id][start:end],
                "origin": "manual",
                "attrs": attrs,
                "created_at": None,
                "updated_at": None,
            }
        )
    span_frame = coerce("spans", pd.DataFrame(span_rows, columns=list(_SPAN_COLUMNS)))
    doc_of = dict(zip(span_frame["span_id"], span_frame["doc_id"], strict=True))
    relation_frame = coerce(
        "relations",
        pd.DataFrame(
            [
                {
                    "doc_id": doc_of[head],
                    "annotator": annotator,
                    "relation_id": f"r{i}",
                    "type": type_,
                    "head_span_id": head,
                    "tail_span_id": tail,
                }
                for i, (annotator, type_, head, tail) in enumerate(relations)
            ],
            columns=["doc_id", "annotator", "relation_id", "type", "head_span_id", "tail_span_id"],
        ),
    )
    documents = coerce(
        "documents",
        pd.DataFrame(
            {
                "doc_id": list(texts),
                "title": [f"Title of {d}" for d in texts],
                "source": None,
                "published": None,
                "text": list(texts.values()),
                "text_sha256": [hashlib.sha256(t.encode()).hexdigest() for t in texts.values()],
                "n_chars": [len(t) for t in texts.values()],
                "meta": [{} for _ in texts],
            }
        ),
    )
    doc_status = coerce(
        "doc_status",
        pd.DataFrame(
            [
                {"doc_id": d, "annotator": a, "status": s, "comment": None, "seconds_spent": None}
                for d, a, s in status
            ],
            columns=["doc_id", "annotator", "status", "comment", "seconds_spent"],
        ),
    )
    return {
        "documents": documents,
        "spans": span_frame,
        "relations": relation_frame,
        "quotes": flatten_quotes(span_frame, relation_frame),
        "claims": flatten_claims(span_frame, relation_frame),
        "doc_status": doc_status,
    }


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)
QUOTE = (
    "“Either we liberate these territories by force, or Ukrainian troops will leave these "
    "territories,”"
)

