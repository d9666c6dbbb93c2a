"""Store write speed on SQLite: one action per transaction, and bulk inserts.

Baselines measured in the same run on the same disk: a bare ``sqlite3`` INSERT + COMMIT with
the same pragmas (WAL, synchronous=NORMAL) for single actions, and a bare ``executemany`` for
bulk rows. The ratios say what the store's checks, event log and SQLAlchemy cost.

    .venv/bin/python bench/bench_store.py [--actions 500] [--bulk-docs 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
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


def bench_guard(folder: Path, n: int = 20_000) -> dict[str, float]:
    """What refusing NUL bytes and over-long values costs on a bulk insert of ``n`` span rows:
    the per-row guard SQLAlchemy's executemany runs (faults.guard_values) and the column-wise
    checks of the bulk insert (bulk.py), each per row and against the whole insert."""
    import uuid

    import sqlalchemy as sa

    from annotate.store import bulk, faults
    from annotate.store import tables as t

    store = Store(folder / "guard.db")
    ingest(store, [Path(__file__).resolve().parent.parent / "corpus"])
    doc_id = store.doc_ids()[0]
    model = "spacy:bench@1/suggest@1"
    store.add_annotator(model, kind="model")
    now = t.utcnow()
    rows = [
        {"span_id": uuid.uuid4().hex, "doc_id": doc_id, "annotator": model, "layer": "entity",
         "label": "ORG", "start": k, "end": k + 5, "text": "words", "origin": "model",
         "attrs": {"reason": "bench", "confidence": 0.5}, "doc_sha256": "0" * 64,
         "source_span_id": None, "created_at": now, "updated_at": now}
        for k in range(n)
    ]
    captured: dict[str, object] = {}

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def grab(
        _c: object, _cur: object, sql: str, params: object, context: object, many: bool
    ) -> None:
        if many and "INSERT INTO spans" in sql and "call" not in captured:
            captured["call"] = (params, context)

    def rolled_back(step: object) -> float:
        def work(connection: object) -> None:
            step(connection)  # type: ignore[operator]
            raise RuntimeError("rolled back: the same rows serve every measurement")

        began = time.perf_counter()
        with contextlib.suppress(RuntimeError):
            store.write(work)
        return time.perf_counter() - began

    orm_s = rolled_back(lambda c: c.execute(t.spans.insert(), rows))
    bulk_s = rolled_back(lambda c: bulk.insert_rows(c, t.spans, rows))
    params, context = captured["call"]  # type: ignore[misc]
    began = time.perf_counter()
    faults.guard_values(params, context)
    per_row_s = time.perf_counter() - began
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    texts = [json.dumps(value) for value in columns["attrs"]]  # what the JSON type writes
    began = time.perf_counter()
    for key, values in columns.items():
        bulk._checked("spans", t.spans.c[key], values)
    bulk._check_json("spans", "attrs", columns["attrs"], texts)
    column_s = time.perf_counter() - began
    store.close()
    return {"rows": n, "guard_us": per_row_s / n * 1e6, "column_us": column_s / n * 1e6,
            "executemany_us": orm_s / n * 1e6, "bulk_us": bulk_s / n * 1e6}


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
        guard = bench_guard(folder, 2000 if args.quick else 20_000)
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
    print(f"store: the value guard on a bulk insert of {guard['rows']:,} span rows")
    print(
        f"  per-row guard (SQLAlchemy executemany) {guard['guard_us']:.2f} us/row of "
        f"{guard['executemany_us']:.1f} us/row; column-wise checks (bulk insert) "
        f"{guard['column_us']:.2f} us/row of {guard['bulk_us']:.1f} us/row "
        f"({guard['column_us'] / guard['bulk_us']:.0%} of it)"
    )


if __name__ == "__main__":
    main()
