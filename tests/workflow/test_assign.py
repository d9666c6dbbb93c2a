"""Who annotates which document: the overlap design, its setting and the queues."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from annotate.corpus.ingest import ingest
from annotate.errors import AnnotateError
from annotate.store import Store
from annotate.workflow.assign import (
    Assignment,
    assign,
    clear_assignment,
    get_assignment,
    queue,
    queues,
    set_assignment,
)

PEOPLE = ["ana", "ben", "cho", "dev"]


def _docs(n: int, start: int = 0) -> list[str]:
    return [f"doc{i:05d}" for i in range(start, start + n)]


def test_overlap_design_shares_a_fraction_and_everyone_else_once() -> None:
    doc_ids = _docs(4000)
    result = assign(doc_ids, PEOPLE, overlap_fraction=0.2, per_doc=2, seed=7)
    seen = Counter(doc_id for docs in result.values() for doc_id in docs)
    assert set(seen) == set(doc_ids)  # every document is someone's
    assert set(seen.values()) <= {1, 2}
    shared = sum(1 for n in seen.values() if n == 2)
    assert abs(shared / len(doc_ids) - 0.2) < 0.02
    # Balanced in expectation: 4000 * (0.8 / 4 + 0.2 * 2 / 4) = 1200 each, within binomial
    # noise (standard deviation 29; four of them allowed).
    loads = [len(docs) for docs in result.values()]
    assert sum(loads) == len(doc_ids) + shared
    assert all(abs(load - 1200) < 4 * 29 for load in loads), loads
    for docs in result.values():  # each queue keeps the corpus order
        assert docs == sorted(docs)


def test_assignment_is_deterministic_and_stable_when_documents_are_added() -> None:
    first = assign(_docs(500), PEOPLE, overlap_fraction=0.3, per_doc=3, seed=1)
    again = assign(_docs(500), PEOPLE, overlap_fraction=0.3, per_doc=3, seed=1)
    assert first == again
    grown = assign(_docs(800), PEOPLE, overlap_fraction=0.3, per_doc=3, seed=1)
    for name in PEOPLE:
        assert grown[name][: len(first[name])] == first[name]
        assert all(d >= "doc00500" for d in grown[name][len(first[name]) :])
    other_seed = assign(_docs(500), PEOPLE, overlap_fraction=0.3, per_doc=3, seed=2)
    assert other_seed != first


def test_adding_an_annotator_moves_only_documents_they_now_rank_first_for() -> None:
    doc_ids = _docs(1000)
    before = Assignment(tuple(PEOPLE), 0.0, 1)
    after = Assignment((*PEOPLE, "eve"), 0.0, 1)
    moved = [d for d in doc_ids if before.annotators_for(d) != after.annotators_for(d)]
    assert all(after.annotators_for(d) == ("eve",) for d in moved)
    assert 100 < len(moved) < 300  # about a fifth


def test_everyone_sees_everything_and_single_pass() -> None:
    doc_ids = _docs(50)
    full = assign(doc_ids, PEOPLE, overlap_fraction=1.0, per_doc=4)
    assert all(docs == doc_ids for docs in full.values())
    single = assign(doc_ids, PEOPLE, overlap_fraction=0.0, per_doc=2)
    assert sorted(d for docs in single.values() for d in docs) == doc_ids


@pytest.mark.parametrize(
    ("annotators", "fraction", "per_doc", "seed"),
    [
        ([], 0.2, 1, 0),
        (["a", "a"], 0.2, 1, 0),
        (["a", "b"], 1.5, 2, 0),
        (["a", "b"], -0.1, 2, 0),
        (["a", "b"], "x", 2, 0),
        (["a", "b"], 0.2, 3, 0),
        (["a", "b"], 0.2, 0, 0),
        (["a", "b"], 0.2, 1.5, 0),
        (["a", "b"], 0.2, 1, "s"),
    ],
)
def test_bad_options_are_refused(
    annotators: list[str], fraction: object, per_doc: object, seed: object
) -> None:
    with pytest.raises(AnnotateError) as caught:
        assign(["d"], annotators, overlap_fraction=fraction, per_doc=per_doc, seed=seed)  # type: ignore[arg-type]
    assert caught.value.code == "E415"


def test_setting_and_queues_in_the_store(seeded: Store, tmp_path: Path) -> None:
    doc_ids = seeded.doc_ids()
    assert get_assignment(seeded) is None
    assert queue(seeded, "anyone") == doc_ids  # no design: every document
    assert queues(seeded) == {}
    design = set_assignment(seeded, annotators=["ana", "ben"], overlap_fraction=0.5, per_doc=2)
    assert get_assignment(seeded) == design
    assert seeded.get_setting("assignment") == {
        "annotators": ["ana", "ben"],
        "overlap_fraction": 0.5,
        "per_doc": 2,
        "seed": 0,
    }
    expected = design.queues(doc_ids)
    assert queue(seeded, "ana") == expected["ana"]
    assert queues(seeded) == expected
    with pytest.raises(AnnotateError) as caught:
        queue(seeded, "zed")
    assert caught.value.code == "E414" and "ana, ben" in str(caught.value)
    # New documents join the queues; the documents already queued stay where they were.
    corpus = tmp_path / "more.jsonl"
    corpus.write_text(
        "\n".join(json.dumps({"id": f"new{i}", "text": f"Article number {i}."}) for i in range(30))
    )
    ingest(seeded, [corpus])
    grown = queue(seeded, "ana")
    assert [d for d in grown if d in doc_ids] == expected["ana"]
    assert len(grown) > len(expected["ana"])
    clear_assignment(seeded)
    assert get_assignment(seeded) is None and queue(seeded, "zed") == seeded.doc_ids()
