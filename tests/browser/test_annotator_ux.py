"""The annotator as an annotator meets it, in a real JupyterLab and headless Chromium: each test
is one of the findings of trying it that way (numbered as in the issue), checked in the page
and in the project database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from annotate.corpus.ingest import ingest
from annotate.widgets.guidelines import set_guidelines
from tests.support.labserver import ANNOTATOR, Lab, NotebookPage, wait_for
from tests.support.seed import seed_project

pytestmark = pytest.mark.browser

FIRST, SECOND = "384a15b6b5dbf696", "6e2f5a79d01a0de2"
SELECTED = re.compile(r"\ban-selected\b")
GUIDELINES = """# House rules

Read the whole article before marking anything.

## entity

Mark names as they are written.

### PERSON

People only, never their titles: *President* stays out.

### ORG

Companies and media, e.g. **India Today**.
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("ux-lab")
    db = folder / "project.db"
    store = seed_project(db)
    set_guidelines(store, GUIDELINES)
    store.close()
    started = Lab.start(folder, db=db, annotator=ANNOTATOR)
    try:
        yield started
    finally:
        started.stop()


# --- helpers -----------------------------------------------------------------------------------


def visible_area(nb: NotebookPage) -> dict[str, float]:
    """The part of the page the notebook shows (its scrolling body), in page coordinates."""
    area: dict[str, float] = nb.widget().evaluate(
        """(root) => {
          const outer = root.closest(".jp-WindowedPanel-outer") || document.documentElement;
          const r = outer.getBoundingClientRect();
          return {top: Math.max(0, r.top), bottom: Math.min(innerHeight, r.bottom),
                  left: Math.max(0, r.left), right: Math.min(innerWidth, r.right)};
        }"""
    )
    return area


def in_view(nb: NotebookPage, locator: Any) -> bool:
    """Whether the element is wholly inside what the notebook shows, without scrolling."""
    box = locator.bounding_box()
    area = visible_area(nb)
    return bool(
        box
        and box["height"] > 0
        and box["y"] >= area["top"] - 1
        and box["y"] + box["height"] <= area["bottom"] + 1
    )


def scroll_notebook(nb: NotebookPage, by: float) -> None:
    """Scroll the notebook itself (not the article), as a person does with the wheel."""
    nb.widget().evaluate(
        "(root, by) => { root.closest('.jp-WindowedPanel-outer').scrollTop += by; }", by
    )


def spans(nb: NotebookPage, **where: Any) -> list[Any]:
    store = nb.lab.store()
    try:
        return [
            s
            for s in store.spans(annotator=ANNOTATOR)
            if all(getattr(s, k) == v for k, v in where.items())
        ]
    finally:
        store.close()


def selected_id(nb: NotebookPage) -> str | None:
    found: str | None = nb.widget().evaluate(
        "(root) => root.querySelector('.an-text .an-selected')?.dataset.spanId ?? null"
    )
    return found


def click_beside(nb: NotebookPage) -> None:
    """One click in the notebook just outside the widget: on the text of the cell above it."""
    nb.page.locator(".jp-MarkdownCell").filter(has_text="Annotate the articles").locator(
        "li"
    ).last.click()


def still_scrolling(nb: NotebookPage) -> None:
    """Wait until the notebook has stopped scrolling (the same position for ten frames)."""
    nb.widget().evaluate(
        """(root) => new Promise((done) => {
          const outer = root.closest(".jp-WindowedPanel-outer");
          let last = -1, same = 0;
          const look = () => {
            same = outer.scrollTop === last ? same + 1 : 0;
            last = outer.scrollTop;
            if (same >= 10) done(); else requestAnimationFrame(look);
          };
          look();
        })"""
    )


def active_cell(nb: NotebookPage) -> int:
    return int(nb.page.evaluate("window.jupyterapp.shell.currentWidget.content.activeCellIndex"))


def run_code_cell(nb: NotebookPage, code: str) -> None:
    """Add a cell at the end of the notebook with ``code`` and run it, as a person does."""
    nb.page.evaluate(
        """(code) => {
          const panel = window.jupyterapp.shell.currentWidget;
          const notebook = panel.content;
          notebook.activeCellIndex = notebook.widgets.length - 1;
          return window.jupyterapp.commands.execute("notebook:insert-cell-below").then(() => {
            notebook.activeCell.model.sharedModel.setSource(code);
            return window.jupyterapp.commands.execute("notebook:run-cell");
          });
        }""",
        code,
    )


# --- 11: an untitled article, and the project's table -----------------------------------------


def test_an_untitled_article_is_named_by_its_first_words(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    title = nb.widget().locator(".an-title")
    expect(title).to_have_text(re.compile(r"^President Vladimir Putin has warned again"))
    expect(title).to_have_class(re.compile(r"\ban-untitled\b"))
    # The notebook's table of documents shows blanks, not NaN, where a document has no title.
    table = nb.page.locator(".jp-OutputArea-output table").first
    expect(table).to_be_visible()
    assert "NaN" not in table.inner_text()


# --- 7: a span of one's own replaces the suggestions it overlaps --------------------------------


def test_marking_india_today_hides_the_overlapping_suggestion(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    india = nb.span(layer="entity", status="suggested").filter(has_text=re.compile(r"^India$"))
    expect(india).to_have_count(1)
    nb.drag_select("India Today", within="he told India Today")
    nb.page.keyboard.press("2")  # ORG
    wait_for(lambda: spans(nb, text="India Today"), what="the ORG span saved")
    expect(india).to_have_count(0)  # not drawn: it can no longer be accepted
    expect(
        nb.span(layer="entity", label="ORG", status="accepted").filter(has_text="India Today")
    ).to_have_count(1)
    nb.press("z")  # and back: the suggestion returns with the span gone
    expect(india).to_have_count(1)
    wait_for(lambda: not spans(nb, text="India Today"), what="the span undone")


# --- 8: links drawn in the text ----------------------------------------------------------------


def arc_ends(nb: NotebookPage, relation_type: str) -> dict[str, Any]:
    found: dict[str, Any] = nb.widget().evaluate(
        """(root, type) => {
          const arc = root.querySelector(`.an-arcs g[data-type="${type}"]`);
          if (!arc) return null;
          const line = arc.querySelector(".an-arc-line");
          const length = line.getTotalLength();
          const svg = root.querySelector(".an-arcs").getBoundingClientRect();
          const at = (d) => { const p = line.getPointAtLength(d);
                              return {x: p.x + svg.left, y: p.y + svg.top}; };
          return {status: arc.dataset.status, from: at(0), to: at(length),
                  label: arc.querySelector("text").textContent};
        }""",
        relation_type,
    )
    return found


def box_of(nb: NotebookPage, text: str, within: str) -> dict[str, float]:
    return nb.text_box(text, within=within)


def near(point: dict[str, float], box: dict[str, float], *, slack: float = 24) -> bool:
    return (
        box["x0"] - slack <= point["x"] <= box["x1"] + slack
        and abs(point["y"] - box["y0"]) <= slack
    )


def test_links_are_drawn_in_the_text(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.press("Escape", "q", "Tab")  # the suggested quote, with its suggested speaker and cue
    widget = nb.widget()
    expect(widget.locator(".an-arcs g")).to_have_count(2)
    said_by = arc_ends(nb, "said_by")
    assert said_by["status"] == "suggested" and said_by["label"] == "said_by"
    # From the quote to "he", drawn where the words are.
    assert near(said_by["to"], box_of(nb, "he", within="territories,” he told"))
    cue = arc_ends(nb, "cue")
    assert near(cue["to"], box_of(nb, "told", within="he told India"))
    # r: every link of the document, the source's link to its entity too; again: the selected.
    nb.press("r")
    expect(widget.locator(".an-arcs g")).to_have_count(3)
    nb.press("Escape")
    expect(widget.locator(".an-arcs g")).to_have_count(3)
    nb.press("r")
    expect(widget.locator(".an-arcs g")).to_have_count(0)
    # Accepted, the quote and its speaker are linked: the arc is drawn solid.
    nb.press("q", "Tab", "Enter", "s", "Tab", "Enter")
    nb.settle()
    nb.press("q", "Tab")
    expect(widget.locator('.an-arcs g[data-type="said_by"]')).to_have_attribute(
        "data-status", "accepted"
    )
    nb.press("Escape", "z", "z")
    wait_for(lambda: not spans(nb, doc_id=FIRST), what="both acceptances undone")


# --- 2: messages where the annotator works ------------------------------------------------------


def test_messages_show_where_the_annotator_works(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.press("Escape", "q", "Tab", "Enter")  # the quote accepted, and still selected
    expect(nb.span(layer="quote", status="accepted").first).to_have_class(SELECTED)
    wait_for(lambda: spans(nb, layer="quote"), what="the quote saved")
    # The annotator has scrolled the notebook down, working near the end of the article.
    scroll_notebook(nb, 400)
    nb.click_text("told", within="he told India", shift=True)  # a suggested cue: refused
    error = nb.widget().locator(".an-error")
    expect(error).to_contain_text("E604")
    assert in_view(nb, error), "the refusal is shown out of sight"
    nb.press("Escape")
    expect(error).to_be_hidden()
    nb.press("s", "Tab", "Enter", "q", "Tab")  # its speaker accepted; the quote again
    expect(nb.span(layer="quote", status="accepted").first).to_have_class(SELECTED)
    scroll_notebook(nb, 400)
    nb.press("t")  # linking: the instructions must be in sight too
    notice = nb.widget().locator(".an-notice")
    expect(notice).to_contain_text("Linking")
    assert in_view(nb, notice), "the linking instructions are shown out of sight"
    # They stay until read or the next action: Tab picks a candidate, they are still there.
    nb.page.keyboard.press("Tab")
    nb.settle()
    expect(notice).to_contain_text("Linking")
    nb.press("Escape", "z", "z")
    wait_for(lambda: not spans(nb, doc_id=FIRST), what="the quote and source undone")


# --- 4, 5: help over the article, with what Enter does and the guidelines ------------------


def test_help_opens_over_the_article_with_keys_and_guidelines(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.press("Escape", "e")
    nb.press("?")
    help_box = nb.widget().locator('[data-testid="help"]')
    expect(help_box).to_be_visible()
    box = help_box.bounding_box()
    assert box is not None and in_view(nb, help_box.locator("h4").first)
    assert box["y"] < 500, f"the help starts at y = {box['y']}"
    keys = help_box.locator('[data-testid="keys"] th kbd')
    assert keys.count() >= 20
    lines = keys.evaluate_all("(all) => all.map((kbd) => kbd.getClientRects().length)")
    assert set(lines) == {1}, f"a key wraps over several lines: {lines}"
    rows = help_box.locator('[data-testid="keys"] tr')
    tallest = max(rows.evaluate_all("(all) => all.map((tr) => tr.offsetHeight)"))
    assert tallest < 50, f"a row of the keys is {tallest} px tall"
    # 5: what Enter does is said.
    expect(help_box).to_contain_text("accept the suggestion and go to the next suggestion")
    guide = help_box.locator('[data-testid="guidelines"]')
    expect(guide).to_contain_text("Guidelines: entity")
    expect(guide).to_contain_text("Mark names as they are written.")
    expect(guide.locator("em")).to_have_text("President")  # Markdown, drawn from text
    expect(guide.locator('[data-label="ORG"] strong')).to_have_text("India Today")
    nb.press("Escape")
    expect(help_box).to_be_hidden()
    # With a PERSON span selected, the help shows the PERSON part only.
    nb.press("Tab", "?")
    expect(guide).to_contain_text("Guidelines: entity · PERSON")
    expect(guide.locator("[data-label]")).to_have_count(1)
    nb.press("?")
    expect(help_box).to_be_hidden()
    assert nb.active_content() == []


def test_enter_accepts_and_moves_to_the_next_suggestion(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    nb.press("Escape", "e", "Tab")
    first = selected_id(nb)
    nb.press("Enter")
    expect(nb.span(layer="entity", status="accepted")).to_have_count(1)
    nb.settle()
    after = selected_id(nb)
    assert after and after != first
    expect(nb.widget().locator(f'.an-text [data-span-id="{after}"]').first).to_have_attribute(
        "data-status", "suggested"
    )
    nb.press("Escape", "z")
    wait_for(lambda: not spans(nb, doc_id=FIRST), what="the acceptance undone")


# --- the layer view ----------------------------------------------------------------------------


def test_layer_view_dims_and_hides_other_layers(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    widget = nb.widget()
    nb.press("Escape", "e")
    quote = widget.locator('.an-text [data-layer="quote"]').first

    def underline() -> str:
        colour: str = quote.evaluate("el => getComputedStyle(el).borderBottomColor")
        return colour

    full = underline()
    nb.press("o")  # only entities at full strength
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"entity:full quote:dim"))
    dimmed = underline()
    assert dimmed != full
    nb.press("o")  # the others hidden: drawn as plain text, and no clicks
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"quote:hidden"))
    assert underline() in ("rgba(0, 0, 0, 0)", "transparent")
    assert quote.evaluate("el => getComputedStyle(el).pointerEvents") == "none"
    nb.press("q")  # the active layer is always drawn
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"quote:full"))
    nb.press("e", "o")  # all back
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"quote:full"))
    assert underline() == full
    nb.press("Q")  # one layer's own key: quote dimmed, then hidden, then full
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"quote:dim"))
    expect(widget.locator('[data-eye="quote"]')).to_have_attribute("data-shown", "dim")
    widget.locator('[data-eye="quote"]').click()
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"quote:hidden"))
    nb.press("Q")
    expect(widget).to_have_attribute("data-layer-view", re.compile(r"quote:full"))


# --- 6: keys never leave the widget; lost focus is plain and comes back ------------------------


def test_go_to_a_document_with_arrows_moves_the_document_not_the_cells(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    cells, cell = nb.cell_count(), active_cell(nb)
    nb.press("g")
    field = nb.widget().get_by_label("Find a document")
    expect(field).to_be_focused()
    nb.page.keyboard.press("ArrowDown")
    nb.page.keyboard.press("Enter")
    expect(nb.widget()).to_have_attribute("data-doc-id", SECOND)
    assert (nb.cell_count(), active_cell(nb)) == (cells, cell)
    # Typing searches the project through the kernel; Esc closes the box, keys back home.
    nb.press("g")
    field.fill("hostile")
    expect(nb.widget().locator('.an-jump-list [data-doc-id="hostile"]')).to_be_visible()
    nb.page.keyboard.press("Escape")
    expect(nb.widget()).to_be_focused()
    assert (nb.cell_count(), active_cell(nb)) == (cells, cell)


def test_keys_meant_for_the_widget_after_a_click_outside_never_reach_the_notebook(
    nb: NotebookPage,
) -> None:
    nb.goto_doc(SECOND)
    nb.press("Escape")
    widget = nb.widget()
    cells = nb.cell_count()
    click_beside(nb)  # one click outside the widget
    nb.page.keyboard.press("d")
    nb.page.keyboard.press("d")
    nb.settle()
    assert nb.cell_count() == cells  # d d in the notebook deletes a cell
    expect(widget).to_be_focused()  # the first d brought the keys back, and did nothing else
    store = nb.lab.store()
    try:
        assert store.statuses(annotator=ANNOTATOR) == []
    finally:
        store.close()
    # The second d was the widget's: done, which asks about the suggestions shown.
    expect(widget.locator('[data-testid="done-prompt"]')).to_be_visible()
    nb.page.keyboard.press("Escape")
    assert nb.cell_count() == cells


def test_losing_focus_is_plain_and_one_key_or_click_brings_it_back(nb: NotebookPage) -> None:
    nb.goto_doc(SECOND)
    nb.press("Escape")
    widget = nb.widget()
    click_beside(nb)
    expect(widget).to_have_attribute("data-focus", "out")
    veil = widget.locator('[data-testid="paused"]')
    expect(veil).to_be_visible()
    assert in_view(nb, veil.locator("strong"))  # said where the article is, not by a border
    nb.page.keyboard.press("n")  # a key of the widget: the keys come back, nothing moves
    expect(widget).to_be_focused()
    expect(veil).to_be_hidden()
    expect(widget.locator(".an-notice")).to_contain_text("keys are back")
    expect(widget).to_have_attribute("data-doc-id", SECOND)
    click_beside(nb)
    expect(veil).to_be_visible()
    veil.click()  # or a click
    expect(widget).to_be_focused()


# --- 9: one screen, 760 px, full height, a panel of its own -------------------------------------


def test_the_widget_is_one_screen_with_its_bar_always_in_sight(nb: NotebookPage) -> None:
    nb.goto_doc(FIRST)
    widget = nb.widget()
    nb.press("Escape", "e", "Tab")
    area = visible_area(nb)
    box = widget.bounding_box()
    assert box is not None and box["height"] <= area["bottom"] - area["top"] + 1
    done = widget.get_by_role("button", name="✓ Done")
    for part in (done, widget.locator(".an-scroll"), widget.locator(".an-panel"),
                 widget.locator('[data-testid="progress"]')):
        assert in_view(nb, part)
    # Working at the end of the article: the bar and its Done are still in sight.
    nb.click_text("Moscow currently controls about 20%")
    assert in_view(nb, done)
    assert in_view(nb, widget.locator(".an-scroll"))


def test_at_760_px_the_panel_stays_beside_the_work(nb: NotebookPage) -> None:
    page = nb.page
    page.set_viewport_size({"width": 760, "height": 1000})
    try:
        widget = nb.widget()
        expect(widget).to_have_attribute("data-narrow", "true")
        nb.goto_doc(FIRST)
        nb.press("Escape", "e", "Tab")
        panel = widget.locator(".an-panel")
        expect(panel.locator('[data-testid="reason"]')).to_be_visible()
        done = widget.get_by_role("button", name="✓ Done")
        for part in (panel, widget.locator(".an-scroll"), done):
            assert in_view(nb, part)
        width = widget.bounding_box()["width"]  # type: ignore[index]
        assert widget.evaluate("el => el.scrollWidth") <= width + 1  # nothing sticks out
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
    expect(nb.widget()).to_have_attribute("data-narrow", "false")


def test_full_height_and_a_panel_of_its_own(nb: NotebookPage) -> None:
    widget = nb.widget()
    nb.press("F")
    expect(widget).to_have_attribute("data-layout", "full")
    fills = widget.evaluate(
        """(root) => { const a = root.getBoundingClientRect();
                       const b = root.closest(".jp-Notebook").getBoundingClientRect();
                       return [a.top - b.top, a.height - b.height, a.width - b.width]; }"""
    )
    assert all(abs(x) <= 2 for x in fills), fills
    nb.press("F")
    expect(widget).to_have_attribute("data-layout", "fit")
    # JupyterLab's "Create New View for Output": the second view fills its panel.
    nb.page.evaluate(
        """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                   nb.activeCellIndex = nb.widgets.findIndex(
                     (c) => c.node.querySelector('[data-testid="annotator"]'));
                   return window.jupyterapp.commands.execute("notebook:create-output-view"); }"""
    )
    view = nb.page.locator('.jp-LinkedOutputView [data-testid="annotator"]')
    expect(view).to_have_attribute("data-layout", "panel")
    ratio = view.evaluate(
        """(root) => root.getBoundingClientRect().height /
                     root.closest(".jp-LinkedOutputView").getBoundingClientRect().height"""
    )
    assert ratio > 0.95, ratio
    nb.page.evaluate(
        """() => { for (const w of [...window.jupyterapp.shell.widgets("main")]) {
                     if (w.node.querySelector(".jp-LinkedOutputView")
                         || w.node.classList.contains("jp-LinkedOutputView")) w.close(); } }"""
    )
    expect(view).to_have_count(0)


# --- 11: documents added while the widget runs ---------------------------------------------------


def test_documents_added_meanwhile_are_found(nb: NotebookPage, tmp_path: Path) -> None:
    late = tmp_path / "late.jsonl"
    late.write_text(
        '{"id": "late-1", "title": "A late arrival from the wire", '
        '"text": "Officials said the talks would go on."}\n'
    )
    store = nb.lab.store()
    try:
        ingest(store, [late])
    finally:
        store.close()
    nb.press("Escape", "g")
    nb.widget().get_by_label("Find a document").fill("late arrival")
    found = nb.widget().locator('.an-jump-list [data-doc-id="late-1"]')
    expect(found).to_be_visible()
    nb.page.keyboard.press("Enter")
    expect(nb.widget()).to_have_attribute("data-doc-id", "late-1")
    expect(nb.widget().locator('[data-testid="position"]')).to_have_text("4 / 4")


# --- 3: done with suggestions shown asks ---------------------------------------------------------


def test_done_with_suggestions_shown_asks_once_with_counts(nb: NotebookPage) -> None:
    nb.goto_doc(SECOND)
    nb.press("Escape", "e", "Tab", "Enter")  # one of the four accepted
    wait_for(lambda: spans(nb, doc_id=SECOND), what="one span saved")
    nb.press("d")
    prompt = nb.widget().locator('[data-testid="done-prompt"]')
    expect(prompt).to_be_visible()
    assert in_view(nb, prompt)
    expect(prompt).to_contain_text("3 suggestion(s) are still undecided")
    expect(prompt).to_contain_text("3 entity")
    expect(prompt.locator("button.an-primary")).to_have_attribute("data-choice", "accept")
    nb.page.keyboard.press("Escape")  # go back: nothing marked
    expect(prompt).to_be_hidden()
    expect(nb.widget()).to_have_attribute("data-doc-id", SECOND)
    assert selected_id(nb)  # on an undecided suggestion
    store = nb.lab.store()
    try:
        assert store.statuses(annotator=ANNOTATOR, doc_id=SECOND) == []
    finally:
        store.close()
    nb.press("d")
    expect(prompt).to_be_visible()
    nb.page.keyboard.press("Enter")  # the project's default: accept what is shown
    expect(nb.widget()).not_to_have_attribute("data-doc-id", SECOND)
    saved = wait_for(
        lambda: (found := spans(nb, doc_id=SECOND)) and len(found) == 4 and found,
        what="the three others accepted with the status",
    )
    assert {s.origin for s in saved} == {"suggested"}
    store = nb.lab.store()
    try:
        [status] = store.statuses(annotator=ANNOTATOR, doc_id=SECOND)
        assert status.status == "done"
        assert len(store.open_suggestions(SECOND, annotator=ANNOTATOR,
                                          suggester=store.suggesters()[0])) == 0
    finally:
        store.close()


# --- 11: switching person, from the notebook -----------------------------------------------------


def test_switching_person_is_offered_and_done_by_the_notebook(nb: NotebookPage) -> None:
    widget = nb.widget()
    widget.locator("button.an-who").click()
    field = widget.get_by_label("Name to annotate as")
    expect(field).to_be_focused()
    field.fill("bob")
    field.press("Enter")
    call = widget.locator('[data-testid="switch-call"]')
    expect(call).to_have_text("widget.switch_annotator('bob')")
    # The page changed nobody: still alice, and no "bob" in the project.
    expect(widget.locator("button.an-who")).to_have_text(ANNOTATOR)
    store = nb.lab.store()
    try:
        assert "bob" not in {a["name"] for a in store.annotators()}
    finally:
        store.close()
    field.press("Escape")
    run_code_cell(nb, call.inner_text())
    expect(widget.locator("button.an-who")).to_have_text("bob")
    nb.press("e")
    nb.goto_doc(SECOND)
    still_scrolling(nb)  # JupyterLab scrolls to the cell it ran: let it finish
    nb.drag_select("Volodymyr Zelensky", within="Ukrainian President Volodymyr")
    nb.page.keyboard.press("1")
    store = nb.lab.store()
    try:
        wait_for(
            lambda: [s.text for s in store.spans(annotator="bob")] == ["Volodymyr Zelensky"],
            what="the span saved under bob",
        )
    finally:
        store.close()
