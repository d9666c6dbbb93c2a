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
    # A quote with its cue is an attribution event, its trigger a copy of the cue.
    events = [line for line in ann if line.startswith("E")]
    assert len(events) == 3 and all("\tAttribution:T" in line for line in events)
    assert all(" Content:T" in line and " Cue:T" in line and " Source:T" in line
               for line in events)
    assert not any("said_by" in line or "\tcue " in line for line in ann)
    assert "T21\tAttribution 15 19\ttold" in ann  # the first event's trigger, where "told" is
    assert any(line.endswith(" yes") and "\tcheckworthy T" in line for line in ann)
    assert any("\thedged T" in line and line.endswith(" true") for line in ann)
    # a note with a line break is kept whole as JSON; a one-line note as brat's AnnotatorNotes
    assert any(line.split("\t")[1].startswith("AnnotatorNotes:json T") for line in ann)
    assert any(line.split("\t")[1].startswith("AnnotatorNotes T") for line in ann)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert "said_by\tArg1:quote_DIRECT|quote_INDIRECT|quote_MIXED, Arg2:source_SOURCE" in conf
    assert "checkworthy\tArg:claim_QUANTITY" in conf
    assert "\nAttribution\tContent*:quote_DIRECT|quote_INDIRECT, Source*:source_SOURCE, " in conf


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
    """A file from another project, with every kind of line brat writes."""
    batch = read_brat(FIXTURES / "brat")
    text = batch.documents[0].text
    spans = {(s.label, text[s.start : s.end]): s for s in batch.spans}
    assert set(spans) == {
        ("Protein", "p53"),
        ("Protein", "MDM2"),
        ("Binding", "binds"),
        ("LOC", "nucleus"),
        ("Protein", "Protein p53 binds MDM2"),  # T5, two pieces: "Protein" and "MDM2"
        ("OTHER", "not bind\nBRCA1"),  # pieces cut only at the line break: one piece again
    }
    assert spans[("Protein", "Protein p53 binds MDM2")].fragments == [[0, 7], [18, 22]]
    assert spans[("OTHER", "not bind\nBRCA1")].fragments is None
    claim = next(s for s in batch.spans if s.layer == "claim")
    assert claim.attrs == {"checkworthy": "yes", "hedged": True}
    p53 = spans[("Protein", "p53")]
    assert p53.attrs == {"note": "the tumour suppressor",
                         "norm": {"Reference": {"Wikipedia:11111": "p53"}}}
    assert spans[("Binding", "binds")].attrs == {"Negation": True}  # A1 Negation E1
    by_type: dict[str, list[tuple[str, str]]] = {}
    keys = {s.key: text[s.start : s.end] for s in batch.spans}
    for relation in batch.relations:
        by_type.setdefault(relation.type, []).append((keys[relation.head], keys[relation.tail]))
    # E1 Binding:T3 Theme:T1 Theme2:T2: the trigger links each argument by its role.
    assert by_type == {"Interacts": [("p53", "MDM2")], "Theme": [("binds", "p53"),
                       ("binds", "MDM2")], "Equiv": [("p53", "MDM2")]}
    assert batch.relation_kinds == {"Theme": "role", "Equiv": "equivalence"}
    (mismatch,) = [p for p in batch.problems if p.kind == "text-mismatch"]
    assert "'BRCA2'" in mismatch.detail and mismatch.line == 7 and mismatch.invalid
    assert "pmid-1.ann" in str(mismatch)
    assert {p.kind for p in batch.problems} == {"unknown-label", "unknown-relation",
                                               "text-mismatch"}
    assert batch.annotators == ["brat"]  # the folder's name


def test_missing_text_file(tmp_path: Path) -> None:
    (tmp_path / "doc.ann").write_text("T1\tPERSON 0 4\tAnna\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_brat(tmp_path)
    assert info.value.code == "E353" and "doc.txt" in str(info.value)


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
