from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from annotate.core.scheme import Scheme
from annotate.errors import FormatError
from annotate.formats import export, read_doccano
from annotate.formats.doccano_writer import relation_types, span_types

from .conftest import (
    FIXTURES,
    batch_relations,
    batch_spans,
    table_relations,
    table_spans,
)

EXPORT = FIXTURES / "doccano.jsonl"


def test_both_shapes() -> None:
    batch = read_doccano(EXPORT, annotator="admin")
    assert batch.records == 4 and len(batch.documents) == 4
    texts = {d.key: d.text for d in batch.documents}
    spans = {(texts[s.doc][s.start : s.end], s.layer, s.label) for s in batch.spans}
    assert ("EU", "entity", "ORG") in spans
    assert ("Peter Blackburn", "entity", "PERSON") in spans and (
        "Peter",
        "entity",
        "PERSON",
    ) in spans
    assert ("Merkel", "source", "SOURCE") in spans and (
        "talks would resume",
        "quote",
        "INDIRECT",
    ) in spans
    keys = {s.key: (s.layer, s.label) for s in batch.spans}
    assert {(r.type, keys[r.head][0], keys[r.tail][0]) for r in batch.relations} == {
        ("said_by", "quote", "source"),
        ("cue", "quote", "cue"),
        ("refers_to", "source", "entity"),
    }
    assert batch.documents[3].doc_id == "rel-1"
    assert batch.documents[0].meta == {"doccano_id": 1}
    assert batch.annotators == ["admin"]


def test_problems() -> None:
    batch = read_doccano(EXPORT)
    assert batch.annotators == ["doccano"]  # doccano writes one file per user: the stem
    kinds = sorted((p.kind, p.line) for p in batch.problems)
    assert kinds == [
        ("dangling-relation", 4),  # to the entity that did not fit
        ("offsets", 4),
        ("unknown-label", 1),  # PRODUCT
        ("unsupported", 3),  # document classification
    ]


@pytest.mark.parametrize(
    ("line", "detail"),
    [('{"label": []}', "no 'text'"), ('{"text": "x", "label": [[0, 1]]}', "is not [start, end")],
)
def test_malformed(tmp_path: Path, line: str, detail: str) -> None:
    path = tmp_path / "user.jsonl"
    path.write_text('{"text": "fine", "label": []}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_doccano(path)
    assert info.value.code == "E308" and "line 2" in str(info.value) and detail in str(info.value)


# --- the writer ----------------------------------------------------------------------------


def test_export_reads_back_without_attributes(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    manifest = export(tables, tmp_path, formats=["doccano"], filters={})
    files = sorted((tmp_path / "doccano").iterdir())
    assert [f.name for f in files] == [
        "alice.jsonl", "bob.jsonl", "spacy%3Aen_core_web_sm@3.8.0%2Fsuggest@1.jsonl"
    ]
    spans: set[tuple[str, ...]] = set()
    relations: set[tuple[object, ...]] = set()
    units = set()
    for path in files:
        batch = read_doccano(path)
        assert batch.problems == []
        spans |= batch_spans(batch, attrs=False)
        relations |= batch_relations(batch)
        ids = {d.key: d.doc_id for d in batch.documents}
        units |= {(ids[k], a) for k, a in batch.units}
    assert spans == table_spans(tables, attrs=False)
    assert relations == table_relations(tables)
    assert (("empty-done", "alice")) in units  # done with nothing in it: an empty line
    reported = {n.item_id for n in manifest.notes if n.kind == "attributes-left-out"}
    spans_with_attrs = tables["spans"][tables["spans"]["attrs"].map(bool)]
    assert reported == set(spans_with_attrs["span_id"])


def test_lines_are_what_doccano_reads(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    export(tables, tmp_path, formats=["doccano"], filters={})
    lines = [json.loads(line) for line in
             (tmp_path / "doccano" / "alice.jsonl").read_text("utf-8").splitlines()]
    assert [line["doc_id"] for line in lines] == ["bbc-1", "empty-done"]
    # every line has the same fields: doccano reads the file as one table
    assert {tuple(line) for line in lines} == {
        ("text", "doc_id", "title", "source", "published", "entities", "relations")
    }
    first = lines[0]
    labels = {e["label"] for e in first["entities"]}
    assert {"PERSON", "quote_DIRECT", "source_SOURCE", "cue_CUE", "claim_QUANTITY"} <= labels
    ids = {e["id"] for e in first["entities"]}
    assert all(isinstance(i, int) for i in ids)
    assert all(r["from_id"] in ids and r["to_id"] in ids for r in first["relations"])
    assert span_types(Scheme.default())[0] == ("PERSON", Scheme.default().layers[0].labels[0].color)
    assert relation_types(Scheme.default()) == ["said_by", "cue", "refers_to", "claimed_by"]
