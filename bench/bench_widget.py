"""The annotator widget's speed in a real JupyterLab, driven by headless Chromium.

Measured in the same run, on articles of about 1,000 words with 150 suggestions each:

- key press -> span committed in the project database: the label key is pressed through the
  browser (Playwright) and the SQLite file is polled from this process (a second reader, as any
  other program would see it); also key press -> span drawn, timed inside the page;
- key press -> next document drawn (new text and all its spans in the page), timed in the page;
- the baseline: a round trip page -> kernel -> page that does nothing, timed in the page.

Screenshots of the widget are saved under bench/results/ (not kept in git).

    .venv/bin/python bench/bench_widget.py [--repeat 25] [--quick]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the lab launcher lives with the browser tests

from annotate.core.records import DocSuggestions, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.store import Store
from tests.support.labserver import Lab, NotebookPage, launch_chromium
from tests.support.seed import SUGGESTER, suggestions_for

RESULTS = ROOT / "bench" / "results"
ANNOTATOR = "bench"
N_SUGGESTIONS = 150
SEED_TEXT = (ROOT / "corpus" / "001_b2d94b789626c3bb.txt").read_text(encoding="utf-8")
WORD = re.compile(r"\w+|[^\w\s]")


def article(tag: str) -> str:
    """About 1,000 words: the seed article's body with a line that makes each text unique."""
    body = SEED_TEXT.split("\n", 2)[2]
    text = f"{tag}: {body}\n\n{body[:1200]}"
    return text


def suggestions(text: str) -> DocSuggestions:
    """150 suggestions of every layer: capitalised words as entities, quoted passages as
    quotes, reporting verbs as cues with the word before as source, numbers' sentences as
    claims."""
    spans: list[SpanSuggestion] = []

    def add(layer: str, label: str, start: int, end: int, reason: str) -> None:
        key = f"s{len(spans)}"
        attrs = {"reason": reason, "confidence": 0.5}
        spans.append(SpanSuggestion(key, layer, label, start, end, attrs))

    for m in re.finditer(r"“[^”]{10,}”", text):
        add("quote", "DIRECT", m.start(), m.end(), "text in quotation marks")
    for m in re.finditer(r"(\w+) (said|told)\b", text):
        add("source", "SOURCE", m.start(1), m.end(1), "subject of a reporting verb")
        add("cue", "CUE", m.start(2), m.end(2), "reporting verb")
    for m in re.finditer(r"[^.\n]*\d[^.\n]*\.", text):
        add(
            "claim",
            "QUANTITY",
            m.start() + len(m.group()) - len(m.group().lstrip()),
            m.end(),
            "a number",
        )
    labels = ("PERSON", "ORG", "GPE", "NORP")
    for i, m in enumerate(re.finditer(r"\b[A-Z][a-z]+\b", text)):
        if len(spans) >= N_SUGGESTIONS:
            break
        add("entity", labels[i % len(labels)], m.start(), m.end(), "capitalised word")
    assert len(spans) == N_SUGGESTIONS, f"only {len(spans)} suggestions"
    return DocSuggestions(spans=spans)


def build_project(folder: Path) -> tuple[Path, list[str], int]:
    db = folder / "bench.db"
    corpus = folder / "bench.jsonl"
    records = [
        {"id": f"bench-{tag}", "title": f"Benchmark article {tag}", "text": article(tag)}
        for tag in ("a", "b")
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    store = Store(db)
    ingest(store, [corpus, ROOT / "corpus"])
    items = []
    for document in store.documents():
        found = (
            suggestions(document.text)
            if document.doc_id.startswith("bench-")
            else suggestions_for(document.text)
        )
        items.append((document, found))
    store.store_suggestions(SUGGESTER, items)
    n_words = len(WORD.findall(records[0]["text"]))
    store.close()
    return db, [str(r["id"]) for r in records], n_words


# --- measurements in the page ---------------------------------------------------------------

PING = """async (root) => new Promise((done) => {
  root.addEventListener("annotator:pong", (e) => done(e.detail.ms), {once: true});
  root.dispatchEvent(new CustomEvent("annotator:ping"));
})"""

# Press a key on the widget and wait until the page shows `target` fully drawn (its doc id on
# the root, its spans counted) and painted (the next animation frame).
NAVIGATE = """async ([root, key, target]) => {
  const began = performance.now();
  const drawn = new Promise((done) => {
    const check = () => root.dataset.docId === target && root.dataset.renderedSpans;
    const observer = new MutationObserver(() => {
      if (check()) { observer.disconnect(); requestAnimationFrame(() => done()); }
    });
    observer.observe(root, {attributes: true});
  });
  root.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
  await drawn;
  return performance.now() - began;
}"""

# Select the n-th lowercase word of the article (a fresh one each time) as a real selection.
SELECT_WORD = """([root, n]) => {
  const area = root.querySelector(".an-text");
  const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\b[a-z]{4,}\\b/g)) {
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

# Time from the label key to the new span drawn, in the page.
WATCH_DRAW = """(root) => {
  const before = Number(root.dataset.renderedSpans);
  window.__drawn = new Promise((done) => {
    const began = {t: 0};
    root.addEventListener("keydown", () => { began.t = performance.now(); },
                          {once: true, capture: true});
    const observer = new MutationObserver(() => {
      if (Number(root.dataset.renderedSpans) > before) {
        observer.disconnect();
        requestAnimationFrame(() => done(performance.now() - began.t));
      }
    });
    observer.observe(root, {attributes: true});
  });
}"""


def committed(db: Path, count: int, *, timeout: float = 5.0) -> float:
    """Poll the database from this process until the annotator has ``count`` spans."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    deadline = time.perf_counter() + timeout
    try:
        while time.perf_counter() < deadline:
            (n,) = connection.execute(
                "SELECT count(*) FROM spans WHERE annotator = ?", (ANNOTATOR,)
            ).fetchone()
            if n >= count:
                return time.perf_counter()
            time.sleep(0.0005)
    finally:
        connection.close()
    raise TimeoutError(f"span #{count} not committed within {timeout} s")


def measure(nb: NotebookPage, db: Path, ids: list[str], repeat: int) -> dict[str, list[float]]:
    page = nb.page
    root = nb.widget().element_handle()
    out: dict[str, list[float]] = {"ping": [], "commit": [], "draw": [], "next": []}
    for _ in range(3):  # warm up the channel and the kernel
        page.evaluate(PING, root)
    for _ in range(repeat):
        out["ping"].append(page.evaluate(PING, root))
    nb.goto_doc(ids[0])
    root = nb.widget().element_handle()
    for i in range(repeat + 2):
        word = page.evaluate(SELECT_WORD, [root, i * 3])
        assert word, "ran out of words"
        page.evaluate(WATCH_DRAW, root)
        began = time.perf_counter()
        page.keyboard.press("2")  # ORG, the entity layer being active
        done = committed(db, i + 1)
        drawn = page.evaluate("window.__drawn")
        if i >= 2:  # the first presses warm up the paths
            out["commit"].append((done - began) * 1000)
            out["draw"].append(drawn)
    page.keyboard.press("Escape")
    for i in range(repeat + 2):
        key, target = ("n", ids[1]) if i % 2 == 0 else ("p", ids[0])
        ms = page.evaluate(NAVIGATE, [root, key, target])
        if i >= 2:
            out["next"].append(ms)
    return out


def screenshots(nb: NotebookPage, crowded: str) -> list[Path]:
    """The widget as the annotator sees it: a seed article with a quote accepted with its
    speaker and cue (so its links show) and the quote selected; and a benchmark article with
    its 150 suggestions and one of them selected (so its reason shows)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    shots = []
    plan = [
        (
            "384a15b6b5dbf696",
            ["q", "Tab", "Enter", "s", "Tab", "Enter", "c", "Tab", "Enter", "q", "Tab"],
            "annotator.png",
        ),
        (crowded, ["e", "Tab", "Tab", "Tab"], "annotator-150-suggestions.png"),
    ]
    for doc_id, keys, name in plan:
        nb.goto_doc(doc_id)
        nb.press("Escape", *keys)
        nb.page.wait_for_timeout(500)
        widget = nb.widget()
        widget.locator(".an-text").evaluate("el => { el.scrollTop = 0; }")
        widget.scroll_into_view_if_needed()
        path = RESULTS / name
        widget.screenshot(path=str(path))
        shots.append(path)
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="10 repeats instead")
    args = parser.parse_args()
    repeat = 10 if args.quick else max(20, args.repeat)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-widget-") as tmp:
        folder = Path(tmp)
        db, ids, n_words = build_project(folder)
        lab = Lab.start(folder / "lab", db=db, annotator=ANNOTATOR)
        try:
            with sync_playwright() as driver:
                chromium = launch_chromium(driver, folder / "chromium-home")
                try:
                    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(30_000)
                    nb = NotebookPage(lab, page).open()
                    nb.run_all()
                    results = measure(nb, db, ids, repeat)
                    shots = screenshots(nb, ids[1])
                finally:
                    chromium.close()
        finally:
            lab.stop()

    def median(name: str) -> float:
        return statistics.median(results[name])

    def worst(name: str) -> float:
        return max(results[name])

    base = median("ping")
    print(
        f"annotator widget, {n_words} words and {N_SUGGESTIONS} suggestions per article, "
        f"median of {repeat} (max in brackets)"
    )
    print(
        f"  baseline: no-op round trip page -> kernel -> page   {base:7.1f} ms "
        f"({worst('ping'):.1f})"
    )
    rows = [
        ("key press -> span committed in SQLite", "commit", 50.0),
        ("key press -> span drawn in the page", "draw", None),
        ("key press -> next document drawn", "next", 300.0),
    ]
    for label, name, target in rows:
        goal = f"target < {target:.0f} ms" if target else ""
        print(
            f"  {label:<48} {median(name):7.1f} ms ({worst(name):.1f})  "
            f"x{median(name) / base:4.1f} baseline  {goal}"
        )
    for shot in shots:
        print(f"  screenshot: {shot.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
