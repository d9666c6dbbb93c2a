"""Action throughput and commit latency with 1, 4 and 8 concurrent annotators.

Each annotator is its own process running the same seeded action stream the concurrency tests
use (add, relabel, delete, set status, add+undo), against one SQLite file and one PostgreSQL
database (a throwaway server on loopback, started here). The baseline is the single annotator
on the same back end: the ratio says what contention costs.

    .venv/bin/python bench/bench_concurrency.py [--actions 500] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.corpus.ingest import ingest
from annotate.store import Store
from tests.support.pgserver import PostgresServer


def run(url: str, annotators: int, actions: int, folder: Path) -> dict[str, float]:
    store = Store(url)
    ingest(store, [ROOT / "corpus"])
    store.close()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.workload", url, f"b{annotators}_{i}",
             str(actions), str(i), str(folder / f"lat{annotators}_{i}.json")],
            cwd=ROOT,
        )
        for i in range(annotators)
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise SystemExit(f"a worker failed on {url}")
    results = [
        json.loads((folder / f"lat{annotators}_{i}.json").read_text()) for i in range(annotators)
    ]
    # From the first action to the last, so process start-up is not counted as contention.
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    latencies = sorted(value for r in results for value in r["latencies"])
    return {
        "actions_per_s": annotators * actions / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    args = parser.parse_args()
    actions = 100 if args.quick else args.actions
    server = PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            print(f"concurrency: {actions} actions per annotator (one process each)")
            for backend in ("sqlite", "postgresql"):
                baseline = None
                for annotators in (1, 4, 8):
                    url = (str(folder / f"c{annotators}.db") if backend == "sqlite"
                           else server.new_database())
                    figures = run(url, annotators, actions, folder)
                    baseline = baseline or figures["actions_per_s"]
                    print(f"  {backend:10} {annotators} annotator(s): "
                          f"{figures['actions_per_s']:7.0f} actions/s "
                          f"(x{figures['actions_per_s'] / baseline:.2f} of 1)  "
                          f"p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:7.2f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
