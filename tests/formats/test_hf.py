"""The Hugging Face export: written with save_to_disk, read with datasets.load_from_disk."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import datasets
import pandas as pd
import pytest
import spacy
from spacy.training import biluo_to_iob, offsets_to_biluo_tags

from annotate.core.scheme import Scheme
from annotate.errors import FormatError
from annotate.formats import export, split_documents
from annotate.formats.hf import to_hf_dataset
from annotate.project import open_project
from tests.support.clirun import one_error_line, run_main
from tests.support.interchange import build_project

from .conftest import MISALIGNED, MODEL, OVERLAPPING, TEXTS


def test_load_from_disk_reads_the_export(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    manifest = export(tables, tmp_path, formats=["hf"], filters={})
    data = datasets.load_from_disk(str(tmp_path / "hf"))
    assert list(data) == ["train"]
    train = data["train"]
    assert train.num_rows == 4  # alice x2 (one done with nothing in it), bob, the model
    assert sorted(train["id"]) == sorted(
        ["bbc-1/alice", "empty-done/alice", "bbc-1/bob", f"bbc-2/rewrite/{MODEL}"]
    )
    # the manifest proves every file the dataset is made of
    listed = {entry.path for entry in manifest.files}
    on_disk = {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "hf").rglob("*")
               if p.is_file()}
    assert on_disk == listed


def test_features_a_token_classifier_reads(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    export(tables, tmp_path, formats=["hf"], filters={})
    train = datasets.load_from_disk(str(tmp_path / "hf"))["train"]
    scheme = Scheme.default()
    for layer in scheme.layers:
        column = "ner_tags" if layer.name == "entity" else f"{layer.name}_tags"
        feature = train.features[column].feature
        assert isinstance(feature, datasets.ClassLabel)
        assert feature.names == ["O"] + [
            f"{p}-{label}" for label in layer.label_names for p in "BI"
        ]
    row = train.filter(lambda r: r["id"] == "bbc-1/alice")[0]
    text = TEXTS["bbc-1"]
    assert row["text"] == text
    assert all(text[s:e] == t for t, s, e in
               zip(row["tokens"], row["token_starts"], row["token_ends"], strict=True))
    assert "\n" not in row["tokens"]  # whitespace tokens are left out
    # The tags are spaCy's own for the entities that fit one a token (e9 lies inside e2).
    doc = spacy.blank("en").make_doc(text)
    spans = tables["spans"]
    alice = spans[(spans.annotator == "alice") & (spans.layer == "entity")]
    entities = [(int(r.start), int(r.end), str(r.label)) for r in alice.itertuples()
                if r.span_id not in OVERLAPPING]
    expected = [tag for token, tag in zip(
        doc, biluo_to_iob(offsets_to_biluo_tags(doc, entities)), strict=True
    ) if not token.is_space]
    names = train.features["ner_tags"].feature
    assert [names.int2str(i) for i in row["ner_tags"]] == expected
    # Every span is in the span list, exact, the overlapping one too, with its attributes.
    by_id = {s["span_id"]: s for s in row["spans"]}
    assert set(by_id) == set(spans[spans.annotator == "alice"].span_id)
    quote = by_id["q1"]
    assert text[quote["start"]:quote["end"]] == quote["text"]
    assert json.loads(quote["attrs"])["addressee"] == "India Today"
    assert row["tokens"][quote["token_start"]] == '"'
    assert {(r["type"], r["head"], r["tail"]) for r in row["relations"]} >= {
        ("said_by", "q1", "s1"), ("cue", "q1", "c1")
    }


def test_a_span_off_token_boundaries_keeps_its_offsets(
    tables: dict[str, pd.DataFrame]
) -> None:
    data = to_hf_dataset(tables)
    bob = data["train"].filter(lambda r: r["id"] == "bbc-1/bob")[0]
    [span] = [s for s in bob["spans"] if s["span_id"] in MISALIGNED]
    assert span["text"] == "India Toda"
    names = data["train"].features["ner_tags"].feature
    tags = [names.int2str(i) for i in bob["ner_tags"]]
    assert tags[span["token_start"]:span["token_end"]] == ["B-ORG", "I-ORG"]  # widened


def test_the_split_is_the_docbin_split(tmp_path: Path) -> None:
    project = build_project(tmp_path)
    data = project.to_hf_dataset(annotator=["alice", "bob"], split=0.5, seed=3)
    docs = [d.doc_id for d in project.documents()]
    train, dev = split_documents(docs, 0.5, seed=3)
    assert set(data["train"]["doc_id"]) == set(train)
    assert set(data["validation"]["doc_id"]) == set(dev)
    manifest = project.export(tmp_path / "out", formats=["hf", "spacy"], split=0.5, seed=3,
                              annotator=["alice", "bob"])
    assert manifest.split is not None and manifest.split["train_docs"] == len(train)
    saved = datasets.load_from_disk(str(tmp_path / "out" / "hf"))
    assert saved["validation"]["id"] == data["validation"]["id"]
    project.close()


def test_without_datasets_the_export_says_how_to_install_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = open_project(tmp_path / "p.db")
    project.ingest(Path(__file__).parents[2] / "corpus")
    project.close()
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets -> ImportError
    status, output = run_main(["export", "--db", str(tmp_path / "p.db"), "--format", "hf",
                               "--out", str(tmp_path / "out")], capfd)
    assert status == 1
    one_error_line(output, "E380")
    assert "pip install 'annotate[hf]'" in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    with pytest.raises(FormatError) as info:
        to_hf_dataset({"documents": pd.DataFrame({"doc_id": [], "text": []})})
    assert info.value.code == "E380"


def test_the_command_writes_what_load_from_disk_reads(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    build_project(tmp_path).close()
    status, output = run_main(["export", "--db", str(tmp_path / "source.db"), "--format", "hf",
                               "--annotator", "alice", "--split", "0.5", "--out",
                               str(tmp_path / "out")], capfd)
    assert status == 0, output
    assert "hf/dataset_dict.json" in output
    data = datasets.load_from_disk(str(tmp_path / "out" / "hf"))
    assert sorted(data) == ["train", "validation"]
    rows = [*data["train"], *data["validation"]]
    assert sorted(r["id"].split("/")[-1] for r in rows) == ["alice", "alice"]
    names = data["train"].features["quote_tags"].feature
    tagged = [names.int2str(i) for r in rows for i in r["quote_tags"]]
    assert tagged.count("B-DIRECT") + tagged.count("B-INDIRECT") + tagged.count("B-MIXED") > 10
