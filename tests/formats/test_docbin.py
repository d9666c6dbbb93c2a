from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import spacy
from spacy.tokens import Doc, DocBin

from annotate.errors import FormatError
from annotate.formats import read_docbin, split_documents, write_docbin

from .conftest import (
    MISALIGNED,
    OVERLAPPING,
    batch_relations,
    batch_spans,
    table_relations,
    table_spans,
)


def _load(path: Path) -> list[Doc]:
    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_every_span_matches_the_table(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    report = write_docbin(tables, tmp_path)
    docs = _load(tmp_path / "annotations.spacy")
    spans = tables["spans"]
    assert len(docs) == 4  # (bbc-1, alice), (bbc-1, bob), (bbc-2, model), (empty-done, alice)
    widened = {n.item_id for n in report.notes if n.kind == "misaligned"}
    assert widened == MISALIGNED
    for doc in docs:
        info = doc.user_data["annotate"]
        json.dumps(info)  # plain JSON all the way down
        rows = spans[
            (spans["doc_id"] == info["doc_id"]) & (spans["annotator"] == info["annotator"])
        ]
        assert doc.text == tables["documents"].set_index("doc_id").at[info["doc_id"], "text"]
        for layer, group in rows.groupby(rows["layer"].astype(str), observed=True):
            expected = sorted(
                zip(
                    group["start"],
                    group["end"],
                    group["label"].astype(str),
                    group["span_id"],
                    strict=True,
                )
            )
            got = sorted((s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[str(layer)])
            assert len(got) == len(expected)
            for (start, end, label, span_id), (g_start, g_end, g_label, g_id) in zip(
                expected, got, strict=True
            ):
                assert (g_label, g_id) == (label, span_id)
                if span_id in MISALIGNED:
                    assert g_start <= start and end <= g_end  # widened to whole tokens
                else:
                    assert (g_start, g_end) == (start, end)
        entities = {s.id_ for s in doc.spans.get("entity", [])}
        in_ents = {(e.start_char, e.end_char) for e in doc.ents}
        assert len(in_ents) == len(doc.ents)
        for span in doc.spans.get("entity", []):
            assert ((span.start_char, span.end_char) in in_ents) != (span.id_ in OVERLAPPING)
        assert entities == set(rows.loc[rows["layer"] == "entity", "span_id"])


def test_relations_and_attributes_in_user_data(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    write_docbin(tables, tmp_path)
    doc = next(
        d
        for d in _load(tmp_path / "annotations.spacy")
        if d.user_data["annotate"]["annotator"] == "alice"
        and d.user_data["annotate"]["doc_id"] == "bbc-1"
    )
    info = doc.user_data["annotate"]
    assert info["title"] == "Putin in Delhi" and info["meta"] == {"byline": "Staff"}
    relations = {(r["type"], r["head"], r["tail"]) for r in info["relations"]}
    assert ("refers_to", "s2", "e1") in relations and len(relations) == 10
    quote = next(r for r in info["spans"]["quote"] if r["span_id"] == "q1")
    assert quote["attrs"]["addressee"] == "India Today"
    assert [r["span_id"] for r in info["spans"]["quote"]] == [s.id_ for s in doc.spans["quote"]]


def test_round_trip(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_docbin(tables, tmp_path)
    batch = read_docbin(tmp_path / "annotations.spacy")
    assert batch.problems == []
    assert batch_spans(batch) == table_spans(tables)
    assert batch_relations(batch) == table_relations(tables)
    assert {s.key for s in batch.spans} == set(tables["spans"]["span_id"])
    assert ("empty-done", "alice") in batch.units


def test_split_by_document(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    report = write_docbin(tables, tmp_path, split=0.67, seed=0)
    assert sorted(p.name for p in report.files) == ["dev.spacy", "train.spacy"]
    train = {d.user_data["annotate"]["doc_id"] for d in _load(tmp_path / "train.spacy")}
    dev = {d.user_data["annotate"]["doc_id"] for d in _load(tmp_path / "dev.spacy")}
    assert not train & dev and len(train) == 2 and len(dev) == 1
    # both of bbc-1's annotators go with their document
    pairs = [d.user_data["annotate"]["doc_id"] for d in _load(tmp_path / "train.spacy")]
    assert pairs.count("bbc-1") in (0, 2)


def test_split_is_reproducible() -> None:
    ids = [f"doc-{n}" for n in range(100)]
    first = split_documents(ids, 0.8, seed=7)
    assert first == split_documents(list(reversed(ids)), 0.8, seed=7)
    assert first != split_documents(ids, 0.8, seed=8)
    assert (len(first[0]), len(first[1])) == (80, 20)
    assert split_documents(["a", "b"], 0.99) == (["a"], ["b"]) or split_documents(
        ["a", "b"], 0.99
    ) == (["b"], ["a"])


@pytest.mark.parametrize("split", [0, 1, -0.1, 2])
def test_split_out_of_range(split: float) -> None:
    with pytest.raises(FormatError) as info:
        split_documents(["a"], split)
    assert info.value.code == "E311"


def test_foreign_docbin(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Angela Merkel met Emmanuel Macron in Paris.")
    doc.ents = [doc.char_span(0, 13, label="PERSON"), doc.char_span(37, 42, label="GPE")]
    doc.spans["sc"] = [doc.char_span(18, 33, label="PERSON")]
    doc.spans["quote"] = [doc.char_span(0, 42, label="INDIRECT")]
    path = tmp_path / "other.spacy"
    DocBin(docs=[doc]).to_disk(path)
    batch = read_docbin(path, annotator="ner-team")
    assert batch_spans(batch, attrs=False) == {
        ("sha256:" + _hash(doc.text), "ner-team", "entity", "PERSON", 0, 13, ""),
        ("sha256:" + _hash(doc.text), "ner-team", "entity", "GPE", 37, 42, ""),
        ("sha256:" + _hash(doc.text), "ner-team", "quote", "INDIRECT", 0, 42, ""),
    }
    assert [p.kind for p in batch.problems] == ["unmapped-group"]
    mapped = read_docbin(path, span_groups={"sc": "entity"})
    assert {s.start for s in mapped.spans if s.layer == "entity"} == {18}
    assert mapped.annotators == ["other"]


def _hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_not_a_docbin(tmp_path: Path) -> None:
    path = tmp_path / "bad.spacy"
    path.write_bytes(b"\x00garbage")
    with pytest.raises(FormatError) as info:
        read_docbin(path)
    assert info.value.code == "E309" and str(path) in str(info.value)
