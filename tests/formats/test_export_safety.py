"""Exports replace only what an earlier export wrote: people's files in the folder are safe."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats import export, read_manifest
from annotate.formats import staging as staging_module


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry under ``folder``: file bytes, link targets, and folders."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = ("link", os.readlink(path))
        elif path.is_dir():
            found[relative] = "folder"
        else:
            found[relative] = path.read_bytes()
    return found


def _refused(info: pytest.ExceptionInfo[FormatError], *paths: str) -> str:
    message = str(info.value)
    assert info.value.code == "E325", message
    for path in paths:
        assert f"  {path}: " in message, message
    assert "--force" in message and "Nothing was written" in message
    return message


def test_files_beside_the_export_survive_it(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    # The reported case: a spaCy config and brat notes kept in the export folder.
    out = tmp_path / "mywork"
    (out / "spacy").mkdir(parents=True)
    (out / "brat").mkdir()
    (out / "spacy" / "config.cfg").write_text("[nlp]\nlang = \"en\"\n")
    (out / "brat" / "NOTES.txt").write_text("ask the desk about T3")
    for run in (1, 2):  # the second export replaces the first and still keeps them
        manifest = export(tables, out, formats=["spacy", "brat"], filters={"run": run})
        assert (out / "spacy" / "config.cfg").read_text() == "[nlp]\nlang = \"en\"\n"
        assert (out / "brat" / "NOTES.txt").read_text() == "ask the desk about T3"
        listed = {entry.path for entry in manifest.files}
        assert "spacy/annotations.spacy" in listed and "brat/annotation.conf" in listed
        assert not listed & {"spacy/config.cfg", "brat/NOTES.txt"}
    assert read_manifest(out).filters == {"run": 2}


def test_a_folder_without_manifest_keeps_its_files_and_refuses_what_is_in_the_way(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "draft.docx").write_bytes(b"not ours")
    (out / "spans.parquet").write_bytes(b"my own table")
    (out / "prodigy").mkdir()
    (out / "prodigy" / "annotations.jsonl").write_text('{"text": "mine"}\n')
    before = _snapshot(out)
    with pytest.raises(FormatError) as info:
        export(tables, out, formats=["parquet", "prodigy"], filters={})
    message = _refused(info, "spans.parquet", "prodigy/annotations.jsonl")
    assert "no manifest.json" in message and "draft.docx" not in message
    assert _snapshot(out) == before  # nothing written, nothing removed, no staging left

    export(tables, out, formats=["csv"], filters={})  # nothing in the way: fine
    assert (out / "spans.parquet").read_bytes() == b"my own table"
    assert (out / "draft.docx").read_bytes() == b"not ours"

    manifest = export(tables, out, formats=["parquet", "prodigy"], filters={}, force=True)
    assert (out / "spans.parquet").read_bytes() != b"my own table"
    assert "spans.parquet" in {entry.path for entry in manifest.files}
    assert (out / "draft.docx").read_bytes() == b"not ours"


def test_an_edited_export_file_is_the_users(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    export(tables, tmp_path, formats=["prodigy", "csv"], filters={})
    edited = tmp_path / "prodigy" / "annotations.jsonl"
    edited.write_text(edited.read_text() + '{"text": "added by hand"}\n')
    before = _snapshot(tmp_path)
    with pytest.raises(FormatError) as info:
        export(tables, tmp_path, formats=["prodigy", "csv"], filters={})
    message = _refused(info, "prodigy/annotations.jsonl")
    assert "changed since the export" in message
    assert "spans.csv" not in message  # unchanged export files are replaced without asking
    assert _snapshot(tmp_path) == before

    # No longer written either: an edited file is not removed as the export's leftover.
    export(tables, tmp_path, formats=["csv"], filters={})
    assert edited.read_text().endswith('{"text": "added by hand"}\n')

    export(tables, tmp_path, formats=["prodigy"], filters={}, force=True)
    assert "added by hand" not in edited.read_text()


def test_nested_files_of_people_are_kept_and_in_the_way_ones_named(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    alice = tmp_path / "brat" / "alice"
    alice.mkdir(parents=True)
    (alice / "remarks.txt").write_text("mine")
    export(tables, tmp_path, formats=["brat"], filters={})
    assert (alice / "remarks.txt").read_text() == "mine"
    assert (alice / "bbc-1.ann").exists()

    other = tmp_path / "other"
    (other / "brat" / "alice").mkdir(parents=True)
    (other / "brat" / "alice" / "bbc-1.ann").write_text("T1\tPERSON 0 5\tmine\n")
    with pytest.raises(FormatError) as info:
        export(tables, other, formats=["brat"], filters={})
    _refused(info, "brat/alice/bbc-1.ann")
    assert not (other / "brat" / "annotation.conf").exists()


def test_fewer_formats_remove_the_earlier_exports_files_only(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    export(tables, tmp_path, formats=["parquet", "csv", "brat", "conll"], filters={})
    (tmp_path / "brat" / "NOTES.txt").write_text("keep me")
    (tmp_path / "conll" / "README").write_text("keep me too")
    edited = tmp_path / "documents.csv"
    edited.write_text(edited.read_text() + "# checked\n")
    manifest = export(tables, tmp_path, formats=["parquet"], filters={})
    assert {entry.path for entry in manifest.files} == {
        f"{name}.parquet"
        for name in ("documents", "spans", "relations", "quotes", "claims", "doc_status")
    }
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left == {entry.path for entry in manifest.files} | {
        "manifest.json",
        "brat/NOTES.txt",
        "conll/README",
        "documents.csv",  # edited: the person's now
    }
    # brat/alice/ and friends held only export files: the emptied folders go too.
    assert sorted(p.name for p in (tmp_path / "brat").iterdir()) == ["NOTES.txt"]


def test_a_symbolic_link_in_the_way_is_never_written_through(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "annotations.spacy").write_bytes(b"precious")
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "spacy").symlink_to(elsewhere, target_is_directory=True)
    (out / "manifest.json").symlink_to(victim)
    with pytest.raises(FormatError) as info:
        export(tables, out, formats=["spacy"], filters={})
    message = _refused(info, "spacy", "manifest.json")
    assert "symbolic link" in message

    export(tables, out, formats=["spacy"], filters={}, force=True)
    assert not (out / "spacy").is_symlink() and (out / "spacy" / "annotations.spacy").is_file()
    assert not (out / "manifest.json").is_symlink()
    assert (elsewhere / "annotations.spacy").read_bytes() == b"precious"
    assert victim.read_text() == "{}"


def test_out_naming_a_file_is_refused_even_with_force(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    report.write_text("mine")
    for force in (False, True):
        with pytest.raises(FormatError) as info:
            export(tables, report, formats=["csv"], filters={}, force=force)
        assert info.value.code == "E326" and str(report) in str(info.value)
        assert report.read_text() == "mine"


def test_a_file_where_the_export_needs_a_folder(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    (tmp_path / "brat").write_text("a file named like the folder")
    with pytest.raises(FormatError) as info:
        export(tables, tmp_path, formats=["brat"], filters={})
    assert "a file where the export needs a folder" in _refused(info, "brat")
    assert (tmp_path / "brat").read_text() == "a file named like the folder"


def test_a_manifest_cannot_make_the_export_delete_outside_the_folder(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("outside")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "kept.txt").write_text("behind a link")
    out = tmp_path / "out"
    export(tables, out, formats=["csv"], filters={})
    (out / "through").symlink_to(linked, target_is_directory=True)
    data = json.loads((out / "manifest.json").read_text())
    for path, content in (("../victim.txt", b"outside"), ("through/kept.txt", b"behind a link")):
        data["files"].append(
            {"path": path, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
        )
    (out / "manifest.json").write_text(json.dumps(data))
    export(tables, out, formats=["parquet"], filters={})
    assert victim.read_text() == "outside"
    assert (linked / "kept.txt").read_text() == "behind a link"
    assert not list(out.glob("*.csv"))  # the export's own leftovers did go


def test_a_manifest_json_of_someone_else_is_in_the_way(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    (tmp_path / "manifest.json").write_text('{"name": "my web app"}')
    with pytest.raises(FormatError) as info:
        export(tables, tmp_path, formats=["csv"], filters={})
    assert "not an export's manifest" in _refused(info, "manifest.json")
    assert (tmp_path / "manifest.json").read_text() == '{"name": "my web app"}'
    assert not list(tmp_path.glob("*.csv"))


def test_long_lists_of_files_in_the_way_are_cut(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    formats = ["csv", "jsonl", "parquet", "brat"]
    export(tables, tmp_path / "first", formats=formats, filters={})
    written = [p for p in (tmp_path / "first").rglob("*") if p.is_file()]
    target = tmp_path / "second"
    for path in written:
        copy = target / path.relative_to(tmp_path / "first")
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes() + b"\n")
    (target / "manifest.json").unlink()
    in_the_way = len(written) - 1
    assert in_the_way > staging_module.MAX_LISTED
    with pytest.raises(FormatError) as info:
        export(tables, target, formats=formats, filters={})
    message = str(info.value)
    assert f"{in_the_way} thing(s) in the way" in message
    assert f"... and {in_the_way - staging_module.MAX_LISTED} more" in message
    assert message.count("\n  ") == staging_module.MAX_LISTED + 1


def test_a_failure_while_moving_files_in_undoes_everything(
    tables: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(tables, tmp_path, formats=["csv", "brat"], filters={"run": 1})
    (tmp_path / "brat" / "NOTES.txt").write_text("keep")
    before = _snapshot(tmp_path)
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(source: object, destination: object) -> None:
        calls["n"] += 1
        if calls["n"] == 12:  # after old files moved aside and some new ones moved in
            raise OSError(28, "No space left on device")
        real_replace(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(staging_module.os, "replace", failing_replace)
    with pytest.raises(FormatError) as info:
        export(tables, tmp_path, formats=["csv", "prodigy"], filters={"run": 2})
    assert info.value.code == "E301" and "No space left" in str(info.value)
    assert calls["n"] > 12  # the undo ran
    monkeypatch.undo()
    assert _snapshot(tmp_path) == before
    assert read_manifest(tmp_path).filters == {"run": 1}
