"""Chance-corrected agreement: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha and alpha_u.

Pure functions on arrays, no storage. Coefficients are ``float`` and ``nan`` where they are not
defined (for example when every coder used one and the same value, so no disagreement could be
expected). The coding coefficients agree with scikit-learn's ``cohen_kappa_score``, statsmodels'
``fleiss_kappa`` and the ``krippendorff`` package; :func:`unitizing_alpha` follows Krippendorff
(2004) for unitizing a continuum of characters.

:func:`token_labels` turns each annotator's spans into one label per token ("O" outside every
span), which is how span annotation is fed to the coding coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..errors import AnnotateError

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
Unit = tuple[int, int, str]  # (start, end, label), end exclusive

NAN = math.nan


# --- values to codes -------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except TypeError:  # pandas.NA refuses to be a bool, and it is missing too
        return True


def _factorize(data: npt.ArrayLike) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """Integer codes of the values (-1 where missing) and the distinct values, sorted."""
    array = np.asarray(data)
    if array.dtype.kind in "iubUS":
        values, codes = np.unique(array, return_inverse=True)
        return codes.reshape(array.shape), values
    if array.dtype.kind == "f":
        missing = np.isnan(array)
    else:
        array = array.astype(object)
        missing = np.frompyfunc(_is_missing, 1, 1)(array).astype(bool)
    codes = np.full(array.shape, -1, dtype=np.intp)
    present = array[~missing]
    try:
        values, inverse = np.unique(present, return_inverse=True)
    except TypeError:  # values that cannot be sorted together: number them by first appearance
        index: dict[Any, int] = {}
        inverse = np.fromiter((index.setdefault(v, len(index)) for v in present), dtype=np.intp)
        values = np.empty(len(index), dtype=object)
        values[:] = list(index)
    codes[~missing] = inverse.ravel()
    return codes, values


# --- Cohen and Fleiss ------------------------------------------------------------------------


def cohen_kappa(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cohen's (1960) kappa of two coders' labels for the same units.

    ``a[i]`` and ``b[i]`` are the two labels of unit ``i``; units where either is missing
    (``None``/NaN) are left out. Returns ``nan`` when chance agreement is already perfect.
    """
    first, second = np.asarray(a).ravel(), np.asarray(b).ravel()
    if len(first) != len(second):
        raise AnnotateError("E406", n_a=len(first), n_b=len(second))
    codes, values = _factorize(np.concatenate([first, second]))
    x, y = codes[: len(first)], codes[len(first) :]
    both = (x >= 0) & (y >= 0)
    x, y = x[both], y[both]
    n, k = len(x), len(values)
    if n == 0:
        return NAN
    confusion = np.bincount(x * k + y, minlength=k * k).reshape(k, k).astype(float)
    observed = np.trace(confusion) / n
    expected = float(confusion.sum(1) @ confusion.sum(0)) / (n * n)
    return _chance_corrected(observed, expected)


def _chance_corrected(observed: float, expected: float) -> float:
    return NAN if expected == 1 else float((observed - expected) / (1 - expected))


def fleiss_table(ratings: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Subjects × categories count table from subjects × raters labels, and the categories.

    Missing ratings (``None``/NaN) are not counted; :func:`fleiss_kappa` then insists that every
    subject still has the same number of ratings.
    """
    codes, values = _factorize(np.atleast_2d(np.asarray(ratings)))
    n_subjects, k = codes.shape[0], len(values)
    rows = np.broadcast_to(np.arange(n_subjects)[:, None], codes.shape)
    present = codes >= 0
    flat = rows[present] * k + codes[present]
    table = np.bincount(flat, minlength=n_subjects * k).reshape(n_subjects, k)
    return table.astype(np.int64), values.tolist()


def fleiss_kappa(table: npt.ArrayLike) -> float:
    """Fleiss' (1971) kappa from a subjects × categories table of how many raters chose each.

    Every subject must have the same number of ratings (at least two). Build the table from raw
    labels with :func:`fleiss_table`.
    """
    counts = np.atleast_2d(np.asarray(table, dtype=float))
    per_subject = counts.sum(1)
    raters = per_subject[0] if len(per_subject) else 0.0
    unequal = np.flatnonzero(per_subject != raters)
    if len(unequal):
        row = int(unequal[0])
        raise AnnotateError("E407", row=row, got=int(per_subject[row]), expected=int(raters))
    if raters < 2:
        raise AnnotateError("E408", what="Fleiss' kappa", minimum=2, got=int(raters))
    p_category = counts.sum(0) / counts.sum()
    p_subject = ((counts * counts).sum(1) - raters) / (raters * (raters - 1))
    return _chance_corrected(float(p_subject.mean()), float(p_category @ p_category))


# --- Krippendorff's alpha --------------------------------------------------------------------


def krippendorff_alpha(reliability_data: npt.ArrayLike, *, level: Level = "nominal") -> float:
    """Krippendorff's alpha of coders × units data, with missing values (``None``/NaN).

    Rows are coders and columns units, as in Krippendorff (2011), "Computing Krippendorff's
    Alpha-Reliability". Units with fewer than two values are not pairable and drop out.
    ``level`` picks the difference function: ``nominal`` (labels), ``ordinal``, ``interval``
    or ``ratio`` (numbers).
    """
    if level not in LEVELS:
        raise AnnotateError(
            "E402", what="level of measurement", value=level, allowed=", ".join(LEVELS)
        )
    if level == "nominal":
        data = np.atleast_2d(np.asarray(reliability_data))
    else:
        data = np.atleast_2d(_as_numbers(reliability_data, level))
    if data.shape[0] < 2:
        raise AnnotateError("E408", what="Krippendorff's alpha", minimum=2, got=data.shape[0])
    codes, values = _factorize(data)
    coincidences = _coincidences(codes, len(values))
    marginals = coincidences.sum(1)
    n = marginals.sum()
    if n == 0:
        return NAN
    delta = _difference(level, values, marginals)
    observed = float((coincidences * delta).sum())
    expected = float(marginals @ delta @ marginals)
    return NAN if expected == 0 else 1.0 - (n - 1) * observed / expected


def _coincidences(codes: npt.NDArray[np.intp], k: int) -> npt.NDArray[np.float64]:
    """Krippendorff's values × values coincidence matrix of pairable values."""
    present = codes >= 0
    per_unit = present.sum(0)
    pairable = per_unit >= 2
    codes, present = codes[:, pairable], present[:, pairable]
    weight = 1.0 / (per_unit[pairable] - 1)
    totals = np.zeros(k * k)
    # One pass per ordered pair of coders keeps memory at one row of units, whatever k is.
    for i in range(codes.shape[0]):
        for j in range(codes.shape[0]):
            if i != j:
                both = present[i] & present[j]
                pair = codes[i, both] * k + codes[j, both]
                totals += np.bincount(pair, weights=weight[both], minlength=k * k)
    return totals.reshape(k, k)


def _as_numbers(data: npt.ArrayLike, level: Level) -> npt.NDArray[np.float64]:
    try:
        return np.asarray(data, dtype=float)  # None becomes NaN, i.e. missing
    except (TypeError, ValueError):
        for value in np.asarray(data, dtype=object).ravel():
            try:
                float(value if value is not None else math.nan)
            except (TypeError, ValueError):
                raise AnnotateError("E409", level=level, value=value) from None
        raise


def _difference(
    level: Level, values: npt.NDArray[Any], marginals: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Squared difference delta² between every two values at the given level."""
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    # Numeric levels see float data, so the values are sorted numbers.
    a, b = np.meshgrid(values, values, indexing="ij")
    if level == "interval":
        return np.asarray((a - b) ** 2, dtype=np.float64)
    if level == "ratio":
        total = a + b
        ratio = np.divide(a - b, total, out=np.zeros_like(total), where=total != 0)
        return np.asarray(ratio**2, dtype=np.float64)
    # ordinal: the number of values between the two ranks, each end counted half
    cumulative = np.cumsum(marginals)
    low, high = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    low, high = np.minimum(low, high), np.maximum(low, high)
    between = cumulative[high] - cumulative[low] + (marginals[low] - marginals[high]) / 2
    return np.asarray(between**2, dtype=np.float64)


# --- Krippendorff's alpha_u for unitizing ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlphaU:
    """Krippendorff's alpha_u with the disagreements behind it (``alpha = 1 - D_o / D_e``).

    The overall value carries ``per_label``: one :class:`AlphaU` per label (each label is scored
    as its own binary unitizing, everything else being gap); the overall ``observed`` and
    ``expected`` are the means of the labels' ones.
    """

    alpha: float
    observed: float
    expected: float
    per_label: dict[str, AlphaU] = field(default_factory=dict)


def unitizing_alpha(
    units_by_coder: Sequence[Iterable[Unit]], *, length: int, begin: int = 0
) -> AlphaU:
    """Krippendorff's (2004) alpha_u for several coders unitizing one continuum.

    ``units_by_coder[i]`` lists coder ``i``'s units as ``(start, end, label)`` inside
    ``[begin, begin + length)`` (character offsets, end exclusive); a coder's units of one label
    must not overlap. Definitions as in Krippendorff, "Measuring the reliability of qualitative
    text analysis data", Quality & Quantity 38 (2004), and Content Analysis (2nd ed., 2004; the
    worked example is on p. 254): the distance of two overlapping units is the sum of the
    squared differences of their starts and ends, a unit inside the other coder's gap costs its
    squared length, and the expected disagreement considers every possible placement of the
    observed units among the observed gaps. Each label is unitized on its own (its units
    against everything else); the overall figure is ``1 - mean(D_o) / mean(D_e)`` over labels.
    This is the 2004 definition; Krippendorff et al. (2016, Quality & Quantity 50) revised it
    for three or more coders. To score a corpus, lay its documents end to end with
    :func:`lay_end_to_end`.
    """
    coders = [list(units) for units in units_by_coder]
    if len(coders) < 2:
        raise AnnotateError("E408", what="Alpha_u", minimum=2, got=len(coders))
    by_label: dict[str, list[npt.NDArray[np.int64]]] = {}
    for coder, units in enumerate(coders):
        for start, end, label in units:
            if not begin <= start < end <= begin + length:
                raise AnnotateError(
                    "E410", coder=coder, unit=(start, end, label), begin=begin, end=begin + length
                )
    labels = sorted({label for units in coders for _, _, label in units})
    for label in labels:
        by_label[label] = [_sorted_units(units, label, coder) for coder, units in enumerate(coders)]
    per_label: dict[str, AlphaU] = {}
    for label, arrays in by_label.items():
        observed = _observed_u(arrays, length)
        expected = _expected_u(arrays, length, begin)
        per_label[label] = AlphaU(_alpha(observed, expected), observed, expected)
    if not per_label:
        return AlphaU(NAN, NAN, NAN, per_label)
    observed = float(np.mean([score.observed for score in per_label.values()]))
    expected = float(np.mean([score.expected for score in per_label.values()]))
    return AlphaU(_alpha(observed, expected), observed, expected, per_label)


def _alpha(observed: float, expected: float) -> float:
    return NAN if expected == 0 else 1.0 - observed / expected


def _sorted_units(units: Iterable[Unit], label: str, coder: int) -> npt.NDArray[np.int64]:
    """A coder's units of one label as an (n, 2) array of start, end in text order."""
    rows = sorted((start, end) for start, end, other in units if other == label)
    array = np.array(rows, dtype=np.int64).reshape(-1, 2)
    clash = np.flatnonzero(array[1:, 0] < array[:-1, 1])
    if len(clash):
        i = int(clash[0])
        first, second = tuple(rows[i]), tuple(rows[i + 1])
        raise AnnotateError("E411", coder=coder, first=first, second=second, label=label)
    return array


def _observed_u(units: list[npt.NDArray[np.int64]], length: int) -> float:
    """cD_o: pairwise distances of the coders' segments, normalised by m(m-1)L²."""
    m = len(units)
    total = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            total += _pair_distance(units[i], units[j], with_pairs=True)
            total += _pair_distance(units[j], units[i], with_pairs=False)
    return 2.0 * total / (m * (m - 1) * float(length) ** 2)


def _pair_distance(
    mine: npt.NDArray[np.int64], theirs: npt.NDArray[np.int64], *, with_pairs: bool
) -> float:
    """Distances charged to ``mine`` against ``theirs``.

    The squared lengths of my units lying inside one of their gaps and, ``with_pairs``, the
    distances of overlapping unit pairs (asked for in one of the two mirror calls only). Both
    coders' units of a label are disjoint, so a unit overlaps none of the other's units exactly
    when it lies wholly in one of the other's gaps.
    """
    if len(mine) == 0:
        return 0.0
    first = np.searchsorted(theirs[:, 1], mine[:, 0], side="right")  # first unit ending after
    stop = np.searchsorted(theirs[:, 0], mine[:, 1], side="left")  # first unit starting at/after
    n_overlaps = stop - first
    lengths = (mine[:, 1] - mine[:, 0]).astype(float)
    total = float((lengths[n_overlaps == 0] ** 2).sum())
    if with_pairs and n_overlaps.sum():
        mine_index = np.repeat(np.arange(len(mine)), n_overlaps)
        # index of each overlapping unit of theirs: first[i], first[i] + 1, ..., stop[i] - 1
        rank = np.arange(n_overlaps.sum()) - np.repeat(
            np.cumsum(n_overlaps) - n_overlaps, n_overlaps
        )
        their_index = np.repeat(first, n_overlaps) + rank
        starts = (mine[mine_index, 0] - theirs[their_index, 0]).astype(float)
        ends = (mine[mine_index, 1] - theirs[their_index, 1]).astype(float)
        total += float((starts**2 + ends**2).sum())
    return total


def _expected_u(units: list[npt.NDArray[np.int64]], length: int, begin: int) -> float:
    """cD_e (Krippendorff 2004): every unit against every placement among all gaps."""
    m = len(units)
    lengths = np.concatenate([u[:, 1] - u[:, 0] for u in units]).astype(float)
    gaps = np.sort(np.concatenate([_gaps(u, length, begin) for u in units]).astype(float))
    n_units = len(lengths)
    if n_units == 0:
        return 0.0
    within = (n_units - 1) * (2 * lengths**3 - 3 * lengths**2 + lengths) / 3
    # sum over gaps g >= l of (g - l + 1), from the suffix sums of the sorted gaps
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    first_fit = np.searchsorted(gaps, lengths, side="left")
    n_fit = len(gaps) - first_fit
    placements = suffix[first_fit] - n_fit * (lengths - 1)
    numerator = (within + lengths**2 * placements).sum() * 2.0 / length
    denominator = m * length * (m * length - 1.0) - float((lengths * (lengths - 1)).sum())
    return float(numerator / denominator)


def _gaps(units: npt.NDArray[np.int64], length: int, begin: int) -> npt.NDArray[np.int64]:
    """Lengths of the stretches of the continuum a coder left out of the label's units."""
    edges = np.concatenate([[begin], units.ravel(), [begin + length]])
    gaps: npt.NDArray[np.int64] = edges[1::2] - edges[0::2]
    return gaps[gaps > 0]


def lay_end_to_end(
    documents: Iterable[tuple[int, Sequence[Iterable[Unit]]]],
) -> tuple[int, list[list[Unit]]]:
    """One continuum from many documents, for :func:`unitizing_alpha` over a corpus.

    ``documents`` yields ``(n_chars, units_by_coder)`` per document, every document with the
    same coders in the same order. Returns the total length and each coder's shifted units.
    """
    offset = 0
    merged: list[list[Unit]] = []
    for index, (n_chars, coders) in enumerate(documents):
        coders = list(coders)
        if index == 0:
            merged = [[] for _ in coders]
        elif len(coders) != len(merged):
            raise AnnotateError("E413", index=index, got=len(coders), expected=len(merged))
        for target, units in zip(merged, coders, strict=True):
            target.extend((start + offset, end + offset, label) for start, end, label in units)
        offset += n_chars
    return offset, merged


# --- token-level labels ----------------------------------------------------------------------


def token_labels(
    token_starts: npt.ArrayLike,
    token_ends: npt.ArrayLike,
    annotations: Sequence[Iterable[Unit]],
    *,
    outside: str = "O",
    labelled_only: bool = False,
) -> npt.NDArray[np.str_]:
    """One label per annotator and token: annotators × tokens, ``outside`` where unlabelled.

    ``annotations[i]`` holds annotator ``i``'s spans of one layer as ``(start, end, label)``
    character offsets. A token takes the label of a span that shares a character with it; where
    an annotator's spans nest, the innermost (shortest) wins. With ``labelled_only`` only the
    tokens that at least one annotator labelled are kept, so that agreement is not inflated by
    the many tokens nobody marked. Rows feed :func:`cohen_kappa` and :func:`krippendorff_alpha`;
    :func:`fleiss_table` of the transpose feeds :func:`fleiss_kappa`.
    """
    starts = np.asarray(token_starts, dtype=np.int64).ravel()
    ends = np.asarray(token_ends, dtype=np.int64).ravel()
    if starts.shape != ends.shape:
        raise AnnotateError("E412", detail=f"{len(starts)} starts but {len(ends)} ends")
    if np.any(ends < starts) or np.any(np.diff(starts) < 0) or np.any(np.diff(ends) < 0):
        raise AnnotateError("E412", detail="they are not in text order or a token ends early")
    names: dict[str, int] = {outside: 0}
    codes = np.zeros((len(annotations), len(starts)), dtype=np.int32)
    for row, spans in enumerate(annotations):
        # Longest first, so that nested (shorter) spans overwrite the ones around them.
        ordered = sorted(spans, key=lambda span: (span[0] - span[1], span[0], span[2]))
        if not ordered:
            continue
        bounds = np.array([(start, end) for start, end, _ in ordered], dtype=np.int64)
        # tokens [first, stop): those ending after the span starts and starting before it ends
        first = np.searchsorted(ends, bounds[:, 0], side="right")
        stop = np.searchsorted(starts, bounds[:, 1], side="left")
        for (_, _, label), lo, hi in zip(ordered, first.tolist(), stop.tolist(), strict=True):
            codes[row, lo:hi] = names.setdefault(label, len(names))
    if labelled_only:
        codes = codes[:, (codes != 0).any(0)]
    return np.array(list(names))[codes]
