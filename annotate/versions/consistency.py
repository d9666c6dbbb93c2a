"""Find the same sentence annotated differently in two versions of an article.

A sentence that is identical in both versions should carry the same annotations in both; where
it does not, one of them is probably a mistake (or the guideline is unclear). Only sentences
found unchanged by the alignment are compared, and only spans lying wholly inside one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

from .align import DEFAULT_MIN_SIMILARITY, IDENTICAL, TextAlignment, align_texts
from .records import GivenSpan, read_spans
from .text import Span

KINDS = ("label_differs", "boundary_differs", "only_in_a", "only_in_b")


def consistency(
    text_a: str,
    spans_a: Iterable[object],
    text_b: str,
    spans_b: Iterable[object],
    *,
    alignment: TextAlignment | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> list[dict[str, Any]]:
    """Records of disagreements inside sentences identical in ``text_a`` and ``text_b``.

    ``kind`` is ``label_differs`` (same layer and offsets, different label),
    ``boundary_differs`` (same layer, overlapping, different offsets), ``only_in_a`` or
    ``only_in_b``. Each record has ``kind, layer``, the sentence (``sentence_text`` and its
    offsets in both texts) and, for each side, ``{a,b}_span_id, _label, _start, _end, _text``
    (``None`` on the side without a span). Offsets are into each side's own text, so the
    records load straight into a DataFrame.

    Example::

        for issue in consistency(old_text, old_spans, new_text, new_spans):
            print(issue["kind"], issue["a_text"] or issue["b_text"])
    """
    a = read_spans(spans_a, text_a, which="first")
    b = read_spans(spans_b, text_b, which="second")
    if alignment is None or alignment.source_text != text_a or alignment.target_text != text_b:
        alignment = align_texts(text_a, text_b, min_similarity=min_similarity)
    by_sent_a = _by_sentence(a, alignment.source_sentences)
    by_sent_b = _by_sentence(b, alignment.target_sentences)

    out: list[dict[str, Any]] = []
    for pair in alignment.pairs:
        if pair.kind != IDENTICAL:
            continue
        sa = alignment.source_sentences[pair.source]
        sb = alignment.target_sentences[pair.target]
        context = {
            "sentence_text": text_a[sa[0] : sa[1]],
            "a_sentence_start": sa[0],
            "a_sentence_end": sa[1],
            "b_sentence_start": sb[0],
            "b_sentence_end": sb[1],
        }
        left = sorted(by_sent_a.get(pair.source, []), key=_order)
        right = sorted(by_sent_b.get(pair.target, []), key=_order)
        for kind, x, y in _compare(left, right, sa[0], sb[0]):
            layer = x.layer if x is not None else y.layer if y is not None else ""
            out.append(
                {
                    "kind": kind,
                    "layer": layer,
                    **context,
                    **_side("a", x, text_a),
                    **_side("b", y, text_b),
                }
            )
    return out


def _compare(
    left: list[GivenSpan], right: list[GivenSpan], base_a: int, base_b: int
) -> list[tuple[str, GivenSpan | None, GivenSpan | None]]:
    """Pair up the spans of one sentence in both versions, most specific match first."""

    def rel(s: GivenSpan, base: int) -> tuple[int, int]:
        return s.start - base, s.end - base

    def same_span(x: GivenSpan, y: GivenSpan) -> bool:
        return x.label == y.label and rel(x, base_a) == rel(y, base_b)

    def same_offsets(x: GivenSpan, y: GivenSpan) -> bool:
        return rel(x, base_a) == rel(y, base_b)

    def overlapping(x: GivenSpan, y: GivenSpan) -> bool:
        return _overlap(rel(x, base_a), rel(y, base_b))

    left, right = list(left), list(right)
    issues: list[tuple[str, GivenSpan | None, GivenSpan | None]] = []
    rules: tuple[tuple[str | None, Callable[[GivenSpan, GivenSpan], bool]], ...] = (
        (None, same_span),
        ("label_differs", same_offsets),
        ("boundary_differs", overlapping),
    )
    for kind, same in rules:
        for x in list(left):
            match = next((y for y in right if y.layer == x.layer and same(x, y)), None)
            if match is None:
                continue
            left.remove(x)
            right.remove(match)
            if kind is not None:
                issues.append((kind, x, match))
    issues.extend(("only_in_a", x, None) for x in left)
    issues.extend(("only_in_b", None, y) for y in right)
    return issues


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _order(s: GivenSpan) -> tuple[int, int, str, str]:
    return s.start, s.end, s.layer, s.label


def _by_sentence(spans: list[GivenSpan], sents: tuple[Span, ...]) -> dict[int, list[GivenSpan]]:
    starts = [s[0] for s in sents]
    out: dict[int, list[GivenSpan]] = {}
    for span in spans:
        k = bisect_right(starts, span.start) - 1
        if k >= 0 and sents[k][0] <= span.start and span.end <= sents[k][1]:
            out.setdefault(k, []).append(span)
    return out


def _side(prefix: str, span: GivenSpan | None, text: str) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_{k}": None for k in ("span_id", "label", "start", "end", "text")}
    return {
        f"{prefix}_span_id": span.id,
        f"{prefix}_label": span.label,
        f"{prefix}_start": span.start,
        f"{prefix}_end": span.end,
        f"{prefix}_text": text[span.start : span.end],
    }
