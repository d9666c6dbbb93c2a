"""Chance-corrected agreement of span annotation: token-level kappas and alphas, and alpha_u.

Spans become one label per token (``spacy.blank("en")`` tokens, whitespace left out, "O"
outside every span, as :func:`.reliability.token_labels` labels them) and feed Cohen's
kappa (per pair), Fleiss' kappa and Krippendorff's nominal alpha (all annotators), each over all
tokens and over the tokens at least one annotator labelled. Krippendorff's unitizing alpha
(2004) works on the character offsets directly, per pair and for all annotators. Only documents
annotated by at least two (for a pair: both) annotators count.

The coefficients are those of :mod:`.reliability`; where a corpus of tokens makes its
general form slow (sorting every label), :func:`kappa`, :func:`alpha_nominal` and
:func:`token_codes` compute the same figures on integer codes, and tests check they agree.
The functions return rows of the agreement report's ``chance`` table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from .pairs import _SHIFT, Ints, SpanArrays
from .reliability import fleiss_kappa, unitizing_alpha

OUTSIDE = "O"
MEAN = "mean"
ALL = "all"
SCOPES = ("all tokens", "labelled tokens")


@lru_cache(maxsize=4096)
def token_offsets(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and end offsets of the non-space ``spacy.blank("en")`` tokens of ``text``.

    Whitespace tokens (runs of spaces, line breaks) are left out: nobody labels them, and
    counting them would only inflate agreement on "outside".
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    from ..formats.tokens import blank_nlp

    doc = blank_nlp().make_doc(text)
    if len(doc) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    array = doc.to_array([IDX, LENGTH, IS_SPACE]).astype(np.int64)
    keep = array[:, 2] == 0
    starts = array[keep, 0]
    return starts, starts + array[keep, 1]


def pair_name(a: str, b: str) -> str:
    return f"{a} / {b}"


def _row(layer: str, coefficient: str, scope: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "layer": layer,
        "coefficient": coefficient,
        "scope": scope,
        "pair": ALL,
        "annotator_a": None,
        "annotator_b": None,
        "label": None,
        "value": math.nan,
        "n_units": None,
        "n_docs": None,
        "n_coders": None,
    }
    row.update(values)
    return row


def _layout(docs: Sequence[int], texts: Sequence[str | None], n_docs: int) -> tuple[Ints, int]:
    """Where each of ``docs`` starts when they are laid end to end (-1 for the others), and
    the total length. Documents are one character apart so no span reaches into the next."""
    offsets = np.full(n_docs, -1, dtype=np.int64)
    position = 0
    for code in docs:
        offsets[code] = position
        position += len(texts[code] or "") + 1
    return offsets, position


def _units(arrays: SpanArrays, offsets: Ints) -> list[tuple[int, int, str]]:
    """The spans on laid-out documents as (start, end, label) on the joint continuum."""
    placed = offsets[arrays.doc] >= 0
    shift = offsets[arrays.doc[placed]]
    labels = arrays.labels
    return list(
        zip(
            (arrays.start[placed] + shift).tolist(),
            (arrays.end[placed] + shift).tolist(),
            [labels[code] for code in arrays.label[placed].tolist()],
            strict=True,
        )
    )


@dataclass(frozen=True, slots=True)
class TokenLayout:
    """The tokens of every document two or more annotators annotated, laid end to end."""

    offsets: Ints  # per document code: where it starts on the joint continuum, -1 if left out
    starts: Ints  # tokens, in document order
    ends: Ints
    doc: Ints  # each token's document code


def token_layout(annotated: npt.NDArray[np.bool_], texts: Sequence[str | None]) -> TokenLayout:
    """Lay out the tokens once for every layer (``annotated`` is annotators × documents)."""
    docs = [d for d in np.flatnonzero(annotated.sum(0) >= 2).tolist() if texts[d] is not None]
    offsets, _ = _layout(docs, texts, annotated.shape[1])
    starts, ends, doc_index = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], []
    for code in docs:
        token_starts, token_ends = token_offsets(texts[code] or "")
        starts.append(token_starts + offsets[code])
        ends.append(token_ends + offsets[code])
        doc_index.append(np.full(len(token_starts), code, dtype=np.int64))
    doc = np.concatenate(doc_index) if doc_index else np.zeros(0, dtype=np.int64)
    return TokenLayout(offsets, np.concatenate(starts), np.concatenate(ends), doc)


def token_codes(spans: SpanArrays, layout: TokenLayout) -> npt.NDArray[np.int32]:
    """One label code per token (0 outside every span, else 1 + the label's index) for one
    annotator's spans, as :func:`.reliability.token_labels` labels them.

    A token takes the label of a span sharing a character with it; where spans nest, the
    shortest wins, ties going to the later start and then the later label, exactly as the
    reliability module's longest-first overwriting does (a test checks it). Vectorised, since a
    corpus has hundreds of thousands of spans.
    """
    codes = np.zeros(len(layout.starts), dtype=np.int32)
    placed = layout.offsets[spans.doc] >= 0
    if not placed.any():
        return codes
    shift = layout.offsets[spans.doc[placed]]
    start, end = spans.start[placed] + shift, spans.end[placed] + shift
    label = spans.label[placed]
    first = np.searchsorted(layout.ends, start, side="right")
    stop = np.searchsorted(layout.starts, end, side="left")
    counts = np.maximum(stop - first, 0)
    # rank: position in the reliability module's order (longest first, then start, label)
    rank = np.empty(len(start), dtype=np.int64)
    rank[np.lexsort((label, start, start - end))] = np.arange(len(start))
    span_of = np.repeat(np.arange(len(start)), counts)
    token = np.repeat(first, counts) + (
        np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    order = np.lexsort((rank[span_of], token))
    token, span_of = token[order], span_of[order]
    last = np.r_[token[1:] != token[:-1], True]  # the highest rank of each token wins
    codes[token[last]] = label[span_of[last]] + 1
    return codes


def token_matrix(
    layer: Mapping[str, SpanArrays],
    annotators: Sequence[str],
    annotated: npt.NDArray[np.bool_],
    layout: TokenLayout,
) -> npt.NDArray[np.int32]:
    """Annotators × tokens label codes: -1 where the annotator did not annotate the token's
    document, 0 outside every span, 1 + label index inside one."""
    rows = []
    for i, name in enumerate(annotators):
        mine = layer[name]
        own = mine.take(annotated[i][mine.doc])  # only the documents this annotator annotated
        rows.append(token_codes(own, layout))
    if not rows:
        return np.zeros((0, len(layout.starts)), dtype=np.int32)
    matrix = np.stack(rows)
    return np.where(annotated[:, layout.doc], matrix, -1).astype(np.int32)


def token_rows(
    layer_name: str,
    layer: Mapping[str, SpanArrays],
    annotators: Sequence[str],
    annotated: npt.NDArray[np.bool_],
    layout: TokenLayout,
) -> list[dict[str, Any]]:
    """Cohen's kappa per pair (and their mean), Fleiss' kappa and Krippendorff's alpha."""
    matrix = token_matrix(layer, annotators, annotated, layout)
    doc_index = layout.doc
    rows: list[dict[str, Any]] = []
    present = matrix >= 0
    labelled = matrix > 0
    n_labels = len(next(iter(layer.values())).labels) + 1 if layer else 1
    for scope in SCOPES:
        keep = np.ones(matrix.shape[1], dtype=bool)
        if scope == "labelled tokens":
            keep = np.asarray(labelled.any(0), dtype=bool)
        kappas = []
        for (i, a), (j, b) in combinations(enumerate(annotators), 2):
            both = present[i] & present[j] & keep
            if scope == "labelled tokens":
                both &= labelled[i] | labelled[j]
            value = kappa(matrix[i, both], matrix[j, both], n_labels)
            kappas.append(value)
            rows.append(
                _row(
                    layer_name,
                    "cohen_kappa",
                    scope,
                    pair=pair_name(a, b),
                    annotator_a=a,
                    annotator_b=b,
                    value=value,
                    n_units=int(both.sum()),
                    n_docs=_n_docs(doc_index, both),
                    n_coders=2,
                )
            )
        defined = [k for k in kappas if not math.isnan(k)]
        mean = float(np.mean(defined)) if defined else math.nan
        rows.append(_row(layer_name, "cohen_kappa", scope, pair=MEAN, value=mean, n_coders=2))
        fleiss = _fleiss(matrix, doc_index, keep, n_labels)
        rows.append(_row(layer_name, "fleiss_kappa", scope, **fleiss))
        columns = matrix[:, keep]
        rows.append(
            _row(
                layer_name,
                "krippendorff_alpha",
                scope,
                value=alpha_nominal(columns, n_labels),
                n_units=int(columns.shape[1]),
                n_docs=_n_docs(doc_index, keep),
                n_coders=len(annotators),
            )
        )
    return rows


def _n_docs(doc_index: Ints, mask: npt.NDArray[np.bool_]) -> int:
    """How many documents the selected tokens come from (tokens are in document order)."""
    docs = doc_index[mask]
    return int(len(docs) > 0) + int(np.count_nonzero(docs[1:] != docs[:-1]))


def kappa(a: npt.NDArray[np.int32], b: npt.NDArray[np.int32], n_labels: int) -> float:
    """Cohen's kappa of two rows of label codes in ``[0, n_labels)``.

    The same as :func:`.reliability.cohen_kappa` (a test checks it), computed from a
    bincount of the codes instead of sorting the labels, which matters on a corpus of tokens.
    """
    n = len(a)
    if n == 0:
        return math.nan
    confusion = np.bincount(a * n_labels + b, minlength=n_labels * n_labels)
    confusion = confusion.reshape(n_labels, n_labels).astype(float)
    observed = np.trace(confusion) / n
    expected = float(confusion.sum(1) @ confusion.sum(0)) / (n * n)
    return math.nan if expected == 1 else float((observed - expected) / (1 - expected))


def alpha_nominal(matrix: npt.NDArray[np.int32], n_labels: int) -> float:
    """Krippendorff's nominal alpha of coders × units codes, -1 where missing.

    The same as :func:`.reliability.krippendorff_alpha` at the nominal level (a test
    checks it): the coincidence matrix is counted with one bincount per pair of coders (the
    mirrored pair is its transpose).
    """
    present = matrix >= 0
    per_unit = present.sum(0)
    pairable = per_unit >= 2
    if not pairable.any():
        return math.nan
    codes, present = matrix[:, pairable], present[:, pairable]
    complete = bool(present.all())
    weight = 1.0 / (per_unit[pairable] - 1)
    square = np.zeros((n_labels, n_labels))
    for i in range(codes.shape[0]):
        for j in range(i + 1, codes.shape[0]):
            if complete:  # every coder coded every unit: no masks, one weight
                pair = codes[i] * n_labels + codes[j]
                counts = np.bincount(pair, minlength=n_labels**2) * weight[0]
            else:
                both = present[i] & present[j]
                pair = codes[i, both] * n_labels + codes[j, both]
                counts = np.bincount(pair, weights=weight[both], minlength=n_labels**2)
            block = counts.reshape(n_labels, n_labels)
            square += block + block.T
    marginals = square.sum(1)
    total = marginals.sum()
    observed = total - np.trace(square)
    expected = (total * total - float(marginals @ marginals)) / (total - 1)
    return math.nan if expected == 0 else float(1.0 - observed / expected)


def _fleiss(
    matrix: npt.NDArray[np.int32],
    doc_index: Ints,
    keep: npt.NDArray[np.bool_],
    n_labels: int,
) -> dict[str, Any]:
    """Fleiss' kappa on the tokens of the documents with the most common number of coders.

    Fleiss' kappa needs the same number of ratings for every token (the raters may differ, so
    an overlap design of 2 of 4 annotators fits); documents with another number of coders are
    left out, and ``n_coders`` says how many rated each token.
    """
    counts = (matrix >= 0).sum(0)
    if not keep.any():
        return {"n_units": 0, "n_docs": 0}
    first_tokens = np.r_[True, np.diff(doc_index) != 0]
    per_doc = Counter(int(c) for c in counts[first_tokens])
    m = max(per_doc, key=lambda c: (per_doc[c], c))  # ties: the larger number of coders
    columns = keep & (counts == m)
    sub = matrix[:, columns]
    if not sub.shape[1]:
        return {"n_units": 0, "n_docs": 0, "n_coders": m}
    table = np.zeros(sub.shape[1] * n_labels, dtype=np.int64)
    base = np.arange(sub.shape[1]) * n_labels
    for row in sub:  # one bincount per coder: the categories each token was given
        rated = row >= 0
        table += np.bincount(base[rated] + row[rated], minlength=len(table))
    table = table.reshape(sub.shape[1], n_labels)
    return {
        "value": fleiss_kappa(table),
        "n_units": int(sub.shape[1]),
        "n_docs": _n_docs(doc_index, columns),
        "n_coders": m,
    }


def disjoint(arrays: SpanArrays) -> tuple[SpanArrays, int]:
    """The spans with overlapping spans of the same label and document merged into their
    union, and how many were merged away.

    Alpha_u needs each coder's units of one label to be disjoint; nested quotes or claims of
    one label are therefore scored as the stretch they cover together.
    """
    if not len(arrays):
        return arrays, 0
    order = np.lexsort((arrays.end, arrays.start, arrays.label, arrays.doc))
    group = (arrays.doc[order] * (len(arrays.labels) + 1) + arrays.label[order]) * _SHIFT
    starts = group + arrays.start[order]
    reach = np.maximum.accumulate(group + arrays.end[order])
    new = np.r_[True, starts[1:] >= reach[:-1]]
    first = np.flatnonzero(new)
    ends = np.maximum.reduceat(arrays.end[order], first)
    kept = arrays.take(order[first])
    merged = SpanArrays(kept.doc, kept.label, kept.start, ends, kept.ids, kept.labels)
    return merged, len(arrays) - len(first)


def unitizing_rows(
    layer_name: str,
    layer: Mapping[str, SpanArrays],
    annotators: Sequence[str],
    annotated: npt.NDArray[np.bool_],
    texts: Sequence[str | None],
) -> tuple[list[dict[str, Any]], int]:
    """Alpha_u per pair (on the documents both annotated) and, with three or more annotators,
    for all of them (on the documents everyone annotated); overall and per label. Returns the
    rows and how many nested spans were merged (see :func:`disjoint`)."""
    merged: dict[str, SpanArrays] = {}
    n_merged = 0
    for name in annotators:
        merged[name], count = disjoint(layer[name])
        n_merged += count
    index = {name: i for i, name in enumerate(annotators)}
    groups: list[tuple[str, str | None, str | None, list[str]]] = [
        (pair_name(a, b), a, b, [a, b]) for a, b in combinations(annotators, 2)
    ]
    if len(annotators) > 2:
        groups.append((ALL, None, None, list(annotators)))
    rows: list[dict[str, Any]] = []
    for pair, a, b, coders in groups:
        everyone = annotated[[index[name] for name in coders]].all(0)
        docs = [d for d in np.flatnonzero(everyone).tolist() if texts[d]]
        base = {"pair": pair, "annotator_a": a, "annotator_b": b, "n_docs": len(docs)}
        base["n_coders"] = len(coders)
        if not docs:
            rows.append(_row(layer_name, "unitizing_alpha", "characters", n_units=0, **base))
            continue
        offsets, length = _layout(docs, texts, annotated.shape[1])
        units_by_coder = [_units(merged[name], offsets) for name in coders]
        score = unitizing_alpha(units_by_coder, length=length)
        per_label = Counter(unit[2] for units in units_by_coder for unit in units)
        rows.append(
            _row(
                layer_name,
                "unitizing_alpha",
                "characters",
                value=score.alpha,
                n_units=sum(per_label.values()),
                **base,
            )
        )
        for label, label_score in sorted(score.per_label.items()):
            rows.append(
                _row(
                    layer_name,
                    "unitizing_alpha",
                    "characters",
                    label=label,
                    value=label_score.alpha,
                    n_units=per_label[label],
                    **base,
                )
            )
    return rows, n_merged
