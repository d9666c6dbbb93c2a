"""Span alignment shared by agreement and evaluation.

A span is ``(label, start, end)`` inside one document: character offsets, ``end`` exclusive.
One side is the reference ("gold": the gold standard, or the first annotator) and the other the
candidate ("pred": a system, or the second annotator); spans are only ever compared within the
same document. Agreement and evaluation both go through this module, so an annotator-vs-annotator
figure and a system-vs-gold figure mean the same thing.

- :func:`score_spans` gives precision, recall and F shaped like spaCy's scorer
  (``{name}_p/_r/_f`` plus ``{name}_per_type``, ``None`` where nothing was scored). In ``strict``
  mode it equals ``spacy.scorer.Scorer.score_spans``.
- :func:`match_spans` returns the matched pairs behind those figures, so callers can score
  attributes (speaker, cue, claim type) on matched units.
- :func:`align` classifies every unit as SemEval-2013 task 9.1 does (correct, incorrect,
  partial, missed, spurious) and :func:`.semeval.semeval_scores` gives its four schemes
  (strict, exact, partial, type) with the counts behind them, as defined by Segura-Bedmar
  et al. (2013) and implemented by the ``nervaluate`` package. Two deliberate differences from
  ``nervaluate``: pairs are one-to-one (it may count one gold span for several predictions),
  and offsets are end-exclusive, so spans that only touch do not overlap.

Spans that are identical (same document, label, start and end) count once, as in spaCy, where
spans are compared as sets. Matching is one-to-one: a span is paired with at most one span of
the other side. Overlap matching sorts and sweeps each document, then solves the (small)
connected groups of mutually overlapping spans exactly.
"""

from __future__ import annotations

import operator
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..errors import AnnotateError

if TYPE_CHECKING:
    import pandas as pd

Mode = Literal["strict", "exact", "overlap"]
Kind = Literal["correct", "incorrect", "partial", "missed", "spurious"]
MODES: tuple[Mode, ...] = ("strict", "exact", "overlap")
SCHEMES = ("strict", "exact", "partial", "type")
COUNTS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A labelled character span of one document; ``id`` rides along and is never compared."""

    doc_id: str
    label: str
    start: int
    end: int
    id: Hashable = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise AnnotateError(
                "E401", span=self.id, doc_id=self.doc_id, start=self.start, end=self.end
            )

    def overlap(self, other: Span) -> int:
        """Number of characters the two spans share (0 when they are disjoint)."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


# Anything :func:`as_spans` reads: Span objects, (doc_id, label, start, end[, span_id]) tuples,
# mappings or objects with those fields, or a pandas DataFrame with those columns.
SpanSource = Iterable[Any]


@dataclass(frozen=True, slots=True)
class Matching:
    """One-to-one pairs of gold and pred spans, and the spans left without a partner."""

    pairs: list[tuple[Span, Span]]
    unmatched_gold: list[Span]
    unmatched_pred: list[Span]

    def id_pairs(self) -> list[tuple[Hashable, Hashable]]:
        """``(gold id, pred id)`` of every matched pair."""
        return [(gold.id, pred.id) for gold, pred in self.pairs]


@dataclass(frozen=True, slots=True)
class Alignment:
    """One unit of a SemEval-2013 alignment: a gold span, a pred span, or a pair of them.

    ``kind`` is ``correct`` (same boundaries and label), ``incorrect`` (same boundaries, other
    label), ``partial`` (overlapping, other boundaries, any label), ``missed`` (gold only) or
    ``spurious`` (pred only).
    """

    kind: Kind
    gold: Span | None
    pred: Span | None

    @property
    def same_label(self) -> bool:
        return (
            self.gold is not None and self.pred is not None and self.gold.label == self.pred.label
        )

    @property
    def label(self) -> str:
        """The label the unit counts under: the gold label, or the pred label when spurious."""
        span = self.gold if self.gold is not None else self.pred
        assert span is not None
        return span.label

    @property
    def doc_id(self) -> str:
        span = self.gold if self.gold is not None else self.pred
        assert span is not None
        return span.doc_id


# --- reading spans ---------------------------------------------------------------------------


def as_spans(items: SpanSource) -> list[Span]:
    """Read spans from any :data:`SpanSource` into a list of :class:`Span`.

    Offsets must be integers with ``0 <= start < end``; a problem raises ``AnnotateError``
    (E401 offsets, E403 shape, E405 missing label) naming the span and its document.
    """
    frame_type = _dataframe_type()
    if frame_type is not None and isinstance(items, frame_type):
        return spans_from_frame(items)  # type: ignore[arg-type]
    return [item if isinstance(item, Span) else _to_span(item) for item in items]


def spans_from_frame(frame: pd.DataFrame, *, id_column: str = "span_id") -> list[Span]:
    """Read spans from a table with columns doc_id, label, start, end (and ``id_column``).

    This is the shape of the ``spans`` export; filter it to one layer and one annotator first.
    """
    required = ["doc_id", "label", "start", "end"]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise AnnotateError("E404", missing=missing, columns=list(frame.columns))
    columns = [frame[column].tolist() for column in required]
    ids = frame[id_column].tolist() if id_column in frame.columns else [None] * len(frame)
    return [_make(*row) for row in zip(*columns, ids, strict=True)]


def _dataframe_type() -> type | None:
    # A DataFrame can only exist once pandas is imported, so there is no need to import it here.
    pandas = sys.modules.get("pandas")
    frame_type: type | None = None if pandas is None else pandas.DataFrame
    return frame_type


def _to_span(item: Any) -> Span:
    # Named tuples (e.g. from DataFrame.itertuples) are read by field name, plain ones by position.
    if isinstance(item, tuple) and not hasattr(item, "_fields") and len(item) in (4, 5):
        return _make(*item)
    if isinstance(item, Mapping):
        try:
            return _make(
                item["doc_id"], item["label"], item["start"], item["end"], item.get("span_id")
            )
        except KeyError:
            raise AnnotateError("E403", item=item) from None
    try:
        doc_id, label, start, end = item.doc_id, item.label, item.start, item.end
    except AttributeError:
        raise AnnotateError("E403", item=item) from None
    return _make(doc_id, label, start, end, getattr(item, "span_id", getattr(item, "id", None)))


def _make(doc_id: Any, label: Any, start: Any, end: Any, span_id: Hashable = None) -> Span:
    if _is_blank(label):
        raise AnnotateError("E405", span=span_id, doc_id=doc_id)
    try:
        start_i, end_i = operator.index(start), operator.index(end)
    except TypeError:
        raise AnnotateError("E401", span=span_id, doc_id=doc_id, start=start, end=end) from None
    return Span(str(doc_id), str(label), start_i, end_i, span_id)


def _is_blank(label: Any) -> bool:
    if isinstance(label, str):
        return label == ""
    if label is None:
        return True
    try:
        return bool(label != label)  # NaN, the usual missing value in a table
    except TypeError:  # pandas.NA refuses to be a bool, and it is missing too
        return True


def _by_doc(spans: Iterable[Span], key: Callable[[Span], Hashable]) -> dict[str, list[Span]]:
    """Spans grouped by document, sorted by position, identical ones (by ``key``) kept once."""
    groups: dict[str, dict[Hashable, Span]] = {}
    for span in spans:
        group = groups.get(span.doc_id)
        if group is None:
            group = groups[span.doc_id] = {}
        group.setdefault(key(span), span)
    return {doc_id: sorted(group.values(), key=_position) for doc_id, group in groups.items()}


_position = operator.attrgetter("start", "end", "label")


def _labelled(span: Span) -> Hashable:
    return (span.label, span.start, span.end)


def _unlabelled(span: Span) -> Hashable:
    return (span.start, span.end)


# --- matching --------------------------------------------------------------------------------


def match_spans(gold: SpanSource, pred: SpanSource, *, mode: Mode = "strict") -> Matching:
    """Pair gold and pred spans one-to-one, document by document.

    ``strict``: same label and offsets. ``exact``: same offsets, any label (spans with the same
    offsets count once per side). ``overlap``: same label and at least one shared character; of
    all matchings the one with the most pairs is taken, and among those the one with the largest
    total overlap.
    """
    if mode not in MODES:
        raise AnnotateError("E402", what="matching mode", value=mode, allowed=", ".join(MODES))
    key = _unlabelled if mode == "exact" else _labelled
    gold_docs = _by_doc(as_spans(gold), key)
    pred_docs = _by_doc(as_spans(pred), key)
    pairs: list[tuple[Span, Span]] = []
    lone_gold: list[Span] = []
    lone_pred: list[Span] = []
    for doc_id in _doc_order(gold_docs, pred_docs):
        golds, preds = gold_docs.get(doc_id, []), pred_docs.get(doc_id, [])
        if mode == "overlap":
            doc_pairs = _overlap_matching(golds, preds, weigh=_weigh_same_label)
        else:
            by_key = {key(span): span for span in preds}
            doc_pairs = [(span, by_key[key(span)]) for span in golds if key(span) in by_key]
        pairs.extend(doc_pairs)
        paired_gold = {id(g) for g, _ in doc_pairs}
        paired_pred = {id(p) for _, p in doc_pairs}
        lone_gold.extend(span for span in golds if id(span) not in paired_gold)
        lone_pred.extend(span for span in preds if id(span) not in paired_pred)
    return Matching(pairs, lone_gold, lone_pred)


def _doc_order(*groups: Mapping[str, object]) -> list[str]:
    return list(dict.fromkeys(doc_id for group in groups for doc_id in group))


# A weighing gives a candidate pair its tiers, most important first, or None when the pair may
# not be matched at all. The overlap in characters is always the last tie-breaker.
Weigh = Callable[[Span, Span], "tuple[int, ...] | None"]


def _weigh_same_label(gold: Span, pred: Span) -> tuple[int, ...] | None:
    return (1,) if gold.label == pred.label else None


def _weigh_semeval(gold: Span, pred: Span) -> tuple[int, ...] | None:
    # SemEval's order of preference: exact boundaries with the right label, exact boundaries,
    # the right label, any overlap.
    exact = gold.start == pred.start and gold.end == pred.end
    same = gold.label == pred.label
    return (int(exact and same), int(exact), int(same), 1)


def _overlap_matching(
    golds: list[Span], preds: list[Span], *, weigh: Weigh
) -> list[tuple[Span, Span]]:
    """One-to-one matching of overlapping spans maximising the tiers of ``weigh`` in order."""
    edges = [
        (g, p, (*tiers, golds[g].overlap(preds[p])))
        for g, p in _overlapping(golds, preds)
        if (tiers := weigh(golds[g], preds[p])) is not None
    ]
    gold_degree = Counter(g for g, _, _ in edges)
    pred_degree = Counter(p for _, p, _ in edges)
    # Most spans overlap at most one span of the other side: those pairs need no solving.
    pairs = [
        (golds[g], preds[p]) for g, p, _ in edges if gold_degree[g] == 1 and pred_degree[p] == 1
    ]
    tangled = [edge for edge in edges if gold_degree[edge[0]] > 1 or pred_degree[edge[1]] > 1]
    for component in _components(tangled, len(golds)):
        pairs.extend((golds[g], preds[p]) for g, p in _best_matching(component))
    pairs.sort(key=_pair_position)
    return pairs


def _pair_position(pair: tuple[Span, Span]) -> tuple[int, int, str, int, int, str]:
    gold, pred = pair
    return (gold.start, gold.end, gold.label, pred.start, pred.end, pred.label)


def _overlapping(golds: list[Span], preds: list[Span]) -> list[tuple[int, int]]:
    """Indices of every overlapping (gold, pred) pair; both lists sorted by start.

    A sweep over start offsets keeps the spans still open on each side, so the cost is the
    number of spans plus the number of overlapping pairs, not their product.
    """
    gold_starts, gold_ends = [s.start for s in golds], [s.end for s in golds]
    pred_starts, pred_ends = [s.start for s in preds], [s.end for s in preds]
    n_gold, n_pred = len(golds), len(preds)
    found: list[tuple[int, int]] = []
    open_gold: list[int] = []
    open_pred: list[int] = []
    g = p = 0
    while g < n_gold or p < n_pred:
        if p == n_pred or (g < n_gold and gold_starts[g] <= pred_starts[p]):
            start = gold_starts[g]
            if open_pred:
                open_pred = [j for j in open_pred if pred_ends[j] > start]
                found.extend((g, j) for j in open_pred)
            open_gold.append(g)
            g += 1
        else:
            start = pred_starts[p]
            if open_gold:
                open_gold = [i for i in open_gold if gold_ends[i] > start]
                found.extend((i, p) for i in open_gold)
            open_pred.append(p)
            p += 1
    return found


Edge = tuple[int, int, tuple[int, ...]]


def _components(edges: list[Edge], n_gold: int) -> list[list[Edge]]:
    """Edges grouped into connected components of the gold-pred overlap graph."""
    parent: dict[int, int] = {}  # gold g is node g, pred p is node n_gold + p

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent.setdefault(parent[node], parent[node])  # halve the path
            node = parent[node]
        return node

    for g, p, _ in edges:
        parent[find(g)] = find(n_gold + p)
    groups: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        groups[find(edge[0])].append(edge)
    return list(groups.values())


def _best_matching(component: list[Edge]) -> list[tuple[int, int]]:
    """Maximum-weight matching of one component, tiers compared lexicographically."""
    rows = sorted({g for g, _, _ in component})
    cols = sorted({p for _, p, _ in component})
    if len(rows) == 1 or len(cols) == 1:  # one pair at most: the best edge, tiers in order
        g, p, _ = max(component, key=lambda edge: edge[2])
        return [(g, p)]
    n_tiers = len(component[0][2])
    # Fold the tiers into one integer weight in a mixed radix: a matching has at most
    # ``k`` pairs, so one unit of a higher tier outweighs everything the lower tiers can add.
    k = min(len(rows), len(cols)) + 1
    total_overlap = sum(tiers[-1] for _, _, tiers in component) + 1
    radix = [total_overlap * k ** (n_tiers - 2 - t) for t in range(n_tiers - 1)] + [1]
    weights = [[0] * len(cols) for _ in rows]
    row_of = {g: i for i, g in enumerate(rows)}
    col_of = {p: j for j, p in enumerate(cols)}
    for g, p, tiers in component:
        weights[row_of[g]][col_of[p]] = sum(t * r for t, r in zip(tiers, radix, strict=True))
    return [(rows[i], cols[j]) for i, j in max_weight_assignment(weights) if weights[i][j] > 0]


def max_weight_assignment(weights: list[list[int]]) -> list[tuple[int, int]]:
    """Row-column pairs of a rectangular assignment with the largest total weight.

    The Hungarian method with potentials (Kuhn-Munkres, shortest augmenting paths), O(n²m) for
    ``n <= m``; exact on integers. Components of overlapping spans are small, so plain Python is
    fast enough and keeps scipy out of the runtime dependencies.
    """
    if not weights or not weights[0]:
        return []
    transposed = len(weights) > len(weights[0])
    cost = [list(col) for col in zip(*weights, strict=True)] if transposed else weights
    n, m = len(cost), len(cost[0])
    inf = float("inf")  # only a sentinel: potentials stay Python ints, so sums never round
    u: list[float] = [0] * (n + 1)
    v: list[float] = [0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j]: 1-based row assigned to column j, 0 if none
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        min_reduced = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            row = cost[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = -row[j - 1] - u[i0] - v[j]  # minimise the negated weight
                    if reduced < min_reduced[j]:
                        min_reduced[j], way[j] = reduced, j0
                    if min_reduced[j] < delta:
                        delta, j1 = min_reduced[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    min_reduced[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    pairs = [(owner[j] - 1, j - 1) for j in range(1, m + 1) if owner[j]]
    return sorted((c, r) for r, c in pairs) if transposed else sorted(pairs)


# --- spaCy-shaped scores ---------------------------------------------------------------------


def score_spans(
    gold: SpanSource, pred: SpanSource, *, mode: Mode = "strict", name: str = "spans"
) -> dict[str, Any]:
    """Precision, recall and F of pred against gold, shaped like spaCy's ``score_spans``.

    Returns ``{name}_p``, ``{name}_r``, ``{name}_f`` and, except in ``exact`` mode (which
    ignores labels, like spaCy's ``labeled=False``), ``{name}_per_type`` mapping each label seen
    on either side to ``{"p", "r", "f"}``. All are ``None`` when neither side has a span. In
    ``strict`` mode the figures equal ``spacy.scorer.Scorer.score_spans``. See
    :func:`match_spans` for the modes.
    """
    matching = match_spans(gold, pred, mode=mode)
    tp: Counter[str] = Counter(g.label for g, _ in matching.pairs)
    fn: Counter[str] = Counter(span.label for span in matching.unmatched_gold)
    fp: Counter[str] = Counter(span.label for span in matching.unmatched_pred)
    result: dict[str, Any] = {f"{name}_p": None, f"{name}_r": None, f"{name}_f": None}
    labelled = mode != "exact"
    if labelled:
        result[f"{name}_per_type"] = None
    n_tp, n_fp, n_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    if n_tp + n_fp + n_fn == 0:
        return result
    result.update(zip((f"{name}_p", f"{name}_r", f"{name}_f"), prf(n_tp, n_fp, n_fn), strict=True))
    if labelled:
        labels = sorted(set(tp) | set(fp) | set(fn))
        result[f"{name}_per_type"] = {
            label: dict(zip("prf", prf(tp[label], fp[label], fn[label]), strict=True))
            for label in labels
        }
    return result


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall and F1, 0.0 where a denominator is empty (as spaCy's ``PRFScore``)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    # Same order of operations as spaCy so that the figures agree to the last bit.
    f = 2 * ((p * r) / (p + r)) if p + r else 0.0
    return p, r, f


# --- SemEval-2013 task 9.1: the alignment (scores in .semeval) ---------------------------


def align(gold: SpanSource, pred: SpanSource) -> list[Alignment]:
    """Classify every gold and pred span as SemEval-2013 task 9.1 does, one-to-one.

    Pairs are chosen per document among overlapping spans of any label, preferring (in this
    order) exact boundaries with the right label, exact boundaries, the right label, more pairs,
    and then more shared characters. The result lists each document's units in text order.
    """
    gold_docs = _by_doc(as_spans(gold), _labelled)
    pred_docs = _by_doc(as_spans(pred), _labelled)
    units: list[Alignment] = []
    for doc_id in _doc_order(gold_docs, pred_docs):
        golds, preds = gold_docs.get(doc_id, []), pred_docs.get(doc_id, [])
        pairs = _overlap_matching(golds, preds, weigh=_weigh_semeval)
        doc_units = [Alignment(_pair_kind(g, p), g, p) for g, p in pairs]
        paired_gold = {id(g) for g, _ in pairs}
        paired_pred = {id(p) for _, p in pairs}
        doc_units += [Alignment("missed", g, None) for g in golds if id(g) not in paired_gold]
        doc_units += [Alignment("spurious", None, p) for p in preds if id(p) not in paired_pred]
        doc_units.sort(key=_unit_position)
        units.extend(doc_units)
    return units


def _pair_kind(gold: Span, pred: Span) -> Kind:
    if gold.start == pred.start and gold.end == pred.end:
        return "correct" if gold.label == pred.label else "incorrect"
    return "partial"


def _unit_position(unit: Alignment) -> tuple[int, int, int, int]:
    first = unit.gold if unit.gold is not None else unit.pred
    assert first is not None
    second = unit.pred if unit.pred is not None else first
    return (first.start, first.end, second.start, second.end)


# How each kind of unit counts in each scheme: (kind, same label) -> outcome per scheme.
