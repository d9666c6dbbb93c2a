from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import spacy
from spacy.training import biluo_tags_to_offsets, biluo_to_iob, iob_to_biluo, offsets_to_biluo_tags

from annotate.errors import FormatError
from annotate.formats import read_conll, write_conll

from .conftest import MODEL, OVERLAPPING, TEXTS


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
        "A O\nNew I-LOC\nYork I-LOC\nB-LOC-less O\nI-only I-PERSON\n\n"  # IOB1
        "Paris S-GPE\nLos B-GPE\nAngeles E-GPE\nbig U-ORG\n",  # BIOES, BILUO
        encoding="utf-8",
    )
    batch = read_conll(path, label_map={"LOC": "GPE"})
    text = batch.documents[0].text
    assert [(s.label, text[s.start : s.end]) for s in batch.spans] == [
        ("GPE", "New York"),
        ("PERSON", "I-only"),
        ("GPE", "Paris"),
        ("GPE", "Los Angeles"),
        ("ORG", "big"),
    ]
    assert batch.problems == []


def test_an_invalid_sequence_is_an_invalid_record_not_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "mixed.conll"
    path.write_text(
        "Fine B-ORG\n\nNew I-LOC\nYork E-LOC\nParis S-GPE\n\nLast B-PERSON\n",
        encoding="utf-8",
    )
    batch = read_conll(path)
    text = batch.documents[0].text
    assert [(s.label, text[s.start : s.end]) for s in batch.spans] == [
        ("ORG", "Fine"),
        ("PERSON", "Last"),
    ]
    [problem] = batch.problems
    assert problem.kind == "malformed-record" and problem.invalid and problem.line == 3
    assert "I-LOC E-LOC S-GPE" in problem.detail


def test_tags_are_spacys_own(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    """The tag column is what spaCy's offsets_to_biluo_tags and biluo_to_iob give for the
    entities that fit (e9 lies inside e2), and reading gives biluo_tags_to_offsets' entities."""
    write_conll(tables, tmp_path)
    nlp = spacy.blank("en")
    doc = nlp.make_doc(TEXTS["bbc-1"])
    spans = tables["spans"]
    alice = spans[(spans["annotator"] == "alice") & (spans["layer"] == "entity")]
    entities = [
        (int(row.start), int(row.end), str(row.label))
        for row in alice.itertuples()
        if row.span_id not in OVERLAPPING
    ]
    expected = [
        tag
        for token, tag in zip(doc, biluo_to_iob(offsets_to_biluo_tags(doc, entities)), strict=True)
        if not token.is_space
    ]
    lines = (tmp_path / "alice.conll").read_text(encoding="utf-8").split("-DOCSTART-")[1]
    written = [line.split(" ")[-1] for line in lines.split("\n")[1:] if line.strip()]
    assert written == expected
    batch = read_conll(tmp_path / "alice.conll", doc_ids=["bbc-1", "empty-done"], texts=TEXTS)
    got = {(s.start, s.end, s.label) for s in batch.spans}
    assert got == set(biluo_tags_to_offsets(doc, iob_to_biluo(
        biluo_to_iob(offsets_to_biluo_tags(doc, entities))
    )))


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
