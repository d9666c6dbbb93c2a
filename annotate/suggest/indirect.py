"""Indirect quotes: the reported content of a reporting verb, or of "according to".

What a span covers: the clausal complement of the verb, without the complementiser "that" and
the sentence's final punctuation ("X said [content]."); the object of a verb such as "ruled
out"; for "according to X", the clause the phrase attaches to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cues import SEPARATORS, SUBJECTS, cue_range, pobj_source, source_head
from .finding import QuoteFinding
from .lexicon import Lexicon, Phrase
from .marks import is_mark
from .parse_view import Layout, lemma, match_phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_TRIM_END = frozenset({".", ",", ";", ":", "-", "–", "—", "!", "?"})


def in_any(i: int, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= i < hi for lo, hi in ranges)


def find_indirect(
    doc: Doc,
    lexicon: Lexicon,
    lay: Layout,
    direct: list[QuoteFinding],
    inside: list[tuple[int, int]],
) -> list[QuoteFinding]:
    found: list[QuoteFinding] = []
    direct_contents = [q.content for q in direct]
    quoted = [False] * len(lay.tok.idx)
    for lo, hi in inside:
        quoted[max(lo, 0) : hi] = [True] * (min(hi, len(quoted)) - max(lo, 0))
    first_words = {p[0] for p in lexicon.prepositional_cues}
    tok = lay.tok
    for i, lem in enumerate(tok.lemma):
        if quoted[i]:
            continue  # reported speech inside a quotation belongs to the quoted speaker
        q: QuoteFinding | None = None
        if tok.lower[i] in first_words:
            phrase = match_phrase(doc, i, lexicon.prepositional_cues)
            if phrase is not None:
                q = _according(doc, i, phrase, lexicon, lay, direct_contents)
        elif tok.pos[i] == "VERB" and lem in lexicon.reporting_verbs:
            q = _clausal(doc, i, lexicon, lay, direct_contents)
            if q is None and lem in lexicon.object_complement:
                q = _object(doc, i, lexicon, lay, direct_contents)
        elif tok.pos[i] == "VERB" and lem in lexicon.object_complement:
            q = _object(doc, i, lexicon, lay, direct_contents)
        if q is not None:
            found.append(q)
    return found


def _clausal(
    doc: Doc, i: int, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    t = doc[i]
    comps = [c for c in t.children if c.dep_ == "ccomp"]
    right = [c for c in comps if c.i > i]
    comps = right or comps
    how = f"clausal complement of reporting verb '{t.text}'"
    if comps:
        lo = min(int(c.left_edge.i) for c in comps)
        hi = max(int(c.right_edge.i) for c in comps)
        if lo <= i <= hi:
            return None  # a complement wrapped around its own verb: a parse the rule cannot read
        if any(in_any(int(c.i), direct) for c in comps):
            return None  # the complement is a quotation, suggested as a direct quote
        hi = _extend_conj(doc, lo, hi)
    else:
        span = _that_clause(doc, t)
        if span is None:
            return None
        lo, hi = span
        how = f"clause after 'that' following reporting verb '{t.text}'"
    return _indirect_finding(doc, i, lo, hi, lexicon, lay, direct, how, confidence=0.75)


def _that_clause(doc: Doc, t: Token) -> tuple[int, int] | None:
    """The parser read "said ... that they produced" as a relative clause; take the clause after
    "that" when it has its own subject."""
    end = int(t.right_edge.i)
    for j in range(int(t.i) + 1, min(end, int(t.i) + 8)):
        if doc[j].lower_ != "that":
            continue
        for m in range(j + 1, min(end + 1, j + 6)):
            s = doc[m]
            if s.dep_ in SUBJECTS and s.head.i > s.i and s.head.pos_ in ("VERB", "AUX"):
                return j + 1, end
        return None
    return None


def _extend_conj(doc: Doc, lo: int, hi: int) -> int:
    """Repair "X must withdraw or Russia will seize it", parsed with "Russia" joined to the noun
    before and "will seize" hanging higher up: the content ends in "or <noun>" and a subjectless
    coordinated verb follows right after it."""
    if hi - lo < 2:
        return hi
    last, before = doc[hi], doc[hi - 1]
    if hi + 1 >= len(doc) or not (
        last.dep_ == "conj" and last.pos_ in ("PROPN", "NOUN", "PRON") and before.dep_ == "cc"
    ):
        return hi
    # The largest phrase starting right after the content: the stranded verb.
    c = doc[hi + 1]
    while c.head.i != c.i and c.head.left_edge.i == hi + 1:
        c = c.head
    if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in SUBJECTS for g in c.children):
        return int(c.right_edge.i)
    return hi


def _object(
    doc: Doc, i: int, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    """ "X has ruled out ceding territory", "accused Russia of stalling ...": the content is an
    object or a prepositional object, not a clause."""
    t = doc[i]
    seconds = lexicon.object_complement.get(lemma(t), frozenset())
    children = list(t.children)
    head: Token | None = None
    cue_end = i + 1
    for second in seconds:
        if second == "":
            head = next((c for c in children if c.dep_ in ("dobj", "xcomp") and c.i > i), None)
        elif any(c.dep_ == "prt" and c.lower_ == second for c in children):
            prt = next(c for c in children if c.dep_ == "prt" and c.lower_ == second)
            if prt.i == cue_end:
                cue_end += 1
            head = next(
                (c for c in children if c.dep_ in ("dobj", "xcomp", "ccomp") and c.i > i), None
            )
        else:
            prep = next((c for c in children if c.dep_ == "prep" and c.lower_ == second), None)
            if prep is not None:
                head = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if head is not None:
            break
    if head is None:
        return None
    lo, hi = int(head.left_edge.i), int(head.right_edge.i)
    has_verb = any(doc[j].pos_ == "VERB" for j in range(lo, hi + 1))
    if not has_verb and hi - lo + 1 < 4:
        return None  # "denied the claim": a bare noun phrase is a stance, not reported content
    how = f"object of reporting verb '{doc[i:cue_end].text}'"
    return _indirect_finding(doc, i, lo, hi, lexicon, lay, direct, how, confidence=0.5)


def _indirect_finding(
    doc: Doc,
    i: int,
    lo: int,
    hi: int,
    lexicon: Lexicon,
    lay: Layout,
    direct: list[tuple[int, int]],
    how: str,
    *,
    confidence: float,
) -> QuoteFinding | None:
    t = doc[i]
    # Reported content stays in the reporting verb's sentence, even where the parser ran a
    # headline into the first paragraph.
    seg_lo, seg_hi = lay.segments[lay.seg_of[i]]
    lo, hi = max(lo, seg_lo), min(hi, seg_hi - 1)
    hi = _cut(doc, t, lo, hi, lexicon, direct)
    span = _trim(doc, lo, hi, lexicon)
    if span is None:
        return None
    lo, hi = span
    if not any(doc[j].pos_ in ("VERB", "AUX", "NOUN", "PROPN") for j in range(lo, hi + 1)):
        return None
    src = source_head(doc, i)
    if src is None:
        return None
    if doc[src].lower_ == "it" and any(c.dep_ == "auxpass" for c in t.children):
        return None  # "it was reported that": no speaker
    return QuoteFinding(
        start=int(doc[lo].idx),
        end=int(doc[hi].idx) + len(doc[hi].text),
        label="INDIRECT",
        content=(lo, hi + 1),
        cue=cue_range(doc, i, lexicon),
        cue_head=i,
        source_head=src,
        reason=f"indirect quote: {how}",
        confidence=confidence,
    )


def _cut(
    doc: Doc, verb: Token, lo: int, hi: int, lexicon: Lexicon, direct: list[tuple[int, int]]
) -> int:
    """End the content before what is not part of it: the writer's participle clause
    (", rejecting any compromise"), another part of the reporting clause, or a quotation."""
    open_mark = False
    for j in range(lo + 1, hi + 1):
        t = doc[j]
        if is_mark(t, lexicon):
            open_mark = not open_mark
        if any(j == start - 1 for start, _ in direct):
            return j - 1
        if open_mark:
            continue
        if (
            t.head.i == verb.i
            and t.i != verb.i
            and t.dep_ not in ("ccomp", "conj", "dobj", "xcomp")
        ):
            return j - 1
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if t.text in SEPARATORS and nxt is not None and nxt.tag_ == "VBG" and nxt.dep_ == "advcl":
            return j - 1
    return hi


def _trim(doc: Doc, lo: int, hi: int, lexicon: Lexicon) -> tuple[int, int] | None:
    while lo <= hi and (
        doc[lo].is_space
        or doc[lo].text in SEPARATORS
        or (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark")
    ):
        lo += 1
    while hi >= lo and (doc[hi].is_space or doc[hi].text in _TRIM_END or doc[hi].dep_ == "cc"):
        hi -= 1
    if hi - lo < 1:
        return None
    return lo, hi


def _according(
    doc: Doc, i: int, phrase: Phrase, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    t = doc[i]
    src = pobj_source(doc, i, phrase)
    if src is None:
        return None
    h = t.head
    while h.pos_ not in ("VERB", "AUX") and h.head.i != h.i:
        h = h.head
    if h.pos_ not in ("VERB", "AUX") or lemma(h) in lexicon.cue_verbs:
        return None  # "Macron said, according to a transcript": the verb is the cue
    if in_any(int(h.i), direct):
        return None
    p_lo, p_hi = int(t.left_edge.i), int(t.right_edge.i)
    lo, hi = int(h.left_edge.i), int(h.right_edge.i)
    if p_lo <= lo:
        lo = p_hi + 1
    elif p_hi >= _trim_end(doc, hi):
        hi = p_lo - 1
    span = _trim(doc, lo, hi, lexicon)
    if span is None:
        return None
    lo, hi = span
    return QuoteFinding(
        start=int(doc[lo].idx),
        end=int(doc[hi].idx) + len(doc[hi].text),
        label="INDIRECT",
        content=(lo, hi + 1),
        cue=(i, i + len(phrase)),
        cue_head=i,
        source_head=src,
        reason=f"indirect quote: clause attributed with '{' '.join(phrase)}'",
        confidence=0.7,
        prepositional=True,
    )


def _trim_end(doc: Doc, hi: int) -> int:
    while hi > 0 and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return hi
