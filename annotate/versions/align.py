"""Align two versions of an article: sentences first, then tokens inside sentence pairs.

Rewrites keep most sentences, move some, and edit others word by word. So sentences are paired
in three passes, most certain first:

1. identical sentences in the same order (``difflib`` over the sentence sequence);
2. identical sentences that moved (text unique among the unpaired sentences of both sides);
3. edited sentences: the most similar unpaired pairs (:func:`sentence_similarity` of their
   words), greedily, at or above ``min_similarity``.

Inside an edited pair, tokens are aligned with ``SequenceMatcher`` (exact token text); tokens of
an identical pair align one to one. Last, long verbatim runs left over on both sides are
aligned wherever they are (a clause that moved to another sentence when sentences were split or
merged). The result maps each source token to its target token, or to nothing where the words
changed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import Match, SequenceMatcher

from ..errors import AnnotateError
from .text import Span, sentences, tokens, words

IDENTICAL = "identical"
EDITED = "edited"

# Similarity (see sentence_similarity) below which two sentences are different sentences.
# Rewritten sentences of the seed articles score 0.52-0.99; the best-scoring wrong pairs 0.42.
DEFAULT_MIN_SIMILARITY = 0.5

# Fewest words two sentences must share, in order, to be versions of one sentence.
MIN_SHARED_WORDS = 3

# Largest token lists compared with difflib (product of lengths): two long articles' edited
# stretches fit easily; beyond it alignment falls back to linear-time methods.
MAX_DIFF_CELLS = 4_000_000

# Shortest run of identical tokens aligned across sentence boundaries (a clause that moved to
# another sentence). Six tokens rarely repeat by chance in one article; "the US peace plan"
# (four) does.
MOVED_MIN_TOKENS = 6

# Edited-pair candidates examined per source sentence (by shared words), to keep hostile
# inputs with thousands of sentences from costing a full cross product of ratios.
_CANDIDATES = 8


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Source sentence ``source`` corresponds to target sentence ``target`` (indices)."""

    source: int
    target: int
    kind: str  # "identical" | "edited"
    similarity: float


@dataclass(frozen=True, slots=True)
class TextAlignment:
    """How the text of one version maps onto another.

    ``token_map[i]`` is the target token aligned with source token ``i`` (equal text), or -1.
    """

    source_text: str
    target_text: str
    source_sentences: tuple[Span, ...]
    target_sentences: tuple[Span, ...]
    pairs: tuple[SentencePair, ...]
    source_tokens: tuple[Span, ...]
    target_tokens: tuple[Span, ...]
    token_map: tuple[int, ...]
    token_sentence: tuple[int, ...]  # source sentence of each source token
    moved_tokens: frozenset[int] = frozenset()  # source tokens aligned by _moved_fragments

    def pair_of_source(self, sentence: int) -> SentencePair | None:
        """The pair a source sentence belongs to, if any."""
        for pair in self.pairs:
            if pair.source == sentence:
                return pair
        return None

    def source_sentence_at(self, offset: int) -> int | None:
        """Index of the source sentence containing character ``offset``, if any."""
        return _containing(self.source_sentences, offset)


def align_texts(
    source_text: str, target_text: str, *, min_similarity: float = DEFAULT_MIN_SIMILARITY
) -> TextAlignment:
    """Align ``source_text`` onto ``target_text`` (see the module docstring)."""
    for name, value in (("source_text", source_text), ("target_text", target_text)):
        if not isinstance(value, str):
            raise AnnotateError(
                "E502", option=name, expected="a string", value=type(value).__name__
            )
    if (
        isinstance(min_similarity, bool)
        or not isinstance(min_similarity, int | float)
        or not (0.0 <= min_similarity <= 1.0)
    ):
        raise AnnotateError(
            "E502", option="min_similarity", expected="a number in [0, 1]", value=min_similarity
        )
    src_sents = sentences(source_text)
    tgt_sents = sentences(target_text)
    pairs = pair_sentences(
        [source_text[a:b] for a, b in src_sents],
        [target_text[a:b] for a, b in tgt_sents],
        min_similarity=min_similarity,
    )

    src_tok_by_sent = [tokens(source_text, a, b) for a, b in src_sents]
    tgt_tok_by_sent = [tokens(target_text, a, b) for a, b in tgt_sents]
    src_first = _first_indices(src_tok_by_sent)
    tgt_first = _first_indices(tgt_tok_by_sent)
    source_tokens = [t for sent in src_tok_by_sent for t in sent]
    target_tokens = [t for sent in tgt_tok_by_sent for t in sent]
    token_sentence = [i for i, sent in enumerate(src_tok_by_sent) for _ in sent]
    token_map = [-1] * len(source_tokens)

    for pair in pairs:
        s_toks = src_tok_by_sent[pair.source]
        t_toks = tgt_tok_by_sent[pair.target]
        s0, t0 = src_first[pair.source], tgt_first[pair.target]
        if pair.kind == IDENTICAL:
            for k in range(len(s_toks)):
                token_map[s0 + k] = t0 + k
            continue
        a = [source_text[x:y] for x, y in s_toks]
        b = [target_text[x:y] for x, y in t_toks]
        for block in matching_blocks(a, b):
            for k in range(block.size):
                token_map[s0 + block.a + k] = t0 + block.b + k

    moved = _moved_fragments(
        [source_text[x:y] for x, y in source_tokens],
        [target_text[x:y] for x, y in target_tokens],
        token_map,
    )
    return TextAlignment(
        source_text=source_text,
        target_text=target_text,
        source_sentences=tuple(src_sents),
        target_sentences=tuple(tgt_sents),
        pairs=tuple(sorted(pairs, key=lambda p: p.source)),
        source_tokens=tuple(source_tokens),
        target_tokens=tuple(target_tokens),
        token_map=tuple(token_map),
        token_sentence=tuple(token_sentence),
        moved_tokens=frozenset(moved),
    )


def pair_sentences(
    source: list[str], target: list[str], *, min_similarity: float = DEFAULT_MIN_SIMILARITY
) -> list[SentencePair]:
    """Pair sentence texts of two versions, each sentence in at most one pair."""
    pairs: list[SentencePair] = []
    free_s = set(range(len(source)))
    free_t = set(range(len(target)))

    # 1. identical, in order
    for block in SequenceMatcher(None, source, target, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            pairs.append(SentencePair(block.a + k, block.b + k, IDENTICAL, 1.0))
            free_s.discard(block.a + k)
            free_t.discard(block.b + k)

    # 2. identical, moved: only when the text is unambiguous on both sides
    count_s = Counter(source[i] for i in free_s)
    count_t = Counter(target[j] for j in free_t)
    where_t = {target[j]: j for j in free_t if count_t[target[j]] == 1}
    for i in sorted(free_s):
        j = where_t.get(source[i])
        if j is not None and count_s[source[i]] == 1:
            pairs.append(SentencePair(i, j, IDENTICAL, 1.0))
            free_s.discard(i)
            free_t.discard(j)

    # 3. edited: greedy on similarity, ties to the pair closest in relative position
    pairs.extend(_edited_pairs(source, target, free_s, free_t, min_similarity))
    return pairs


def _edited_pairs(
    source: list[str],
    target: list[str],
    free_s: set[int],
    free_t: set[int],
    min_similarity: float,
) -> list[SentencePair]:
    if not free_s or not free_t:
        return []
    t_words = {j: words(target[j]) for j in free_t}
    index: defaultdict[str, list[int]] = defaultdict(list)
    for j in sorted(free_t):
        for w in set(t_words[j]):
            index[w].append(j)
    common = max(64, len(free_t) // 10)
    scored: list[tuple[float, float, int, int]] = []
    for i in sorted(free_s):
        s_words = words(source[i])
        if not s_words:
            continue
        shared: Counter[int] = Counter()
        for w in set(s_words):
            postings = index.get(w, ())
            if len(postings) <= common:  # words in most sentences say nothing about which
                shared.update(postings)
        for j, _ in shared.most_common(_CANDIDATES):
            score = sentence_similarity(s_words, t_words[j])
            if score >= min_similarity:
                drift = abs(i / max(len(source), 1) - j / max(len(target), 1))
                scored.append((-score, drift, i, j))
    out: list[SentencePair] = []
    for neg_ratio, _, i, j in sorted(scored):
        if i in free_s and j in free_t:
            out.append(SentencePair(i, j, EDITED, -neg_ratio))
            free_s.discard(i)
            free_t.discard(j)
    return out


def sentence_similarity(a: list[str], b: list[str]) -> float:
    """Similarity of two sentences' words, 0..1.

    The mean of ``SequenceMatcher.ratio`` (matched words over the words of both, which
    penalises a clause added in one version) and the overlap coefficient (matched words over
    the shorter sentence, which forgives it). On the seed articles a rewritten sentence that
    gained a clause ("... said Putin was “wasting the world’s time”." becoming "... accused
    Putin of “wasting the world’s time”, while ...") scores 0.53 and unrelated sentences that
    share a few names stay below 0.45. Sentences sharing fewer than ``MIN_SHARED_WORDS`` words
    score 0: "Putin said." and "Trump said." are not versions of one sentence.
    """
    if not a or not b:
        return 0.0
    if len(a) * len(b) <= MAX_DIFF_CELLS:
        matched = sum(block.size for block in matching_blocks(a, b))
    else:  # giant "sentences" (text without punctuation): shared words, order ignored
        matched = sum((Counter(a) & Counter(b)).values())
    if matched < MIN_SHARED_WORDS:
        return 0.0
    return (2.0 * matched / (len(a) + len(b)) + matched / min(len(a), len(b))) / 2.0


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[Match]:
    """``SequenceMatcher`` matching blocks of two token lists, or none when the lists are so
    long that the quadratic search would stall (hostile input, not article versions)."""
    if len(a) * len(b) > MAX_DIFF_CELLS:
        return []
    # autojunk would drop frequent tokens ("the", ",") from long lists and leave them out of
    # every match; here they matter.
    return SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()


def _moved_fragments(a: list[str], b: list[str], token_map: list[int]) -> set[int]:
    """Align long verbatim runs of still unaligned tokens that moved to another sentence.

    Rewrites split and merge sentences: "In his India Today interview ahead of a state visit
    to Delhi, Putin said he had not seen ..." lends its first clause to another sentence of the
    rewrite. A run is aligned when it starts with ``MOVED_MIN_TOKENS`` unaligned tokens whose
    sequence occurs exactly once among the unaligned tokens of each side; it is then extended
    both ways while the tokens agree. Updates ``token_map``; returns the source tokens aligned.
    """
    n = MOVED_MIN_TOKENS
    taken = {m for m in token_map if m >= 0}

    def free_grams(seq: list[str], free: Callable[[int], bool]) -> dict[tuple[str, ...], list[int]]:
        out: dict[tuple[str, ...], list[int]] = defaultdict(list)
        run = 0
        for k in range(len(seq)):
            run = run + 1 if free(k) else 0
            if run >= n:
                out[tuple(seq[k - n + 1 : k + 1])].append(k - n + 1)
        return out

    in_target = free_grams(b, lambda j: j not in taken)
    in_source = free_grams(a, lambda i: token_map[i] < 0)
    moved: set[int] = set()
    for gram, starts in in_source.items():
        hits = in_target.get(gram, [])
        if len(starts) != 1 or len(hits) != 1:
            continue  # repeated text: no way to tell which copy went where
        i, j = starts[0], hits[0]
        if token_map[i] >= 0 or j in taken:
            continue  # already part of a longer run
        lo = 0
        while (
            i - lo > 0
            and j - lo > 0
            and _free_equal(a, b, token_map, taken, i - lo - 1, j - lo - 1)
        ):
            lo += 1
        hi = 0
        while (
            i + hi < len(a)
            and j + hi < len(b)
            and _free_equal(a, b, token_map, taken, i + hi, j + hi)
        ):
            hi += 1
        for k in range(-lo, hi):
            token_map[i + k] = j + k
            taken.add(j + k)
            moved.add(i + k)
    return moved


def _free_equal(
    a: list[str], b: list[str], token_map: list[int], taken: set[int], i: int, j: int
) -> bool:
    return token_map[i] < 0 and j not in taken and a[i] == b[j]


def _first_indices(groups: list[list[Span]]) -> list[int]:
    out: list[int] = []
    total = 0
    for group in groups:
        out.append(total)
        total += len(group)
    return out


def _containing(spans: tuple[Span, ...], offset: int) -> int | None:
    k = bisect_right([s[0] for s in spans], offset) - 1
    if k >= 0 and spans[k][0] <= offset < spans[k][1]:
        return k
    return None
