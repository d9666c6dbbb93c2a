"""Reviewers adjudicating the same documents at once, in separate processes, on both back ends.

Four reviewer processes open the same documents at the same instant and decide, as fast as they
can, a disjoint share of the units each and a share they all try. Afterwards every unit has
exactly one decision, made by the reviewer whose process was told it was taken; gold holds
exactly the spans those decisions imply (each agreement once, one version per unit); every
refused attempt names the reviewer who decided first; and each reviewer's undo takes back that
reviewer's own last decision and nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from annotate.store import Store
from annotate.workflow.adjudicate import GOLD
from tests.support.adjudication_workload import PEOPLE, SLOTS, build, units
from tests.support.paths import ROOT

REVIEWERS = 4
DOCUMENTS = 2


def _expected_gold(store: Store, taken: dict[int, tuple[str, str]]) -> Counter[tuple[str, ...]]:
    """What gold must hold: every agreement, and each taken unit's chosen version."""
    expected: Counter[tuple[str, ...]] = Counter()
    for doc_id in store.doc_ids():
        for span in store.spans(doc_id=doc_id, annotator=PEOPLE[0]):
            twin = [
                s for s in store.spans(doc_id=doc_id, annotator=PEOPLE[1])
                if (s.label, s.start, s.end) == (span.label, span.start, span.end)
            ]
            if twin:
                expected[(doc_id, span.label, str(span.start), str(span.end))] += 1
    todo = units(store)
    for index, (_reviewer, choice) in taken.items():
        unit = todo[index]
        for version in unit.versions:
            if choice in version.annotators:
                expected[(unit.doc_id, version.label, str(version.start), str(version.end))] += 1
    return expected


@pytest.mark.slow
def test_four_reviewers_decide_at_once_and_nothing_is_lost_or_doubled(
    db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    build(store, tmp_path, documents=DOCUMENTS, reviewers=REVIEWERS)
    todo = units(store)
    start_at = time.time() + 4.0  # every process imported and merged by then: one instant
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.adjudication_workload", db_url, str(w),
             str(REVIEWERS), str(start_at), str(tmp_path / f"r{w}.json")],
            cwd=ROOT, stderr=subprocess.PIPE, text=True,
        )
        for w in range(REVIEWERS)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=600)
        assert worker.returncode == 0, stderr[-3000:]
    results = {w: json.loads((tmp_path / f"r{w}.json").read_text()) for w in range(REVIEWERS)}

    # Each unit was taken by exactly one reviewer: none lost, none applied twice.
    taken: dict[int, tuple[str, str]] = {}
    for w, result in results.items():
        for item in result["taken"]:
            assert item["index"] not in taken, f"unit {item['index']} decided twice"
            taken[item["index"]] = (f"r{w}", item["choice"])
    assert sorted(taken) == list(range(len(todo)))
    decisions = {(d.doc_id, d.unit_id): d for d in store.adjudications()}
    disagreements = {(u.doc_id, u.unit_id): i for i, u in enumerate(todo)}
    undecided = [key for key in disagreements if key not in decisions]
    assert undecided == []
    for key, index in disagreements.items():
        reviewer, choice = taken[index]
        decision = decisions[key]
        assert decision.reviewer == reviewer
        assert (decision.chosen or "reject") == choice
    # Every refusal named the reviewer who had decided the unit.
    refusals = [(item, w) for w, r in results.items() for item in r["refused"]]
    assert refusals, "the shared units were never contested"
    for item, w in refusals:
        assert item["by"] == taken[item["index"]][0] != f"r{w}"
    # Gold holds exactly what the decisions imply: agreements once, one version per unit.
    actual = Counter(
        (s.doc_id, s.label, str(s.start), str(s.end)) for s in store.spans(annotator=GOLD)
    )
    assert actual == _expected_gold(store, taken)
    assert max(actual.values()) == 1
    # Opening at the same instant wrote each document's agreements once, in one action.
    events = store.events(annotator=GOLD)
    accepted = Counter(e.doc_id for e in events if e.action == "accept_agreements")
    assert accepted == {doc_id: 1 for doc_id in store.doc_ids()}
    assert sum(e.action == "decide" for e in events) == len(todo)
    agreed = [d for d in decisions.values() if d.decision == "agreed"]
    assert len(agreed) == DOCUMENTS * SLOTS // 4

    # Each reviewer's undo takes back their own last decision on a document, nothing else.
    for w in range(REVIEWERS):
        mine = results[w]["taken"]
        for doc_id in store.doc_ids():
            on_doc = [i for i in mine if todo[i["index"]].doc_id == doc_id]
            if not on_doc:
                continue
            last = max(on_doc, key=lambda i: i["at"])
            before = {(d.doc_id, d.unit_id) for d in store.adjudications()}
            store.undo(doc_id, annotator=GOLD, actor=f"r{w}")
            after = {(d.doc_id, d.unit_id) for d in store.adjudications()}
            assert before - after == {(doc_id, todo[last["index"]].unit_id)}
    store.close()
