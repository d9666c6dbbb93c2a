"""The review notebook in a real JupyterLab, adjudicated with keys and the mouse in Chromium.

A copy of notebooks/review.ipynb runs on a temporary project where ana and ben disagree (the
project of tests/widgets/test_review.py), as ``lead``, a registered reviewer. Every test checks
the page and the project database, opened from the test as any other program would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from annotate.store import Store
from annotate.workflow.adjudicate import GOLD, META_KEY
from tests.support.labserver import ROOT, Lab, NotebookPage, wait_for
from tests.support.review_seed import FIRST, LEAD, seed_review
from tests.support.seed import XSS_ID, XSS_TEXT, XSS_TITLE

pytestmark = pytest.mark.browser

NOTEBOOK = ROOT / "notebooks" / "review.ipynb"
WIDGET_TESTID = "reviewer"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("review-lab")
    db = folder / "project.db"
    seed_review(db).close()
    started = Lab.start(folder, db=db, annotator=LEAD, notebook=NOTEBOOK)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def nb(notebook: NotebookPage) -> NotebookPage:
    """The shared notebook with no selection, edit or message left from a test before."""
    notebook.press("Escape", "Escape")
    return notebook


def gold(nb: NotebookPage, **where: Any) -> list[Any]:
    store = nb.lab.store()
    try:
        return [
            s
            for s in store.spans(annotator=GOLD)
            if all(getattr(s, k) == v for k, v in where.items())
        ]
    finally:
        store.close()


def with_store(nb: NotebookPage, read: Any) -> Any:
    store: Store = nb.lab.store()
    try:
        return read(store)
    finally:
        store.close()


def exactly(text: str) -> re.Pattern[str]:
    """A span's whole text, not a longer span that contains it (a claim holds "Donbas" too)."""
    return re.compile(f"^{re.escape(text)}$")


def unit_state(nb: NotebookPage) -> Any:
    return nb.widget().locator('[data-testid="unit-state"]')


def test_the_notebook_runs_agreements_are_gold_and_keys_stay_in_the_widget(
    nb: NotebookPage,
) -> None:
    page = nb.page
    outputs = page.evaluate(
        """() => Array.from(window.jupyterapp.shell.currentWidget.content.model.cells,
                            (cell) => cell.type === "code" ? cell.outputs.toJSON() : [])"""
    )
    assert not [o for cell in outputs for o in cell if o["output_type"] == "error"]
    printed = "".join(o.get("text", "") for cell in outputs for o in cell)
    assert "Agreement of ana, ben" in printed  # the agreement summary cell
    table = str(outputs[-1][0]["data"]["text/plain"])  # the gold table, after the widget
    assert "Vladimir Putin" in table
    widget = nb.widget()
    expect(widget).to_have_attribute("data-doc-id", FIRST)
    agreed = nb.span(status="agreed")
    expect(agreed.filter(has_text="Vladimir Putin")).to_have_count(1)
    expect(nb.span(status="disputed", label="LOC", annotator="ben")).to_have_text("Donbas")
    expect(widget.locator('[data-testid="progress"]')).to_contain_text("5 open of 5")
    assert {s.text for s in gold(nb, doc_id=FIRST)} >= {"Vladimir Putin", "he"}
    cells = "Array.from(window.jupyterapp.shell.currentWidget.content.model.cells, c => c.type)"
    before = page.evaluate(cells)
    events = with_store(nb, lambda s: s.counts()["events"])
    nb.press("a", "b", "m", "a", "b", "m")
    nb.settle()  # every key has been handled, by the widget or by nobody
    assert page.evaluate(cells) == before
    assert nb.widget().is_visible()
    assert with_store(nb, lambda s: s.counts()["events"]) == events


def test_pick_a_version_with_a_number_and_reject_with_x(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.press("Tab")  # the first open disagreement in the text: "Donbas", GPE or LOC
    expect(unit_state(nb)).to_contain_text("open")
    versions = nb.widget().locator('[data-testid="version"]')
    expect(versions.filter(has_text="ben")).to_contain_text("LOC")
    nb.page.keyboard.press("2")  # ben's version
    donbas = nb.span(label="LOC").filter(has_text=exactly("Donbas"))
    expect(donbas).to_have_attribute("data-status", "gold")
    expect(nb.span(status="disputed").filter(has_text=exactly("Donbas"))).to_have_count(0)
    [picked] = wait_for(lambda: gold(nb, text="Donbas"), what="the picked span in gold")
    assert picked.label == "LOC" and donbas.get_attribute("data-span-id") == picked.span_id
    note = picked.attrs[META_KEY]
    assert (note["decision"], note["by"], note["chosen"]) == ("picked", LEAD, "ben")

    nb.click_text("India Today")
    expect(unit_state(nb)).to_contain_text("open")
    nb.press("x")
    expect(nb.span().filter(has_text="India Today")).to_have_count(0)
    expect(nb.widget().locator('[data-testid="progress"]')).to_contain_text("3 open of 5")
    assert gold(nb, text="India Today") == []
    events = with_store(nb, lambda s: s.events(doc_id=FIRST, annotator=GOLD))
    assert {e.actor for e in events} == {LEAD}
    # The agreements in one action, then one action per decision (ben's "Donbas", the reject).
    assert [e.action for e in events] == ["accept_agreements", "decide", "decide"]


def test_edit_a_unit_with_keys(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    # ben's "Trump" lies inside ana's "Donald Trump": a click takes the innermost, ben's, and
    # a second click the next one out, ana's.
    nb.click_text("Trump", within="President Donald Trump said")
    focus = nb.widget().locator(".rv-focus")
    expect(focus).to_have_text("Trump")
    expect(focus).to_have_attribute("data-annotator", "ben")
    nb.click_text("Trump", within="President Donald Trump said")
    expect(focus.first).to_have_attribute("data-annotator", "ana")  # drawn in two pieces
    nb.press("e", "Shift+ArrowRight")  # the end one word on
    draft = nb.widget().locator('[data-testid="draft"]')  # the edit's text, in the side panel
    expect(draft).to_have_text("Donald Trump said")
    expect(nb.span(status="draft").last).to_have_text(" said")  # drawn in pieces
    nb.page.keyboard.press("Shift+ArrowLeft")
    expect(draft).to_have_text("Donald Trump")
    nb.page.keyboard.press("1")  # PERSON, the entity layer's first label
    nb.page.keyboard.press("Enter")
    expect(nb.span(status="draft")).to_have_count(0)
    saved = nb.span(status="gold", label="PERSON").filter(has_text=exactly("Donald Trump"))
    expect(saved).to_have_count(1)
    [span] = wait_for(
        lambda: gold(nb, layer="entity", text="Donald Trump"), what="the edited span in gold"
    )
    assert span.attrs[META_KEY]["decision"] == "edited" and span.attrs[META_KEY]["by"] == LEAD


def test_undo_the_last_decision_with_u(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.click_text("85%", within="Moscow controls around 85%")
    expect(unit_state(nb)).to_contain_text("open")
    nb.press("1")  # ana's: check-worthy
    claim = nb.span(layer="claim", status="gold")
    expect(claim).to_have_count(1)
    wait_for(lambda: gold(nb, layer="claim"), what="the claim in gold")
    assert gold(nb, layer="claim")[0].attrs["checkworthy"] == "yes"
    nb.press("u")
    expect(claim).to_have_count(0)
    expect(nb.span(layer="claim", status="disputed")).to_have_count(2)
    wait_for(lambda: not gold(nb, layer="claim"), what="the claim undone in the database")


def test_a_failed_save_is_shown(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    before = sorted(s.text for s in gold(nb, layer="entity"))
    nb.click_text("Donald Trump", within="President Donald Trump said")
    expect(unit_state(nb)).to_contain_text("edited")
    nb.press("e")
    # Entities may not overlap, in gold too: an extent over "Vladimir Putin" is refused.
    nb.drag_select("President Vladimir Putin has")
    expect(nb.widget().locator('[data-testid="draft"]')).to_have_text(
        "President Vladimir Putin has"
    )
    nb.page.keyboard.press("Enter")
    error = nb.widget().locator(".an-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("E123")
    expect(nb.widget().locator('[data-testid="save-state"]')).to_have_text("not saved")
    # The earlier decision ("Donald Trump", edited) stands: nothing changed in gold.
    assert sorted(s.text for s in gold(nb, layer="entity")) == before
    nb.press("Escape", "Escape")  # cancel the edit, then dismiss the message
    expect(error).to_be_hidden()
    gold_trump = nb.span(status="gold", label="PERSON").filter(has_text=exactly("Donald Trump"))
    expect(gold_trump).to_have_count(1)


def test_gold_done_needs_every_unit_decided_then_opens_the_next(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    widget = nb.widget()
    nb.press("d")
    expect(widget.locator(".an-error")).to_contain_text("E617")
    nb.press("Escape")
    progress = widget.locator('[data-testid="progress"]')
    still_open = int(str(progress.text_content()).split(" open")[0])
    assert still_open == 2  # the claim (undone above) and the second quote's source
    for left in range(still_open - 1, -1, -1):
        nb.press("Tab", "1")  # the next open one, ana's version
        expect(progress).to_contain_text(f"{left} open of 5")
    nb.press("d")
    expect(widget).to_have_attribute("data-doc-id", XSS_ID)
    expect(widget.locator('[data-testid="progress"]')).to_contain_text("1 of 2 documents")
    statuses = wait_for(
        lambda: with_store(
            nb, lambda s: [(x.doc_id, x.status) for x in s.statuses(annotator=GOLD)]
        ),
        what="the gold status in the database",
    )
    assert statuses == [(FIRST, "done")]


def test_hostile_article_is_shown_as_text(nb: NotebookPage) -> None:
    nb.goto_doc(XSS_ID)
    widget = nb.widget()
    text = widget.locator(".an-text")
    assert text.evaluate("el => el.textContent") == XSS_TEXT
    expect(widget.locator(".an-title")).to_have_text(XSS_TITLE)
    expect(widget.locator(".an-meta")).to_have_text("<i>Wire</i>")
    for tag in ("script", "img", "b", "i"):
        expect(widget.locator(f".an-article {tag}")).to_have_count(0)
    # No element that could run or load anything, so no handler can fire later either.
    assert nb.active_content() == []
    nb.settle()
    assert nb.dialogs == []
    # Offsets survive the emoji before "Reuters" (one code point, two UTF-16 units).
    nb.press("Tab", "1")  # ana's "Reuters staff"
    expect(nb.span(status="gold", label="ORG")).to_have_text("Reuters staff")
    [span] = wait_for(lambda: gold(nb, doc_id=XSS_ID), what="the hostile article's gold span")
    assert XSS_TEXT[span.start : span.end] == "Reuters staff"
    assert nb.dialogs == []
