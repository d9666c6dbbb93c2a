"""Export speed and memory on a synthetic corpus: 5,000 documents, 100,000 spans.

Run: ``.venv/bin/python bench/bench_export.py [--docs N] [--spans N] [--seed N]``

Prints, for each step, the wall time, the ratio to a baseline measured in the same run, and
the peak growth of the process's resident memory while the step ran:

- Parquet: ``write_tables`` (coerce + JSON text for dict columns + pyarrow) against a bare
  ``DataFrame.to_parquet`` of the same frames; target under 3 s;
- export: ``export(formats=["parquet"])`` with staging folder and manifest (sha256 of files);
- DocBin: ``write_docbin`` against tokenising the texts alone with ``spacy.blank("en")``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import random
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from annotate.formats import export, write_docbin, write_tables
from annotate.formats.flatten import flatten_claims, flatten_quotes
from annotate.formats.tables import coerce

PARQUET_TARGET_S = 3.0
VOCABULARY = (
    "the minister said talks would continue after officials met in the capital on monday "
    "while analysts warned that growth could slow as prices rose by percent and trade fell "
    "according to figures released by the bank"
)
WORDS = VOCABULARY.split()
NAMES = ["Vladimir Putin", "Narendra Modi", "India Today", "Kremlin", "Delhi", "Moscow", "BBC"]
ENTITY_LABELS = ["PERSON", "ORG", "GPE", "DATE", "PERCENT", "MONEY"]
WORDS_PER_DOC = 220


def _span(
    doc_id: str,
    text: str,
    starts: list[int],
    annotator: str,
    n: int,
    layer: str,
    label: str,
    first: int,
    last: int,
    **attrs: Any,
) -> dict[str, Any]:
    """A span row covering words ``first``..``last`` (so always on token boundaries)."""
    start = starts[first]
    end = text.index(" ", starts[last]) if last + 1 < len(starts) else len(text) - 1
    return {
        "doc_id": doc_id,
        "annotator": annotator,
        "span_id": f"{doc_id}/{annotator}/{n}",
        "layer": layer,
        "label": label,
        "start": start,
        "end": end,
        "text": text[start:end],
        "origin": "manual",
        "attrs": attrs,
    }


def synthetic(n_docs: int, n_spans: int, *, seed: int) -> dict[str, pd.DataFrame]:
    """Contract tables: two annotators a document, spans on word boundaries, no overlaps
    inside the entity layer, and a quote with source and cue plus a claim per annotator."""
    rng = random.Random(seed)
    n_entities = max(n_spans // (2 * n_docs), 4) - 4  # the rest: quote, source, cue, claim
    now = pd.Timestamp(dt.datetime(2025, 12, 5, tzinfo=dt.UTC))
    doc_ids: list[str] = []
    texts: list[str] = []
    spans: list[dict[str, Any]] = []
    relations: list[tuple[str, str, str, str, str, str]] = []
    for d in range(n_docs):
        words = [rng.choice(WORDS) for _ in range(WORDS_PER_DOC)]
        for slot in range(0, 200, 10):
            words[slot] = rng.choice(NAMES)
        text = " ".join(words) + "."
        starts = [0]
        for word in words[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        doc_id = f"doc-{d:05d}"
        doc_ids.append(doc_id)
        texts.append(text)
        for annotator in ("alice", "bob"):
            rows = [
                _span(
                    doc_id,
                    text,
                    starts,
                    annotator,
                    len(spans) + n,
                    "entity",
                    rng.choice(ENTITY_LABELS),
                    slot,
                    slot,
                )
                for n, slot in enumerate(rng.sample(range(0, 200, 10), n_entities))
            ]
            base = len(spans) + len(rows)
            source, cue, quote, claim = (
                _span(doc_id, text, starts, annotator, base, "source", "SOURCE", 201, 201),
                _span(doc_id, text, starts, annotator, base + 1, "cue", "CUE", 202, 202),
                _span(
                    doc_id,
                    text,
                    starts,
                    annotator,
                    base + 2,
                    "quote",
                    "INDIRECT",
                    203,
                    210,
                    addressee="BBC",
                ),
                _span(
                    doc_id,
                    text,
                    starts,
                    annotator,
                    base + 3,
                    "claim",
                    "QUANTITY",
                    204,
                    209,
                    checkworthy="yes",
                    hedged=False,
                ),
            )
            spans += [*rows, source, cue, quote, claim]
            for type_, head, tail in (
                ("said_by", quote, source),
                ("cue", quote, cue),
                ("claimed_by", claim, source),
            ):
                relations.append(
                    (
                        doc_id,
                        annotator,
                        f"{head['span_id']}>{type_}",
                        type_,
                        head["span_id"],
                        tail["span_id"],
                    )
                )
    documents = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "title": None,
            "source": "synthetic",
            "published": "2025-12-05",
            "text": texts,
            "text_sha256": [hashlib.sha256(t.encode()).hexdigest() for t in texts],
            "n_chars": [len(t) for t in texts],
            "meta": [{} for _ in texts],
        }
    )
    status = pd.DataFrame(
        {
            "doc_id": doc_ids * 2,
            "annotator": ["alice"] * n_docs + ["bob"] * n_docs,
            "status": "done",
            "comment": None,
            "seconds_spent": 60.0,
        }
    )
    relation_columns = [
        "doc_id",
        "annotator",
        "relation_id",
        "type",
        "head_span_id",
        "tail_span_id",
    ]
    tables = {
        "documents": coerce("documents", documents),
        "spans": coerce("spans", pd.DataFrame(spans).assign(created_at=now, updated_at=now)),
        "relations": coerce("relations", pd.DataFrame(relations, columns=relation_columns)),
        "doc_status": coerce("doc_status", status),
    }
    tables["quotes"] = flatten_quotes(tables["spans"], tables["relations"])
    tables["claims"] = flatten_claims(tables["spans"], tables["relations"])
    return tables


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Sample resident memory every 5 ms; yields a dict that gets ``mb`` (peak growth)."""
    result: dict[str, float] = {}
    try:
        base = _rss()
    except ImportError:  # psutil is a dev dependency; fall back to the process peak
        yield result
        result["mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], _rss())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        done.set()
        thread.join()
        peak[0] = max(peak[0], _rss())
        result["mb"] = (peak[0] - base) / 2**20


def measure(name: str, step: Callable[[], Any], *, repeat: int = 1) -> tuple[float, float]:
    """Best wall time over ``repeat`` runs, and peak memory growth of the first run."""
    times = []
    memory = 0.0
    for n in range(repeat):
        gc.collect()
        with peak_rss() as rss:
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        if n == 0:
            memory = rss["mb"]
    return min(times), memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 20,000 spans")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.spans = 1000, 20_000

    start = time.perf_counter()
    tables = synthetic(args.docs, args.spans, seed=args.seed)
    built = time.perf_counter() - start
    rows = {name: len(frame) for name, frame in tables.items()}
    chars = int(tables["documents"]["n_chars"].sum())
    print(f"synthetic corpus: {rows} ({chars / 1e6:.1f} M characters), built in {built:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def bare_parquet() -> None:
            out = root / "bare"
            out.mkdir(exist_ok=True)
            for name, frame in tables.items():
                # the dict columns must become text for Parquet in any case
                plain = frame.assign(
                    **{c: frame[c].map(str) for c in ("meta", "attrs") if c in frame}
                )
                plain.to_parquet(out / f"{name}.parquet", index=False)

        def ours_parquet() -> None:
            write_tables(tables, root / "tables", fmt="parquet")

        def full_export() -> None:
            export(tables, root / "export", formats=["parquet"], filters={"bench": True})

        def tokenise_only() -> None:
            import spacy

            nlp = spacy.blank("en")
            for _ in nlp.pipe(tables["documents"]["text"].tolist(), batch_size=256):
                pass

        def docbin() -> None:
            write_docbin(tables, root / "spacy")

        import spacy  # loaded once here so neither DocBin figure pays for the import

        spacy.blank("en")
        base_parquet = measure("bare parquet", bare_parquet, repeat=3)
        parquet = measure("write_tables parquet", ours_parquet, repeat=3)
        exported = measure("export parquet", full_export, repeat=3)
        base_tokens = measure("tokenise", tokenise_only)
        spacy_bin = measure("write_docbin", docbin)
        size = sum(p.stat().st_size for p in (root / "spacy").iterdir()) / 2**20

    rows_out = [
        ("baseline: DataFrame.to_parquet", base_parquet, base_parquet),
        ("write_tables(fmt=parquet)", parquet, base_parquet),
        ("export(formats=[parquet])", exported, base_parquet),
        ("baseline: blank(en) tokenise", base_tokens, base_tokens),
        ("write_docbin", spacy_bin, base_tokens),
    ]
    print()
    print(f"{'step':<34}{'seconds':>9}{'x baseline':>12}{'peak +MB':>10}")
    for label, (seconds, memory), (baseline, _) in rows_out:
        print(f"{label:<34}{seconds:>9.2f}{seconds / baseline:>12.2f}{memory:>10.0f}")
    print()
    print(f"DocBin: {rows['documents']} documents x 2 annotators, {size:.1f} MB on disk")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {peak:.0f} MB")
    verdict = "OK" if exported[0] < PARQUET_TARGET_S else "TOO SLOW"
    print(f"Parquet export under {PARQUET_TARGET_S:.0f} s: {verdict} ({exported[0]:.2f} s)")
    return 0 if exported[0] < PARQUET_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
