from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from annotate.errors import FormatError
from annotate.formats import read_label_studio

from .conftest import FIXTURES

EXPORT = FIXTURES / "label_studio.json"


def test_tasks_annotations_and_relations() -> None:
    batch = read_label_studio(EXPORT)
    assert batch.records == 2
    assert [d.doc_id for d in batch.documents] == ["bbc-7", None]
    assert batch.documents[0].meta == {"title": "Talks", "label_studio_task": 101}
    assert batch.annotators == ["ana@newsroom.example", "user-7"]
    ana = [s for s in batch.spans if s.annotator == "ana@newsroom.example"]
    assert Counter(s.layer for s in ana) == {
        "entity": 2,
        "source": 1,
        "cue": 1,
        "quote": 1,
        "claim": 1,
    }
    claim = next(s for s in ana if s.layer == "claim")
    assert claim.attrs == {"checkworthy": "yes", "hedged": True}
    quote = next(s for s in ana if s.layer == "quote")
    assert quote.attrs == {"addressee": "India Today"}
    keys = {s.key: (s.layer, s.label) for s in batch.spans}
    relations = {(r.type, keys[r.head], keys[r.tail]) for r in batch.relations}
    assert relations == {
        ("said_by", ("quote", "DIRECT"), ("source", "SOURCE")),
        ("cue", ("quote", "DIRECT"), ("cue", "CUE")),  # direction "left" turns it round
        ("refers_to", ("source", "SOURCE"), ("entity", "PERSON")),
    }


def test_problems_name_the_task() -> None:
    batch = read_label_studio(EXPORT)
    kinds = {p.kind: p for p in batch.problems}
    assert set(kinds) == {"text-mismatch", "skipped-answer", "unsupported"}
    assert kinds["skipped-answer"].line == 1 and kinds["skipped-answer"].unit == "task"
    assert "task 1" in str(kinds["skipped-answer"])
    assert "should read 'India Today'" in kinds["text-mismatch"].detail
    assert "'topic'" in kinds["unsupported"].detail


def test_utf16_offsets_are_converted() -> None:
    batch = read_label_studio(EXPORT)
    doc = batch.documents[1]
    assert "😀" in doc.text
    got = {(s.label, doc.text[s.start : s.end]) for s in batch.spans if s.doc == doc.key}
    assert got == {("PERSON", "Modi"), ("PERSON", "Putin"), ("GPE", "Delhi")}


def test_predictions_on_request() -> None:
    batch = read_label_studio(EXPORT, predictions=True)
    assert "model:ner-v2" in batch.annotators


def test_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "min.json"
    path.write_text('{"text": "JSON-MIN rows are not tasks"}', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_label_studio(path)
    assert info.value.code == "E310"
    path.write_text('[{"data": {"text": "ok"}},\n {"data": ', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_label_studio(path)
    assert info.value.code == "E306" and "line 2" in str(info.value)
    path.write_text('[{"data": {"body": "ok"}}]', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_label_studio(path)
    assert info.value.code == "E308" and "task 1" in str(info.value)
    assert read_label_studio(path, text_field="body").records == 1
