"""Carry annotations from one version of an article to another.

A span is carried only where the alignment vouches for it, and always as a suggestion
(``origin="projected"``) with the source it came from, a confidence and a reason:

- ``identical_sentence`` (confidence 1.0): every word of the span lies in sentences found
  unchanged;
- ``unchanged_words`` (0.9): the sentence was edited, but not the span's tokens, and the
  words right next to it in the target are old words;
- ``edit_at_boundary`` (0.8): the span's tokens are unchanged but a word right next to it in
  the target is new, so its extent may have to change (a quote whose sentence gained a clause,
  "Putin" become "Vladimir Putin"). A hint, not a verdict: on the seed articles most spans so
  flagged were still right;
- ``moved_words`` (0.8): the span lies in a run of at least six unchanged tokens that moved to
  another sentence (rewrites split and merge sentences);
- ``found_in_aligned_sentence`` (0.7): the tokens moved inside the sentence, and the span's
  exact text occurs once, on token boundaries and unaligned, in both sentences; outside the
  gap the alignment leaves for it, only a phrase, a number or a name is trusted, never a lone
  common word such as "said".

Everything else is left out and listed in :attr:`Projection.dropped` with why:
``sentence_removed`` (no counterpart sentence in the target), ``text_changed`` (the span's
words were edited), ``ambiguous`` (its text occurs more than once in the source or the target
sentence), ``crosses_changed_text`` (it spans several sentences, not all carried intact),
``no_words`` (nothing but spaces). Relations are carried when both ends are.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Container, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .align import DEFAULT_MIN_SIMILARITY, IDENTICAL, TextAlignment, align_texts
from .records import GivenSpan, read_relations, read_spans
from .text import Span, words

CONFIDENCE = {
    "identical_sentence": 1.0,
    "unchanged_words": 0.9,
    "edit_at_boundary": 0.8,
    "moved_words": 0.8,
    "found_in_aligned_sentence": 0.7,
}


@dataclass(frozen=True, slots=True)
class Projection:
    """Spans and relations carried to the target text, and those left out.

    ``spans`` are dicts ``id, layer, label, start, end, text, origin, attrs`` (``origin`` is
    always ``"projected"``; ``attrs`` holds the source span's attributes plus
    ``projected_from``, ``confidence`` and ``reason``). ``relations`` are dicts
    ``id, type, head, tail, origin, attrs``. ``dropped`` lists each span left out with its
    source offsets, ``reason``, ``detail`` and a ``hint`` for the annotator: the target region
    ``{start, end, text}`` the alignment points at, ``{candidates: [{start, end}, ...]}`` for an
    ambiguous span, or ``None``.
    """

    spans: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    dropped_relations: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Counts: ``carried``, ``dropped``, then one count per reason."""
        reasons = Counter(s["attrs"]["reason"] for s in self.spans)
        reasons.update(d["reason"] for d in self.dropped)
        return {
            "carried": len(self.spans),
            "dropped": len(self.dropped),
            "relations_carried": len(self.relations),
            "relations_dropped": len(self.dropped_relations),
            **dict(sorted(reasons.items())),
        }


def project_spans(
    source_text: str,
    target_text: str,
    spans: Iterable[object],
    relations: Iterable[object] = (),
    *,
    source_doc_id: str | None = None,
    target_doc_id: str | None = None,
    alignment: TextAlignment | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> Projection:
    """Carry ``spans`` (and ``relations`` between them) from ``source_text`` to ``target_text``.

    Spans are records (dicts, objects or rows) with ``id`` (or ``span_id``/``key``),
    ``layer``, ``label``, ``start``, ``end`` and optional ``attrs``, ``origin`` and ``text``
    (checked against ``source_text`` when given). Relations have ``type``, ``head`` and
    ``tail`` (span ids; ``head_span_id``/``tail_span_id`` also work) and an optional ``id``.
    Projected spans keep their source ids, so carried relations refer to them unchanged.

    Pass ``alignment`` (from :func:`annotate.versions.align.align_texts`) to reuse one
    alignment for several annotators' spans.

    Example::

        result = project_spans(old_text, new_text, spans, relations, source_doc_id="000")
        result.spans       # suggestions for the new version
        result.dropped     # what could not be carried, and why
    """
    records = read_spans(spans, source_text, which="source")
    rels = read_relations(relations, {r.id for r in records}, which="source")
    if alignment is None or (
        alignment.source_text != source_text or alignment.target_text != target_text
    ):
        alignment = align_texts(source_text, target_text, min_similarity=min_similarity)
    mapper = _Mapper(alignment)

    out = Projection()
    carried: dict[Hashable, dict[str, Any]] = {}
    for rec in records:
        result = mapper.map(rec.start, rec.end)
        if isinstance(result, _Dropped):
            out.dropped.append(
                {
                    "id": rec.id,
                    "layer": rec.layer,
                    "label": rec.label,
                    "start": rec.start,
                    "end": rec.end,
                    "text": source_text[rec.start : rec.end],
                    "reason": result.reason,
                    "detail": result.detail,
                    "hint": result.hint,
                }
            )
            continue
        start, end, reason = result
        span = _projected(rec, start, end, reason, target_text, source_doc_id, target_doc_id)
        carried[rec.id] = span
        out.spans.append(span)

    for rel in rels:
        missing = [
            name for name, end in (("head", rel.head), ("tail", rel.tail)) if end not in carried
        ]
        if missing:
            out.dropped_relations.append(
                {
                    "id": rel.id,
                    "type": rel.type,
                    "head": rel.head,
                    "tail": rel.tail,
                    "reason": "both_dropped" if len(missing) == 2 else f"{missing[0]}_dropped",
                }
            )
            continue
        out.relations.append(
            {
                "id": rel.id,
                "type": rel.type,
                "head": rel.head,
                "tail": rel.tail,
                "origin": "projected",
                "attrs": {
                    **rel.attrs,
                    "projected_from": {"doc_id": source_doc_id, "relation_id": rel.id},
                },
            }
        )
    return out


def _projected(
    rec: GivenSpan,
    start: int,
    end: int,
    reason: str,
    target_text: str,
    source_doc_id: str | None,
    target_doc_id: str | None,
) -> dict[str, Any]:
    attrs = dict(rec.attrs)
    attrs["projected_from"] = {
        "doc_id": source_doc_id,
        "span_id": rec.id,
        "start": rec.start,
        "end": rec.end,
        "origin": rec.origin,
    }
    attrs["confidence"] = CONFIDENCE[reason]
    attrs["reason"] = reason
    span: dict[str, Any] = {
        "id": rec.id,
        "layer": rec.layer,
        "label": rec.label,
        "start": start,
        "end": end,
        "text": target_text[start:end],
        "origin": "projected",
        "attrs": attrs,
    }
    if target_doc_id is not None:
        span["doc_id"] = target_doc_id
    return span


@dataclass(frozen=True, slots=True)
class _Dropped:
    reason: str
    detail: str
    hint: dict[str, Any] | None = None


class _Mapper:
    """Maps source character ranges to target ranges through an :class:`TextAlignment`."""

    def __init__(self, alignment: TextAlignment) -> None:
        al = self.al = alignment
        self.src_starts = [t[0] for t in al.source_tokens]
        self.src_ends = [t[1] for t in al.source_tokens]
        self.src_start_set = set(self.src_starts)
        self.src_end_set = set(self.src_ends)
        self.tgt_index = {t[0]: k for k, t in enumerate(al.target_tokens)}
        self.tgt_end_set = {t[1] for t in al.target_tokens}
        self.tgt_aligned = {m for m in al.token_map if m >= 0}
        self.pair_of = {p.source: p for p in al.pairs}
        self.src_sentence_tokens = _ranges(al.token_sentence)
        tgt_sentence_starts = [s[0] for s in al.target_sentences]
        self.tgt_token_sentence = [
            bisect_right(tgt_sentence_starts, t[0]) - 1 for t in al.target_tokens
        ]
        self.tgt_sentence_tokens = _ranges(self.tgt_token_sentence)

    def map(self, start: int, end: int) -> tuple[int, int, str] | _Dropped:
        al = self.al
        first = bisect_right(self.src_ends, start)
        last = bisect_left(self.src_starts, end) - 1
        if first > last:
            return _Dropped("no_words", "the span covers no word or punctuation token")
        toks = range(first, last + 1)
        exact = self._through_tokens(start, end, toks)
        if exact is not None:
            return exact

        sents = {al.token_sentence[k] for k in toks}
        if len(sents) > 1:
            return _Dropped(
                "crosses_changed_text",
                "the span runs over several sentences and not all of it is unchanged",
            )
        pair = self.pair_of.get(sents.pop())
        if pair is None:
            return _Dropped(
                "sentence_removed",
                "its sentence has no counterpart in the target (removed or rewritten beyond "
                "recognition)",
            )
        return self._search(start, end, pair.target, toks)

    def _through_tokens(self, start: int, end: int, toks: range) -> tuple[int, int, str] | None:
        """Carry the span when all its tokens align, consecutively, to the same text."""
        al = self.al
        mapped = [al.token_map[k] for k in toks]
        if any(m < 0 for m in mapped) or any(b != a + 1 for a, b in pairwise(mapped)):
            return None
        s_first, s_last = al.source_tokens[toks[0]], al.source_tokens[toks[-1]]
        t_first, t_last = al.target_tokens[mapped[0]], al.target_tokens[mapped[-1]]
        # Offsets relative to the end tokens, so a span boundary inside a token survives.
        t_start = t_first[0] + (start - s_first[0])
        t_end = t_last[1] + (end - s_last[1])
        if not 0 <= t_start < t_end <= len(al.target_text):
            return None
        if al.target_text[t_start:t_end] != al.source_text[start:end]:
            return None  # e.g. different spacing between the aligned tokens
        sents = {al.token_sentence[k] for k in toks}
        if all((p := self.pair_of.get(s)) is not None and p.kind == IDENTICAL for s in sents):
            return t_start, t_end, "identical_sentence"
        if any(k in al.moved_tokens for k in toks):
            return t_start, t_end, "moved_words"
        if self._edges_intact(mapped[0], mapped[-1]):
            return t_start, t_end, "unchanged_words"
        return t_start, t_end, "edit_at_boundary"

    def _edges_intact(self, t_first: int, t_last: int) -> bool:
        """Whether the words right next to the carried span in the target are old words.

        A new word there (inserted, or replacing an old one) may belong to the span: "ceding
        territory." becoming "ceding territory, whether held by Russia or not." extends the
        quote, "Putin" becoming "Vladimir Putin" the name. Punctuation is skipped, so a hyphen
        turned dash next to a quote changes nothing; removed words change nothing either.
        """
        al = self.al
        t_lo, _ = self.tgt_sentence_tokens[self.tgt_token_sentence[t_first]]
        _, t_hi = self.tgt_sentence_tokens[self.tgt_token_sentence[t_last]]
        before = self._word(al.target_text, al.target_tokens, range(t_first - 1, t_lo - 1, -1))
        after = self._word(al.target_text, al.target_tokens, range(t_last + 1, t_hi))
        return all(k < 0 or k in self.tgt_aligned for k in (before, after))

    @staticmethod
    def _word(text: str, toks: tuple[Span, ...], order: range) -> int:
        """The first token in ``order`` that is a word, or -1."""
        for k in order:
            a, b = toks[k]
            if text[a:b][0].isalnum() or text[a:b][0] == "_":
                return k
        return -1

    def _search(
        self, start: int, end: int, target_sentence: int, toks: range
    ) -> tuple[int, int, str] | _Dropped:
        """Look for the span's exact text, moved, in the aligned target sentence."""
        al = self.al
        needle = al.source_text[start:end]
        s0, s1 = al.source_sentences[al.token_sentence[toks[0]]]
        t0, t1 = al.target_sentences[target_sentence]
        in_source = _occurrences(
            al.source_text, needle, s0, s1, self.src_start_set, self.src_end_set
        )
        hits = [
            h
            for h in _occurrences(al.target_text, needle, t0, t1, self.tgt_index, self.tgt_end_set)
            # A target token aligned with another source token is that token's counterpart.
            if not self._any_aligned(h, h + len(needle))
        ]
        region = self._hint(toks, target_sentence)
        if not hits:
            return _Dropped("text_changed", "its words were edited in the target sentence", region)
        if len(in_source) > 1 or len(hits) > 1:
            return _Dropped(
                "ambiguous",
                f"its text occurs {len(in_source)} time(s) in the source sentence and "
                f"{len(hits)} time(s), unaligned, in the target sentence",
                {"candidates": [{"start": h, "end": h + len(needle)} for h in hits]},
            )
        hit = hits[0]
        inside = (
            region is not None and region["start"] <= hit and hit + len(needle) <= region["end"]
        )
        if inside or _distinctive(needle):
            return hit, hit + len(needle), "found_in_aligned_sentence"
        return _Dropped(
            "text_changed",
            f"its words were edited; {needle!r} occurs elsewhere in the sentence, but a lone "
            "common word that moved is not evidence enough",
            region,
        )

    def _any_aligned(self, start: int, end: int) -> bool:
        k = self.tgt_index[start]
        toks = self.al.target_tokens
        while k < len(toks) and toks[k][0] < end:
            if k in self.tgt_aligned:
                return True
            k += 1
        return False

    def _hint(self, toks: range, target_sentence: int) -> dict[str, Any] | None:
        """The target text between the aligned tokens just around ``toks`` in their sentence."""
        al = self.al
        first, stop = self.src_sentence_tokens[al.token_sentence[toks[0]]]
        t0, t1 = al.target_sentences[target_sentence]
        before = [al.token_map[k] for k in range(first, toks[0]) if al.token_map[k] >= 0]
        after = [al.token_map[k] for k in range(toks[-1] + 1, stop) if al.token_map[k] >= 0]
        lo = al.target_tokens[before[-1] + 1][0] if before else t0
        hi = al.target_tokens[after[0] - 1][1] if after else t1
        if not t0 <= lo < hi <= t1:
            return None  # nothing left between the anchors: the words were deleted
        return _region(al, lo, hi)


# Capitalised words that say nothing about which mention they are.
_FUNCTION_WORDS = frozenset(
    {
        *("he", "she", "it", "they", "we", "i", "you", "the", "a", "an", "this", "that"),
        *("these", "those", "his", "her", "their", "its", "our", "but", "and", "or", "so"),
        *("then", "there"),
    }
)


def _distinctive(needle: str) -> bool:
    """Whether text found elsewhere in a sentence is likely the same mention: a phrase, a
    number or a name, not a lone common word such as "said"."""
    n_words = len(words(needle))
    return (
        n_words >= 2
        or any(c.isdigit() for c in needle)
        or (needle[:1].isupper() and needle.lower() not in _FUNCTION_WORDS)
    )


def _occurrences(
    text: str, needle: str, lo: int, hi: int, starts: Container[int], ends: Container[int]
) -> list[int]:
    """Start offsets of ``needle`` in ``text[lo:hi]`` on token boundaries ("US" is not found
    inside "USA")."""
    out = []
    pos = text.find(needle, lo, hi)
    while pos >= 0:
        if pos in starts and pos + len(needle) in ends:
            out.append(pos)
        pos = text.find(needle, pos + 1, hi)
    return out


def _ranges(sentence_of: Sequence[int]) -> dict[int, tuple[int, int]]:
    """``sentence -> (first token, stop token)`` from each token's sentence index."""
    out: dict[int, tuple[int, int]] = {}
    for k, sent in enumerate(sentence_of):
        first, _ = out.get(sent, (k, k))
        out[sent] = (first, k + 1)
    return out


def _region(al: TextAlignment, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": al.target_text[start:end]}
