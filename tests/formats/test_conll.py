from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats import read_conll, write_conll

from .conftest import MODEL, TEXTS


def test_layout(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    report = write_conll(tables, tmp_path)
    names = sorted(p.name for p in report.files)
    assert names == ["alice.conll", "bob.conll", "spacy%3Aen_core_web_sm@3.8.0%2Fsuggest@1.conll"]
    alice = (tmp_path / "alice.conll").read_text(encoding="utf-8").split("\n")
    assert alice[:4] == [
        "-DOCSTART- -X- -X- O",
        "",
        "Vladimir -X- _ B-PERSON",
        "Putin -X- _ I-PERSON",
    ]
    assert "India -X- _ B-ORG" in alice and "Today -X- _ I-ORG" in alice  # not GPE: e9 overlaps
    assert alice.count("-DOCSTART- -X- -X- O") == 2  # bbc-1, and empty-done (done, no entities)
    assert report.doc_ids[tmp_path / "alice.conll"] == ["bbc-1", "empty-done"]
    # a blank line between sentences, never a whitespace token
    assert all(line == "" or len(line.split(" ")) == 4 for line in alice)
    start = alice.index("He -X- _ O")
    assert alice[start - 1] == ""


def test_round_trip_with_texts(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    report = write_conll(tables, tmp_path)
    path = tmp_path / "spacy%3Aen_core_web_sm@3.8.0%2Fsuggest@1.conll"
    batch = read_conll(path, doc_ids=report.doc_ids[path], texts=TEXTS)
    assert batch.annotators == [MODEL]
    assert batch.problems == []
    spans = tables["spans"]
    expected = spans[(spans["annotator"] == MODEL) & (spans["layer"] == "entity")]
    assert {(s.label, s.start, s.end) for s in batch.spans} == set(
        zip(expected["label"].astype(str), expected["start"], expected["end"], strict=True)
    )
    assert batch.documents[0].doc_id == "bbc-2/rewrite"


def test_without_texts_rebuilds_from_tokens(tmp_path: Path) -> None:
    path = tmp_path / "plain.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n"
        "call NN I-NP O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n",
        encoding="utf-8",
    )
    batch = read_conll(path)
    [doc] = batch.documents
    assert doc.text == "EU rejects German call\nPeter Blackburn"
    assert {(s.label, doc.text[s.start : s.end]) for s in batch.spans} == {
        ("ORG", "EU"),
        ("MISC", "German"),
        ("PER", "Peter Blackburn"),
    }
    assert batch.annotators == ["plain"]
    assert {p.kind for p in batch.problems} == {"unknown-label"}  # PER, MISC are CoNLL's labels


def test_other_tag_schemes(tmp_path: Path) -> None:
    path = tmp_path / "tags.conll"
    path.write_text(
        "A O\nNew I-LOC\nYork I-LOC\nB-LOC-less O\nParis S-GPE\nLos B-GPE\nAngeles E-GPE\n"
        "big U-ORG\nI-only I-PERSON\n",
        encoding="utf-8",
    )
    batch = read_conll(path, label_map={"LOC": "GPE"})
    text = batch.documents[0].text
    assert [(s.label, text[s.start : s.end]) for s in batch.spans] == [
        ("GPE", "New York"),
        ("GPE", "Paris"),
        ("GPE", "Los Angeles"),
        ("ORG", "big"),
        ("PERSON", "I-only"),
    ]


def test_doc_ids_that_do_not_fit_are_reported(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    write_conll(tables, tmp_path)
    batch = read_conll(tmp_path / "alice.conll", doc_ids=["only-one"])
    assert [p.kind for p in batch.problems] == ["doc-ids"]
    assert all(d.doc_id is None for d in batch.documents)


def test_text_that_does_not_match_falls_back(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    report = write_conll(tables, tmp_path)
    path = tmp_path / "alice.conll"
    texts = {**TEXTS, "bbc-1": "A different article altogether."}
    batch = read_conll(path, doc_ids=report.doc_ids[path], texts=texts)
    assert [p.kind for p in batch.problems] == ["text-mismatch"]
    assert batch.documents[0].text.startswith("Vladimir Putin told India Today")


def test_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Good O\nNoTag\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_conll(path)
    assert info.value.code == "E308" and "line 2" in str(info.value)
    path.write_text("Good O\nBad X-WHAT\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 2"):
        read_conll(path)
