"""Comparing two annotators' spans of one layer, fast enough for whole corpora.

Spans live in numpy arrays (:class:`SpanArrays`). :func:`compare` finds every overlapping
pair of a reference and a candidate side with a sort and binary searches, and most spans
overlap exactly one span of the other side, so most pairs are settled right away; only the
tangled groups (a span overlapping several) go to :func:`.matching.match_spans` and
:func:`.matching.align`. Both work per connected group of overlapping spans, so the
results are the same as running them on everything (a test checks this on random spans); the
difference is speed on hundreds of thousands of spans.

Spans are compared as :mod:`.matching` does: identical spans of one side count once,
offsets are end-exclusive (touching spans do not overlap), strict needs the same label and
offsets, overlap matching needs the same label and one shared character.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .matching import Span, align, match_spans

Ints = npt.NDArray[np.int64]
NONE_LABEL = "(none)"
_SHIFT = np.int64(1) << np.int64(32)  # documents are far longer apart than any text is long


@dataclass(frozen=True, slots=True)
class SpanArrays:
    """Spans of one layer as parallel arrays; ``label`` indexes ``labels``."""

    doc: Ints
    label: Ints
    start: Ints
    end: Ints
    ids: npt.NDArray[Any]
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, mask: npt.NDArray[np.bool_] | Ints) -> SpanArrays:
        return SpanArrays(
            self.doc[mask], self.label[mask], self.start[mask], self.end[mask], self.ids[mask],
            self.labels,
        )  # fmt: skip

    def unique(self) -> SpanArrays:
        """Identical spans (document, label, offsets) kept once, the first one."""
        if not len(self):
            return self
        keys = np.stack([self.doc, self.label, self.start, self.end])
        _, first = np.unique(keys, axis=1, return_index=True)
        return self.take(np.sort(first))

    def spans(self, index: Ints) -> list[Span]:
        """:class:`Span` objects of the given rows; ``id`` is the row number."""
        return [
            Span(str(d), self.labels[lab], int(s), int(e), int(i))
            for i, d, lab, s, e in zip(
                index.tolist(),
                self.doc[index].tolist(),
                self.label[index].tolist(),
                self.start[index].tolist(),
                self.end[index].tolist(),
                strict=True,
            )
        ]


def overlap_edges(gold: SpanArrays, pred: SpanArrays) -> tuple[Ints, Ints]:
    """Row numbers ``(g, p)`` of every gold and pred span of one document sharing a character.

    Pred spans are sorted by (document, start); for a gold span the candidates are those that
    start before it ends and come after the first one whose running maximum end passes its
    start (the running maximum keeps this right for nested spans). The candidates are then
    checked exactly.
    """
    if not len(gold) or not len(pred):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.lexsort((pred.start, pred.doc))
    base = pred.doc[order] * _SHIFT
    starts = base + pred.start[order]
    reach = np.maximum.accumulate(base + pred.end[order])
    gold_base = gold.doc * _SHIFT
    hi = np.searchsorted(starts, gold_base + gold.end, side="left")
    lo = np.searchsorted(reach, gold_base + gold.start, side="right")
    counts = np.maximum(hi - lo, 0)
    g = np.repeat(np.arange(len(gold)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    p = order[np.repeat(lo, counts) + offsets]
    keep = pred.end[p] > gold.start[g]
    return g[keep], p[keep]


@dataclass(slots=True)
class PairResult:
    """Per label: strict and overlap true positives, and each side's span count."""

    strict_tp: Counter[str]
    overlap_tp: Counter[str]
    n_gold: Counter[str]
    n_pred: Counter[str]
    confusion: Counter[tuple[str, str]]


def _simple(g: Ints, p: Ints, n_gold: int, n_pred: int) -> npt.NDArray[np.bool_]:
    """Edges whose two spans overlap nothing else: their own component, matched as is."""
    gold_degree = np.bincount(g, minlength=n_gold)
    pred_degree = np.bincount(p, minlength=n_pred)
    simple: npt.NDArray[np.bool_] = (gold_degree[g] == 1) & (pred_degree[p] == 1)
    return simple


def overlap_pairs(gold: SpanArrays, pred: SpanArrays) -> tuple[Ints, Ints]:
    """Row numbers of gold and pred spans paired one-to-one by overlap with the same label,
    as ``match_spans(..., mode="overlap")`` pairs them. Identical spans of one side should be
    removed first (:meth:`SpanArrays.unique`), as the matching module does."""
    g, p = overlap_edges(gold, pred)
    same = gold.label[g] == pred.label[p]
    g, p = g[same], p[same]
    simple = _simple(g, p, len(gold), len(pred))
    pairs_g, pairs_p = [g[simple]], [p[simple]]
    tangled_g, tangled_p = np.unique(g[~simple]), np.unique(p[~simple])
    if len(tangled_g):
        matching = match_spans(gold.spans(tangled_g), pred.spans(tangled_p), mode="overlap")
        pairs_g.append(np.array([x.id for x, _ in matching.pairs], dtype=np.int64))
        pairs_p.append(np.array([y.id for _, y in matching.pairs], dtype=np.int64))
    return np.concatenate(pairs_g), np.concatenate(pairs_p)


def compare(gold: SpanArrays, pred: SpanArrays) -> PairResult:
    """Strict and overlap matches per label and the SemEval alignment's label pairs.

    ``gold`` and ``pred`` share ``labels`` and hold one annotator each, on the same documents.
    """
    gold, pred = gold.unique(), pred.unique()
    labels = gold.labels
    g, p = overlap_edges(gold, pred)
    same_label = gold.label[g] == pred.label[p]
    exact = (gold.start[g] == pred.start[p]) & (gold.end[g] == pred.end[p])
    result = PairResult(
        strict_tp=_count(labels, gold.label[g[same_label & exact]]),
        overlap_tp=Counter(),
        n_gold=_count(labels, gold.label),
        n_pred=_count(labels, pred.label),
        confusion=Counter(),
    )
    matched, _ = overlap_pairs(gold, pred)
    result.overlap_tp.update(_count(labels, gold.label[matched]))
    # Alignment, as SemEval's: edges between overlapping spans of any label.
    simple = _simple(g, p, len(gold), len(pred))
    pairs = zip(gold.label[g[simple]].tolist(), pred.label[p[simple]].tolist(), strict=True)
    result.confusion.update((labels[a], labels[b]) for a, b in pairs)
    tangled_g, tangled_p = np.unique(g[~simple]), np.unique(p[~simple])
    if len(tangled_g):
        for unit in align(gold.spans(tangled_g), pred.spans(tangled_p)):
            left = unit.gold.label if unit.gold is not None else NONE_LABEL
            right = unit.pred.label if unit.pred is not None else NONE_LABEL
            result.confusion[(left, right)] += 1
    alone_gold = np.setdiff1d(np.arange(len(gold)), g)
    alone_pred = np.setdiff1d(np.arange(len(pred)), p)
    result.confusion.update((labels[x], NONE_LABEL) for x in gold.label[alone_gold].tolist())
    result.confusion.update((NONE_LABEL, labels[x]) for x in pred.label[alone_pred].tolist())
    return result


def _count(labels: tuple[str, ...], codes: Ints) -> Counter[str]:
    if not len(codes):
        return Counter()
    counts = np.bincount(codes, minlength=len(labels)).tolist()
    return Counter({labels[i]: n for i, n in enumerate(counts) if n})
