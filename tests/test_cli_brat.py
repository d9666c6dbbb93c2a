"""brat through the command line: imports that attach to ingested articles, texts in a folder of
their own, and an event mapping the user writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from annotate.cli import app
from annotate.project import open_project
from tests.formats.conftest import FIXTURES

runner = CliRunner()
ATTRIBUTION = FIXTURES / "brat-attribution"
TEXT = "Flynn says Trump was right.\n"


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    message = str(result.exception) if result.exit_code == 1 else ""
    return result.exit_code, result.stdout + message


def test_an_import_attaches_to_the_ingested_articles_by_their_text(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert _run("ingest", str(ATTRIBUTION / "text"), "--raw", "--db", db)[0] == 0
    status, out = _run("import", str(ATTRIBUTION / "attributions"), "--format", "brat",
                       "--text-dir", str(ATTRIBUTION / "text"), "--db", db, "--extend-scheme")
    assert status == 0 and "0 new document(s)" in out, out
    project = open_project(db)
    try:
        assert len(project.store.doc_ids()) == 2
    finally:
        project.close()


def test_a_text_that_differs_from_the_ingested_one_is_reported_not_added(tmp_path: Path) -> None:
    """The file's text changed since it was ingested: its offsets may not fit the article."""
    db = str(tmp_path / "p.db")
    texts = tmp_path / "texts"
    shutil.copytree(ATTRIBUTION / "text", texts)
    assert _run("ingest", str(texts), "--raw", "--db", db)[0] == 0
    changed = texts / "wire_minister-rules-out-tax.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    status, out = _run("import", str(ATTRIBUTION / "attributions"), "--format", "brat",
                       "--text-dir", str(texts), "--db", db, "--extend-scheme")
    assert status == 1 and "[E327]" in out
    assert "wire_minister-rules-out-tax_4b22.ann: the text differs from document" in out
    project = open_project(db)
    try:
        assert len(project.store.doc_ids()) == 2 and not project.tables()["spans"].shape[0]
    finally:
        project.close()


def test_a_users_event_mapping(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "doc_ann.txt").write_text(TEXT, encoding="utf-8")
    (folder / "doc_ann.ann").write_text(
        "T1\tSpeaker 0 5\tFlynn\nT2\tVerb 6 10\tsays\nT3\tSaid 11 26\tTrump was right\n"
        "T4\tQuotation 6 10\tsays\nE1\tQuotation:T4 Said:T3 Verb:T2 Speaker:T1\n"
        "M1\tVerbatim E1\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "quotations.toml"
    mapping.write_text(
        '[types]\nSpeaker = "source:SOURCE"\nVerb = "cue:CUE"\nSaid = "quote:DIRECT"\n\n'
        '[[events]]\ntype = "Quotation"\nhead = "Said"\ntrigger = "Verb"\n'
        'roles = { Speaker = "said_by", Verb = "cue" }\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "p.db")
    status, out = _run("import", str(folder), "--format", "brat", "--brat-events",
                       str(mapping), "--db", db, "--extend-scheme")
    assert status == 0, out
    # doc_ann.ann beside doc_ann.txt is the folder's work: the stem is not split.
    assert "3 span(s) and 2 relation(s) for corpus" in out
    assert "attribute Verbatim on quote (bool)" in out  # M1 on the event goes to its head
    project = open_project(db)
    try:
        quotes = project.tables()["quotes"]
        assert quotes[["text", "cue_text", "speaker"]].values.tolist() == [
            ["Trump was right", "says", "Flynn"]]
    finally:
        project.close()


def test_brat_options_belong_to_brat(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "x.jsonl"), "--format", "prodigy",
                                 "--text-dir", str(tmp_path), "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 2 and "--text-dir" in result.output
