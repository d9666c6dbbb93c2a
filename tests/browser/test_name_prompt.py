"""The name prompt in a real JupyterLab: with no JUPYTERHUB_USER and no name remembered, the
annotator asks who is working, and Enter in the field starts the work under that name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.labserver import Lab, NotebookPage, wait_for
from tests.support.seed import seed_project

pytestmark = pytest.mark.browser

SECOND = "6e2f5a79d01a0de2"
NAME = "carol"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("nameless-lab")
    db = folder / "project.db"
    seed_project(db).close()
    started = Lab.start(folder, db=db, annotator=None)
    try:
        yield started
    finally:
        started.stop()


def test_enter_in_the_name_prompt_starts_the_work(notebook: NotebookPage) -> None:
    nb = notebook
    widget = nb.widget()
    prompt = widget.locator("form.an-name")
    expect(prompt).to_be_visible()
    expect(widget.locator(".an-work")).to_be_hidden()
    cells = nb.cell_count()
    field = prompt.get_by_label("Your name")
    field.fill(f"  {NAME} ")
    field.press("Enter")
    expect(prompt).to_be_hidden()
    expect(widget.locator(".an-who")).to_have_text(NAME)
    expect(widget).to_be_focused()  # the widget's keys work at once
    assert nb.cell_count() == cells  # Enter stayed in the widget
    # Remembered for the next kernel, in the lab's (temporary) home.
    remembered = nb.lab.home / ".config" / "annotate" / "annotator"
    assert remembered.read_text(encoding="utf-8").strip() == NAME

    # Work is saved under the typed name.
    nb.press("e")
    nb.goto_doc(SECOND)
    nb.drag_select("Volodymyr Zelensky", within="Ukrainian President Volodymyr")
    nb.page.keyboard.press("1")

    def saved() -> list[str]:
        store = nb.lab.store()
        try:
            return [s.text for s in store.spans(annotator=NAME, doc_id=SECOND)]
        finally:
            store.close()

    assert wait_for(saved, what=f"the span saved under {NAME}") == ["Volodymyr Zelensky"]
