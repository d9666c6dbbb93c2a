"""The annotator widget's speed in a real JupyterLab, driven by headless Chromium.

Every figure is a key pressed through the browser (Playwright's keyboard, so real key events)
to the change it causes being visible: the page is watched from inside with a MutationObserver,
and the clock stops on the animation frame after the change (the frame that paints it). Each
action is repeated on articles of about 1,000 words with 150 suggestions, and p50 and p95 are
printed, with the ratio of p50 to the baseline measured in the same run:

- baseline: a round trip page -> kernel -> page that does nothing;
- add: a label key on a text selection -> the new span drawn (and, separately, committed in
  the SQLite file, polled from this process as any other program would see it);
- accept (an entity; a quote, which takes its suggested links to the accepted source and cue
  along), reject, relabel, boundary (Shift+->, Shift+<-), link (t, then Enter), undo, redo:
  the single-span actions, target p95 < 100 ms;
- accept-all of 150 entity suggestions, and the next document (n / p between two such
  articles): target p95 < 300 ms;
- the reviewer's decision (a version picked with its number key) and its undo (u), in the
  review widget on the project of tests/browser/test_review.py: target p95 < 100 ms;
- a whole seed article annotated by keyboard alone (see tests/browser/test_keyboard_only.py):
  keystrokes and wall time.

Screenshots of the widget (150 suggestions, the layer view, links drawn in the text, the done
prompt, the layout at 760 px) are saved under bench/results/ (not kept in git).

    .venv/bin/python bench/bench_widget.py [--repeat 20] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the lab launcher lives with the browser tests

from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.store import Store
from tests.support.labserver import Lab, NotebookPage, launch_chromium
from tests.support.seed import SUGGESTER, suggestions_for

RESULTS = ROOT / "bench" / "results"
ANNOTATOR = "bench"
N_SUGGESTIONS = 150
SEED_TEXT = (ROOT / "corpus" / "001_b2d94b789626c3bb.txt").read_text(encoding="utf-8")
WORD = re.compile(r"\w+|[^\w\s]")
TAGS = ("a", "b", "c", "d", "e", "f")
ALL_ENTITIES = "g"  # 150 entity suggestions: accept-all
SINGLE_SPAN_MS = 100.0
BULK_MS = 300.0
KEYBOARD_ARTICLE = "6e2f5a79d01a0de2"  # the seed article tests/browser/keyboard_script.py does
REVIEW_NOTEBOOK = ROOT / "notebooks" / "review.ipynb"
REVIEWER = "lead"  # as in tests/support/review_seed.py
REVIEW_ARTICLE = "384a15b6b5dbf696"  # where its annotators disagree
SEED_ARTICLE = "384a15b6b5dbf696"  # the other: a real article, not one of near-copies


def article(tag: str) -> str:
    """About 1,000 words: the seed article's body with a line that makes each text unique."""
    body = SEED_TEXT.split("\n", 2)[2]
    return f"{tag}: {body}\n\n{body[:1200]}"


def suggestions(text: str, *, entities_only: bool = False) -> DocSuggestions:
    """150 suggestions: quoted passages as quotes, reporting verbs as cues with the word
    before as source, numbers' sentences as claims, then capitalised words as entities (only
    entities with ``entities_only``)."""
    spans: list[SpanSuggestion] = []

    def add(layer: str, label: str, start: int, end: int, reason: str) -> None:
        key = f"s{len(spans)}"
        attrs = {"reason": reason, "confidence": 0.5}
        spans.append(SpanSuggestion(key, layer, label, start, end, attrs))

    if not entities_only:
        for m in re.finditer(r"“[^”]{10,}”", text):
            add("quote", "DIRECT", m.start(), m.end(), "text in quotation marks")
        for m in re.finditer(r"(\w+) (said|told)\b", text):
            add("source", "SOURCE", m.start(1), m.end(1), "subject of a reporting verb")
            add("cue", "CUE", m.start(2), m.end(2), "reporting verb")
        for m in re.finditer(r"[^.\n]*\d[^.\n]*\.", text):
            lead = len(m.group()) - len(m.group().lstrip())
            add("claim", "QUANTITY", m.start() + lead, m.end(), "a number")
    # Each quote is said by the nearest source after it, with that source's cue.
    relations = []
    for quote in (x for x in spans if x.layer == "quote"):
        after = [x for x in spans if x.layer == "source" and x.start >= quote.end]
        if after:
            source = min(after, key=lambda x: x.start)
            cue = next(x for x in spans if x.layer == "cue" and x.start > source.start)
            relations += [RelationSuggestion("said_by", quote.key, source.key),
                          RelationSuggestion("cue", quote.key, cue.key)]
    labels = ("PERSON", "ORG", "GPE", "NORP")
    for i, m in enumerate(re.finditer(r"\b[A-Z][a-z]+\b|\b[a-z]{7,}\b", text)):
        if len(spans) >= N_SUGGESTIONS:
            break
        add("entity", labels[i % len(labels)], m.start(), m.end(), "capitalised or long word")
    assert len(spans) == N_SUGGESTIONS, f"only {len(spans)} suggestions"
    return DocSuggestions(spans=spans, relations=relations)


def build_project(folder: Path) -> tuple[Path, int]:
    db = folder / "bench.db"
    corpus = folder / "bench.jsonl"
    records = [
        {"id": f"bench-{tag}", "title": f"Benchmark article {tag}", "text": article(tag)}
        for tag in (*TAGS, ALL_ENTITIES)
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    store = Store(db)
    ingest(store, [corpus, ROOT / "corpus"])
    items = []
    for document in store.documents():
        if document.doc_id == f"bench-{ALL_ENTITIES}":
            found = suggestions(document.text, entities_only=True)
        elif document.doc_id.startswith("bench-"):
            found = suggestions(document.text)
        else:
            found = suggestions_for(document.text)
        items.append((document, found))
    store.store_suggestions(SUGGESTER, items)
    store.add_annotator(ANNOTATOR)
    n_words = len(WORD.findall(records[0]["text"]))
    store.close()
    return db, n_words


# --- measurements in the page ---------------------------------------------------------------

PING = """async (root) => new Promise((done) => {
  root.addEventListener("annotator:pong", (e) => done(e.detail.ms), {once: true});
  root.dispatchEvent(new CustomEvent("annotator:ping"));
})"""

# Before a key press: note what the page shows now (`watch` names what to look at) and wait
# for it to change. The clock starts at the key's keydown, seen first of all listeners (window,
# capture phase), and stops at the animation frame after the change.
ARM = """([root, watch, arg]) => {
  const text = () => root.querySelector(".an-text");
  const looks = {
    suggested: () => text().querySelectorAll('[data-status="suggested"]').length,
    accepted: () => text().querySelectorAll('[data-status="accepted"]').length,
    label: () => [...text().querySelectorAll(`[data-span-id="${arg}"]`)]
      .map((n) => n.dataset.label).join(),
    extent: () => {
      const nodes = [...text().querySelectorAll(`[data-span-id="${arg}"]`)];
      return nodes.length ? nodes.map((n) => n.textContent).join("|") : "gone";
    },
    links: () => root.querySelectorAll(
      '.an-relation .an-link-accepted, .an-arcs [data-status="accepted"]').length,
    layer: () => text().querySelectorAll(`[data-layer="${arg}"][data-status="suggested"]`).length,
    doc: () => root.dataset.docId + "/" + (root.dataset.renderedSpans ?? ""),
    gold: () => root.querySelectorAll('[data-span-id][data-status="gold"]').length,
  };
  const look = looks[watch];
  const before = look();
  const timing = {began: null};
  window.addEventListener("keydown", () => { timing.began ??= performance.now(); },
                          {capture: true, once: true});
  window.__changed = new Promise((done, fail) => {
    const observer = new MutationObserver(() => {
      if (timing.began === null) return;
      const now = look();
      if (now === before) return;
      if (watch === "doc" && !root.dataset.renderedSpans) return;
      observer.disconnect();
      requestAnimationFrame(() => done(performance.now() - timing.began));
    });
    observer.observe(root, {attributes: true, childList: true, subtree: true,
                            characterData: true});
    setTimeout(() => { observer.disconnect(); fail(new Error(`no change of ${watch}`)); },
               10000);
  });
  return before;
}"""

SELECTED = """(root) => {
  const node = root.querySelector(".an-text .an-selected");
  return node ? node.dataset.spanId : null;
}"""

# Select the n-th lowercase word of the article (a fresh one each time) as a real selection.
SELECT_WORD = """([root, n]) => {
  const area = root.querySelector(".an-text");
  const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("[data-span-id]")) continue;
    for (const m of node.data.matchAll(/\\b[a-z]{3,6}\\b/g)) {
      if (seen++ < n) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      root.focus();
      return m[0];
    }
  }
  return null;
}"""


class Meter:
    """Presses keys on the widget and times each until the change it causes is painted."""

    def __init__(self, nb: NotebookPage) -> None:
        self.nb = nb
        self.page = nb.page
        self.root = nb.widget().element_handle()
        self.times: dict[str, list[float]] = {}
        self.keystrokes = 0

    def key(self, key: str, watch: str, arg: str | None = None, *, record: str | None) -> float:
        self.page.evaluate(ARM, [self.root, watch, arg])
        self.page.keyboard.press(key)
        self.keystrokes += 1
        try:
            ms = float(self.page.evaluate("window.__changed"))
        except Exception as exc:
            said = self.page.evaluate(
                "(root) => [...root.querySelectorAll('.an-error, .an-notice')]"
                ".map((n) => n.textContent).join(' | ') + ' / selected: ' + "
                "[...root.querySelectorAll('.an-text .an-selected')].map((n) => n.outerHTML)"
                ".join() + ' / focus: ' + document.activeElement.className",
                self.root,
            )
            raise AssertionError(f"{key}: {exc}; the widget says: {said}") from exc
        if record:
            self.times.setdefault(record, []).append(ms)
        return ms

    def press(self, *keys: str) -> None:
        """Keys whose effect is not measured; waits until the widget has acted on them."""
        for key in keys:
            self.page.keyboard.press(key)
        self.keystrokes += len(keys)
        self.nb.settle()

    def selected(self) -> str:
        # The change a key is timed to (a span drawn) comes before the reply that selects the
        # new span: wait for the replies, or this may name the span selected before.
        self.nb.settle()
        found = self.page.evaluate(SELECTED, self.root)
        assert found, "no span selected"
        return str(found)

    def go(self, doc_id: str) -> None:
        self.nb.goto_doc(doc_id)
        self.root = self.nb.widget().element_handle()
        self.nb.focus()
        self.nb.settle()


def measure(nb: NotebookPage, db: Path, repeat: int) -> dict[str, list[float]]:
    meter = Meter(nb)
    page = nb.page
    for _ in range(3):  # warm up the channel and the kernel
        page.evaluate(PING, meter.root)
    meter.times["ping"] = [page.evaluate(PING, meter.root) for _ in range(repeat)]

    per_doc = max(1, math.ceil(repeat / len(TAGS)))
    added = 0
    for tag in TAGS:
        meter.go(f"bench-{tag}")
        meter.press("Escape", "e", "Tab")  # the first entity suggestion
        for _ in range(per_doc):
            meter.key("Enter", "suggested", record="accept")  # accepts, moves to the next
        for _ in range(per_doc):
            meter.key("x", "suggested", record="reject")  # rejects, moves to the next
        meter.press("Escape", "Tab")  # the first entity: one just accepted
        for i in range(per_doc):
            span = meter.selected()
            meter.key("2" if i % 2 == 0 else "3", "label", span, record="relabel")
        # Boundaries and their undo and redo on a span of one's own, far from the others.
        for i in range(3):
            word = page.evaluate(SELECT_WORD, [meter.root, 200 + 9 * i])
            assert word, "ran out of words"
            added += 1
            if i == 0:  # timed from here to the row in the database file
                before = time.perf_counter()
                page.keyboard.press("1")
                meter.times.setdefault("commit", []).append(
                    (committed(db, added) - before) * 1000
                )
                nb.settle()
            else:
                meter.key("1", "accepted", record="add")
        span = meter.selected()
        for i in range(per_doc):
            key = "Shift+ArrowRight" if i % 2 == 0 else "Shift+ArrowLeft"
            meter.key(key, "extent", span, record="boundary")
        for _ in range(per_doc):
            meter.key("z", "extent", span, record="undo")
        for _ in range(per_doc):
            meter.key("y", "extent", span, record="redo")
        # Quotes: with every source and cue accepted, a quote accepted takes its suggested
        # links to them along (drawn as arcs). Then the rest, and quotes linked to the nearest.
        for layer in ("s", "c"):
            meter.press("Escape", layer, "A")
        meter.press("Escape", "q", "Tab")
        for _ in range(per_doc):
            meter.key("Enter", "suggested", record="accept_quote")
        meter.press("Escape", "q", "A")
        meter.press("Escape", "q", "Tab")
        for _ in range(per_doc):
            meter.press("t")
            meter.key("Enter", "links", record="link")
            meter.press("Tab")
    meter.go(f"bench-{ALL_ENTITIES}")
    meter.press("Escape", "e")
    for _ in range(max(5, repeat // 2)):
        meter.key("A", "layer", "entity", record="accept_all")
        meter.key("z", "layer", "entity", record=None)
    meter.go(f"bench-{TAGS[-1]}")
    meter.press("Escape")
    for i in range(repeat + 2):
        key = "n" if i % 2 == 0 else "p"
        ms = meter.key(key, "doc", record=None)
        if i >= 2:
            meter.times.setdefault("next", []).append(ms)
    return meter.times


def measure_review(nb: NotebookPage, repeat: int) -> dict[str, list[float]]:
    """The reviewer's decision: a version picked with its number key, and undone with u, on
    the first open disagreement of the review project of the browser tests."""
    meter = Meter(nb)
    meter.go(REVIEW_ARTICLE)
    for _ in range(repeat):
        meter.press("Escape", "Tab")  # the first open unit
        meter.key("1", "gold", record="review_decide")
        meter.key("u", "gold", record="review_undo")
    return meter.times


def committed(db: Path, count: int, *, timeout: float = 5.0) -> float:
    """Poll the database from this process until the annotator has ``count`` manual spans."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    deadline = time.perf_counter() + timeout
    try:
        while time.perf_counter() < deadline:
            (n,) = connection.execute(
                "SELECT count(*) FROM spans WHERE annotator = ? AND origin = 'manual'",
                (ANNOTATOR,),
            ).fetchone()
            if n >= count:
                return time.perf_counter()
            time.sleep(0.0005)
    finally:
        connection.close()
    raise TimeoutError(f"span #{count} not committed within {timeout} s")


def keyboard_only(nb: NotebookPage) -> tuple[int, float] | None:
    """The keyboard-only annotation of a seed article from the browser tests, timed."""
    try:
        from tests.browser.keyboard_script import annotate_by_keyboard
    except ImportError:
        return None
    began = time.perf_counter()
    keystrokes = annotate_by_keyboard(nb)
    return keystrokes, time.perf_counter() - began


def screenshots(nb: NotebookPage) -> list[Path]:
    """The widget as the issue asked to see it: 150 suggestions, the layer view, links drawn in
    the text, the done prompt, and the layout at 760 px (the whole page)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    page = nb.page
    shots: list[Path] = []

    def shoot(name: str, *, whole_page: bool = False) -> None:
        nb.settle()
        page.wait_for_timeout(300)  # let the last transitions (dimming, the prompt) finish
        path = RESULTS / f"{name}.png"
        (page if whole_page else nb.widget()).screenshot(path=str(path))
        shots.append(path)

    nb.goto_doc("bench-a")
    nb.press("Escape", "e", "Tab", "Tab")
    shoot("annotator-150-suggestions")
    nb.press("o")
    shoot("layer-view-entities-others-dimmed")
    nb.press("o")
    shoot("layer-view-entities-others-hidden")
    nb.press("o")
    # The article annotated by keyboard: its quote linked to speaker and cue, drawn as arcs.
    nb.goto_doc(KEYBOARD_ARTICLE)
    nb.press("Escape", "q", "Tab")
    shoot("relations-of-the-selected-quote")
    nb.press("r")
    shoot("relations-all")
    nb.press("r")
    nb.goto_doc("bench-b")
    nb.press("Escape", "d")
    shoot("done-prompt")
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 760, "height": 1000})
    try:
        nb.goto_doc(SEED_ARTICLE)
        nb.press("Escape", "e", "Tab")
        shoot("layout-760px", whole_page=True)
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
    return shots


def review(folder: Path, repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.support.review_seed import seed_review

    folder.mkdir()
    db = folder / "review.db"
    seed_review(db).close()
    lab = Lab.start(folder / "lab", db=db, annotator=REVIEWER, notebook=REVIEW_NOTEBOOK)
    try:
        with sync_playwright() as driver:
            chromium = launch_chromium(driver, folder / "chromium-home")
            try:
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(30_000)
                nb = NotebookPage(lab, page, testid="reviewer").open()
                nb.run_all()
                return measure_review(nb, repeat)
            finally:
                chromium.close()
    finally:
        lab.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="6 repeats instead")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    repeat = 6 if args.quick else max(12, args.repeat)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-widget-") as tmp:
        folder = Path(tmp)
        db, n_words = build_project(folder)
        lab = Lab.start(folder / "lab", db=db, annotator=ANNOTATOR)
        try:
            with sync_playwright() as driver:
                chromium = launch_chromium(driver, folder / "chromium-home")
                try:
                    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(30_000)
                    nb = NotebookPage(lab, page).open()
                    nb.run_all()
                    results = measure(nb, db, repeat)
                    whole = keyboard_only(nb)
                    shots = screenshots(nb)
                finally:
                    chromium.close()
        finally:
            lab.stop()
        results.update(review(folder / "review", repeat))

    base = statistics.median(results["ping"])
    print(
        f"annotator widget, {n_words} words and {N_SUGGESTIONS} suggestions per article; "
        f"key press -> change painted, p50 / p95 (n), ratio of p50 to the baseline"
    )
    print(f"  {'baseline: no-op round trip page -> kernel -> page':<52} {base:6.1f} ms")
    rows = [
        ("add a span (label key on a selection)", "add", SINGLE_SPAN_MS),
        ("  ... committed in SQLite (second reader)", "commit", None),
        ("accept a suggestion (Enter)", "accept", SINGLE_SPAN_MS),
        ("accept a quote, its links carried (Enter)", "accept_quote", SINGLE_SPAN_MS),
        ("reject a suggestion (x)", "reject", SINGLE_SPAN_MS),
        ("relabel (label key on a span)", "relabel", SINGLE_SPAN_MS),
        ("move a boundary (Shift+arrow)", "boundary", SINGLE_SPAN_MS),
        ("link (t, Enter)", "link", SINGLE_SPAN_MS),
        ("undo (z)", "undo", SINGLE_SPAN_MS),
        ("redo (y)", "redo", SINGLE_SPAN_MS),
        (f"accept all {N_SUGGESTIONS} entity suggestions (A)", "accept_all", BULK_MS),
        ("next document (n / p)", "next", BULK_MS),
        ("review: pick a version (number key)", "review_decide", SINGLE_SPAN_MS),
        ("review: undo the decision (u)", "review_undo", SINGLE_SPAN_MS),
    ]
    figures: dict[str, Any] = {"baseline_ms": base, "actions": {}}
    for label, name, target in rows:
        values = results.get(name, [])
        if not values:
            print(f"  {label:<52} (not measured)")
            continue
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        goal = ""
        if target:
            goal = f"target p95 < {target:.0f} ms: {'met' if p95 < target else 'MISSED'}"
        print(
            f"  {label:<52} {p50:6.1f} / {p95:6.1f} ms ({len(values):2d})  "
            f"x{p50 / base:4.1f}  {goal}"
        )
        figures["actions"][name] = {"p50": p50, "p95": p95, "n": len(values)}
    if whole is not None:
        keystrokes, seconds = whole
        print(
            f"  a seed article annotated by keyboard alone: {keystrokes} keystrokes, "
            f"{seconds:.1f} s wall time"
        )
        figures["keyboard_only"] = {"keystrokes": keystrokes, "seconds": seconds}
    for shot in shots:
        print(f"  screenshot: {shot.relative_to(ROOT)}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
