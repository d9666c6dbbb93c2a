"""Suggestion on a local Dask cluster against raw ``nlp.pipe`` on one core, per worker.

The same articles (seed paragraphs recombined, about 640 tokens each) go through:

1. raw ``nlp.pipe`` in this process, with the BLAS thread pools as they come and limited to one
   thread (a Dask worker gets one: its nanny sets ``OPENBLAS_NUM_THREADS=1`` and the like). The
   one-thread run is the baseline every ratio is taken against;
2. ``suggest_texts`` in this process, one thread: parsing plus every rule, no cluster. Its ratio
   is the most a worker can reach, as a worker runs exactly that;
3. ``annotate suggest --cluster local:W`` for W = 1 and 2 worker processes, end to end: the
   client reads the articles from a SQLite project, the workers parse them and run every rule,
   the client writes the suggestions. Clusters are started and their pipelines loaded and
   warmed before the clock starts (a long run pays that once).

Prints articles/s and tokens/s, the CPU seconds of this process (for a cluster: client, the
local scheduler and the nannies, which all live in it) and of the workers, the baseline's CPU
seconds over the run's (how much of the work is parsing, whatever else runs on the machine),
and per worker the ratio of wall-clock speed to the one-core raw baseline (the target is at
least 0.9). With W workers on a machine of W cores the client's CPU comes out of the workers'
share, and other work on a shared machine does too: the load average is printed before each
run, and for each cluster the best it could do on otherwise idle cores, from its CPU seconds.

    .venv/bin/python bench/bench_cluster.py [--articles 400] [--task-docs 64] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from annotate.corpus.ingest import ingest
from annotate.store import Store
from annotate.suggest import cluster, pipeline
from annotate.suggest.engine import DEFAULT_QUOTE_LABELS, suggest_texts
from annotate.suggest.model import load_model
from bench.bench_suggest import LABELS, articles

TARGET = 0.9
WARM = 16  # articles parsed before any clock starts: a process's first batches are slower


class Run:
    """One measured run: wall seconds, CPU seconds here and in the workers, load before."""

    def __init__(self, name: str, workers: int = 1) -> None:
        self.name, self.workers = name, workers
        self.seconds = self.here = self.there = 0.0
        self.load = os.getloadavg()[0]

    @contextmanager
    def clock(self, children: list[Any] | None = None) -> Iterator[None]:
        self.load = os.getloadavg()[0]
        before = [_cpu(p) for p in children or []]
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds = time.perf_counter() - wall
        self.here = time.process_time() - cpu
        self.there = sum(_cpu(p) - b for p, b in zip(children or [], before, strict=True))


def _cpu(process: Any) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def raw_runs(nlp: Any, texts: list[str]) -> list[Run]:
    runs = [Run("raw nlp.pipe, threads as they come"), Run("raw nlp.pipe, one thread")]
    with runs[0].clock():
        for _ in nlp.pipe(texts, batch_size=32):
            pass
    with threadpool_limits(limits=1), runs[1].clock():
        for _ in nlp.pipe(texts, batch_size=32):
            pass
    return runs


def suggest_run(nlp: Any, texts: list[str]) -> Run:
    run = Run("suggest_texts, one process")
    with threadpool_limits(limits=1), run.clock():
        for _ in suggest_texts(nlp, texts, entity_labels=LABELS, batch_size=32):
            pass
    return run


def cluster_run(folder: Path, texts: list[str], workers: int, task_docs: int) -> Run:
    """``texts`` suggested on ``workers`` local worker processes, client included."""
    import psutil

    corpus = folder / f"corpus{workers}.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n"
                              for i, t in enumerate(texts)))
    store = Store(folder / f"cluster{workers}.db")
    ingest(store, [corpus])
    run = Run(f"suggest --cluster local:{workers}", workers)
    with cluster.connect(f"local:{workers}") as client:
        # Every worker loads the pipeline and parses as much first as this process did.
        client.run(cluster.suggest_batch, None, texts[:WARM], LABELS, DEFAULT_QUOTE_LABELS, (), 32)
        worker_processes = psutil.Process().children(recursive=True)
        with run.clock(worker_processes):
            suggester = cluster.cluster_suggester(client, None)
            todo, _ = pipeline.documents_to_suggest(store, suggester)
            found = cluster.suggest_on_cluster(
                client, store.iter_documents(todo), model=None, suggester=suggester,
                entity_labels=store.scheme.layer("entity").label_names,
                quote_labels=store.scheme.layer("quote").label_names, task_docs=task_docs,
                total=len(todo),
            )
            stored = pipeline.store_as_they_come(
                store, suggester, found, total=len(todo), progress=False
            )
    assert len(todo) == len(texts) and stored > 0
    store.close()
    return run


def report(runs: list[Run], baseline: Run, n: int, n_tokens: int) -> None:
    cores = os.cpu_count() or 1
    print(f"{'run':<36}{'load':>5}{'seconds':>8}{'art/s':>7}{'tokens/s':>9}"
          f"{'cpu here':>9}{'workers':>8}{'cpu ratio':>10}{'per worker':>11}")
    for run in runs:
        ratio = baseline.seconds / run.seconds / run.workers
        there = f"{run.there:>8.1f}" if run.there else f"{'-':>8}"
        work = baseline.here / (run.here + run.there)
        print(f"{run.name:<36}{run.load:>5.2f}{run.seconds:>8.1f}{n / run.seconds:>7.2f}"
              f"{n_tokens / run.seconds:>9,.0f}{run.here:>9.1f}{there}{work:>10.2f}{ratio:>11.2f}")
    print(f"per worker: tokens/s a worker against '{baseline.name}' (target {TARGET}); cpu "
          f"here: this process (for a cluster, client + scheduler + nannies); workers: the "
          f"worker processes' CPU seconds; cpu ratio: the baseline's CPU seconds over the run's "
          f"(here + workers); load: 1-minute average before the run, on {cores} cores")
    for run in runs:
        if run.there:
            # Alone on the machine, the workers would take their CPU seconds in parallel, and
            # the client's would come out of the same cores when there are no more cores
            # than workers.
            fastest = max(run.there / run.workers, (run.here + run.there) / cores)
            print(f"{run.name}: at best {baseline.here / fastest / run.workers:.2f} per worker "
                  f"on {cores} otherwise idle cores, from its CPU seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--task-docs", type=int, default=cluster.TASK_DOCS)
    parser.add_argument("--quick", action="store_true", help="48 articles")
    args = parser.parse_args()
    n = 48 if args.quick else args.articles
    texts = list(articles(n))
    nlp = load_model()
    n_tokens = sum(len(nlp.make_doc(text)) for text in texts)
    for _ in suggest_texts(nlp, texts[:WARM], entity_labels=LABELS):
        pass
    print(f"{n} articles, {n_tokens:,} tokens ({n_tokens / n:.0f} a text), tasks of at most "
          f"{args.task_docs} articles")
    runs = raw_runs(nlp, texts)
    runs.append(suggest_run(nlp, texts))
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        runs += [cluster_run(Path(tmp), texts, workers, args.task_docs) for workers in (1, 2)]
    report(runs, runs[1], n, n_tokens)
    print(f"load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
