"""Reviewers adjudicating the same documents at once: decisions per second, and none lost.

1, 2, 4 and 8 reviewer processes open the same documents at the same instant (writing the
agreements) and decide as fast as they can a disjoint share of the units each plus a share all
of them try (the load of tests/test_adjudication_concurrency.py), on one SQLite file and one
PostgreSQL database (a throwaway server on loopback, started here). Printed per run: decisions
taken, attempts refused because another reviewer had decided first, units lost (no decision)
and applied twice, gold spans held twice, decisions per second and latency; the ratio is the
throughput against one reviewer on the same back end.

    .venv/bin/python bench/bench_adjudication.py [--documents 4] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.store import Store
from tests.support.adjudication_workload import build, units
from tests.support.pgserver import PostgresServer


def run(url: str, reviewers: int, documents: int, folder: Path) -> dict[str, float]:
    store = Store(url)
    build(store, folder, documents=documents, reviewers=reviewers)
    todo = units(store)
    start_at = time.time() + 4.0
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.adjudication_workload", url, str(w),
             str(reviewers), str(start_at), str(folder / f"r{reviewers}_{w}.json")],
            cwd=ROOT,
        )
        for w in range(reviewers)
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise SystemExit(f"a reviewer failed on {url}")
    results = [json.loads((folder / f"r{reviewers}_{w}.json").read_text())
               for w in range(reviewers)]
    taken = Counter(item["index"] for r in results for item in r["taken"])
    decided = {(d.doc_id, d.unit_id) for d in store.adjudications() if d.decision != "agreed"}
    gold = Counter((s.doc_id, s.layer, s.label, s.start, s.end)
                   for s in store.spans(annotator="gold"))
    store.close()
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    latencies = sorted(v for r in results for v in r["latencies"])
    return {
        "units": len(todo),
        "taken": sum(taken.values()),
        "refused": sum(len(r["refused"]) for r in results),
        "lost": len(todo) - len(decided),
        "twice": sum(1 for n in taken.values() if n > 1),
        "gold_twice": sum(1 for n in gold.values() if n > 1),
        "decisions_per_s": sum(taken.values()) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    args = parser.parse_args()
    counts = (1, 4) if args.quick else (1, 2, 4, 8)
    documents = 2 if args.quick else args.documents
    server = PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for backend in ("sqlite", "postgresql"):
                baseline = None
                print(f"{backend}: reviewers  units  taken  refused  lost  twice  gold-twice  "
                      "decisions/s  p50 ms  p99 ms  ratio")
                for n in counts:
                    folder = Path(tmp) / f"{backend}{n}"
                    folder.mkdir()
                    url = (str(folder / "p.db") if backend == "sqlite"
                           else server.new_database())
                    r = run(url, n, documents, folder)
                    baseline = baseline or r["decisions_per_s"]
                    print(f"{'':10}{n:>9}  {r['units']:>5}  {r['taken']:>5}  {r['refused']:>7}"
                          f"  {r['lost']:>4}  {r['twice']:>5}  {r['gold_twice']:>10}"
                          f"  {r['decisions_per_s']:>11.1f}  {r['p50_ms']:>6.1f}"
                          f"  {r['p99_ms']:>6.1f}  {r['decisions_per_s'] / baseline:>5.2f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
