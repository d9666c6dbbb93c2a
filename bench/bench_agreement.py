"""The full agreement report on a synthetic corpus: 1,000 documents × 3 annotators.

Each document is a ~3,000-character article with the span densities of the seed articles
(about 30 entities, 4 quotes with their source and cue, 3 claims). Three annotators copy a
hidden reference with realistic noise: they miss some spans, move some boundaries by a word,
change some labels and add a few of their own. Everything is written into a real SQLite
store; the figures are the load from the store (``load_tables``) and the report from the
tables (``agreement``), against a target of 5 s for the report. The baseline, measured in the
same run, is strict pairwise F1 alone (set intersections of (doc, layer, label, start, end)
tuples), the least any agreement figure costs.

    .venv/bin/python bench/bench_agreement.py [--quick] [--docs 1000] [--annotators 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from annotate.corpus.ingest import ingest
from annotate.formats.dataset import load_tables
from annotate.scoring.agreement import agreement
from annotate.scoring.chance import token_offsets
from annotate.scoring.evaluate import evaluate
from annotate.store import Store
from annotate.store import tables as t
from annotate.store.bulk import insert_rows

_SENTENCE = (
    "the government said on Tuesday that prices would rise again next year while officials in "
    "the capital warned of further delays to the plan and analysts expected growth to slow "
    "sharply as exports fell by a third compared with last year according to figures released"
)
WORDS = _SENTENCE.split()
NAMES = ["Vladimir Putin", "Narendra Modi", "Donald Trump", "Steve Witkoff", "Volodymyr Zelensky"]
PLACES = ["Moscow", "Delhi", "Ukraine", "Donbas", "Florida", "Washington"]
ORGS = ["the Kremlin", "India Today", "Reuters", "the BBC", "Nato"]
CUES = ["said", "told reporters", "warned", "added", "according to"]
CLAIM_LABELS = ["QUANTITY", "COMPARISON", "CHANGE", "PREDICTION", "CAUSAL"]
ENTITY_LABELS = {"PERSON": NAMES, "GPE": PLACES, "ORG": ORGS}


def _article(rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    """A text and its reference spans (layer, label, start, end, key, links)."""
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    length = 0

    def emit(piece: str) -> tuple[int, int]:
        nonlocal length
        start = length
        parts.append(piece)
        length += len(piece)
        return start, length

    n = 0
    while length < 3000:
        n += 1
        kind = rng.random()
        if kind < 0.2:  # a quote with its speaker and cue
            label = rng.choice(list(ENTITY_LABELS))
            name = rng.choice(ENTITY_LABELS["PERSON"])
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18)))
            q = emit(f"“{words.capitalize()},” ")
            s = emit(name)
            emit(" ")
            c = emit(rng.choice(CUES))
            emit(". ")
            key = f"q{n}"
            spans += [
                {"layer": "quote", "label": "DIRECT", "span": q, "key": key},
                {"layer": "source", "label": "SOURCE", "span": s, "key": key + "s"},
                {"layer": "entity", "label": "PERSON", "span": s, "key": key + "e"},
                {"layer": "cue", "label": "CUE", "span": c, "key": key + "c"},
            ]
            del label
        elif kind < 0.35:  # a claim
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
            claim = emit(f"{words.capitalize()} by {rng.randint(2, 90)}%")
            emit(". ")
            spans.append(
                {"layer": "claim", "label": rng.choice(CLAIM_LABELS), "span": claim, "key": f"c{n}"}
            )
        else:  # a sentence with entities
            emit(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))) + " ")
            for _ in range(rng.randint(1, 3)):
                label = rng.choice(list(ENTITY_LABELS))
                span = emit(rng.choice(ENTITY_LABELS[label]))
                spans.append({"layer": "entity", "label": label, "span": span, "key": f"e{n}{_}"})
                emit(" " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))) + " ")
            emit(". ")
    return "".join(parts), spans


def _copy(rng: random.Random, text: str, reference: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One annotator's version of the reference: misses, moved boundaries, relabels, extras."""
    out = []
    for span in reference:
        if rng.random() < 0.08:
            continue
        start, end = span["span"]
        label = span["label"]
        roll = rng.random()
        if roll < 0.06 and " " in text[start:end]:
            start = text.index(" ", start) + 1  # drop the first word
        elif roll < 0.10 and span["layer"] == "entity":
            label = rng.choice([x for x in ENTITY_LABELS if x != label])
        out.append({**span, "span": (start, end), "label": label})
    for _ in range(rng.randint(0, 2)):  # something only this annotator saw
        start = rng.randrange(0, len(text) - 20)
        start = text.find(" ", start) + 1
        end = text.find(" ", start + 3)
        if 0 < start < end and not any(
            s["layer"] == "entity" and s["span"][0] < end and start < s["span"][1] for s in out
        ):
            out.append({"layer": "entity", "label": "ORG", "span": (start, end), "key": "x"})
    return out


def build_store(folder: Path, n_docs: int, n_annotators: int, seed: int = 0) -> Store:
    rng = random.Random(seed)
    store = Store(folder / "bench.db")
    corpus = folder / "corpus.jsonl"
    articles = [_article(rng) for _ in range(n_docs)]
    with corpus.open("w", encoding="utf-8") as handle:
        for i, (text, _) in enumerate(articles):
            handle.write(json.dumps({"id": f"doc{i:05d}", "text": text}) + "\n")
    ingest(store, [corpus])
    hashes = store.document_hashes()
    names = [f"annotator{k}" for k in range(n_annotators)]
    for name in names:
        store.add_annotator(name)
    now = t.utcnow()
    for name in names:
        span_rows: list[dict[str, Any]] = []
        relation_rows: list[dict[str, Any]] = []
        status_rows: list[dict[str, Any]] = []
        for i, (text, reference) in enumerate(articles):
            doc_id = f"doc{i:05d}"
            ids: dict[str, str] = {}
            for span in _copy(rng, text, reference):
                span_id = uuid.uuid4().hex
                ids[span["key"]] = span_id
                start, end = span["span"]
                span_rows.append(
                    {
                        "span_id": span_id,
                        "doc_id": doc_id,
                        "annotator": name,
                        "layer": span["layer"],
                        "label": span["label"],
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "origin": "manual",
                        "attrs": {"checkworthy": "yes"} if span["layer"] == "claim" else {},
                        "doc_sha256": hashes[doc_id],
                        "source_span_id": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            for key in ids:
                if key.startswith("q") and key[1:].isdigit():
                    for suffix, type_ in (("s", "said_by"), ("c", "cue")):
                        if key + suffix in ids:
                            relation_rows.append(
                                _relation(doc_id, name, type_, ids[key], ids[key + suffix], now)
                            )
                    if key + "s" in ids and key + "e" in ids:
                        relation_rows.append(
                            _relation(
                                doc_id, name, "refers_to", ids[key + "s"], ids[key + "e"], now
                            )
                        )
            status_rows.append(
                {
                    "doc_id": doc_id,
                    "annotator": name,
                    "status": "done",
                    "comment": None,
                    "updated_at": now,
                }
            )

        def work(
            connection: Any, spans=span_rows, relations=relation_rows, status=status_rows
        ) -> None:
            insert_rows(connection, t.spans, spans)
            insert_rows(connection, t.relations, relations)
            insert_rows(connection, t.doc_status, status)

        store.write(work)
    return store


def _relation(doc_id: str, name: str, type_: str, head: str, tail: str, now: Any) -> dict[str, Any]:
    return {
        "relation_id": uuid.uuid4().hex,
        "doc_id": doc_id,
        "annotator": name,
        "type": type_,
        "head_span_id": head,
        "tail_span_id": tail,
        "origin": "manual",
        "created_at": now,
    }


def baseline(tables: dict[str, Any]) -> float:
    """Strict pairwise F1 by set intersection: what the report must at least do."""
    began = time.perf_counter()
    spans = tables["spans"]
    keyed: dict[str, set[tuple[Any, ...]]] = {}
    for row in zip(
        spans["annotator"].tolist(),
        spans["doc_id"].tolist(),
        spans["layer"].astype(str).tolist(),
        spans["label"].astype(str).tolist(),
        spans["start"].tolist(),
        spans["end"].tolist(),
        strict=True,
    ):
        keyed.setdefault(row[0], set()).add(row[1:])
    for a, b in itertools.combinations(sorted(keyed), 2):
        tp = len(keyed[a] & keyed[b])
        _ = 2 * tp / (len(keyed[a]) + len(keyed[b]))
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 documents")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--annotators", type=int, default=3)
    args = parser.parse_args()
    n_docs = 200 if args.quick else args.docs
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        store = build_store(Path(tmp), n_docs, args.annotators)
        build_s = time.perf_counter() - began
        began = time.perf_counter()
        tables = load_tables(store)
        load_s = time.perf_counter() - began
        n_spans = len(tables["spans"])
        base_s = baseline(tables)
        # Importing spaCy happens once per process (a notebook has usually done it already);
        # it is timed on its own, and every document is tokenised inside the report's time.
        began = time.perf_counter()
        token_offsets("")
        import_s = time.perf_counter() - began
        report_s = []
        # A large corpus is reported once (and not again from the store): minutes each.
        large = n_docs > 5000
        for _ in range(1 if large else 2):
            token_offsets.cache_clear()
            began = time.perf_counter()
            report = agreement(tables)
            report_s.append(time.perf_counter() - began)
        began = time.perf_counter()
        if not large:
            agreement(store)
        store_s = time.perf_counter() - began
        # A system against gold on the same spans: the second annotator scored against the
        # first, every layer.
        began = time.perf_counter()
        evaluate(tables, tables, gold_annotator="annotator0", pred_annotator="annotator1")
        evaluate_s = time.perf_counter() - began
        store.close()
    best = min(report_s)
    target = 5.0 * n_docs / 1000
    print(f"documents            {n_docs}")
    print(f"annotators           {args.annotators}")
    print(f"spans                {n_spans}")
    print(f"build store          {build_s:8.2f} s")
    print(f"load tables          {load_s:8.2f} s   (load_tables from SQLite)")
    print(f"spaCy import         {import_s:8.2f} s   (once per process)")
    print(
        f"report from tables   {best:8.2f} s   (best of {len(report_s)}: "
        + ", ".join(f"{t:.2f}" for t in report_s)
        + f"; target {target:.1f} s: {'ok' if best <= target else 'SLOW'})"
    )
    if not large:
        print(f"report from store    {store_s:8.2f} s   (load + report)")
    print(f"baseline strict F1   {base_s:8.3f} s   (report / baseline {best / base_s:.0f}x)")
    print(f"evaluate             {evaluate_s:8.2f} s   (annotator1 against annotator0)")
    print(f"per span             report {best / n_spans * 1e6:.1f} us, load "
          f"{load_s / n_spans * 1e6:.1f} us, evaluate {evaluate_s / n_spans * 1e6:.1f} us "
          f"({n_spans:,} spans)")
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory {peak:8.0f} MB")
    entity = report.summary.set_index("layer").loc["entity"]
    print(
        f"entity strict F {entity['strict_f']:.3f}  overlap F {entity['overlap_f']:.3f}  "
        f"alpha (all tokens) {entity['alpha_tokens']:.3f}  alpha_u {entity['alpha_u']:.3f}"
    )
    print(f"load average         {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
