"""`annotate status` counts exactly the people it lists; `annotate reviewer` grants the role."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from annotate.cli import app
from annotate.store import Store
from tests.support.seed import seed_project

runner = CliRunner()


def test_status_counts_the_people_it_lists(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = seed_project(db)
    store.add_annotator("alice")
    store.add_annotator("bob")
    store.add_annotator("rita", role="reviewer")
    first = store.doc_ids()[0]
    store.set_status(first, "done", annotator="alice")
    store.set_status(first, "done", annotator="gold", actor="rita")
    store.close()
    result = runner.invoke(app, ["status", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "3 document(s), 3 annotator(s) (1 reviewer(s)) and gold"
    people = [line.strip() for line in lines if line.startswith("  ") and ":" in line
              and " done, " in line]
    assert people == [
        "alice: 1 done, 0 skipped, 0 flagged of 3",
        "bob: 0 done, 0 skipped, 0 flagged of 3",
        "rita: 0 done, 0 skipped, 0 flagged of 3 (reviewer)",
        "gold: 1 done, 0 skipped, 0 flagged of 3",
    ]
    # Counted as listed: three people (one a reviewer), then gold. The model that suggested
    # is no person, and is neither counted nor listed.
    assert "spacy:" not in result.output


def test_reviewer_add_and_remove(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    seed_project(db).close()
    result = runner.invoke(app, ["reviewer", "add", "rita", "--db", str(db)])
    assert result.exit_code == 0, result.output
    store = Store(db)
    assert {a["name"]: a["role"] for a in store.annotators()}["rita"] == "reviewer"
    store.close()
    result = runner.invoke(app, ["reviewer", "remove", "rita", "--db", str(db)])
    assert result.exit_code == 0 and "no longer a reviewer" in result.output
    store = Store(db)
    assert {a["name"]: a["role"] for a in store.annotators()}["rita"] == "annotator"
    store.close()
    again = runner.invoke(app, ["reviewer", "remove", "rita", "--db", str(db)])
    assert "was not a reviewer" in again.output
    unknown = runner.invoke(app, ["reviewer", "remove", "nobody", "--db", str(db)])
    assert unknown.exit_code != 0 and "E630" in str(unknown.exception or unknown.output)
    bad = runner.invoke(app, ["reviewer", "add", "gold", "--db", str(db)])
    assert bad.exit_code != 0
    assert "Example:" in runner.invoke(app, ["reviewer", "--help"]).output
