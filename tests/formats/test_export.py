from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats import export, read_manifest
from annotate.formats import prodigy as prodigy_module
from annotate.formats.exporting import FORMATS
from annotate.formats.tables import SCHEMA_VERSION

from .conftest import MODEL

FILTERS = {"annotators": ["alice", "bob", MODEL], "status": None}


def test_export_every_format(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    out = tmp_path / "export"
    manifest = export(tables, out, formats=FORMATS, filters=FILTERS, split=0.5, seed=3)
    on_disk = read_manifest(out)
    assert on_disk.to_dict() == manifest.to_dict()
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["created"].endswith("Z")
    assert data["filters"] == FILTERS
    assert data["annotators"] == sorted(["alice", "bob", MODEL])
    assert data["counts"]["spans"]["entity"]["PERSON"] == 4
    assert data["counts"]["spans"]["claim"] == {
        "CHANGE": 1,
        "OTHER": 1,
        "PREDICTION": 1,
        "QUANTITY": 1,
    }
    assert data["counts"]["relations"]["said_by"] == 4
    assert data["counts"]["rows"]["quotes"] == 5  # derived when the caller leaves them out
    assert data["split"] == {"ratio": 0.5, "seed": 3, "train_docs": 2, "dev_docs": 1}
    listed = {entry["path"] for entry in data["files"]}
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert listed == written
    for entry in data["files"]:
        content = (out / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
    assert "spacy/train.spacy" in listed and "spacy/dev.spacy" in listed
    assert "conll/spacy%3Aen_core_web_sm@3.8.0%2Fsuggest@1.conll" in listed
    assert "brat/alice/bbc-2%2Frewrite.txt" not in listed  # alice has no spans there
    assert "brat/alice/empty-done.ann" in listed  # done with nothing in it is still an answer
    assert not any(name.startswith(".annotate-export-") for name in (p.name for p in out.iterdir()))


def test_manifest_notes_what_formats_could_not_hold(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    manifest = export(tables, tmp_path, formats=["spacy", "conll"], filters={})
    kinds = {(n.format, n.kind, n.item_id) for n in manifest.notes}
    assert ("spacy", "misaligned", "b2") in kinds
    assert ("spacy", "left-out-of-ents", "e9") in kinds
    assert ("conll", "left-out-of-ents", "e9") in kinds


def test_dangling_relation_is_left_out_and_noted(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    spans = tables["spans"]
    filtered = {**tables, "spans": spans[spans["layer"] != "cue"]}
    manifest = export(filtered, tmp_path, formats=["prodigy"], filters={"layers": "no cue"})
    dangling = {n.item_id for n in manifest.notes if n.kind == "dangling-relation"}
    assert dangling == {"r2", "r5", "r9", "r12"}


def test_failed_export_leaves_target_untouched(
    tables: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "export"
    export(tables, out, formats=["parquet"], filters={"run": 1})
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(prodigy_module, "to_task", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export(tables, out, formats=["parquet", "csv", "prodigy"], filters={"run": 2})
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert json.loads((out / "manifest.json").read_text())["filters"] == {"run": 1}


def test_second_export_replaces_the_first(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    export(tables, tmp_path, formats=["spacy"], filters={"run": 1}, split=0.5)
    manifest = export(tables, tmp_path, formats=["spacy"], filters={"run": 2})
    assert [f.path for f in manifest.files] == ["spacy/annotations.spacy"]
    assert sorted(p.name for p in (tmp_path / "spacy").iterdir()) == ["annotations.spacy"]


def test_unwritable_folder_is_a_clear_error(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(FormatError) as info:
        export(tables, blocker / "export", formats=["csv"], filters={})
    assert info.value.code == "E301"
    assert str(blocker / "export") in str(info.value)
    assert "writable" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"formats": ["xlsx"]}, "E302"),
        ({"formats": []}, "E302"),
        ({"formats": ["spacy"], "split": 1.5}, "E311"),
    ],
)
def test_bad_options_fail_before_writing(
    tables: dict[str, pd.DataFrame], tmp_path: Path, kwargs: dict[str, object], code: str
) -> None:
    with pytest.raises(FormatError) as info:
        export(tables, tmp_path / "out", filters={}, **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
    assert not (tmp_path / "out").exists()


def test_document_formats_need_documents(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    with pytest.raises(FormatError) as info:
        export({"spans": tables["spans"]}, tmp_path, formats=["brat"], filters={})
    assert info.value.code == "E315"
    assert not any(tmp_path.iterdir())


def test_spans_of_missing_documents(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    documents = tables["documents"]
    partial = {**tables, "documents": documents[documents["doc_id"] != "bbc-1"]}
    with pytest.raises(FormatError) as info:
        export(partial, tmp_path, formats=["prodigy"], filters={})
    assert info.value.code == "E312" and "'bbc-1'" in str(info.value)
