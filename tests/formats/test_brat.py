from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats import read_brat, write_brat

from .conftest import FIXTURES, MODEL, batch_relations, batch_spans, table_relations, table_spans


def test_layout_and_lines(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_brat(tables, tmp_path)
    assert (tmp_path / "annotation.conf").exists()
    model = tmp_path / "spacy%3Aen_core_web_sm@3.8.0%2Fsuggest@1"
    assert (model / "bbc-2%2Frewrite.txt").read_text(encoding="utf-8") == tables["documents"].at[
        1, "text"
    ]
    ann = (tmp_path / "alice" / "bbc-1.ann").read_text(encoding="utf-8").splitlines()
    assert "T1\tentity_PERSON 0 14\tVladimir Putin" in ann
    assert any(line.startswith("R") and "refers_to Arg1:T" in line for line in ann)
    assert any(line.endswith(" yes") and "\tcheckworthy T" in line for line in ann)
    assert any("\thedged T" in line and line.endswith(" true") for line in ann)
    # a note with a line break is kept whole as JSON; a one-line note as brat's AnnotatorNotes
    assert any(line.split("\t")[1].startswith("AnnotatorNotes:json T") for line in ann)
    assert any(line.split("\t")[1].startswith("AnnotatorNotes T") for line in ann)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert "said_by\tArg1:quote_DIRECT|quote_INDIRECT|quote_MIXED, Arg2:source_SOURCE" in conf
    assert "checkworthy\tArg:claim_QUANTITY" in conf


def test_span_across_a_line_break_is_cut_into_fragments(tmp_path: Path) -> None:
    text = "He said\nthe talks failed."
    tables = {
        "documents": pd.DataFrame(
            {
                "doc_id": ["d"],
                "title": [None],
                "source": [None],
                "published": [None],
                "text": [text],
                "text_sha256": ["-"],
                "n_chars": [len(text)],
                "meta": [{}],
            }
        ),
        "spans": pd.DataFrame(
            {
                "doc_id": ["d"],
                "annotator": ["a"],
                "span_id": ["q"],
                "layer": ["quote"],
                "label": ["INDIRECT"],
                "start": [3],
                "end": [17],
                "text": [text[3:17]],
                "origin": ["manual"],
                "attrs": [{}],
                "created_at": [None],
                "updated_at": [None],
            }
        ),
    }
    write_brat(tables, tmp_path)
    assert (tmp_path / "a" / "d.ann").read_text() == "T1\tquote_INDIRECT 3 7;8 17\tsaid the talks\n"
    batch = read_brat(tmp_path)
    assert [(s.start, s.end) for s in batch.spans] == [(3, 17)]


def test_round_trip(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_brat(tables, tmp_path)
    batch = read_brat(tmp_path)
    assert batch.problems == []
    assert batch_spans(batch) == table_spans(tables)
    assert batch_relations(batch) == table_relations(tables)
    assert sorted(set(batch.annotators)) == sorted({"alice", "bob", MODEL})


def test_one_annotator_folder_or_file(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_brat(tables, tmp_path)
    folder = read_brat(tmp_path / "bob")
    assert folder.annotators == ["bob"] and len(folder.documents) == 1
    single = read_brat(tmp_path / "alice" / "bbc-1.txt", annotator="gold")
    assert single.annotators == ["gold"] and single.documents[0].doc_id == "bbc-1"


def test_foreign_brat_file() -> None:
    batch = read_brat(FIXTURES / "brat")
    spans = {(s.label, s.start, s.end, s.layer): s for s in batch.spans}
    text = batch.documents[0].text
    assert {(label, text[a:b]) for label, a, b, _ in spans} == {
        ("Protein", "p53"),
        ("Protein", "MDM2"),
        ("Binding", "binds"),
        ("LOC", "nucleus"),
        ("OTHER", "not bind\nBRCA1"),
    }
    claim = next(s for s in batch.spans if s.layer == "claim")
    assert claim.attrs == {"checkworthy": "yes", "hedged": True}
    p53 = next(s for s in batch.spans if text[s.start : s.end] == "p53")
    assert p53.attrs == {"note": "the tumour suppressor"}
    assert [r.type for r in batch.relations] == ["Interacts"]
    by_kind: dict[str, list[str]] = {}
    for problem in batch.problems:
        by_kind.setdefault(problem.kind, []).append(problem.detail)
    assert "T5 is a discontinuous span" in " ".join(by_kind["unsupported"])
    assert "events" in " ".join(by_kind["unsupported"])
    assert "equivalences" in " ".join(by_kind["unsupported"])
    assert "normalisations" in " ".join(by_kind["unsupported"])
    assert any("'BRCA2'" in d for d in by_kind["text-mismatch"])
    assert len(by_kind["unknown-label"]) == 2  # Protein, Binding
    assert batch.annotators == ["brat"]  # the folder's name
    line = next(p for p in batch.problems if "discontinuous" in p.detail).line
    assert line == 5 and "pmid-1.ann" in next(
        str(p) for p in batch.problems if "discontinuous" in p.detail
    )


def test_missing_text_file(tmp_path: Path) -> None:
    (tmp_path / "doc.ann").write_text("T1\tPERSON 0 4\tAnna\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_brat(tmp_path)
    assert info.value.code == "E314" and "doc.txt" in str(info.value)


def test_malformed_line(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("Anna", encoding="utf-8")
    (tmp_path / "doc.ann").write_text(
        "T1\tPERSON 0 4\tAnna\nT2 PERSON zero four\n", encoding="utf-8"
    )
    with pytest.raises(FormatError) as info:
        read_brat(tmp_path / "doc.ann")
    assert info.value.code == "E308" and "line 2" in str(info.value)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as info:
        read_brat(tmp_path)
    assert info.value.code == "E316"
