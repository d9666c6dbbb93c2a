from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import FormatError
from annotate.formats import read_doccano

from .conftest import FIXTURES

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
