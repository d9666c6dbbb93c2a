"""Span matching: spaCy-equal strict scores, one-to-one overlap matching, SemEval-2013 schemes."""

from __future__ import annotations

import random
from collections import namedtuple
from typing import Any

import numpy as np
import pandas as pd
import pytest

from annotate.errors import AnnotateError
from annotate.scoring.matching import (
    Span,
    align,
    as_spans,
    match_spans,
    max_weight_assignment,
    score_spans,
)
from annotate.scoring.semeval import semeval_scores

# --- reading spans ---------------------------------------------------------------------------


def test_as_spans_reads_every_shape() -> None:
    Row = namedtuple("Row", "Index doc_id label start end span_id")
    frame = pd.DataFrame(
        {"doc_id": ["d1"], "label": ["PER"], "start": [0], "end": [5], "span_id": ["s1"]}
    )

    class Obj:
        doc_id, label, start, end, span_id = "d1", "PER", 0, 5, "s1"

    shapes: list[Any] = [
        [("d1", "PER", 0, 5, "s1")],
        [{"doc_id": "d1", "label": "PER", "start": 0, "end": 5, "span_id": "s1"}],
        [Obj()],
        [Row(7, "d1", "PER", 0, 5, "s1")],
        list(frame.itertuples()),
        frame,
        [Span("d1", "PER", 0, 5, "s1")],
    ]
    for shape in shapes:
        (span,) = as_spans(shape)
        assert span == Span("d1", "PER", 0, 5)
        assert span.id == "s1"
    assert as_spans([("d1", "PER", np.int64(0), np.int64(5))])[0].start == 0


def test_span_ids_are_not_compared() -> None:
    assert Span("d", "PER", 0, 5, id="a") == Span("d", "PER", 0, 5, id="b")
    assert len({Span("d", "PER", 0, 5, id="a"), Span("d", "PER", 0, 5, id="b")}) == 1


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (("d", "PER", 5, 5), "E401"),
        (("d", "PER", -1, 5), "E401"),
        (("d", "PER", 1.5, 5), "E401"),
        (("d", None, 0, 5), "E405"),
        (("d", float("nan"), 0, 5), "E405"),
        (("d", "PER", 0), "E403"),
        ({"doc_id": "d", "start": 0, "end": 5}, "E403"),
        (object(), "E403"),
    ],
)
def test_bad_spans_are_refused(item: Any, code: str) -> None:
    with pytest.raises(AnnotateError) as info:
        as_spans([item])
    assert info.value.code == code


def test_frame_without_columns_and_unknown_mode() -> None:
    with pytest.raises(AnnotateError) as info:
        as_spans(pd.DataFrame({"doc_id": ["d"], "start": [0]}))
    assert info.value.code == "E404"
    assert "label" in str(info.value)
    with pytest.raises(AnnotateError) as info:
        score_spans([], [], mode="fuzzy")  # type: ignore[arg-type]
    assert info.value.code == "E402"


# --- strict scores equal spaCy's -------------------------------------------------------------


def _spacy_scores(docs: list[tuple[list[str], list[Span], list[Span]]], **cfg: Any) -> Any:
    """spaCy's Scorer.score_spans over docs given as (words, gold spans, pred spans)."""
    import spacy
    from spacy.scorer import Scorer
    from spacy.tokens import Doc
    from spacy.training import Example

    nlp = spacy.blank("en")

    def make(words: list[str], spans: list[Span]) -> Doc:
        doc = Doc(nlp.vocab, words=words)
        doc.spans["sc"] = [doc.char_span(s.start, s.end, label=s.label) for s in spans]
        assert all(span is not None for span in doc.spans["sc"])
        return doc

    examples = [Example(make(words, pred), make(words, gold)) for words, gold, pred in docs]
    return Scorer.score_spans(
        examples, "sc", getter=lambda doc, attr: doc.spans[attr], allow_overlap=True, **cfg
    )


def _random_docs(seed: int, n_docs: int = 8) -> list[tuple[list[str], list[Span], list[Span]]]:
    """Documents of random words with random token-aligned gold and pred spans."""
    rng = random.Random(seed)

    def spans(doc_id: str, bounds: list[tuple[int, int]], k: int) -> list[Span]:
        out = []
        for _ in range(k):
            i = rng.randrange(len(bounds))
            j = rng.randrange(i, min(len(bounds), i + 4))
            out.append(Span(doc_id, rng.choice("ABC"), bounds[i][0], bounds[j][1]))
        return out

    docs = []
    for d in range(n_docs):
        words = [rng.choice(["Putin", "told", "India", "Today", "on", "Friday", "a", "deal"])]
        words += [
            rng.choice(["x", "yy", "zzz", "said", "Kremlin"]) for _ in range(rng.randint(3, 30))
        ]
        starts = np.cumsum([0] + [len(w) + 1 for w in words])
        bounds = [(int(starts[i]), int(starts[i] + len(words[i]))) for i in range(len(words))]
        gold = spans(f"doc{d}", bounds, rng.randint(0, 6))
        # Some predictions copy a gold span, maybe relabelled, so that some match.
        pred = [
            Span(s.doc_id, rng.choice([s.label, s.label, "C"]), s.start, s.end)
            for s in gold
            if rng.random() < 0.6
        ] + spans(f"doc{d}", bounds, rng.randint(0, 4))
        docs.append((words, gold, pred))
    return docs


def _flatten(docs: list[tuple[list[str], list[Span], list[Span]]]) -> tuple[list[Span], ...]:
    return [s for _, g, _ in docs for s in g], [s for _, _, p in docs for s in p]


def test_strict_equals_spacy_on_hand_built_docs() -> None:
    words = ["Vladimir", "Putin", "told", "India", "Today", "on", "Friday", "."]
    # offsets: Vladimir 0-8, Putin 9-14, told 15-19, India 20-25, Today 26-31, on 32-34,
    # Friday 35-41
    gold = [
        Span("d0", "PERSON", 0, 14),
        Span("d0", "ORG", 20, 31),
        Span("d0", "DATE", 35, 41),
    ]
    pred = [
        Span("d0", "PERSON", 9, 14),  # boundary differs
        Span("d0", "ORG", 20, 31),  # correct
        Span("d0", "GPE", 20, 25),  # spurious
    ]
    docs = [(words, gold, pred), (["No", "entities"], [], [])]
    ours = score_spans(*_flatten(docs), name="sc")
    assert ours == _spacy_scores(docs)
    assert ours["sc_p"] == pytest.approx(1 / 3)
    assert ours["sc_r"] == pytest.approx(1 / 3)
    assert ours["sc_per_type"]["ORG"] == {"p": 1.0, "r": 1.0, "f": 1.0}
    assert ours["sc_per_type"]["DATE"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert score_spans(*_flatten(docs), mode="exact", name="sc") == _spacy_scores(
        docs, labeled=False
    )


@pytest.mark.parametrize("seed", range(6))
def test_strict_and_exact_equal_spacy_on_random_spans(seed: int) -> None:
    docs = _random_docs(seed)
    gold, pred = _flatten(docs)
    # Same sets, same arithmetic: the figures agree exactly, not just to a tolerance.
    assert score_spans(gold, pred, name="sc") == _spacy_scores(docs)
    assert score_spans(gold, pred, mode="exact", name="sc") == _spacy_scores(docs, labeled=False)


def test_none_where_nothing_was_scored() -> None:
    assert score_spans([], []) == {
        "spans_p": None,
        "spans_r": None,
        "spans_f": None,
        "spans_per_type": None,
    }
    assert score_spans([], [], mode="exact", name="ents") == {
        "ents_p": None,
        "ents_r": None,
        "ents_f": None,
    }
    only_gold = score_spans([("d", "PER", 0, 3)], [])
    assert (only_gold["spans_p"], only_gold["spans_r"], only_gold["spans_f"]) == (0.0, 0.0, 0.0)


def test_documents_are_compared_separately_and_duplicates_count_once() -> None:
    gold = [("d1", "PER", 0, 5), ("d1", "PER", 0, 5, "dup")]
    pred = [("d2", "PER", 0, 5)]
    matching = match_spans(gold, pred)
    assert matching.pairs == []
    assert len(matching.unmatched_gold) == 1
    assert len(matching.unmatched_pred) == 1


# --- overlap matching ------------------------------------------------------------------------


def test_overlap_matching_is_one_to_one_and_keeps_labels_apart() -> None:
    gold = [("d", "PER", 0, 10, "g1"), ("d", "PER", 20, 30, "g2"), ("d", "ORG", 40, 50, "g3")]
    pred = [
        ("d", "PER", 2, 8, "p1"),
        ("d", "PER", 5, 25, "p2"),  # overlaps g1 by 5 and g2 by 5
        ("d", "PER", 40, 50, "p3"),  # right offsets, wrong label
        ("d", "PER", 10, 20, "p4"),  # touches g1 and g2 but shares no character
    ]
    matching = match_spans(gold, pred, mode="overlap")
    assert matching.id_pairs() == [("g1", "p1"), ("g2", "p2")]
    assert {s.id for s in matching.unmatched_gold} == {"g3"}
    assert {s.id for s in matching.unmatched_pred} == {"p3", "p4"}
    scores = score_spans(gold, pred, mode="overlap")
    assert scores["spans_p"] == pytest.approx(2 / 4)
    assert scores["spans_r"] == pytest.approx(2 / 3)
    assert scores["spans_per_type"]["ORG"] == {"p": 0.0, "r": 0.0, "f": 0.0}


def test_overlap_matching_prefers_more_pairs_then_more_overlap() -> None:
    # Pairing g1-p1 alone shares 100 characters; g1-p2 plus g2-p1 share only 2 but make two
    # pairs, which is what precision and recall count.
    gold = [("d", "X", 0, 100, "g1"), ("d", "X", 99, 101, "g2")]
    pred = [("d", "X", 0, 100, "p1"), ("d", "X", 0, 1, "p2")]
    assert sorted(match_spans(gold, pred, mode="overlap").id_pairs()) == [
        ("g1", "p2"),
        ("g2", "p1"),
    ]
    # With the same number of pairs, the larger total overlap wins.
    gold = [("d", "X", 0, 10, "g1"), ("d", "X", 10, 20, "g2")]
    pred = [("d", "X", 0, 12, "p1"), ("d", "X", 8, 20, "p2")]
    assert match_spans(gold, pred, mode="overlap").id_pairs() == [("g1", "p1"), ("g2", "p2")]


def _brute_overlap_optimum(gold: list[Span], pred: list[Span]) -> tuple[int, int]:
    """(most pairs, largest total overlap among those) by scipy over the whole document."""
    from scipy.optimize import linear_sum_assignment

    if not gold or not pred:
        return 0, 0
    overlap = np.array([[g.overlap(p) if g.label == p.label else 0 for p in pred] for g in gold])
    big = int(overlap.sum()) + 1
    weights = np.where(overlap > 0, big + overlap, 0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = overlap[rows, cols]
    return int((chosen > 0).sum()), int(chosen.sum())


@pytest.mark.parametrize("seed", range(20))
def test_overlap_matching_is_optimal_on_random_spans(seed: int) -> None:
    rng = random.Random(seed)

    def spans(k: int) -> list[Span]:
        out = []
        for i in range(k):
            start = rng.randrange(0, 200)
            out.append(Span("d", rng.choice("AB"), start, start + rng.randint(1, 40), i))
        return out

    gold, pred = spans(rng.randint(0, 25)), spans(rng.randint(0, 25))
    matching = match_spans(gold, pred, mode="overlap")
    assert all(g.label == p.label and g.overlap(p) > 0 for g, p in matching.pairs)
    assert len({id(g) for g, _ in matching.pairs}) == len(matching.pairs)
    assert len({id(p) for _, p in matching.pairs}) == len(matching.pairs)
    n_pairs = len(matching.pairs)
    total = sum(g.overlap(p) for g, p in matching.pairs)
    deduped_gold, deduped_pred = list(dict.fromkeys(gold)), list(dict.fromkeys(pred))
    assert (n_pairs, total) == _brute_overlap_optimum(deduped_gold, deduped_pred)
    n_gold, n_pred = len(deduped_gold), len(deduped_pred)
    assert n_pairs + len(matching.unmatched_gold) == n_gold
    assert n_pairs + len(matching.unmatched_pred) == n_pred


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (4, 7), (7, 4), (9, 9)])
def test_max_weight_assignment_equals_scipy(shape: tuple[int, int]) -> None:
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(sum(shape))
    for _ in range(20):
        weights = rng.integers(0, 20, size=shape)
        weights[rng.random(shape) < 0.4] = 0
        pairs = max_weight_assignment(weights.tolist())
        assert len({r for r, _ in pairs}) == len({c for _, c in pairs}) == min(shape)
        rows, cols = linear_sum_assignment(weights, maximize=True)
        assert sum(weights[r, c] for r, c in pairs) == weights[rows, cols].sum()


def test_max_weight_assignment_is_exact_on_huge_weights() -> None:
    import itertools

    rng = random.Random(3)
    for _ in range(30):
        # Folded tiers grow fast; floats would round these, Python ints do not.
        weights = [
            [rng.choice([0, 1, 2]) * 10**20 + rng.randrange(5) for _ in range(4)] for _ in range(4)
        ]
        best = max(
            sum(weights[r][c] for r, c in enumerate(perm))
            for perm in itertools.permutations(range(4))
        )
        assert sum(weights[r][c] for r, c in max_weight_assignment(weights)) == best


# --- SemEval-2013 task 9.1 -------------------------------------------------------------------

# The six standard cases on one document, gold and pred side by side (end exclusive).
GOLD = {
    "correct": ("d", "PER", 0, 5, "g1"),
    "wrong type": ("d", "ORG", 10, 15, "g2"),
    "partial boundary": ("d", "LOC", 20, 30, "g3"),
    "wrong type and boundary": ("d", "PER", 40, 50, "g4"),
    "missed": ("d", "MISC", 60, 70, "g5"),
    "spurious": None,
}
PRED = {
    "correct": ("d", "PER", 0, 5, "p1"),
    "wrong type": ("d", "LOC", 10, 15, "p2"),
    "partial boundary": ("d", "LOC", 22, 30, "p3"),
    "wrong type and boundary": ("d", "ORG", 42, 50, "p4"),
    "missed": None,
    "spurious": ("d", "PER", 80, 85, "p6"),
}

# Worked out by hand: case -> scheme -> (COR, INC, PAR, MIS, SPU, POS, ACT, P, R, F).
ONE_CASE = {
    "correct": {
        s: (1, 0, 0, 0, 0, 1, 1, 1.0, 1.0, 1.0) for s in ("strict", "exact", "partial", "type")
    },
    "wrong type": {
        "strict": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
        "exact": (1, 0, 0, 0, 0, 1, 1, 1.0, 1.0, 1.0),
        "partial": (1, 0, 0, 0, 0, 1, 1, 1.0, 1.0, 1.0),
        "type": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
    },
    "partial boundary": {
        "strict": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
        "exact": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
        "partial": (0, 0, 1, 0, 0, 1, 1, 0.5, 0.5, 0.5),
        "type": (1, 0, 0, 0, 0, 1, 1, 1.0, 1.0, 1.0),
    },
    "wrong type and boundary": {
        "strict": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
        "exact": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
        "partial": (0, 0, 1, 0, 0, 1, 1, 0.5, 0.5, 0.5),
        "type": (0, 1, 0, 0, 0, 1, 1, 0.0, 0.0, 0.0),
    },
    "missed": {
        s: (0, 0, 0, 1, 0, 1, 0, 0.0, 0.0, 0.0) for s in ("strict", "exact", "partial", "type")
    },
    "spurious": {
        s: (0, 0, 0, 0, 1, 0, 1, 0.0, 0.0, 0.0) for s in ("strict", "exact", "partial", "type")
    },
}
KINDS = {
    "correct": "correct",
    "wrong type": "incorrect",
    "partial boundary": "partial",
    "wrong type and boundary": "partial",
    "missed": "missed",
    "spurious": "spurious",
}
FIELDS = (
    "correct",
    "incorrect",
    "partial",
    "missed",
    "spurious",
    "possible",
    "actual",
    "p",
    "r",
    "f",
)


def _check(block: dict[str, Any], expected: tuple[float, ...]) -> None:
    got = tuple(block[field] for field in FIELDS)
    assert got == pytest.approx(expected), got


@pytest.mark.parametrize("case", list(ONE_CASE))
def test_semeval_each_standard_case(case: str) -> None:
    gold = [GOLD[case]] if GOLD[case] else []
    pred = [PRED[case]] if PRED[case] else []
    (unit,) = align(gold, pred)
    assert unit.kind == KINDS[case]
    scores = semeval_scores(gold, pred)
    for scheme, expected in ONE_CASE[case].items():
        _check(scores[scheme], expected)
        # One label carries everything, so its figures and the macro average are the micro ones.
        (label_block,) = scores[scheme]["per_type"].values()
        _check(label_block, expected)
        assert scores[scheme]["macro_f"] == pytest.approx(expected[-1])


def test_semeval_all_six_cases_together() -> None:
    gold = [g for g in GOLD.values() if g]
    pred = [p for p in PRED.values() if p]
    units = align(gold, pred)
    assert [u.kind for u in units] == list(KINDS.values())
    assert [(u.gold.id if u.gold else None, u.pred.id if u.pred else None) for u in units] == [
        ("g1", "p1"),
        ("g2", "p2"),
        ("g3", "p3"),
        ("g4", "p4"),
        ("g5", None),
        (None, "p6"),
    ]
    scores = semeval_scores(gold, pred)
    _check(scores["strict"], (1, 3, 0, 1, 1, 5, 5, 0.2, 0.2, 0.2))
    _check(scores["exact"], (2, 2, 0, 1, 1, 5, 5, 0.4, 0.4, 0.4))
    _check(scores["partial"], (2, 0, 2, 1, 1, 5, 5, 0.6, 0.6, 0.6))
    _check(scores["type"], (2, 2, 0, 1, 1, 5, 5, 0.4, 0.4, 0.4))
    # Pairs count under the gold label, spurious spans under their own: PER has the correct
    # pair, the wrong-type-and-boundary pair and the spurious span.
    _check(scores["strict"]["per_type"]["PER"], (1, 1, 0, 0, 1, 2, 3, 1 / 3, 0.5, 0.4))
    _check(scores["partial"]["per_type"]["PER"], (1, 0, 1, 0, 1, 2, 3, 0.5, 0.75, 0.6))
    per_type = scores["partial"]["per_type"]
    assert scores["partial"]["macro_p"] == pytest.approx(
        np.mean([per_type[label]["p"] for label in ("LOC", "MISC", "ORG", "PER")])
    )
    for scheme in scores.values():
        for count in ("correct", "incorrect", "partial", "missed", "spurious"):
            assert scheme[count] == sum(block[count] for block in scheme["per_type"].values())


def test_semeval_prefers_exact_boundaries_and_keeps_one_to_one() -> None:
    gold = [("d", "PER", 0, 10, "g1")]
    pred = [("d", "PER", 0, 8, "p1"), ("d", "ORG", 0, 10, "p2")]
    kinds = {(u.kind, u.pred.id if u.pred else None) for u in align(gold, pred)}
    assert kinds == {("incorrect", "p2"), ("spurious", "p1")}
    assert semeval_scores([], [])["strict"]["p"] is None
    assert semeval_scores([], [])["strict"]["macro_p"] is None


# --- speed -----------------------------------------------------------------------------------


def test_a_corpus_of_1000_documents_scores_one_to_one() -> None:
    # 1,000 documents, 3 annotators with 36 spans each, densely overlapping (the load
    # bench/bench_agreement.py times): every figure stays consistent at this size.
    rng = np.random.default_rng(0)
    annotators = []
    base = []
    for d in range(1000):
        starts = np.sort(rng.choice(3000, size=40, replace=False))
        base += [(f"doc{d}", "PER", int(s), int(s) + int(rng.integers(3, 30))) for s in starts]
    for _ in range(3):
        jitter = rng.integers(-2, 3, size=len(base))
        annotators.append(
            [
                (doc, label if rng.random() < 0.9 else "ORG", max(0, start + j), end + j)
                for (doc, label, start, end), j in zip(base, jitter, strict=True)
                if rng.random() < 0.9
            ]
        )
    spans = [as_spans(rows) for rows in annotators]
    for a in range(3):
        for b in range(a + 1, 3):
            strict = score_spans(spans[a], spans[b])
            overlap = score_spans(spans[a], spans[b], mode="overlap")
            semeval = semeval_scores(spans[a], spans[b])
            same = set(annotators[a]) & set(annotators[b])
            assert strict["spans_p"] == pytest.approx(len(same) / len(set(annotators[b])))
            assert overlap["spans_f"] >= strict["spans_f"]
            counts = semeval["strict"]
            assert counts["possible"] == len(set(annotators[a]))
            assert counts["actual"] == len(set(annotators[b]))
            assert counts["correct"] == len(same)
