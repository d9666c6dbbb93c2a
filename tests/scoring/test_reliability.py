"""Reliability coefficients: published values reproduced, and equal to reference packages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotate.errors import AnnotateError
from annotate.scoring.reliability import (
    cohen_kappa,
    fleiss_kappa,
    fleiss_table,
    krippendorff_alpha,
    lay_end_to_end,
    token_labels,
    unitizing_alpha,
)

# --- published values ------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# (rows) coding 12 units, with missing values. Published: nominal 0.743, interval 0.849.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_2011_example() -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011), 3) == 0.743
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level="interval"), 3) == 0.849
    as_text = [[None if v is None else f"v{v}" for v in row] for row in KRIPPENDORFF_2011]
    assert krippendorff_alpha(as_text) == pytest.approx(0.743421052631579)
    with_nan = np.array(KRIPPENDORFF_2011, dtype=float)
    assert krippendorff_alpha(with_nan) == pytest.approx(0.743421052631579)


# Fleiss (1971): 30 patients, 6 psychiatrists each, 5 diagnoses (1 depression, 2 personality
# disorder, 3 schizophrenia, 4 neurosis, 5 other), as in statsmodels' and R irr's `diagnoses`.
# Published: kappa = 0.430 (R irr::kappam.fleiss: 0.4302445).
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories -> 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def test_fleiss_1971_diagnoses() -> None:
    table, categories = fleiss_table(FLEISS_1971)
    assert categories == [1, 2, 3, 4, 5]
    assert table.sum(0).tolist() == [26, 26, 30, 55, 43]
    assert round(fleiss_kappa(table), 3) == 0.430
    assert fleiss_kappa(table) == pytest.approx(0.4302445, abs=1e-7)


def test_fleiss_wikipedia_example() -> None:
    assert round(fleiss_kappa(WIKIPEDIA_FLEISS), 3) == 0.210


# Krippendorff (2004), Content Analysis, 2nd ed., p. 254 (also in "Measuring the reliability
# of qualitative text analysis data", Quality & Quantity 38): two coders unitize the continuum
# [150, 450) into categories c and k. Published: cD_o = 0.0144, cD_e = 0.0532, c-alpha_u =
# 0.7286; kD_o = 0, kD_e = 0.0490, k-alpha_u = 1; alpha_u = 0.8591. The same figures are the
# test of DKPro Statistics' KrippendorffAlphaUnitizingAgreement (Krippendorff2004Test).
KRIPPENDORFF_2004 = [
    [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")],
    [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")],
]


def test_unitizing_alpha_krippendorff_2004_example() -> None:
    result = unitizing_alpha(KRIPPENDORFF_2004, length=300, begin=150)
    c, k = result.per_label["c"], result.per_label["k"]
    assert (round(c.observed, 4), round(c.expected, 4), round(c.alpha, 4)) == (
        0.0144,
        0.0532,
        0.7286,
    )
    assert (round(k.observed, 4), round(k.expected, 4), k.alpha) == (0.0, 0.0490, 1.0)
    # The book works with the four-decimal figures above: 1 - 0.0144 / (0.0532 + 0.0490)
    # = 0.8591. Unrounded it is 0.85867, inside DKPro's tolerance of 0.0005.
    assert result.alpha == pytest.approx(0.8591, abs=5e-4)
    rounded = 1 - round(c.observed + k.observed, 4) / (round(c.expected, 4) + round(k.expected, 4))
    assert round(rounded, 4) == 0.8591
    # The overall disagreements are the means over the categories.
    assert result.observed == pytest.approx((c.observed + k.observed) / 2)
    assert result.alpha == pytest.approx(1 - result.observed / result.expected)


# Krippendorff (1995), "On the reliability of unitizing contiguous data", Sociological
# Methodology 25, p. 57: four pairs of coders on a continuum of 24; observed disagreements as
# published (and asserted by DKPro Statistics' Krippendorff1995Test).
KRIPPENDORFF_1995 = {
    "A": ([(2, 10), (14, 20)], [(4, 8), (15, 17)], 0.03125),
    "B": ([(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)], 2.26736),
    "C": (
        [(2, 8), (10, 12), (14, 18), (20, 22)],
        [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)],
        0.02777,
    ),
    "D": (
        [(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)],
        [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)],
        0.38715,
    ),
}


@pytest.mark.parametrize("label", list(KRIPPENDORFF_1995))
def test_unitizing_observed_disagreement_krippendorff_1995(label: str) -> None:
    first, second, observed = KRIPPENDORFF_1995[label]
    coders = [[(s, e, label) for s, e in first], [(s, e, label) for s, e in second]]
    assert unitizing_alpha(coders, length=24).per_label[label].observed == pytest.approx(
        observed, abs=1e-5
    )


def test_unitizing_alpha_properties_and_errors() -> None:
    same = [[(0, 5, "X"), (10, 20, "Y")]] * 3
    result = unitizing_alpha(same, length=30)
    assert result.alpha == 1.0
    assert {label: score.alpha for label, score in result.per_label.items()} == {"X": 1.0, "Y": 1.0}
    empty = unitizing_alpha([[], []], length=10)
    assert math.isnan(empty.alpha) and empty.per_label == {}
    for coders, code in [
        ([[(0, 5, "X")]], "E408"),
        ([[(0, 11, "X")], []], "E410"),
        ([[(0, 5, "X"), (4, 8, "X")], []], "E411"),
    ]:
        with pytest.raises(AnnotateError) as info:
            unitizing_alpha(coders, length=10)
        assert info.value.code == code
    # Units of different labels may overlap: each label is unitized on its own.
    assert unitizing_alpha([[(0, 5, "X"), (2, 8, "Y")]] * 2, length=10).alpha == 1.0


def test_lay_end_to_end_shifts_each_document() -> None:
    length, coders = lay_end_to_end(
        [(10, [[(0, 5, "X")], [(1, 5, "X")]]), (20, [[(2, 4, "Y")], []])]
    )
    assert length == 30
    assert coders == [[(0, 5, "X"), (12, 14, "Y")], [(1, 5, "X")]]
    one = unitizing_alpha(coders, length=length)
    assert one.per_label.keys() == {"X", "Y"}
    with pytest.raises(AnnotateError) as info:
        lay_end_to_end([(10, [[], []]), (10, [[]])])
    assert info.value.code == "E413"


# --- equal to the reference packages on random data ------------------------------------------


def _random_document(rng: np.random.Generator, n_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    lengths = rng.integers(1, 9, size=n_tokens)
    spaces = rng.integers(0, 2, size=n_tokens)  # punctuation sticks to the word before it
    starts = np.concatenate([[0], np.cumsum(lengths + spaces)[:-1]])
    return starts, starts + lengths


def _random_annotations(
    rng: np.random.Generator, n_chars: int, n_annotators: int
) -> list[list[tuple[int, int, str]]]:
    base = []
    for _ in range(n_chars // 40):
        start = int(rng.integers(0, n_chars - 1))
        base.append(
            (start, int(min(n_chars, start + rng.integers(1, 60))), str(rng.choice(list("ABCD"))))
        )
    annotations = []
    for _ in range(n_annotators):
        spans = []
        for start, end, label in base:
            if rng.random() < 0.8:
                shift = int(rng.integers(-3, 4))
                spans.append(
                    (
                        max(0, start + shift),
                        max(start + shift + 1, end),
                        label if rng.random() < 0.85 else "A",
                    )
                )
        annotations.append(spans)
    return annotations


@pytest.mark.parametrize("seed", range(5))
def test_token_figures_equal_the_reference_packages(seed: int) -> None:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

    rng = np.random.default_rng(seed)
    starts, ends = _random_document(rng, 3000)
    annotations = _random_annotations(rng, int(ends[-1]), 3)
    for labelled_only in (False, True):
        labels = token_labels(starts, ends, annotations, labelled_only=labelled_only)
        assert labels.shape[0] == 3
        assert cohen_kappa(labels[0], labels[1]) == pytest.approx(
            cohen_kappa_score(labels[0], labels[1]), abs=1e-9
        )
        table, _ = fleiss_table(labels.T)
        assert np.array_equal(table, aggregate_raters(labels.T)[0])
        assert fleiss_kappa(table) == pytest.approx(sm_fleiss_kappa(table), abs=1e-9)
        codes = np.unique(labels, return_inverse=True)[1].reshape(labels.shape).astype(float)
        codes[rng.random(codes.shape) < 0.1] = np.nan  # missing values
        assert krippendorff_alpha(codes) == pytest.approx(
            krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal"), abs=1e-9
        )


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_levels_equal_the_package(level: str) -> None:
    import krippendorff

    rng = np.random.default_rng(7)
    for _ in range(10):
        data = rng.integers(1, 8, size=(int(rng.integers(2, 6)), 200)).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        assert krippendorff_alpha(data, level=level) == pytest.approx(  # type: ignore[arg-type]
            krippendorff.alpha(reliability_data=data, level_of_measurement=level), abs=1e-9
        )


def test_cohen_kappa_on_labels_and_missing_values() -> None:
    from sklearn.metrics import cohen_kappa_score

    a = ["PER", "ORG", "O", "O", "PER", "GPE", "O"]
    b = ["PER", "PER", "O", "ORG", "PER", "GPE", "O"]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    assert cohen_kappa([*a, None], [*b, "PER"]) == pytest.approx(cohen_kappa(a, b))
    assert math.isnan(cohen_kappa(["O", "O"], ["O", "O"]))
    assert cohen_kappa(["A", "B"], ["A", "B"]) == 1.0


def test_reliability_errors() -> None:
    cases = [
        (lambda: cohen_kappa([1, 2], [1]), "E406"),
        (lambda: fleiss_kappa([[1, 1], [2, 1]]), "E407"),
        (lambda: fleiss_kappa([[1, 0], [0, 1]]), "E408"),
        (lambda: krippendorff_alpha([[1, 2, 3]]), "E408"),
        (lambda: krippendorff_alpha([["a", "b"], ["a", "c"]], level="interval"), "E409"),
        (lambda: krippendorff_alpha([[1], [1]], level="circular"), "E402"),  # type: ignore[arg-type]
        (lambda: token_labels([0, 5], [4], [[]]), "E412"),
        (lambda: token_labels([5, 0], [9, 4], [[]]), "E412"),
    ]
    for call, code in cases:
        with pytest.raises(AnnotateError) as info:
            call()
        assert info.value.code == code, code
    assert math.isnan(krippendorff_alpha([[1, 1], [1, 1]]))
    assert math.isnan(krippendorff_alpha([[1, None], [None, 2]]))


# --- token labels ----------------------------------------------------------------------------


def test_token_labels() -> None:
    text = "Vladimir Putin told India Today: no."
    words = ["Vladimir", "Putin", "told", "India", "Today", ":", "no", "."]
    starts, position = [], 0
    for word in words:
        position = text.index(word, position)
        starts.append(position)
        position += len(word)
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]
    annotations = [
        [(0, 14, "PERSON"), (20, 31, "ORG")],
        [(9, 14, "PERSON"), (20, 25, "GPE")],
        [(0, 36, "QUOTE"), (22, 24, "GPE")],  # nested: the inner span wins; partial token
        [],
    ]
    labels = token_labels(starts, ends, annotations)
    assert labels.tolist() == [
        ["PERSON", "PERSON", "O", "ORG", "ORG", "O", "O", "O"],
        ["O", "PERSON", "O", "GPE", "O", "O", "O", "O"],
        ["QUOTE", "QUOTE", "QUOTE", "GPE", "QUOTE", "QUOTE", "QUOTE", "QUOTE"],
        ["O"] * 8,
    ]
    only = token_labels(starts, ends, annotations[:2], labelled_only=True, outside="-")
    assert only.tolist() == [["PERSON", "PERSON", "ORG", "ORG"], ["-", "PERSON", "GPE", "-"]]
    assert token_labels([], [], [[], []]).shape == (2, 0)


# --- at scale --------------------------------------------------------------------------------


def test_token_agreement_over_1000_documents_equals_the_reference() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(1)
    docs = []
    for _ in range(1000):
        starts, ends = _random_document(rng, 600)
        docs.append((starts, ends, _random_annotations(rng, int(ends[-1]), 3)))
    labels = np.concatenate([token_labels(s, e, a) for s, e, a in docs], axis=1)
    for i in range(3):
        for j in range(i + 1, 3):
            assert cohen_kappa(labels[i], labels[j]) == pytest.approx(
                cohen_kappa_score(labels[i], labels[j]), abs=1e-9
            )
    assert -1.0 <= fleiss_kappa(fleiss_table(labels.T)[0]) <= 1.0
    assert -1.0 <= krippendorff_alpha(labels) <= 1.0
