"""Store write speed on SQLite: one action per transaction, and bulk inserts.

Baselines measured in the same run on the same disk: a bare ``sqlite3`` INSERT + COMMIT with
the same pragmas (WAL, synchronous=NORMAL) for single actions, and a bare ``executemany`` for
bulk rows. The ratios say what the store's checks, event log and SQLAlchemy cost.

    .venv/bin/python bench/bench_store.py [--actions 500] [--bulk-docs 2000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from annotate.core.records import DocSuggestions, Document, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.store import Store

TEXT = (Path(__file__).resolve().parent.parent / "corpus" / "001_b2d94b789626c3bb.txt").read_text()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_actions(folder: Path, n: int) -> dict[str, float]:
    store = Store(folder / "actions.db")
    ingest(store, [Path(__file__).resolve().parent.parent / "corpus"])
    doc_id = store.doc_ids()[0]
    latencies = []
    for i in range(n):
        start = (i * 7) % 4000
        began = time.perf_counter()
        store.add_span(
            annotator="bench",
            doc_id=doc_id,
            layer="quote",
            label="DIRECT",
            start=start,
            end=start + 5,
        )
        latencies.append(time.perf_counter() - began)
    store.close()

    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT, s INT, e INT, label TEXT)")
    baseline = []
    for i in range(n):
        began = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t (doc, s, e, label) VALUES (?, ?, ?, ?)", ("d", i, i + 5, "X"))
        raw.execute("COMMIT")
        baseline.append(time.perf_counter() - began)
    raw.close()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "baseline_p50_ms": statistics.median(baseline) * 1000,
    }


def bench_bulk(folder: Path, n_docs: int, spans_per_doc: int = 20) -> dict[str, float]:
    store = Store(folder / "bulk.db")
    documents = [Document(doc_id=f"d{i}", text=f"{i} " + TEXT) for i in range(n_docs)]
    corpus = folder / "corpus.jsonl"
    import json

    corpus.write_text("\n".join(json.dumps({"id": d.doc_id, "text": d.text}) for d in documents))
    began = time.perf_counter()
    ingest(store, [corpus])
    ingest_s = time.perf_counter() - began

    items = [
        (
            d,
            DocSuggestions(
                spans=[
                    SpanSuggestion(
                        f"e{k}", "entity", "PERSON", 10 * k, 10 * k + 5, {"reason": "bench"}
                    )
                    for k in range(spans_per_doc)
                ]
            ),
        )
        for d in documents
    ]
    began = time.perf_counter()
    for i in range(0, len(items), 64):
        store.store_suggestions("spacy:bench@1/suggest@1", items[i : i + 64])
    bulk_s = time.perf_counter() - began
    n_spans = n_docs * spans_per_doc
    store.close()

    raw = sqlite3.connect(folder / "rawbulk.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute(
        "CREATE TABLE s (id TEXT PRIMARY KEY, doc TEXT, a TEXT, layer TEXT, label TEXT, "
        "s INT, e INT, text TEXT, attrs TEXT)"
    )
    rows = [
        (
            f"{d.doc_id}-{k}",
            d.doc_id,
            "m",
            "entity",
            "PERSON",
            10 * k,
            10 * k + 5,
            d.text[10 * k : 10 * k + 5],
            '{"reason": "bench"}',
        )
        for d in documents
        for k in range(spans_per_doc)
    ]
    began = time.perf_counter()
    for i in range(0, len(rows), 64 * spans_per_doc):
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO s VALUES (?,?,?,?,?,?,?,?,?)", rows[i : i + 64 * spans_per_doc]
        )
        raw.execute("COMMIT")
    raw_s = time.perf_counter() - began
    raw.close()
    return {
        "docs_per_s": n_docs / ingest_s,
        "spans_per_s": n_spans / bulk_s,
        "baseline_spans_per_s": n_spans / raw_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--bulk-docs", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    args = parser.parse_args()
    if args.quick:
        args.actions, args.bulk_docs = 100, 300
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        actions = bench_actions(folder, args.actions)
        bulk = bench_bulk(folder, args.bulk_docs)
    print(f"store: single action (add_span, own transaction + event), n={args.actions}")
    print(
        f"  p50 {actions['p50_ms']:.2f} ms   p99 {actions['p99_ms']:.2f} ms   "
        f"bare sqlite3 insert+commit p50 {actions['baseline_p50_ms']:.3f} ms   "
        f"ratio {actions['p50_ms'] / actions['baseline_p50_ms']:.1f}x"
    )
    print(f"store: bulk, {args.bulk_docs} documents")
    print(
        f"  ingest {bulk['docs_per_s']:,.0f} docs/s   suggestions {bulk['spans_per_s']:,.0f} "
        f"spans/s   bare executemany {bulk['baseline_spans_per_s']:,.0f} spans/s   "
        f"ratio {bulk['spans_per_s'] / bulk['baseline_spans_per_s']:.2f}"
    )


if __name__ == "__main__":
    main()
