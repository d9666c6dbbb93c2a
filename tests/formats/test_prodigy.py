from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats import read_prodigy, write_prodigy

from .conftest import PEER, batch_relations, batch_spans, table_relations, table_spans

PRODIGY = PEER / "prodigy"
FASHION = PRODIGY / "ner_manual_fashion_brands_eval.jsonl"
GENIA = PRODIGY / "rel_manual_genia.jsonl"
RESTAURANTS = PRODIGY / "ner_manual_restaurant_reviews_test.jsonl"


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- the peer files import completely -----------------------------------------------------------


def test_fashion_brands_ner_manual() -> None:
    rows = _rows(FASHION)
    batch = read_prodigy(FASHION)
    assert batch.records == len(rows) == 500
    assert len(batch.documents) == 500
    assert len(batch.spans) == sum(len(r["spans"]) for r in rows) == 238
    assert {(s.layer, s.label) for s in batch.spans} == {("entity", "FASHION_BRAND")}
    assert batch.annotators == ["ner_manual_fashion_brands_eval"]  # no ids in the file
    [problem] = batch.problems
    assert problem.kind == "unknown-label" and problem.count == 238
    assert "FASHION_BRAND" in str(problem) and str(FASHION) in str(problem)
    texts = {d.key: d.text for d in batch.documents}
    by_row = {(r["text"], s["start"], s["end"]) for r in rows for s in r["spans"]}
    assert {(texts[s.doc], s.start, s.end) for s in batch.spans} == by_row
    assert batch.documents[0].meta == {"section": "malefashionadvice"}


def test_genia_rel_manual() -> None:
    rows = _rows(GENIA)
    batch = read_prodigy(GENIA, label_map={"GGP": "ORG"})
    assert batch.records == len(rows) == 149
    assert all(r["relations"] for r in rows)  # every row has relations
    assert len(batch.documents) == 149
    assert len(batch.spans) == sum(len(r["spans"]) for r in rows) == 466
    assert {s.label for s in batch.spans} == {"ORG"}  # mapped, so no label problem
    distinct = {
        (n, r["head_span"]["start"], r["child_span"]["start"], r["label"])
        for n, row in enumerate(rows)
        for r in row["relations"]
    }
    assert sum(len(r["relations"]) for r in rows) == 267
    assert len(batch.relations) == len(distinct) == 263  # four relations are given twice
    duplicates = sum(p.count for p in batch.problems if p.kind == "duplicate-relation")
    assert duplicates == 4
    assert Counter(r.type for r in batch.relations)["Pos-Reg"] == 106
    kinds = {p.kind for p in batch.problems}
    assert kinds == {"duplicate-relation", "unknown-relation"}  # Genia's types are not ours
    # each relation joins the spans its head_span/child_span name
    first = rows[0]["relations"][0]
    spans = {s.key: s for s in batch.spans}
    relation = batch.relations[0]
    assert (spans[relation.head].start, spans[relation.tail].start) == (
        first["head_span"]["start"],
        first["child_span"]["start"],
    )


def test_restaurant_review_versions() -> None:
    rows = _rows(RESTAURANTS)
    assert len(rows) == 1521
    shared = [r for r in rows if len(r["versions"]) == 1]
    split = [r for r in rows if len(r["versions"]) == 2]
    # one version both sessions share, or one version each
    assert len(shared) == 862 and len(split) == 659
    assert all(
        r["versions"][0]["sessions"] == ["ner_model", "original_annotations"] for r in shared
    )
    assert all(
        sorted(s for v in r["versions"] for s in v["sessions"])
        == ["ner_model", "original_annotations"]
        for r in split
    )

    def spans_of(session: str) -> int:
        return sum(len(v["spans"]) for r in rows for v in r["versions"] if session in v["sessions"])

    batch = read_prodigy(RESTAURANTS)
    assert batch.records == 1521 and len(batch.documents) == 1521
    assert batch.annotators == ["ner_model", "original_annotations", "review"]
    units = Counter(annotator for _, annotator in batch.units)
    assert units == {"ner_model": 1521, "original_annotations": 1521, "review": 1521}
    per_annotator = Counter(s.annotator for s in batch.spans)
    assert per_annotator["ner_model"] == spans_of("ner_model")
    assert per_annotator["original_annotations"] == spans_of("original_annotations")
    assert per_annotator["review"] == sum(len(r["spans"]) for r in rows) == 3179
    # the 659 two-version rows really disagree; the shared ones cannot
    differ = 0
    docs = {d.text: d.key for d in batch.documents}
    mine: dict[tuple[str, str], set[tuple[int, int, str]]] = {}
    for s in batch.spans:
        mine.setdefault((s.doc, s.annotator), set()).add((s.start, s.end, s.label))
    for row in rows:
        key = docs[row["text"]]
        a = mine.get((key, "ner_model"), set())
        b = mine.get((key, "original_annotations"), set())
        differ += a != b
    assert differ == 659
    assert {p.kind for p in batch.problems} == {"unknown-label"}

    without_review = read_prodigy(RESTAURANTS, review_annotator=None)
    assert without_review.annotators == ["ner_model", "original_annotations"]


def test_label_map_to_another_layer_and_drop() -> None:
    batch = read_prodigy(
        RESTAURANTS, label_map={"Location": "GPE", "Price": "claim:QUANTITY"}, unknown="drop"
    )
    labels = {(s.layer, s.label) for s in batch.spans}
    assert labels == {("entity", "GPE"), ("claim", "QUANTITY")}
    dropped = [p for p in batch.problems if p.kind == "unknown-label"]
    assert all("left out" in p.detail for p in dropped) and len(dropped) == 6


def test_label_map_to_unknown_layer() -> None:
    with pytest.raises(FormatError) as info:
        read_prodigy(FASHION, label_map={"FASHION_BRAND": "brand:BRAND"})
    assert info.value.code == "E313" and "'brand'" in str(info.value)


# --- answers, annotators and malformed files ---------------------------------------------------


def _task(text: str, spans: list[tuple[int, int, str]], **extra: Any) -> dict[str, Any]:
    return {
        "text": text,
        "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans],
        **extra,
    }


def test_reject_and_ignore_are_skipped_and_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "answers.jsonl",
        [
            _task(
                "Anna works at Acme.", [(0, 4, "PERSON")], answer="accept", _annotator_id="ds-anna"
            ),
            _task("Bob sells Acme.", [(0, 3, "PERSON")], answer="reject", _annotator_id="ds-anna"),
            _task("Carl likes Acme.", [(0, 4, "PERSON")], answer="ignore", _annotator_id="ds-anna"),
            _task("No answer here, Dora.", [(16, 20, "PERSON")]),
        ],
    )
    batch = read_prodigy(path)
    assert [d.text for d in batch.documents] == ["Anna works at Acme.", "No answer here, Dora."]
    assert batch.annotators == ["answers", "ds-anna"]  # the stem where the row names nobody
    skipped = sorted((p.line, p.detail) for p in batch.problems if p.kind == "skipped-answer")
    assert [line for line, _ in skipped] == [2, 3]
    assert "'reject'" in skipped[0][1] and "'ignore'" in skipped[1][1]
    everything = read_prodigy(path, answers=("accept", "reject", "ignore"), annotator="anna")
    assert len(everything.documents) == 4 and everything.annotators == ["anna"]


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(_task("Fine.", [])) + "\n\n" + '{"text": "cut off', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_prodigy(path)
    assert info.value.code == "E306"
    assert f"{path}, line 3" in str(info.value)


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        ({"spans": []}, "no 'text'"),
        ({"text": "x", "spans": {"start": 0}}, "'spans' is not a list"),
        ({"text": "x", "spans": ["PERSON"]}, "not a JSON object"),
        (["a", "list"], "expected a JSON object"),
    ],
)
def test_malformed_records(tmp_path: Path, row: Any, detail: str) -> None:
    path = _write(tmp_path / "bad.jsonl", [_task("Good row.", []), row])
    with pytest.raises(FormatError) as info:
        read_prodigy(path)
    assert info.value.code == "E308" and "line 2" in str(info.value) and detail in str(info.value)


def test_span_problems_are_reported(tmp_path: Path) -> None:
    text = "Anna met Bob in Paris."
    path = _write(
        tmp_path / "spans.jsonl",
        [
            {
                "text": text,
                "spans": [
                    {"start": 0, "end": 4, "label": "PERSON", "text": "Anna"},
                    {"start": 9, "end": 12, "label": "PERSON", "text": "Bobby"},  # mismatch
                    {"start": 16, "end": 99, "label": "GPE"},  # outside the text
                    {"start": 16, "end": 21, "label": "GPE"},
                    {"start": 16, "end": 21, "label": "GPE"},  # twice
                    {"token_start": 2, "token_end": 2, "label": "PERSON"},  # tokens only
                ],
                "tokens": [
                    {"text": "Anna", "start": 0, "end": 4, "id": 0},
                    {"text": "met", "start": 5, "end": 8, "id": 1},
                    {"text": "Bob", "start": 9, "end": 12, "id": 2},
                ],
            }
        ],
    )
    batch = read_prodigy(path)
    assert sorted((s.start, s.end) for s in batch.spans) == [(0, 4), (9, 12), (16, 21)]
    assert sorted(p.kind for p in batch.problems) == ["duplicate-span", "offsets", "text-mismatch"]
    assert all(p.line == 1 for p in batch.problems)


# --- export ------------------------------------------------------------------------------------


def test_export_is_rel_manual_shaped(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    report = write_prodigy(tables, tmp_path)
    tasks = _rows(tmp_path / "annotations.jsonl")
    assert len(tasks) == 4 and report.files == [tmp_path / "annotations.jsonl"]
    task = next(
        t for t in tasks if t["_annotator_id"] == "alice" and t["meta"]["doc_id"] == "bbc-1"
    )
    assert task["answer"] == "accept" and task["_session_id"] == "alice"
    assert task["meta"] == {
        "doc_id": "bbc-1",
        "title": "Putin in Delhi",
        "source": "BBC",
        "published": "2025-12-05",
    }
    tokens = task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert all(task["text"][t["start"] : t["end"]] == t["text"] for t in tokens)
    for span in task["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    labels = {s["label"] for s in task["spans"]}
    assert {"PERSON", "quote_DIRECT", "source_SOURCE", "cue_CUE", "claim_QUANTITY"} <= labels
    relation = next(r for r in task["relations"] if r["label"] == "refers_to")
    assert relation["head"] == relation["head_span"]["token_end"]
    assert relation["child_span"]["label"] == "PERSON"


def test_round_trip(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_prodigy(tables, tmp_path)
    batch = read_prodigy(tmp_path / "annotations.jsonl")
    assert batch.problems == []
    assert batch_spans(batch) == table_spans(tables)
    assert batch_relations(batch) == table_relations(tables)
    assert {s.key for s in batch.spans} == set(tables["spans"]["span_id"])


def test_spans_manual_keeps_overlaps(tmp_path: Path) -> None:
    text = "The Bank of England raised rates."
    path = _write(
        tmp_path / "spans.jsonl",
        [
            _task(
                text,
                [(4, 19, "ORG"), (12, 19, "GPE"), (4, 33, "claim_CHANGE")],
                _view_id="spans_manual",
                answer="accept",
            )
        ],
    )
    batch = read_prodigy(path, annotator="desk")
    assert sorted((s.layer, s.label, s.start, s.end) for s in batch.spans) == [
        ("claim", "CHANGE", 4, 33),
        ("entity", "GPE", 12, 19),
        ("entity", "ORG", 4, 19),
    ]
    assert batch.problems == []


def test_batch_to_contract_tables() -> None:
    batch = read_prodigy(RESTAURANTS)
    tables = batch.to_tables()
    spans, documents = tables["spans"], tables["documents"]
    assert len(spans) == len(batch.spans) and len(documents) == 1521
    assert len(tables["doc_status"]) == 3 * 1521
    assert set(spans["origin"].astype(str)) == {"imported"}
    texts = documents.set_index("doc_id")["text"]
    row = spans.iloc[0]
    assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]
