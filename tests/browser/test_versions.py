"""Versions of an article in a real JupyterLab: the strip, the difference view (v) and carrying
the annotator's work from the other version (V), checked on the page and in the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.labserver import ANNOTATOR, Lab, NotebookPage, wait_for
from tests.support.seed import seed_project

pytestmark = pytest.mark.browser

FIRST, SECOND = "384a15b6b5dbf696", "6e2f5a79d01a0de2"
PROJECTED = f"projected:{ANNOTATOR}"
CARRIED = ["Yuri Ushakov", "Jared Kushner"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A lab whose project has the annotator's work on the first version already."""
    folder = tmp_path_factory.mktemp("versions-lab")
    db = folder / "project.db"
    store = seed_project(db)
    try:
        text = store.document(FIRST).text
        for words in CARRIED:
            start = text.index(words)
            store.add_span(
                annotator=ANNOTATOR,
                doc_id=FIRST,
                layer="entity",
                label="PERSON",
                start=start,
                end=start + len(words),
            )
    finally:
        store.close()
    started = Lab.start(folder, db=db, annotator=ANNOTATOR)
    try:
        yield started
    finally:
        started.stop()


def test_versions_strip_diff_and_carry(notebook: NotebookPage) -> None:
    nb = notebook
    nb.press("Escape", "e")
    nb.goto_doc(SECOND)
    strip = nb.widget().locator('[data-testid="versions"]')
    expect(strip).to_be_visible()
    version = strip.locator(f'.an-version[data-doc-id="{FIRST}"]')
    expect(version).to_contain_text("President Vladimir Putin")
    expect(version).to_contain_text("%")
    expect(version).to_contain_text("2 yours")

    nb.press("v")
    marks = nb.widget().locator(".an-text .an-diff")
    expect(marks.first).to_be_visible()
    store = nb.lab.store()
    try:
        first_text = store.document(FIRST).text
    finally:
        store.close()
    pieces = marks.all_text_contents()
    assert any(len(p.strip()) > 3 and p not in first_text for p in pieces), pieces
    assert "take back" in pieces
    nb.press("v")
    expect(marks).to_have_count(0)

    nb.press("V")
    carried = nb.span(status="suggested", origin="projected")
    expect(carried).to_have_count(len(CARRIED))
    assert sorted(carried.all_text_contents()) == sorted(CARRIED)
    expect(strip.locator('[data-testid="carry-report"]')).to_contain_text("2 carried")

    def projected() -> list[str]:
        check = nb.lab.store()
        try:
            return sorted(s.text for s in check.spans(doc_id=SECOND, annotator=PROJECTED))
        finally:
            check.close()

    assert wait_for(projected, what="the carried spans in the database") == sorted(CARRIED)
