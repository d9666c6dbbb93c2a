"""The store at scale: ingest, an annotator's writes during it, the overview, suggestions
written, tables and exports, at N documents (1k, 10k, 100k, 1M) on SQLite.

Each figure is printed with its baseline, measured in the same run on the same disk:

- ingest: ``ingest()`` of a JSON lines corpus against reading the same lines with
  ``json.loads`` and a bare ``sqlite3`` ``executemany`` of the rows in one transaction;
- annotator: while the ingest runs, another process adds a span or sets a status every 20 ms
  (a fast person's pace, many samples); its write latencies' p50/p99/max;
- overview: ``annotate status`` and ``project.status()`` + ``progress()`` in fresh processes
  (time and peak resident memory) against a bare ``SELECT`` of the same columns;
- suggestions: ``store_suggestions`` of 20 spans and 2 relations a document against a bare
  ``executemany`` of the same span rows;
- tables: ``project.tables()`` (up to --whole-tables-max documents, as it returns everything)
  and ``project.iter_tables()`` against ``pandas.read_sql`` of the same rows; peak memory
  growth while each runs;
- exports: Parquet (``project.export``) against ``read_sql`` in chunks + a pyarrow writer of
  the same rows; CSV and JSON Lines against ``read_sql`` in chunks + pandas' ``to_csv`` and
  ``to_json(lines=True)``, and against the Parquet baseline; DocBin against tokenising the
  same texts into DocBins with ``blank("en")``, and against DocBins built by hand from the
  same texts and spans (``handmade_docbins``).

    .venv/bin/python bench/bench_scale.py --docs 100000 [--folder /tmp/annotate-scale]

Databases go under --folder (default: a temporary folder under /tmp, removed at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY = (
    "the minister said talks would continue after officials met in the capital on monday "
    "while analysts warned that growth could slow as prices rose by percent and trade fell"
)
WORDS = VOCABULARY.split(" ")
SPANS_PER_DOC = 20  # --spans-per-doc
PYTHON = sys.executable


# --- measuring ---------------------------------------------------------------------------------


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


@contextmanager
def peak_growth() -> Iterator[dict[str, float]]:
    """Peak growth of this process's resident memory (MB) while the block runs."""
    result: dict[str, float] = {}
    base = _rss()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], _rss())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        done.set()
        thread.join()
        result["mb"] = (max(peak[0], _rss()) - base) / 2**20


def timed(step: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds, peak memory growth (MB) and the result of ``step``."""
    with peak_growth() as memory:
        began = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - began
    return seconds, memory["mb"], result


# The child's own peak (VmHWM, of the memory it has since exec): its ru_maxrss would count
# this process's resident memory at the fork, which is a gigabyte by the 1M run's overview.
_PEAK = (
    "\nimport sys\nprint('VmHWM', open('/proc/self/status').read().split('VmHWM:')[1].split()[0],"
    " file=sys.stderr)"
)


def in_process(code: str) -> tuple[float, float, str]:
    """Run ``code`` in a fresh Python: its own wall time (printed by it as the last line), the
    process's peak resident memory (MB) and its output."""
    began = time.perf_counter()
    process = subprocess.Popen([PYTHON, "-c", code + _PEAK], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - began
    if process.returncode != 0:
        raise RuntimeError(f"{code!r} failed: {err[-2000:]}")
    peak_kb = int(err.rsplit("VmHWM", 1)[1].split()[0])
    return wall, peak_kb / 1024, out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the corpus --------------------------------------------------------------------------------


def write_corpus(path: Path, n: int) -> None:
    rng = random.Random(0)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            words = [rng.choice(WORDS) for _ in range(60)]
            handle.write(json.dumps({
                "id": f"a{i:08d}", "text": "Story " + str(i) + ": " + " ".join(words) + ".",
                "title": f"Headline number {i}", "source": "Wire", "published": "2025-12-05",
            }) + "\n")


def bare_ingest(corpus: Path, db: Path) -> float:
    began = time.perf_counter()
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, "
                "published TEXT, text TEXT, text_sha256 TEXT, n_chars INT, meta TEXT, "
                "position INT)")
    import hashlib

    rows = []
    with corpus.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            record = json.loads(line)
            text = record["text"]
            rows.append((record["id"], record["title"], record["source"], record["published"],
                         text, hashlib.sha256(text.encode()).hexdigest(), len(text),
                         json.dumps({"line": number + 1}), number))
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)", rows)
    raw.execute("COMMIT")
    raw.close()
    return time.perf_counter() - began


# --- the annotator during the ingest -----------------------------------------------------------

ANNOTATOR = """
import json, sys, time
from pathlib import Path
from annotate.store import Store
url, stop, out = sys.argv[1:4]
store = Store(url)
documents = [(d, len(store.document(d).text)) for d in store.doc_ids()[:2]]
latencies, n = [], 0
Path(out + ".ready").touch()
while not Path(stop).exists():
    doc_id, n_chars = documents[n % 2]
    began = time.perf_counter()
    if n % 4 == 3:
        store.set_status(doc_id, ("done", "skipped", "flagged")[n % 3], annotator="alice")
    else:
        start = (n * 37) % (n_chars - 20)
        store.add_span(annotator="alice", doc_id=doc_id, layer="quote", label="DIRECT",
                       start=start, end=start + 10)
    latencies.append(time.perf_counter() - began)
    n += 1
    time.sleep(0.02)
Path(out).write_text(json.dumps(latencies))
"""


def ingest_with_annotator(url: str, corpus: Path, folder: Path) -> dict[str, Any]:
    from annotate.corpus.ingest import ingest
    from annotate.store import Store

    stop, out = folder / "stop", folder / "latencies.json"
    annotator = subprocess.Popen([PYTHON, "-c", ANNOTATOR, url, str(stop), str(out)], cwd=ROOT)
    while not Path(str(out) + ".ready").exists():
        time.sleep(0.05)
    store = Store(url)
    seconds, memory, report = timed(lambda: ingest(store, [corpus]))
    stop.touch()
    annotator.wait()
    store.close()
    latencies = json.loads(out.read_text())
    return {"seconds": seconds, "mb": memory, "added": len(report.added),
            "batches": report.batches, "latencies": latencies}


# --- suggestions -------------------------------------------------------------------------------


def store_suggestions(url: str) -> tuple[float, int, list[tuple[Any, ...]]]:
    from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
    from annotate.store import Store

    store = Store(url)
    ids = [d for d in store.doc_ids() if d.startswith("a")]
    labels = ["PERSON", "ORG", "GPE", "DATE", "PERCENT"]
    spans = 0
    elapsed = 0.0
    sample: list[tuple[Any, ...]] = []
    for at in range(0, len(ids), 64):
        documents = list(store.iter_documents(ids[at : at + 64]))
        items = []
        for document in documents:
            # Whole words, so that every format holds them exactly (no export notes).
            words: list[tuple[int, int]] = []
            at = 0
            for word in document.text.split(" "):
                words.append((at, at + len(word)))
                at += len(word) + 1
            made = [
                SpanSuggestion(f"e{k}", "entity", labels[k % 5], *words[2 + k],
                               {"reason": "bench", "confidence": 0.5})
                for k in range(max(0, SPANS_PER_DOC - 2))
            ]
            made += [
                SpanSuggestion("s", "source", "SOURCE", *words[30], {"speaker": "x"}),
                SpanSuggestion("q", "quote", "INDIRECT", words[32][0], words[40][1],
                               {"addressee": None}),
            ]
            relations = [RelationSuggestion("said_by", "q", "s")]
            if SPANS_PER_DOC > 2:  # an entity for the source to refer to
                relations.append(RelationSuggestion("refers_to", "s", "e0"))
            items.append((document, DocSuggestions(made, relations)))
            if len(sample) < 64 * SPANS_PER_DOC:
                sample += [(document.doc_id, s.layer, s.label, s.start, s.end,
                            document.text[s.start : s.end], json.dumps(s.attrs)) for s in made]
        began = time.perf_counter()
        spans += store.store_suggestions("spacy:bench@1/suggest@1", items)
        elapsed += time.perf_counter() - began
    store.close()
    return elapsed, spans, sample


def bare_spans(db: Path, sample: list[tuple[Any, ...]], n_rows: int) -> float:
    """executemany of as many span rows as the store wrote, 64 documents' rows a commit."""
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("CREATE TABLE spans (span_id TEXT PRIMARY KEY, doc_id TEXT, annotator TEXT, "
                "layer TEXT, label TEXT, start INT, \"end\" INT, text TEXT, origin TEXT, "
                "attrs TEXT, doc_sha256 TEXT, created_at TEXT, updated_at TEXT)")
    raw.execute("CREATE INDEX s1 ON spans (doc_id, annotator)")
    raw.execute("CREATE INDEX s2 ON spans (annotator)")
    import uuid

    now = "2025-12-05 10:00:00.000000"
    batch = 64 * SPANS_PER_DOC
    elapsed = 0.0
    for at in range(0, n_rows, batch):
        rows = [(uuid.uuid4().hex, *sample[k % len(sample)][:6], "model",
                 sample[k % len(sample)][6], "x" * 64, now, now)
                for k in range(at, min(n_rows, at + batch))]
        rows = [(r[0], r[1], "m", *r[2:]) for r in rows]
        began = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany("INSERT INTO spans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        raw.execute("COMMIT")
        elapsed += time.perf_counter() - began
    raw.close()
    return elapsed


# --- tables and exports ------------------------------------------------------------------------

SPAN_SQL = (
    'SELECT s.doc_id, s.annotator, s.span_id, s.layer, s.label, s.start, s."end", s.text, '
    "s.origin, s.attrs, s.created_at, s.updated_at FROM spans s"
)
TABLE_SQL = {
    "documents": "SELECT doc_id, title, source, published, text, text_sha256, n_chars, meta "
                 "FROM documents",
    "spans": SPAN_SQL,
    "relations": "SELECT doc_id, annotator, relation_id, type, head_span_id, tail_span_id "
                 "FROM relations",
    "doc_status": "SELECT doc_id, annotator, status, comment FROM doc_status",
}


def read_sql_all(db: Path) -> int:
    import pandas as pd

    connection = sqlite3.connect(db)
    frames = {name: pd.read_sql(sql, connection) for name, sql in TABLE_SQL.items()}
    connection.close()
    return sum(len(frame) for frame in frames.values())


def read_sql_parquet(db: Path, out: Path) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(exist_ok=True)
    connection = sqlite3.connect(db)
    for name, sql in TABLE_SQL.items():
        writer = None
        for frame in pd.read_sql(sql, connection, chunksize=100_000):
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
            writer.write_table(table.cast(writer.schema))
        if writer is not None:
            writer.close()
    connection.close()


def read_sql_text(db: Path, out: Path, fmt: str) -> None:
    """The tables' rows read by ``pandas.read_sql`` in chunks and written by pandas' own CSV
    or JSON Lines writer."""
    import pandas as pd

    out.mkdir(exist_ok=True)
    connection = sqlite3.connect(db)
    for name, sql in TABLE_SQL.items():
        path = out / f"{name}.{fmt}"
        for number, frame in enumerate(pd.read_sql(sql, connection, chunksize=100_000)):
            if fmt == "csv":
                frame.to_csv(path, mode="a" if number else "w", header=not number, index=False)
            else:
                with path.open("a" if number else "w", encoding="utf-8") as handle:
                    frame.to_json(handle, orient="records", lines=True, force_ascii=False)
    connection.close()


def blank_docbins(db: Path, out: Path) -> None:
    """DocBins of the texts alone, tokenised by ``blank("en")``."""
    import spacy

    nlp = spacy.blank("en")
    _docbin_parts(db, out, lambda connection, rows: nlp.pipe(text for _, text in rows))


def handmade_docbins(db: Path, out: Path) -> None:
    """DocBins as one would build them by hand from the same rows: each document tokenised
    once, and for each annotator a copy with its spans in ``doc.spans`` (by layer), its
    entities in ``doc.ents`` and its span rows in ``user_data``; no checks, no notes."""
    import spacy
    from spacy.util import filter_spans

    nlp = spacy.blank("en")

    def docs(connection: sqlite3.Connection, rows: list[Any]) -> Iterator[Any]:
        marks = ",".join("?" * len(rows))
        spans: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        for row in connection.execute(
            'SELECT doc_id, annotator, span_id, layer, label, start, "end", attrs FROM spans '
            f"WHERE doc_id IN ({marks})", [doc_id for doc_id, _ in rows]
        ):
            spans.setdefault(row[0], {}).setdefault(row[1], []).append(row)
        for doc_id, text in rows:
            tokenised = nlp.make_doc(text)
            for annotator, mine in spans.get(doc_id, {}).items():
                doc = tokenised.copy()
                layers: dict[str, list[Any]] = {}
                for _, _, span_id, layer, label, start, end, _ in mine:
                    span = doc.char_span(start, end, label=label, span_id=span_id,
                                         alignment_mode="expand")
                    if span is not None:
                        layers.setdefault(layer, []).append(span)
                for layer, group in layers.items():
                    doc.spans[layer] = group
                doc.ents = filter_spans(layers.get("entity", []))
                doc.user_data["annotate"] = {
                    "doc_id": doc_id, "annotator": annotator,
                    "spans": [{"span_id": r[2], "layer": r[3], "label": r[4], "start": r[5],
                               "end": r[6], "attrs": json.loads(r[7] or "{}")} for r in mine],
                }
                yield doc

    _docbin_parts(db, out, docs)


def _docbin_parts(
    db: Path, out: Path, docs: Callable[[sqlite3.Connection, list[Any]], Iterable[Any]]
) -> None:
    """A DocBin file for every 2,000 documents in queue order, of ``docs(connection, rows)``
    for their (doc_id, text) rows. srsly's msgpack registries are looked up once, as the
    export does (each lookup scans every installed package's entry points), so a baseline
    measures spaCy's work, not that scan."""
    from spacy.tokens import DocBin

    from annotate.formats.docbin import msgpack_hooks_once

    out.mkdir(exist_ok=True)
    connection = sqlite3.connect(db)
    cursor = connection.execute("SELECT doc_id, text FROM documents ORDER BY position")
    part = 0
    with msgpack_hooks_once():
        while rows := cursor.fetchmany(2000):
            docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
            for doc in docs(connection, rows):
                docbin.add(doc)
            part += 1
            docbin.to_disk(out / f"part{part}.spacy")
    connection.close()


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    global SPANS_PER_DOC
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 documents")
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--whole-tables-max", type=int, default=200_000,
                        help="largest project to read whole with project.tables()")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--no-docbin", action="store_true",
                        help="leave out the DocBin export and its baseline (the longest step)")
    parser.add_argument("--spans-per-doc", type=int, default=20,
                        help="suggested spans a document (at least 2: a source and a quote)")
    parser.add_argument("--postgres", action="store_true",
                        help="ingest (with the annotator) and status on a throwaway PostgreSQL "
                        "server instead, against a bare COPY of the same rows")
    args = parser.parse_args()
    SPANS_PER_DOC = max(2, args.spans_per_doc)
    n = 1000 if args.quick else args.docs
    folder = args.folder or Path(tempfile.mkdtemp(prefix="annotate-scale-", dir="/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"docs": n, "load_before": os.getloadavg()[0]}
    try:
        if args.postgres:
            run_postgres(n, folder, figures)
        else:
            run(n, folder, args, figures)
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    figures["load_after"] = os.getloadavg()[0]
    print(f"load average {figures['load_before']:.1f} before, {figures['load_after']:.1f} after, "
          f"on {os.cpu_count()} cores; peak RSS of this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


def run_postgres(n: int, folder: Path, figures: dict[str, Any]) -> None:
    import psycopg

    from annotate.corpus.ingest import ingest
    from annotate.store import Store
    from tests.support.pgserver import PostgresServer

    corpus = folder / "corpus.jsonl"
    write_corpus(corpus, n)
    server = PostgresServer().start()
    try:
        print(f"== PostgreSQL, {n:,} documents")
        bare_url = server.new_database().replace("postgresql+psycopg", "postgresql")
        began = time.perf_counter()
        import hashlib

        with psycopg.connect(bare_url) as connection:
            connection.execute(
                "CREATE TABLE documents (doc_id VARCHAR(64) PRIMARY KEY, title TEXT, source "
                "TEXT, published TEXT, text TEXT, text_sha256 TEXT, n_chars INT, meta JSON, "
                "position INT)")
            with corpus.open(encoding="utf-8") as handle, connection.cursor() as cursor, \
                    cursor.copy("COPY documents FROM STDIN") as copy:
                for number, line in enumerate(handle):
                    record = json.loads(line)
                    text = record["text"]
                    copy.write_row((record["id"], record["title"], record["source"],
                                    record["published"], text,
                                    hashlib.sha256(text.encode()).hexdigest(), len(text),
                                    json.dumps({"line": number + 1}), number))
        base = time.perf_counter() - began
        url = server.new_database()
        seeds = Store(url)
        ingest(seeds, [ROOT / "corpus"])
        seeds.close()
        done = ingest_with_annotator(url, corpus, folder)
        latencies = done["latencies"]
        figures["ingest"] = {"docs_per_s": n / done["seconds"], "baseline_docs_per_s": n / base,
                             "batches": done["batches"],
                             "annotator_p50_ms": statistics.median(latencies) * 1000,
                             "annotator_p99_ms": percentile(latencies, 0.99) * 1000,
                             "annotator_max_ms": max(latencies) * 1000,
                             "annotator_writes": len(latencies)}
        f = figures["ingest"]
        print(f"ingest        {f['docs_per_s']:>10,.0f} docs/s  baseline (json.loads + bare "
              f"COPY, one transaction) {f['baseline_docs_per_s']:,.0f} docs/s  ratio "
              f"{f['docs_per_s'] / f['baseline_docs_per_s']:.2f}  {f['batches']} batches")
        print(f"annotator     {f['annotator_writes']} writes during the ingest: p50 "
              f"{f['annotator_p50_ms']:.1f} ms  p99 {f['annotator_p99_ms']:.1f} ms  max "
              f"{f['annotator_max_ms']:.1f} ms")
        cli = in_process(
            "import time, sys; b = time.perf_counter(); from annotate.cli import main\n"
            "try:\n    main(['status', '--db', " + repr(url) + "])\nexcept SystemExit:\n"
            "    pass\nprint(time.perf_counter() - b)")
        figures["status"] = {"cli_s": float(cli[2].splitlines()[-1]), "cli_mb": cli[1]}
        print(f"status (CLI)  {figures['status']['cli_s']:>8.2f} s  {cli[1]:.0f} MB peak")
    finally:
        server.stop()


def run(n: int, folder: Path, args: argparse.Namespace, figures: dict[str, Any]) -> None:
    from annotate.corpus.ingest import ingest
    from annotate.project import open_project
    from annotate.store import Store

    corpus = folder / "corpus.jsonl"
    db = folder / "project.db"
    for path in folder.glob("*.db*"):
        path.unlink()
    write_corpus(corpus, n)
    url = str(db)
    print(f"== {n:,} documents ({corpus.stat().st_size / 2**20:.0f} MB of JSON lines)")

    base_ingest = bare_ingest(corpus, folder / "bare.db")
    seeds = Store(url)
    ingest(seeds, [ROOT / "corpus"])
    seeds.close()
    done = ingest_with_annotator(url, corpus, folder)
    latencies = done["latencies"]
    figures["ingest"] = {"docs_per_s": n / done["seconds"], "baseline_docs_per_s": n / base_ingest,
                         "mb": done["mb"], "batches": done["batches"],
                         "annotator_p50_ms": statistics.median(latencies) * 1000,
                         "annotator_p99_ms": percentile(latencies, 0.99) * 1000,
                         "annotator_max_ms": max(latencies) * 1000,
                         "annotator_writes": len(latencies)}
    f = figures["ingest"]
    print(f"ingest        {f['docs_per_s']:>10,.0f} docs/s  baseline (json.loads + bare "
          f"executemany, one transaction) {f['baseline_docs_per_s']:,.0f} docs/s  ratio "
          f"{f['docs_per_s'] / f['baseline_docs_per_s']:.2f}  peak +{f['mb']:.0f} MB  "
          f"{f['batches']} batches")
    print(f"annotator     {f['annotator_writes']} writes during the ingest: p50 "
          f"{f['annotator_p50_ms']:.1f} ms  p99 {f['annotator_p99_ms']:.1f} ms  max "
          f"{f['annotator_max_ms']:.1f} ms")

    # Some statuses for three people, so the overview has something to count.
    store = Store(url)
    ids = store.doc_ids()
    for name in ("alice", "bob", "carol"):
        store.add_annotator(name)
    from annotate.store import tables as t

    def statuses(connection: Any) -> None:
        rows = [{"doc_id": d, "annotator": name, "status": ("done", "skipped")[k % 2],
                 "comment": None, "updated_at": t.utcnow()}
                for k, d in enumerate(ids[::20]) for name in ("bob", "carol")]
        from annotate.store.bulk import insert_rows

        insert_rows(connection, t.doc_status, rows)

    store.write(statuses)
    store.close()

    bare = in_process(
        "import sqlite3, time; b = time.perf_counter(); c = sqlite3.connect(" + repr(url) + "); "
        "r = c.execute('SELECT doc_id, title, published, source, n_chars FROM documents "
        "ORDER BY position').fetchall(); print(time.perf_counter() - b)")
    cli = in_process(
        "import time, sys; b = time.perf_counter(); from annotate.cli import main\n"
        "try:\n    main(['status', '--db', " + repr(url) + "])\nexcept SystemExit:\n    pass\n"
        "print(time.perf_counter() - b)")
    api = in_process(
        "import time; import annotate, pandas, pyarrow; b = time.perf_counter(); "
        "p = annotate.open_project(" + repr(url) + "); f = p.status(); "
        "[p.progress(a) for a in ('alice', 'bob', 'carol')]; print(time.perf_counter() - b)")
    overview = in_process(
        "import time; import annotate, pandas, pyarrow; b = time.perf_counter(); "
        "p = annotate.open_project(" + repr(url) + "); o = p.overview(); "
        "[p.progress(a) for a in ('alice', 'bob', 'carol')]; print(time.perf_counter() - b)")
    lines = cli[2].splitlines()
    figures["status"] = {
        "cli_s": float(lines[-1]), "cli_mb": cli[1], "api_s": float(api[2].split()[-1]),
        "api_mb": api[1], "baseline_s": float(bare[2].split()[-1]), "baseline_mb": bare[1],
        "header": lines[0], "overview_s": float(overview[2].split()[-1]),
        "overview_mb": overview[1],
    }
    f = figures["status"]
    print(f"status (CLI)  {f['cli_s']:>8.2f} s  {f['cli_mb']:.0f} MB peak   "
          f"project.status()+progress() {f['api_s']:.2f} s {f['api_mb']:.0f} MB   baseline "
          f"(bare SELECT of the columns) {f['baseline_s']:.2f} s {f['baseline_mb']:.0f} MB   "
          f"ratio {f['api_s'] / f['baseline_s']:.2f}  [{f['header']}]")
    print(f"overview      project.overview()+progress() {f['overview_s']:.2f} s "
          f"{f['overview_mb']:.0f} MB peak (the process, pandas and pyarrow imported)")

    seconds, spans, sample = store_suggestions(url)
    base = bare_spans(folder / "bare_spans.db", sample, spans)
    figures["suggestions"] = {"spans": spans, "spans_per_s": spans / seconds,
                              "baseline_spans_per_s": spans / base}
    f = figures["suggestions"]
    print(f"suggestions   {f['spans_per_s']:>10,.0f} spans/s stored ({spans:,} spans)  baseline "
          f"(bare executemany) {f['baseline_spans_per_s']:,.0f} spans/s  ratio "
          f"{f['baseline_spans_per_s'] / f['spans_per_s']:.2f}x the baseline's time")
    for path in folder.glob("bare*.db*"):
        path.unlink()

    project = open_project(url)
    base_s, base_mb, rows = timed(lambda: read_sql_all(db))
    figures["tables"] = {"baseline_s": base_s, "baseline_mb": base_mb, "rows": rows}
    if n <= args.whole_tables_max:
        seconds, mb, tables = timed(project.tables)
        del tables
        figures["tables"].update(whole_s=seconds, whole_mb=mb)
    seconds, mb, _ = timed(lambda: sum(len(c["spans"]) for c in project.iter_tables()))
    figures["tables"].update(iter_s=seconds, iter_mb=mb)
    f = figures["tables"]
    whole = (f"project.tables() {f['whole_s']:.2f} s +{f['whole_mb']:.0f} MB (ratio "
             f"{f['whole_s'] / base_s:.2f})   " if "whole_s" in f else "")
    print(f"tables        {whole}iter_tables() {f['iter_s']:.2f} s +{f['iter_mb']:.0f} MB (ratio "
          f"{f['iter_s'] / base_s:.2f})   baseline (pandas.read_sql of the same {rows:,} rows) "
          f"{base_s:.2f} s +{base_mb:.0f} MB")

    base_s, base_mb, _ = timed(lambda: read_sql_parquet(db, folder / "bare_parquet"))
    seconds, mb, _ = timed(lambda: project.export(folder / "export", formats="parquet"))
    figures["parquet"] = {"s": seconds, "mb": mb, "baseline_s": base_s, "baseline_mb": base_mb}
    print(f"parquet       {seconds:>8.2f} s  +{mb:.0f} MB   baseline (read_sql in chunks + "
          f"pyarrow writer) {base_s:.2f} s +{base_mb:.0f} MB   ratio {seconds / base_s:.2f}")
    for fmt in ("csv", "jsonl"):
        text_s, text_mb, _ = timed(lambda f=fmt: read_sql_text(db, folder / f"bare_{f}", f))
        seconds, mb, _ = timed(lambda f=fmt: project.export(folder / f"export_{f}", formats=f))
        figures[fmt] = {"s": seconds, "mb": mb, "baseline_s": text_s, "baseline_mb": text_mb,
                        "parquet_baseline_s": base_s}
        print(f"{fmt:<13} {seconds:>8.2f} s  +{mb:.0f} MB   baseline (read_sql in chunks + pandas' "
              f"writer) {text_s:.2f} s +{text_mb:.0f} MB   ratio {seconds / text_s:.2f}   ratio to "
              f"the parquet baseline {seconds / base_s:.2f}")
    if args.no_docbin:
        project.close()
        return
    base_s, base_mb, _ = timed(lambda: blank_docbins(db, folder / "bare_docbin"))
    hand_s, hand_mb, _ = timed(lambda: handmade_docbins(db, folder / "hand_docbin"))
    seconds, mb, _ = timed(lambda: project.export(folder / "export_spacy", formats="spacy"))
    figures["docbin"] = {"s": seconds, "mb": mb, "baseline_s": base_s, "baseline_mb": base_mb,
                         "handmade_s": hand_s, "handmade_mb": hand_mb}
    print(f"docbin        {seconds:>8.2f} s  +{mb:.0f} MB   baseline (blank(en) DocBins of the "
          f"texts, no spans) {base_s:.2f} s +{base_mb:.0f} MB   ratio {seconds / base_s:.2f}   "
          f"hand-built DocBins of the same spans {hand_s:.2f} s +{hand_mb:.0f} MB   "
          f"ratio {seconds / hand_s:.2f}")
    project.close()
    for name in ("bare_parquet", "bare_csv", "bare_jsonl", "bare_docbin", "hand_docbin", "export",
                 "export_csv", "export_jsonl", "export_spacy"):
        shutil.rmtree(folder / name, ignore_errors=True)


if __name__ == "__main__":
    main()
