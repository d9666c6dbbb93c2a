"""An ingest that keeps running: round after round of new articles until told to stop.

Used by the test of annotators working during an ingest and by bench/bench_ingest.py: started
before the annotator and stopped after it, it is certain to be writing the whole time the
annotator is, however fast either runs.

    python -m tests.support.ingest_loop URL FOLDER STOP_FILE OUT_JSON [DOCS_A_ROUND] [BATCH]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from annotate.corpus.ingest import ingest
from annotate.store import Store

VOCABULARY = (
    "the minister said talks would continue after officials met in the capital on monday while "
    "analysts warned that growth could slow as prices rose"
)
WORDS = VOCABULARY.split(" ")


def write_corpus(path: Path, *, first: int, n: int) -> None:
    """``n`` short articles with ids ``first``.. (one JSON line each)."""
    with path.open("w", encoding="utf-8") as handle:
        for number in range(first, first + n):
            words = [WORDS[(number * 7 + k * 3) % len(WORDS)] for k in range(60)]
            text = f"Article {number}: " + " ".join(words) + "."
            handle.write(json.dumps({"id": f"bulk{number:08d}", "text": text,
                                     "title": f"Bulk article {number}"}) + "\n")


def main(url: str, folder: Path, stop: Path, out: Path, per_round: int, batch: int) -> None:
    store = Store(url)
    rounds = added = batches = 0
    began = time.time()
    try:
        while not stop.exists():
            corpus = folder / f"round{rounds}.jsonl"
            write_corpus(corpus, first=rounds * per_round, n=per_round)
            report = ingest(store, [corpus], batch_size=batch)
            rounds += 1
            added += len(report.added)
            batches += report.batches
            corpus.unlink()
    finally:
        store.close()
    out.write_text(json.dumps({"rounds": rounds, "added": added, "batches": batches,
                               "began": began, "ended": time.time()}))


if __name__ == "__main__":
    url, folder, stop, out = sys.argv[1:5]
    per_round = int(sys.argv[5]) if len(sys.argv) > 5 else 20_000
    batch = int(sys.argv[6]) if len(sys.argv) > 6 else 2000
    main(url, Path(folder), Path(stop), Path(out), per_round, batch)
