"""A reproducible stream of annotator actions, and the state it must leave behind.

Used by the concurrency and fault tests and by bench/bench_concurrency.py. :func:`plan` draws a
seeded sequence of operations from a model of the annotator's own work, independent of the
database; :func:`run_annotator` applies them through the public Store API; :func:`expected_state`
folds the first N of them into the state the store must then hold.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotate.store import Store

LABELS = ("DIRECT", "INDIRECT", "MIXED")
Op = tuple[Any, ...]


def plan(seed: int, documents: list[tuple[str, int]], count: int) -> Iterator[Op]:
    rng = random.Random(seed)
    live: list[int] = []  # local ids of spans that exist
    for number in range(count):
        doc_id, n_chars = documents[rng.randrange(len(documents))]
        roll = rng.random()
        if roll < 0.55 or not live:
            start = rng.randrange(0, n_chars - 40)
            live.append(number)
            yield ("add", number, doc_id, rng.choice(LABELS), start, start + rng.randrange(1, 40))
        elif roll < 0.75:
            yield ("update", live[rng.randrange(len(live))], rng.choice(LABELS))
        elif roll < 0.85:
            yield ("delete", live.pop(rng.randrange(len(live))))
        elif roll < 0.95:
            yield ("status", doc_id, rng.choice(("done", "skipped", "flagged")))
        else:
            start = rng.randrange(0, n_chars - 40)
            yield ("add_undo", doc_id, start, start + 10)


def expected_state(ops: list[Op]) -> dict[str, Any]:
    spans: dict[int, list[Any]] = {}
    statuses: dict[str, str] = {}
    events = 0
    for op in ops:
        if op[0] == "add":
            spans[op[1]] = [op[2], op[3], op[4], op[5]]
            events += 1
        elif op[0] == "update":
            events += spans[op[1]][1] != op[2]  # an update that changes nothing logs nothing
            spans[op[1]][1] = op[2]
        elif op[0] == "delete":
            del spans[op[1]]
            events += 1
        elif op[0] == "status":
            statuses[op[1]] = op[2]
            events += 1
        else:
            events += 2  # the span and its undo
    return {"spans": sorted(spans.values()), "statuses": statuses, "events": events}


def documents_of(store: Store) -> list[tuple[str, int]]:
    return [(d.doc_id, d.n_chars) for d in store.documents()]


def run_annotator(
    url: str,
    name: str,
    *,
    actions: int,
    seed: int,
    ack_path: str | None = None,
    documents: list[tuple[str, int]] | None = None,
) -> list[float]:
    """Apply the plan as annotator ``name``; return each action's latency in seconds.

    With ``ack_path``, each action's number is appended to that file right after its commit,
    so a test that kills the process knows which actions were acknowledged. ``documents``
    ((doc_id, n_chars) pairs) are those to work on, by default every document of the project.
    """
    store = Store(url)
    ids: dict[int, str] = {}
    latencies: list[float] = []
    ack = open(ack_path, "a", buffering=1) if ack_path else None  # noqa: SIM115
    try:
        chosen = documents if documents is not None else documents_of(store)
        for number, op in enumerate(plan(seed, chosen, actions)):
            began = time.perf_counter()
            if op[0] == "add":
                span = store.add_span(annotator=name, doc_id=op[2], layer="quote", label=op[3],
                                      start=op[4], end=op[5])
                ids[op[1]] = span.span_id
            elif op[0] == "update":
                store.update_span(ids[op[1]], annotator=name, label=op[2])
            elif op[0] == "delete":
                store.delete_span(ids[op[1]], annotator=name)
            elif op[0] == "status":
                store.set_status(op[1], op[2], annotator=name)
            else:
                store.add_span(annotator=name, doc_id=op[1], layer="quote", label="DIRECT",
                               start=op[2], end=op[3])
                store.undo(op[1], annotator=name)
            latencies.append(time.perf_counter() - began)
            if ack:
                ack.write(f"{number}\n")
    finally:
        if ack:
            ack.close()
        store.close()
    return latencies


def actual_state(store: Store, name: str) -> dict[str, Any]:
    spans = sorted([s.doc_id, s.label, s.start, s.end] for s in store.spans(annotator=name))
    statuses = {s.doc_id: s.status for s in store.statuses(annotator=name) if s.status}
    return {"spans": spans, "statuses": statuses, "events": len(store.events(annotator=name))}


if __name__ == "__main__":
    # python -m tests.support.workload URL NAME ACTIONS SEED OUT [ACK]
    # $WORKLOAD_DOCUMENTS: a JSON file of [doc_id, n_chars] pairs to work on.
    url, name, count, seed, out = sys.argv[1:6]
    began = time.time()
    listed = os.environ.get("WORKLOAD_DOCUMENTS")
    chosen = [tuple(pair) for pair in json.loads(Path(listed).read_text())] if listed else None
    timings = run_annotator(url, name, actions=int(count), seed=int(seed),
                            ack_path=sys.argv[6] if len(sys.argv) > 6 else None,
                            documents=chosen)  # type: ignore[arg-type]
    Path(out).write_text(json.dumps({"latencies": timings, "began": began, "ended": time.time()}))
