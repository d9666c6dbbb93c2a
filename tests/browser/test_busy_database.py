"""A database another process is writing: the annotator sees why nothing was saved and can
send the same action again once it is free. A real second writer holds SQLite's write lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.labserver import ANNOTATOR, Lab, NotebookPage, wait_for
from tests.support.seed import seed_project

pytestmark = pytest.mark.browser

SECOND = "6e2f5a79d01a0de2"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("busy-lab")
    db = folder / "project.db"
    seed_project(db).close()
    # One second instead of thirty before an action gives up on a held database.
    started = Lab.start(folder, db=db, annotator=ANNOTATOR,
                        environment={"ANNOTATE_BUSY_TIMEOUT": "1"})
    try:
        yield started
    finally:
        started.stop()


def _count(connection: sqlite3.Connection, text: str) -> int:
    query = "SELECT count(*) FROM spans WHERE annotator = ? AND text = ?"
    return int(connection.execute(query, (ANNOTATOR, text)).fetchone()[0])


def test_held_database_shows_e119_and_retry_saves(notebook: NotebookPage) -> None:
    nb = notebook
    nb.press("Escape", "e")
    nb.goto_doc(SECOND)
    other = sqlite3.connect(nb.lab.db, isolation_level=None, timeout=30)
    other.execute("BEGIN IMMEDIATE")  # another writer takes the database and keeps it
    try:
        nb.drag_select("Volodymyr Zelensky", within="Ukrainian President Volodymyr")
        nb.page.keyboard.press("1")
        error = nb.widget().locator(".an-error")
        expect(error).to_contain_text("E119", timeout=15_000)
        expect(nb.widget().locator('[data-testid="save-state"]')).to_have_text("not saved")
        assert _count(other, "Volodymyr Zelensky") == 0
    finally:
        other.execute("COMMIT")
        other.close()
    error.get_by_role("button", name="Retry").click()
    drawn = nb.span(layer="entity", label="PERSON", status="accepted").filter(
        has_text="Volodymyr Zelensky"
    )
    expect(drawn).to_have_count(1)
    expect(nb.widget().locator('[data-testid="save-state"]')).to_have_text("saved")
    check = sqlite3.connect(nb.lab.db)
    try:
        wait_for(lambda: _count(check, "Volodymyr Zelensky") == 1, what="the span saved")
    finally:
        check.close()
