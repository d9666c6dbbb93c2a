"""The annotator in a real JupyterLab, driven with mouse and keys in headless Chromium.

Every test checks the page and the project database (opened from the test, as any other program
would) — the page alone could show something that was never saved.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.labserver import ANNOTATOR, NotebookPage, wait_for
from tests.support.seed import XSS_ID, XSS_TEXT, XSS_TITLE

pytestmark = pytest.mark.browser

FIRST, SECOND = "384a15b6b5dbf696", "6e2f5a79d01a0de2"
SELECTED = re.compile(r"\ban-selected\b")


def saved_spans(nb: NotebookPage, **where: Any) -> list[Any]:
    store = nb.lab.store()
    try:
        return [
            s
            for s in store.spans(annotator=ANNOTATOR)
            if all(getattr(s, k) == v for k, v in where.items())
        ]
    finally:
        store.close()


def wait_saved(nb: NotebookPage, count: int = 1, **where: Any) -> list[Any]:
    found: list[Any] = wait_for(
        lambda: (found := saved_spans(nb, **where)) and len(found) == count and found,
        what=f"{count} span(s) {where} in the database",
    )
    # The database has it before the page has drawn the reply: let the page catch up, so the
    # next drag lands on the text as it is drawn now.
    nb.settle()
    return found


def test_mouse_select_and_label_a_span(nb: NotebookPage) -> None:
    nb.goto_doc(SECOND)
    # A sloppy drag from inside "Volodymyr" to inside "Zelensky", then PERSON's key.
    nb.drag_select("Volodymyr Zelensky", within="Ukrainian President Volodymyr")
    nb.page.keyboard.press("1")
    drawn = nb.span(layer="entity", label="PERSON", status="accepted").filter(
        has_text="Volodymyr Zelensky"
    )
    expect(drawn).to_have_count(1)
    expect(drawn).to_have_text("Volodymyr Zelensky")
    [span] = wait_saved(nb, text="Volodymyr Zelensky")
    assert (span.doc_id, span.layer, span.label, span.origin) == (
        SECOND,
        "entity",
        "PERSON",
        "manual",
    )
    assert drawn.get_attribute("data-span-id") == span.span_id


def test_accept_and_reject_suggestions_and_see_why(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    putin = nb.span(layer="entity", status="suggested").filter(has_text="Vladimir Putin")
    expect(putin).to_have_count(1)
    nb.click_text("Vladimir Putin")
    expect(nb.widget().locator('[data-testid="reason"]')).to_contain_text(
        "NER: PERSON (en_core_web_sm)"
    )
    nb.page.keyboard.press("Enter")  # accept; the selection moves on to "Donbas"
    expect(
        nb.span(layer="entity", status="accepted").filter(has_text="Vladimir Putin")
    ).to_have_count(1)
    [accepted] = wait_saved(nb, doc_id=FIRST, text="Vladimir Putin")
    assert accepted.origin == "suggested"
    donbas = nb.span(layer="entity").filter(has_text="Donbas")
    expect(donbas.first).to_have_class(SELECTED)
    nb.page.keyboard.press("x")  # reject: "Donbas" is no PERSON
    expect(donbas).to_have_count(0)
    store = nb.lab.store()
    try:
        wait_for(
            lambda: (
                sorted(d for d, _ in store.decisions(FIRST, annotator=ANNOTATOR).values())
                == ["accepted", "rejected"]
            ),
            what="one accepted and one rejected decision",
        )
    finally:
        store.close()


def test_relate_a_quote_to_its_source_and_cue(nb: NotebookPage) -> None:
    nb.goto_doc(SECOND)
    quote_text = "“At times we said that yes, we can discuss this, but to that we can’t agree,”"
    sentence = quote_text + " Putin said."
    for layer_key, text, within in (
        ("q", quote_text, sentence),
        ("s", "Putin", "agree,” Putin said"),
        ("c", "said", "agree,” Putin said"),
    ):
        nb.press(layer_key)
        nb.drag_select(text, within=within)
        nb.page.keyboard.press("1")  # DIRECT, SOURCE, CUE: each layer's first label
        expect(nb.span(status="accepted").filter(has_text=text).first).to_be_visible()
    [quote] = wait_saved(nb, layer="quote", doc_id=SECOND)
    [source] = wait_saved(nb, layer="source", doc_id=SECOND)
    [cue] = wait_saved(nb, layer="cue", doc_id=SECOND)
    assert quote.text == quote_text and (source.text, cue.text) == ("Putin", "said")

    # Mouse: select the quote, then Shift+click its speaker.
    nb.press("q")
    nb.click_text("we can discuss this", within=sentence)
    expect(nb.span(layer="quote").first).to_have_class(SELECTED)
    nb.click_text("Putin", within="agree,” Putin said", shift=True)
    # Keys: t starts a link from the selected quote, Tab picks the nearest candidate (the cue
    # or the source, both linked in the end), Enter links.
    nb.press("t")
    focus = nb.widget().locator(".an-focus")
    expect(focus.first).to_be_visible()
    if focus.first.get_attribute("data-layer") != "cue":
        nb.page.keyboard.press("Tab")
    expect(nb.widget().locator(".an-focus").first).to_have_attribute("data-layer", "cue")
    nb.page.keyboard.press("Enter")
    links = nb.widget().locator(".an-relation .an-link-accepted")
    expect(links).to_have_count(2)
    store = nb.lab.store()
    try:
        found = wait_for(
            lambda: (
                (r := store.relations(annotator=ANNOTATOR, doc_id=SECOND)) and len(r) == 2 and r
            ),
            what="two links in the database",
        )
        assert {(r.type, r.head_span_id, r.tail_span_id) for r in found} == {
            ("said_by", quote.span_id, source.span_id),
            ("cue", quote.span_id, cue.span_id),
        }
    finally:
        store.close()


def test_accept_all_and_attributes_in_the_side_panel(nb: NotebookPage) -> None:
    nb.goto_doc(SECOND)
    nb.press("A")  # every entity suggestion of the document
    expect(nb.span(layer="entity", status="suggested")).to_have_count(0)
    wait_saved(nb, 4, doc_id=SECOND, layer="entity", origin="suggested")
    claim_text = "Russian forces now control some 85% of the Donbas."
    nb.press("l")
    nb.drag_select(claim_text)
    nb.page.keyboard.press("1")  # QUANTITY
    expect(nb.span(layer="claim", status="accepted").first).to_have_class(SELECTED)
    panel = nb.widget().locator(".an-panel")
    panel.locator('[data-attr="checkworthy"] button', has_text="yes").click()
    expect(panel.locator('[data-attr="checkworthy"] button.an-on')).to_have_text("yes")
    panel.locator('[data-attr="hedged"] input').check()
    expect(panel.locator('[data-attr="hedged"] input')).to_be_checked()
    note = panel.locator('[data-attr="note"] input')
    note.fill("compare with the ISW map")
    note.press("Enter")
    [claim] = wait_for(
        lambda: [s for s in saved_spans(nb, layer="claim", doc_id=SECOND) if "note" in s.attrs],
        what="the claim's attributes in the database",
    )
    assert claim.text == claim_text and claim.label == "QUANTITY"
    assert claim.attrs == {"checkworthy": "yes", "hedged": True, "note": "compare with the ISW map"}
    expect(panel.locator('[data-attr="note"] input')).to_have_value("compare with the ISW map")


def test_undo_and_redo_with_keys(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.drag_select("Florida", within="team in Florida")
    nb.press("3")  # GPE
    wait_saved(nb, text="Florida")
    expect(nb.span(label="GPE").filter(has_text="Florida")).to_have_count(1)
    nb.press("z")
    expect(nb.span(label="GPE").filter(has_text="Florida")).to_have_count(0)
    wait_for(lambda: not saved_spans(nb, text="Florida"), what="the span undone in the database")
    nb.press("Control+y")
    expect(nb.span(label="GPE").filter(has_text="Florida")).to_have_count(1)
    wait_saved(nb, text="Florida")


def test_failed_save_is_shown_in_the_widget(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.drag_select("Witkoff", within="envoy Steve Witkoff")
    nb.press("1")
    wait_saved(nb, text="Witkoff")
    # Entities may not overlap: the store refuses, the page says why.
    nb.drag_select("Steve Witkoff", within="envoy Steve Witkoff")
    nb.press("1")
    error = nb.widget().locator(".an-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("E123")
    expect(error).to_contain_text("overlaps")
    expect(nb.widget().locator('[data-testid="save-state"]')).to_have_text("not saved")
    assert [s.text for s in saved_spans(nb, doc_id=FIRST) if "Witkoff" in s.text] == ["Witkoff"]
    nb.press("Escape")
    expect(error).to_be_hidden()
    # Refused again; then an action that is saved clears the message: the page is in step.
    nb.drag_select("Steve Witkoff", within="envoy Steve Witkoff")
    nb.press("1")
    expect(error).to_contain_text("E123")
    nb.drag_select("Steve", within="envoy Steve Witkoff")
    nb.press("1")
    expect(error).to_be_hidden()
    expect(nb.widget().locator('[data-testid="save-state"]')).to_have_text("saved")
    wait_saved(nb, text="Steve")


def test_hostile_article_is_shown_as_text(nb: NotebookPage) -> None:
    nb.goto_doc(XSS_ID)
    widget = nb.widget()
    text = widget.locator(".an-text")
    expect(text).to_contain_text("<script>alert('script ran')</script>")
    expect(text).to_contain_text("<img src=x onerror=\"alert('img ran')\">")
    expect(widget.locator(".an-title")).to_have_text(XSS_TITLE)
    expect(widget.locator(".an-meta")).to_have_text("<i>Wire</i>")
    for tag in ("script", "img", "b", "i"):
        expect(widget.locator(f".an-article {tag}")).to_have_count(0)
    assert text.evaluate("el => el.textContent") == XSS_TEXT
    # No element that could run or load anything, so no handler can fire later either.
    assert nb.active_content() == []
    nb.settle()
    assert nb.dialogs == []
    # Offsets survive the emoji before "Reuters" (one code point, two UTF-16 units).
    nb.drag_select("Reuters staff")
    nb.page.keyboard.press("2")  # ORG
    expect(nb.span(label="ORG").filter(has_text="Reuters staff")).to_have_count(1)
    [span] = wait_saved(nb, doc_id=XSS_ID, text="Reuters staff")
    assert XSS_TEXT[span.start : span.end] == "Reuters staff"
    assert nb.dialogs == []


def test_keys_in_the_widget_never_reach_the_notebook(nb: NotebookPage) -> None:
    nb.goto_doc(XSS_ID)
    types = "Array.from(window.jupyterapp.shell.currentWidget.content.model.cells, c => c.type)"
    before_types = nb.page.evaluate(types)
    before = nb.cell_count()
    store = nb.lab.store()
    events_before = store.counts()["events"]
    nb.press("a", "b", "m", "a", "b", "m")
    nb.settle()  # every key has been handled, by the widget or by nobody
    assert nb.cell_count() == before
    assert nb.page.evaluate(types) == before_types
    assert nb.widget().is_visible()
    assert store.counts()["events"] == events_before
    store.close()


def test_done_then_restart_the_kernel_and_find_everything(nb: NotebookPage) -> None:
    nb.goto_doc(SECOND)
    nb.drag_select("Yuri Ushakov", within="negotiator Yuri Ushakov")
    nb.press("1")
    wait_saved(nb, text="Yuri Ushakov")
    nb.press("d")  # done, and on to the next open document
    widget = nb.widget()
    expect(widget).not_to_have_attribute("data-doc-id", SECOND)
    expect(widget.locator('[data-testid="progress"]')).to_contain_text("1 done of 3")
    landed = widget.get_attribute("data-doc-id")
    store = nb.lab.store()
    try:
        wait_for(
            lambda: (
                [(s.doc_id, s.status) for s in store.statuses(annotator=ANNOTATOR)]
                == [(SECOND, "done")]
            ),
            what="the done status in the database",
        )
    finally:
        store.close()

    nb.restart_kernel()
    nb.run_all()
    widget = nb.widget()
    expect(widget).to_have_attribute("data-doc-id", str(landed))
    expect(widget.locator('[data-testid="progress"]')).to_contain_text("1 done of 3")
    nb.goto_doc(SECOND)
    expect(nb.widget().locator('[data-testid="doc-status"]')).to_contain_text("done")
    for text in ("Yuri Ushakov", "Volodymyr Zelensky"):
        expect(nb.span(status="accepted").filter(has_text=text).first).to_be_visible()
    assert saved_spans(nb, text="Yuri Ushakov")


def test_flag_with_a_comment_and_enter(nb: NotebookPage) -> None:
    # Last in this module: the flag stays, and the tests above count statuses.
    nb.goto_doc(XSS_ID)
    cells = nb.cell_count()
    form = nb.widget().locator("form.an-flag")
    field = form.get_by_label("Flag comment")
    nb.press("f")
    expect(field).to_be_focused()
    nb.page.keyboard.press("Escape")  # cancels, back to the widget's keys
    expect(form).to_be_hidden()
    expect(nb.widget()).to_be_focused()
    nb.press("f")
    expect(field).to_be_focused()
    # In the field, letters that are keys elsewhere (d, a, n, …) only write the comment.
    nb.page.keyboard.type("headline does not match the body")
    nb.page.keyboard.press("Enter")
    widget = nb.widget()
    expect(form).to_be_hidden()
    expect(widget.locator('[data-testid="doc-status"]')).to_contain_text(
        "flagged: headline does not match the body"
    )
    expect(widget).to_be_focused()  # back to the widget's keys
    store = nb.lab.store()
    try:
        [flagged] = wait_for(
            lambda: [s for s in store.statuses(annotator=ANNOTATOR) if s.doc_id == XSS_ID],
            what="the flag in the database",
        )
    finally:
        store.close()
    assert (flagged.status, flagged.comment) == ("flagged", "headline does not match the body")
    assert nb.cell_count() == cells
