"""The reviewer on a database another process is writing: E119 is shown with Retry, and the
decision is saved when it is sent again once the database is free. The annotator's case is in
test_busy_database.py; both widgets answer through the same channel code."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from annotate.workflow.adjudicate import GOLD
from tests.support.labserver import ROOT, Lab, NotebookPage, wait_for
from tests.support.review_seed import FIRST, LEAD, seed_review

pytestmark = pytest.mark.browser

WIDGET_TESTID = "reviewer"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("busy-review-lab")
    db = folder / "project.db"
    seed_review(db).close()
    # One second instead of thirty before an action gives up on a held database.
    started = Lab.start(
        folder,
        db=db,
        annotator=LEAD,
        notebook=ROOT / "notebooks" / "review.ipynb",
        environment={"ANNOTATE_BUSY_TIMEOUT": "1"},
    )
    try:
        yield started
    finally:
        started.stop()


def _gold(connection: sqlite3.Connection, text: str) -> list[str]:
    query = "SELECT label FROM spans WHERE annotator = ? AND doc_id = ? AND text = ?"
    return [row[0] for row in connection.execute(query, (GOLD, FIRST, text))]


def test_held_database_shows_e119_and_retry_saves_the_decision(notebook: NotebookPage) -> None:
    nb = notebook
    nb.press("Escape", "Escape")
    nb.goto_doc(FIRST)
    nb.press("Tab")  # the first open disagreement in the text: "Donbas", GPE or LOC
    expect(nb.widget().locator('[data-testid="unit-state"]')).to_contain_text("open")
    error = nb.widget().locator(".an-error")
    save_state = nb.widget().locator('[data-testid="save-state"]')
    other = sqlite3.connect(nb.lab.db, isolation_level=None, timeout=30)
    other.execute("BEGIN IMMEDIATE")  # another writer takes the database and keeps it
    try:
        nb.page.keyboard.press("2")  # ben's version
        expect(error).to_contain_text("E119", timeout=15_000)
        expect(save_state).to_have_text("not saved")
        assert _gold(other, "Donbas") == []
    finally:
        other.execute("COMMIT")
        other.close()
    error.get_by_role("button", name="Retry").click()
    donbas = nb.span(label="LOC").filter(has_text=re.compile("^Donbas$"))
    expect(donbas).to_have_attribute("data-status", "gold")
    expect(error).to_be_hidden()
    expect(save_state).to_have_text("saved")
    check = sqlite3.connect(nb.lab.db)
    try:
        assert wait_for(lambda: _gold(check, "Donbas"), what="the decision saved") == ["LOC"]
    finally:
        check.close()
