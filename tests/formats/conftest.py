"""Fixtures for the formats tests: contract tables with every layer, relation and attribute.

The sample is small but holds what breaks exporters: overlapping entities, a span off token
boundaries, a multi-line note, an emoji (two UTF-16 units), document ids and annotator names
with characters no file name may hold, a document finished with nothing in it, and a skipped
one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotate.formats.batch import ImportBatch
from annotate.formats.tables import coerce
from tests.support.paths import ROOT
from tests.support.toolservers import Doccano, LabelStudio

PEER = ROOT.parent / "shared" / "peer-data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MODEL = "spacy:en_core_web_sm@3.8.0/suggest@1"
TEXT_1 = (
    'Vladimir Putin told India Today on Thursday: "Russia will not attack Europe." '
    "He said the economy grew 3% last year.\n"
    "Aides to the Kremlin leader said talks would continue, according to a spokesperson."
)
TEXT_2 = (
    "Prime Minister Narendra Modi welcomed Mr Putin in Delhi 😀. "
    "Trade rose by 12% to $65bn, officials said."
)
TEXT_3 = "Nothing to see here."
TEXT_4 = "A document nobody finished."

# span id -> (doc, annotator, layer, label, text, occurrence, attrs)
SPANS: list[tuple[str, str, str, str, str, str, int, dict[str, Any]]] = [
    ("e1", "bbc-1", "alice", "entity", "PERSON", "Vladimir Putin", 0, {}),
    ("e2", "bbc-1", "alice", "entity", "ORG", "India Today", 0, {}),
    ("e9", "bbc-1", "alice", "entity", "GPE", "India", 0, {}),  # inside e2
    ("e3", "bbc-1", "alice", "entity", "DATE", "Thursday", 0, {}),
    ("e4", "bbc-1", "alice", "entity", "GPE", "Russia", 0, {}),
    ("e5", "bbc-1", "alice", "entity", "LOC", "Europe", 0, {}),
    ("e6", "bbc-1", "alice", "entity", "PERCENT", "3%", 0, {}),
    ("e7", "bbc-1", "alice", "entity", "DATE", "last year", 0, {}),
    ("e8", "bbc-1", "alice", "entity", "ORG", "Kremlin", 0, {"note": "the government"}),
    ("s1", "bbc-1", "alice", "source", "SOURCE", "Vladimir Putin", 0, {}),
    ("c1", "bbc-1", "alice", "cue", "CUE", "told", 0, {}),
    (
        "q1",
        "bbc-1",
        "alice",
        "quote",
        "DIRECT",
        '"Russia will not attack Europe."',
        0,
        {"addressee": "India Today", "note": "check\twording\nwith the desk"},
    ),
    ("s2", "bbc-1", "alice", "source", "SOURCE", "He", 0, {}),
    ("c2", "bbc-1", "alice", "cue", "CUE", "said", 0, {}),
    ("q2", "bbc-1", "alice", "quote", "INDIRECT", "the economy grew 3% last year", 0, {}),
    (
        "k1",
        "bbc-1",
        "alice",
        "claim",
        "QUANTITY",
        "the economy grew 3% last year",
        0,
        {"checkworthy": "yes", "hedged": False},
    ),
    (
        "s3",
        "bbc-1",
        "alice",
        "source",
        "SOURCE",
        "Aides to the Kremlin leader",
        0,
        {"speaker": "Kremlin aides"},
    ),
    ("c3", "bbc-1", "alice", "cue", "CUE", "said", 1, {}),
    ("q3", "bbc-1", "alice", "quote", "INDIRECT", "talks would continue", 0, {}),
    (
        "k2",
        "bbc-1",
        "alice",
        "claim",
        "PREDICTION",
        "talks would continue",
        0,
        {"checkworthy": "unsure", "hedged": True},
    ),
    # bob: a shorter entity, one off token boundaries, and machine attributes
    ("b1", "bbc-1", "bob", "entity", "PERSON", "Putin", 0, {}),
    ("b2", "bbc-1", "bob", "entity", "ORG", "India Toda", 0, {}),  # misaligned
    (
        "b3",
        "bbc-1",
        "bob",
        "quote",
        "DIRECT",
        '"Russia will not attack Europe."',
        0,
        {"confidence": 0.75, "_reviewed": None},
    ),
    ("b4", "bbc-1", "bob", "claim", "OTHER", "talks would continue", 0, {}),
    # the model, on the text with an emoji
    ("m1", "bbc-2/rewrite", MODEL, "entity", "PERSON", "Narendra Modi", 0, {"confidence": 0.9}),
    ("m2", "bbc-2/rewrite", MODEL, "entity", "PERSON", "Putin", 0, {}),
    ("m3", "bbc-2/rewrite", MODEL, "entity", "GPE", "Delhi", 0, {}),
    ("m4", "bbc-2/rewrite", MODEL, "entity", "PERCENT", "12%", 0, {}),
    ("m5", "bbc-2/rewrite", MODEL, "entity", "MONEY", "$65bn", 0, {}),
    ("m6", "bbc-2/rewrite", MODEL, "source", "SOURCE", "officials", 0, {}),
    ("m7", "bbc-2/rewrite", MODEL, "cue", "CUE", "said", 0, {}),
    (
        "m8",
        "bbc-2/rewrite",
        MODEL,
        "quote",
        "INDIRECT",
        "Trade rose by 12% to $65bn",
        0,
        {"reason": "reporting verb 'said'"},
    ),
    ("m9", "bbc-2/rewrite", MODEL, "claim", "CHANGE", "Trade rose by 12% to $65bn", 0, {}),
]
RELATIONS = [
    ("r1", "bbc-1", "alice", "said_by", "q1", "s1"),
    ("r2", "bbc-1", "alice", "cue", "q1", "c1"),
    ("r3", "bbc-1", "alice", "refers_to", "s1", "e1"),
    ("r4", "bbc-1", "alice", "said_by", "q2", "s2"),
    ("r5", "bbc-1", "alice", "cue", "q2", "c2"),
    ("r6", "bbc-1", "alice", "refers_to", "s2", "e1"),
    ("r7", "bbc-1", "alice", "claimed_by", "k1", "s2"),
    ("r8", "bbc-1", "alice", "said_by", "q3", "s3"),
    ("r9", "bbc-1", "alice", "cue", "q3", "c3"),
    ("r10", "bbc-1", "alice", "claimed_by", "k2", "s3"),
    ("r11", "bbc-2/rewrite", MODEL, "said_by", "m8", "m6"),
    ("r12", "bbc-2/rewrite", MODEL, "cue", "m8", "m7"),
]
TEXTS = {"bbc-1": TEXT_1, "bbc-2/rewrite": TEXT_2, "empty-done": TEXT_3, "unfinished": TEXT_4}
MISALIGNED = {"b2"}
OVERLAPPING = {"e9"}  # left out of doc.ents and CoNLL: e2 is longer


def _offsets(text: str, phrase: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def make_tables() -> dict[str, pd.DataFrame]:
    now = dt.datetime(2025, 12, 5, 9, 30, tzinfo=dt.UTC)
    documents = pd.DataFrame(
        {
            "doc_id": list(TEXTS),
            "title": ["Putin in Delhi", "Modi welcomes Putin", None, None],
            "source": ["BBC", "BBC", None, None],
            "published": ["2025-12-05", "2025-12-05", None, None],
            "text": list(TEXTS.values()),
            "text_sha256": [hashlib.sha256(t.encode()).hexdigest() for t in TEXTS.values()],
            "n_chars": [len(t) for t in TEXTS.values()],
            "meta": [{"byline": "Staff"}, {}, {}, {}],
        }
    )
    rows = []
    for span_id, doc, annotator, layer, label, phrase, occurrence, attrs in SPANS:
        start, end = _offsets(TEXTS[doc], phrase, occurrence)
        origin = "suggested" if annotator == MODEL else "manual"
        rows.append(
            {
                "doc_id": doc,
                "annotator": annotator,
                "span_id": span_id,
                "layer": layer,
                "label": label,
                "start": start,
                "end": end,
                "text": phrase,
                "origin": origin,
                "attrs": attrs,
                "created_at": now,
                "updated_at": now,
            }
        )
    relations = pd.DataFrame(
        RELATIONS,
        columns=["relation_id", "doc_id", "annotator", "type", "head_span_id", "tail_span_id"],
    )
    status = pd.DataFrame(
        [
            ("bbc-1", "alice", "done", None, 312.0),
            ("empty-done", "alice", "done", None, 4.0),  # finished, nothing in it
            ("unfinished", "bob", "skipped", "not news", 2.0),
            ("bbc-2/rewrite", "alice", None, None, 12.5),  # opened, not finished
            ("bbc-1", "bob", "flagged", "quote boundaries unclear", 95.0),
        ],
        columns=["doc_id", "annotator", "status", "comment", "seconds_spent"],
    )
    return {
        "documents": coerce("documents", documents),
        "spans": coerce("spans", pd.DataFrame(rows)),
        "relations": coerce("relations", relations),
        "doc_status": coerce("doc_status", status),
    }


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return make_tables()


# --- comparing what went out with what came back ----------------------------------------------

SpanKey = tuple[str, str, str, str, int, int, str]


def _attrs(attrs: Mapping[str, Any]) -> str:
    return json.dumps(attrs, sort_keys=True)


def table_spans(
    tables: Mapping[str, pd.DataFrame], *, layers: set[str] | None = None, attrs: bool = True
) -> set[SpanKey]:
    spans = tables["spans"]
    return {
        (d, a, lay, lab, int(s), int(e), _attrs(at) if attrs else "")
        for d, a, lay, lab, s, e, at in zip(
            spans["doc_id"],
            spans["annotator"],
            spans["layer"].astype(str),
            spans["label"].astype(str),
            spans["start"],
            spans["end"],
            spans["attrs"],
            strict=True,
        )
        if layers is None or lay in layers
    }


def batch_spans(batch: ImportBatch, *, attrs: bool = True) -> set[SpanKey]:
    ids = {doc.key: doc.doc_id or doc.key for doc in batch.documents}
    return {
        (
            ids[s.doc],
            s.annotator,
            s.layer,
            s.label,
            s.start,
            s.end,
            _attrs(s.attrs) if attrs else "",
        )
        for s in batch.spans
    }


RelationKey = tuple[str, str, str, tuple[str, str, int, int], tuple[str, str, int, int]]


def table_relations(tables: Mapping[str, pd.DataFrame]) -> set[RelationKey]:
    spans = tables["spans"].set_index("span_id")
    out = set()
    for d, a, t, h, tl in zip(
        tables["relations"]["doc_id"],
        tables["relations"]["annotator"],
        tables["relations"]["type"].astype(str),
        tables["relations"]["head_span_id"],
        tables["relations"]["tail_span_id"],
        strict=True,
    ):
        ends = tuple(
            (
                str(spans.at[i, "layer"]),
                str(spans.at[i, "label"]),
                int(spans.at[i, "start"]),
                int(spans.at[i, "end"]),
            )
            for i in (h, tl)
        )
        out.add((d, a, t, ends[0], ends[1]))
    return out


def batch_relations(batch: ImportBatch) -> set[RelationKey]:
    ids = {doc.key: doc.doc_id or doc.key for doc in batch.documents}
    spans = {s.key: (s.layer, s.label, s.start, s.end) for s in batch.spans}
    return {
        (ids[r.doc], r.annotator, r.type, spans[r.head], spans[r.tail]) for r in batch.relations
    }


# --- the real tools, started once for the session when a test asks for them -------------------


@pytest.fixture(scope="session")
def label_studio() -> Iterator[LabelStudio]:
    server = LabelStudio()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def doccano() -> Iterator[Doccano]:
    server = Doccano()
    try:
        yield server.start()
    finally:
        server.stop()
