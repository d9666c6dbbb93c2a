"""A parse read once into plain lists, and where its paragraphs and sentences are.

:class:`ParseView` holds the token attributes of a spaCy ``Doc`` as lists; :class:`Layout` adds
the paragraphs and the sentence pieces the rules must not cross. Every rule module reads
these instead of creating spaCy ``Token`` objects over and over.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .lexicon import Lexicon, Phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_NEWLINE = re.compile(r"\n\s*")


def lemma(token: Token) -> str:
    """Lower-case lemma, or the lower-case text for pipelines without a lemmatizer."""
    return (token.lemma_ or token.text).lower()


def match_phrase(doc: Doc, i: int, phrases: tuple[Phrase, ...]) -> Phrase | None:
    """The first phrase (longest first) matching the tokens from ``i`` by text or lemma."""
    n = len(doc)
    for phrase in phrases:
        if i + len(phrase) > n:
            continue
        if all(doc[i + k].lower_ == w or lemma(doc[i + k]) == w for k, w in enumerate(phrase)):
            return phrase
    return None


# --- layout: paragraphs and sentence pieces ---------------------------------------------------


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs, surrounding whitespace excluded.

    Blank lines separate paragraphs when the text has any (so hard-wrapped lines stay together);
    otherwise every line is a paragraph.
    """
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans: list[tuple[int, int]] = []
    start = 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((start + lead, start + len(chunk.rstrip())))
        if m:
            start = m.end()
    return spans


class ParseView:
    """Token attributes of a ``Doc`` as plain lists, read in one pass with ``Doc.to_array``.

    The rules look at every token several times; creating spaCy ``Token`` objects for that
    costs more than the rules themselves, so scans go over these lists instead.
    """

    __slots__ = (
        "children", "dep", "doc_text", "ent", "head", "idx", "lemma", "lower", "num", "pos",
        "punct", "sent_start", "space", "tag", "text",
    )  # fmt: skip

    def __init__(self, doc: Doc) -> None:
        from spacy import attrs

        columns = [
            attrs.ORTH, attrs.LOWER, attrs.LEMMA, attrs.POS, attrs.TAG, attrs.DEP, attrs.HEAD,
            attrs.ENT_TYPE, attrs.IDX, attrs.LIKE_NUM, attrs.IS_SPACE, attrs.IS_PUNCT,
            attrs.SENT_START, attrs.SPACY,
        ]  # fmt: skip
        array = doc.to_array(columns)
        table = array.T.tolist() if len(doc) else [[]] * len(columns)
        # HEAD is a relative offset stored unsigned; int64 gives its sign back.
        table[6] = array[:, 6].astype("int64").tolist() if len(doc) else []
        strings = doc.vocab.strings
        cache: dict[int, str] = {0: ""}

        def names(ids: list[int]) -> list[str]:
            # A few hundred distinct ids in thousands of tokens: look each up once, then map.
            for h in set(ids).difference(cache):
                cache[h] = strings[h]
            return list(map(cache.__getitem__, ids))

        orth, lower, lem, pos, tag, dep, head, ent, idx, num, space, punct, sent, ws = table
        self.text = names(orth)
        # Doc.text builds a Token per word; joining the words and their spaces is faster.
        self.doc_text = "".join(w + " " if s else w for w, s in zip(self.text, ws, strict=True))
        self.lower = names(lower)
        # Pipelines without a lemmatizer leave the lemma empty: fall back to the word.
        self.lemma = [(m or w).lower() for m, w in zip(names(lem), self.lower, strict=True)]
        self.pos = names(pos)
        self.tag = names(tag)
        self.dep = names(dep)
        self.head = [i + h for i, h in enumerate(head)]
        self.ent = names(ent)
        self.idx: list[int] = idx
        self.num = [bool(v) for v in num]
        self.space = [bool(v) for v in space]
        self.punct = [bool(v) for v in punct]
        self.sent_start = [v == 1 for v in sent]
        self.children: list[list[int]] = [[] for _ in idx]
        for i, h in enumerate(self.head):
            if h != i:
                self.children[h].append(i)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where paragraphs and sentences are, in tokens, for rules that must not cross them."""

    text: str
    tok: ParseView
    paragraphs: list[tuple[int, int]]  # character ranges
    para_of: list[int]  # token -> paragraph index
    segments: list[tuple[int, int]]  # token ranges: sentences, also cut at paragraph breaks
    seg_of: list[int]  # token -> segment index (whitespace goes with the segment before)
    dateline: tuple[int, int] | None = None  # token range of a leading "WASHINGTON (AP) —"
    boilerplate: tuple[bool, ...] = ()  # per paragraph: not the article (credits, notes)

    @property
    def starts(self) -> list[int]:
        return self.tok.idx

    def token_at(self, char: int) -> int:
        return bisect_right(self.tok.idx, char) - 1

    def in_dateline(self, i: int) -> bool:
        return self.dateline is not None and self.dateline[0] <= i < self.dateline[1]

    def is_boilerplate(self, i: int) -> bool:
        """Whether token ``i`` is in a paragraph that is not the article."""
        return bool(self.boilerplate) and self.boilerplate[self.para_of[i]]


def layout(doc: Doc, lexicon: Lexicon | None = None) -> Layout:
    """Paragraphs and sentence pieces of ``doc``, its dateline and its boilerplate paragraphs
    (the last two by ``lexicon``'s patterns; none without a lexicon).

    The parser sometimes runs a sentence across a paragraph break (a headline into the first
    paragraph), so sentences are cut again wherever the paragraph changes, and after a dateline
    (which it often takes for the subject: "FORT MYERS — The sheriff's office said").
    """
    tok = ParseView(doc)
    text = tok.doc_text
    paras = paragraphs(text)
    para_starts = [s for s, _ in paras]
    para_of = [max(bisect_right(para_starts, c) - 1, 0) for c in tok.idx]
    boilerplate = tuple(_boilerplate(text[a:b], lexicon) for a, b in paras) if lexicon else ()
    article = [p for k, p in enumerate(paras) if not (boilerplate and boilerplate[k])]
    dateline = _dateline(text, article, tok.idx, lexicon)
    cut = dateline[1] if dateline else -1
    segments: list[tuple[int, int]] = []
    seg_of = [0] * len(tok.idx)
    begin: int | None = None
    last = 0  # the last word of the open segment
    for i, space in enumerate(tok.space):
        if space:
            seg_of[i] = max(len(segments) - 1, 0) if begin is None else len(segments)
            continue
        if begin is not None and (tok.sent_start[i] or para_of[i] != para_of[begin] or i == cut):
            segments.append((begin, last + 1))
            begin = None
        if begin is None:
            begin = i
        seg_of[i] = len(segments)
        last = i
    if begin is not None:
        segments.append((begin, last + 1))
    return Layout(text, tok, paras, para_of, segments, seg_of, dateline, boilerplate)


def _dateline(
    text: str, paras: list[tuple[int, int]], starts: list[int], lexicon: Lexicon | None
) -> tuple[int, int] | None:
    """Token range of a dateline opening one of the first two paragraphs of the article (a
    headline may come first), if the lexicon defines one and it ends where a token starts."""
    if lexicon is None or lexicon.dateline is None:
        return None
    for start, end in paras[:2]:
        m = lexicon.dateline.match(text, start, end)
        if m is None or m.end() == start:
            continue
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, m.end() - 1)
        if last < len(starts) and starts[last] == m.end():
            return first, last
    return None


def _boilerplate(paragraph: str, lexicon: Lexicon) -> bool:
    """Editor's notes, corrections, credit lines, links: text that is not the article."""
    lower = paragraph.lower()
    for opener in lexicon.boilerplate_openers:
        # a whole word or sign: "follow" opens "Follow us", not "Following the vote"
        if lower.startswith(opener) and not lower[len(opener) : len(opener) + 1].isalnum():
            return True
    if len(paragraph.split()) > lexicon.credit_max_words:
        return False
    return any(pattern.search(paragraph) for pattern in lexicon.credits)
