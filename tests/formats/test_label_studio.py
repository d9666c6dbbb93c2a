from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from annotate.core.scheme import Scheme
from annotate.errors import FormatError
from annotate.formats import export, read_label_studio
from annotate.formats.label_studio_writer import annotator_email, annotator_from_email

from .conftest import (
    FIXTURES,
    MODEL,
    TEXTS,
    batch_relations,
    batch_spans,
    table_relations,
    table_spans,
)

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


# --- the writer ----------------------------------------------------------------------------


def test_export_reads_back_whole(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    manifest = export(tables, tmp_path, formats=["label-studio"], filters={})
    batch = read_label_studio(tmp_path / "label-studio" / "tasks.json", predictions=True)
    assert batch.problems == []
    assert batch_relations(batch) == table_relations(tables)
    # Attributes the scheme names come back; machine metadata and the rest are reported.
    scheme = Scheme.default()
    kept = {
        (d, a, lay, lab, s, e, json.dumps({k: v for k, v in json.loads(at).items()
                                           if k in scheme.attributes_for(lay)}, sort_keys=True))
        for d, a, lay, lab, s, e, at in table_spans(tables)
    }
    assert batch_spans(batch) == kept
    left_out = {(n.item_id, n.detail.split(" ")[1].split("=")[0]) for n in manifest.notes
                if n.kind == "attribute-left-out"}
    assert left_out == {("s3", "speaker"), ("b3", "confidence"), ("m1", "confidence"),
                        ("m8", "reason")}
    ids = {d.key: d.doc_id for d in batch.documents}
    assert {(ids[k], a) for k, a in batch.units} == {
        ("bbc-1", "alice"), ("bbc-1", "bob"), ("empty-done", "alice"), ("bbc-2/rewrite", MODEL),
    }


def test_tasks_and_config(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    export(tables, tmp_path, formats=["label-studio"], filters={})
    tasks = json.loads((tmp_path / "label-studio" / "tasks.json").read_text("utf-8"))
    by_doc = {task["data"]["doc_id"]: task for task in tasks}
    assert by_doc["bbc-1"]["data"]["title"] == "Putin in Delhi"
    assert [a["completed_by"] for a in by_doc["bbc-1"]["annotations"]] == [
        {"email": "alice@annotate.invalid"}, {"email": "bob@annotate.invalid"},
    ]
    [prediction] = by_doc["bbc-2/rewrite"]["predictions"]  # a model's work is a prediction
    assert prediction["model_version"] == MODEL
    money = next(r for r in prediction["result"] if r["value"].get("text") == "$65bn")
    start = TEXTS["bbc-2/rewrite"].index("$65bn")
    assert money["value"]["start"] == start + 1  # after the emoji: UTF-16, as browsers count
    config = ET.fromstring((tmp_path / "label-studio" / "config.xml").read_text("utf-8"))
    controls = {element.get("name"): element.tag for element in config}
    assert controls == {
        "text": "Text", "entity": "Labels", "quote": "Labels", "source": "Labels",
        "cue": "Labels", "claim": "Labels", "checkworthy": "Choices", "hedged": "Choices",
        "addressee": "TextArea", "note": "TextArea", None: "Relations",
    }
    relations = [r.get("value") for r in config.find("Relations") or []]
    assert relations == ["said_by", "cue", "refers_to", "claimed_by"]
    assert config.find("Choices[@name='checkworthy']").get("whenTagName") == "claim"


@pytest.mark.parametrize(("name", "email"), [
    ("alice", "alice@annotate.invalid"),
    ("ana@newsroom.example", "ana@newsroom.example"),
    ("Anna-Lena O'Neill", "Anna-Lena%20O'Neill@annotate.invalid"),
    ("Zoë", "Zo%C3%AB@annotate.invalid"),
])
def test_annotator_emails_go_both_ways(name: str, email: str) -> None:
    assert annotator_email(name) == email
    assert annotator_from_email(email) == name
