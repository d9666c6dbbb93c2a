"""The annotator widget against corpus size: opening it and moving on, at 1k to 1M documents.

For each size, a SQLite project of short synthetic articles (a few with spans, as a real
project has) and, in the kernel, with the page's messages sent as the browser sends them:

- open: ``Annotator(store, annotator=...)`` until its first document and queue are drawn;
- next: ``goto next`` (the document, its spans and the queue window re-read) p50/p95;
- done and next: ``status done`` with ``advance`` p50/p95;
- synced: bytes of the JSON the page is sent for the queue and for the document;
- baseline, in the same run: reading one document and its spans from the store
  (``store.document`` + ``store.spans``), the least any move must do.

Growth is each figure over the 1k figure. The widget must not grow with the corpus.

    .venv/bin/python bench/bench_queue.py [--sizes 1000,10000,100000,1000000] [--moves 40]
    .venv/bin/python bench/bench_queue.py --quick   # 1k and 10k
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.core.records import Document
from annotate.store import Store
from annotate.widgets import Annotator

WORDS = [
    "the", "minister", "said", "talks", "would", "continue", "after", "officials", "met", "in",
    "the", "capital",
]  # fmt: skip
BATCH = 20_000


def build(path: Path, n: int) -> float:
    """A project of ``n`` documents; returns the seconds it took."""
    began = time.perf_counter()
    store = Store(path)
    for start in range(0, n, BATCH):
        batch = [
            Document(
                doc_id=f"d{i:07d}",
                text=" ".join(WORDS[(i + k) % len(WORDS)] for k in range(40)) + f" ({i}).",
                title=f"Article {i}",
            )
            for i in range(start, min(n, start + BATCH))
        ]
        store.add_documents(batch)
    for i in range(0, min(n, 200)):  # a few documents with work already on them
        store.add_span(annotator="alice", doc_id=f"d{i:07d}", layer="entity", label="ORG",
                       start=4, end=12)  # fmt: skip
    store.close()
    return time.perf_counter() - began


class Page:
    """Sends the page's messages to a widget and returns its replies."""

    def __init__(self, widget: Annotator) -> None:
        self.widget = widget
        self.replies: list[dict[str, Any]] = []
        self.count = 0
        widget.send = self.replies.append

    def __call__(self, kind: str, **fields: Any) -> dict[str, Any]:
        self.count += 1
        self.widget._on_custom_msg(self.widget, {"kind": kind, "id": str(self.count), **fields}, [])
        reply = self.replies.pop()
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply


def timed(action: Callable[[], object], n: int) -> list[float]:
    times = []
    for _ in range(n):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure(path: Path, moves: int) -> dict[str, float]:
    store = Store(path)
    began = time.perf_counter()
    widget = Annotator(store, annotator="alice", doc_id="d0000100")
    opened = (time.perf_counter() - began) * 1000
    page = Page(widget)
    nexts = timed(lambda: page("goto", to="next"), moves)
    page("goto", to="d0000300")
    dones = timed(lambda: page("status", status="done", advance=True), moves)
    doc_ids = [f"d{i:07d}" for i in range(300, 300 + moves)]
    baseline = []
    for doc_id in doc_ids:
        began = time.perf_counter()
        store.document(doc_id)
        store.spans(doc_id=doc_id, annotator="alice")
        baseline.append((time.perf_counter() - began) * 1000)
    synced_queue = len(json.dumps(widget._queue))
    synced_doc = len(json.dumps(widget._doc))
    store.close()
    return {
        "open_ms": opened,
        "next_p50": statistics.median(nexts),
        "next_p95": p95(nexts),
        "done_p50": statistics.median(dones),
        "done_p95": p95(dones),
        "base_p50": statistics.median(baseline),
        "queue_bytes": synced_queue,
        "doc_bytes": synced_doc,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="1k and 10k documents only")
    args = parser.parse_args()
    sizes = [int(s) for s in ("1000,10000" if args.quick else args.sizes).split(",")]
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-queue-"))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; folder {folder}")
    print(f"{'docs':>9} {'build s':>8} {'open ms':>8} {'next p50/p95':>14} "
          f"{'done p50/p95':>14} {'baseline':>9} {'queue B':>8} {'doc B':>7} "
          f"{'peak MB':>8}")  # fmt: skip
    first: dict[str, float] | None = None
    for n in sizes:
        path = folder / f"queue{n}.db"
        built = build(path, n) if not path.exists() else 0.0
        # Each size in a fresh process would be cleaner for memory; the widget's figures are
        # per move, and the peak printed is this process's so far.
        figures = measure(path, args.moves)
        print(f"{n:>9,} {built:>8.1f} {figures['open_ms']:>8.1f} "
              f"{figures['next_p50']:>6.1f}/{figures['next_p95']:<7.1f} "
              f"{figures['done_p50']:>6.1f}/{figures['done_p95']:<7.1f} "
              f"{figures['base_p50']:>9.2f} {figures['queue_bytes']:>8,} "
              f"{figures['doc_bytes']:>7,} {figures['peak_mb']:>8.0f}")  # fmt: skip
        first = first or figures
        if n != sizes[0]:
            print(f"{'':>9} growth over {sizes[0]:,}: "
                  f"open {figures['open_ms'] / first['open_ms']:.2f}x"
                  f"  next {figures['next_p50'] / first['next_p50']:.2f}x"
                  f"  done {figures['done_p50'] / first['done_p50']:.2f}x"
                  f"  baseline {figures['base_p50'] / first['base_p50']:.2f}x")  # fmt: skip
    print(f"next over baseline at {sizes[-1]:,}: "
          f"{figures['next_p50'] / figures['base_p50']:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
