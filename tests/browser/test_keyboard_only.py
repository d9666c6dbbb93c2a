"""A whole seed article annotated by keyboard alone in a real JupyterLab, from its suggestions
to done, and everything it did checked in the project database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.keyboard_script import (
    ARTICLE,
    CLAIM,
    COMMENT,
    QUOTE,
    annotate_by_keyboard,
    expected_spans,
    saved,
)
from tests.support.labserver import ANNOTATOR, Lab, NotebookPage, wait_for
from tests.support.seed import seed_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("keyboard-lab")
    db = folder / "project.db"
    seed_project(db).close()
    started = Lab.start(folder, db=db, annotator=ANNOTATOR)
    try:
        yield started
    finally:
        started.stop()


def test_an_article_annotated_by_keyboard_alone(notebook: NotebookPage) -> None:
    cells = notebook.cell_count()
    keystrokes = annotate_by_keyboard(notebook)
    assert keystrokes > 0
    assert notebook.cell_count() == cells  # not one key reached the notebook
    store = notebook.lab.store()
    try:
        wait_for(
            lambda: saved(store, ANNOTATOR) == expected_spans(),
            what="every span of the article saved",
        )
        by_text = {s.text: s for s in store.spans(doc_id=ARTICLE, annotator=ANNOTATOR)}
        links = {
            (r.type, by_text_of(by_text, r.head_span_id), by_text_of(by_text, r.tail_span_id))
            for r in store.relations(doc_id=ARTICLE, annotator=ANNOTATOR)
        }
        assert links == {("said_by", QUOTE, "Putin"), ("cue", QUOTE, "told")}
        assert by_text[CLAIM].attrs == {"checkworthy": "yes", "hedged": True}
        statuses = {s.doc_id: (s.status, s.comment) for s in store.statuses(annotator=ANNOTATOR)}
        assert statuses.pop(ARTICLE) == ("done", None)
        # The document the widget went on to is flagged with the comment typed.
        assert list(statuses.values()) == [("flagged", COMMENT)]
        # Nothing left undecided: "Moscow" was accepted by the done question's default.
        suggester = store.suggesters()[0]
        assert store.open_suggestions(ARTICLE, annotator=ANNOTATOR, suggester=suggester) == []
    finally:
        store.close()


def by_text_of(by_text: dict[str, Any], span_id: str) -> str:
    return next(text for text, span in by_text.items() if span.span_id == span_id)
