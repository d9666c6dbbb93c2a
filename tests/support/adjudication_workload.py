"""Reviewers adjudicating one project at once, as fast as they can: the concurrency test's load.

:func:`build` makes a project where two annotators, ana and ben, disagree on many small units
of a few documents (label, boundaries, a missing span) and agree on others. Each reviewer
process (:func:`run_reviewer`) waits for a shared start time, so all of them open the same
documents at the same instant (writing the agreements), then decides its own share of the
units and a share every reviewer tries (first come, first decided), and writes down which of
its decisions the store took and which it refused because someone else had decided first.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from annotate.corpus.ingest import ingest
from annotate.errors import AnnotateError
from annotate.store import Store
from annotate.workflow.adjudicate import Unit, auto_accept_agreements, merge, resolve

PEOPLE = ("ana", "ben")
SLOTS = 40  # units of work per document
CHOICES = ("ana", "ben", "reject")


def build(store: Store, folder: Path, *, documents: int, reviewers: int) -> None:
    corpus = folder / "adjudication.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for d in range(documents):
            words = " ".join(f"Alpha{d}x{i} Beta{d}x{i}." for i in range(SLOTS))
            out.write(json.dumps({"id": f"doc{d}", "text": words}) + "\n")
    ingest(store, [corpus])
    for name in PEOPLE:
        store.add_annotator(name)
    for r in range(reviewers):
        store.add_annotator(f"r{r}", role="reviewer")
    for document in store.documents():
        text = document.text
        for i in range(SLOTS):
            first = text.index(f"Alpha{document.doc_id[3:]}x{i} ")
            second_end = text.index(".", first)
            whole, head = (first, second_end), (first, text.index(" ", first))
            kind = i % 4
            if kind == 0:  # both the same: an agreement
                marks = {"ana": ("LOC", whole), "ben": ("LOC", whole)}
            elif kind == 1:  # a label disagreement
                marks = {"ana": ("PERSON", whole), "ben": ("ORG", whole)}
            elif kind == 2:  # ben marked nothing
                marks = {"ana": ("PERSON", whole)}
            else:  # boundaries
                marks = {"ana": ("GPE", whole), "ben": ("GPE", head)}
            for who, (label, (start, end)) in marks.items():
                store.add_span(annotator=who, doc_id=document.doc_id, layer="entity",
                               label=label, start=start, end=end)


def units(store: Store) -> list[Unit]:
    """Every disagreement of the project, in a fixed order."""
    found: list[Unit] = []
    for doc_id in store.doc_ids():
        found += [u for u in merge(store, doc_id, PEOPLE) if u.kind == "disagreement"]
    return found


def share(worker: int, reviewers: int, count: int) -> list[int]:
    """The units a reviewer decides: its own (disjoint) share and every third unit, which all
    reviewers try, in an order of its own."""
    mine = [i for i in range(count) if i % reviewers == worker or i % 3 == 0]
    random.Random(worker).shuffle(mine)
    return mine


def choice_of(worker: int, index: int) -> str:
    return CHOICES[(worker + index) % len(CHOICES)]


def run_reviewer(url: str, worker: int, reviewers: int, start_at: float) -> dict[str, Any]:
    store = Store(url)
    try:
        todo = units(store)
        plan = share(worker, reviewers, len(todo))
        time.sleep(max(0.0, start_at - time.time()))
        for doc_id in store.doc_ids():
            auto_accept_agreements(store, doc_id, reviewer=f"r{worker}", annotators=PEOPLE)
        taken: list[dict[str, Any]] = []
        refused: list[dict[str, Any]] = []
        latencies: list[float] = []
        began = time.time()
        for index in plan:
            unit = todo[index]
            choice = choice_of(worker, index)
            clock = time.perf_counter()
            try:
                resolve(store, unit.doc_id, unit, choice, reviewer=f"r{worker}")
            except AnnotateError as exc:
                if exc.code != "E140":
                    raise
                refused.append({"index": index, "by": exc.fields["reviewer"]})
            else:
                taken.append({"index": index, "choice": choice, "at": time.time()})
            latencies.append(time.perf_counter() - clock)
        return {"taken": taken, "refused": refused, "latencies": latencies, "began": began,
                "ended": time.time()}
    finally:
        store.close()


if __name__ == "__main__":
    # python -m tests.support.adjudication_workload URL WORKER REVIEWERS START_AT OUT
    url, worker, reviewers, start_at, out = sys.argv[1:6]
    try:
        result = run_reviewer(url, int(worker), int(reviewers), float(start_at))
    except Exception:
        traceback.print_exc()
        sys.exit(1)
    Path(out).write_text(json.dumps(result))
