"""A discontinuous span (a brat span in pieces) drawn in a real JupyterLab: each piece is marked
with its own edges, and the words between the pieces are not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.labserver import ANNOTATOR, Lab, NotebookPage
from tests.support.seed import seed_project

pytestmark = pytest.mark.browser

FIRST = "384a15b6b5dbf696"
PIECES = ("Ukrainian troops must withdraw", "Russia will seize it")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("lab")
    db = folder / "project.db"
    store = seed_project(db)
    text = store.document(FIRST).text
    pieces = [[text.index(p), text.index(p) + len(p)] for p in PIECES]
    store.add_span(annotator=ANNOTATOR, doc_id=FIRST, layer="claim", label="PREDICTION",
                   start=pieces[0][0], end=pieces[1][1], fragments=pieces)
    store.close()
    started = Lab.start(folder, db=db, annotator=ANNOTATOR)
    try:
        yield started
    finally:
        started.stop()


def test_each_piece_is_drawn_and_the_gap_is_not(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    drawn = nb.span(layer="claim", label="PREDICTION", status="accepted")
    expect(drawn.first).to_be_visible()
    texts = drawn.all_inner_texts()
    assert "".join(texts) == "".join(PIECES), texts
    assert not any("Donbas" in piece for piece in texts)
    classes = [drawn.nth(i).get_attribute("class") or "" for i in range(drawn.count())]
    assert sum("an-first" in c.split() for c in classes) == 2
    assert sum("an-last" in c.split() for c in classes) == 2
