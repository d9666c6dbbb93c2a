"""Suggestion on a local Dask cluster against raw ``nlp.pipe``, per worker.

The same articles (seed paragraphs recombined, about 900 tokens each) go through:

1. the baseline: raw ``nlp.pipe`` in this process, one core;
2. ``annotate suggest --cluster local:W`` for W = 1 and 2 worker processes, end to end: the
   client reads the articles from a SQLite project, the workers parse them and run every rule,
   the client writes the suggestions. Clusters are started and their pipelines loaded before
   the clock starts (a long run pays that once).

Prints articles/s and tokens/s for each, and per worker the ratio to the raw baseline (the
target is at least 0.9; suggestion's rules cost about a tenth on top of parsing). On a machine
with other work running, two workers share two busy cores: the load average is printed.

    .venv/bin/python bench/bench_cluster.py [--articles 48] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotate.corpus.ingest import ingest
from annotate.store import Store
from annotate.suggest import cluster, pipeline
from annotate.suggest.model import load_model
from bench.bench_suggest import articles


def run_cluster(folder: Path, texts: list[str], workers: int, task_docs: int) -> float:
    """Seconds to suggest ``texts`` on ``workers`` local worker processes, client included."""
    corpus = folder / f"corpus{workers}.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n"
                              for i, t in enumerate(texts)))
    store = Store(folder / f"cluster{workers}.db")
    ingest(store, [corpus])
    with cluster.connect(f"local:{workers}") as client:
        client.run(cluster._pipeline, None)  # every worker loads the pipeline first
        began = time.perf_counter()
        suggester = cluster.cluster_suggester(client, None)
        todo, _ = pipeline.documents_to_suggest(store, suggester)
        found = cluster.suggest_on_cluster(
            client, store.iter_documents(todo), model=None, suggester=suggester,
            entity_labels=store.scheme.layer("entity").label_names,
            quote_labels=store.scheme.layer("quote").label_names, task_docs=task_docs,
        )
        stored = pipeline.store_as_they_come(
            store, suggester, found, total=len(todo), progress=False
        )
        seconds = time.perf_counter() - began
    assert len(todo) == len(texts) and stored > 0
    store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--task-docs", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="16 articles")
    args = parser.parse_args()
    n = 16 if args.quick else args.articles
    texts = list(articles(n))
    nlp = load_model()
    n_tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts))
    for _ in nlp.pipe(texts[:2]):
        pass  # warm up
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    raw = time.perf_counter() - began
    print(f"{n} articles, {n_tokens:,} tokens ({n_tokens / n:.0f} a text)")
    print(f"{'run':<34}{'seconds':>9}{'articles/s':>12}{'tokens/s':>10}{'per worker':>12}")
    print(f"{'baseline: raw nlp.pipe, 1 process':<34}{raw:>9.1f}{n / raw:>12.2f}"
          f"{n_tokens / raw:>10,.0f}{1.0:>12.2f}")
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        for workers in (1, 2):
            seconds = run_cluster(Path(tmp), texts, workers, args.task_docs)
            ratio = (n_tokens / seconds / workers) / (n_tokens / raw)
            print(f"{f'suggest --cluster local:{workers}':<34}{seconds:>9.1f}{n / seconds:>12.2f}"
                  f"{n_tokens / seconds:>10,.0f}{ratio:>12.2f}")
    print(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
