"""Sentences and tokens with character offsets, for aligning two versions of an article.

Deliberately rule-based and dependency-free: alignment must give the same answer on every
machine and for every pipeline version, and it only needs boundaries that are *consistent*
between two versions, not linguistically perfect ones.
"""

from __future__ import annotations

import re

# A token is a run of word characters or one other non-space character, so quotation marks,
# commas and the ’ of "Ukraine’s" are tokens of their own: a quote span that includes its
# marks then maps mark by mark.
_TOKEN = re.compile(r"\w+|[^\w\s]")

# Candidate sentence ends: terminal punctuation, optional closing quotes or brackets, then
# whitespace and something that can start a sentence.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")

# Words that end in a full stop without ending a sentence ("Mr. Kushner", "U.S. officials").
_ABBREVIATIONS = frozenset(
    {
        *("mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "cmdr"),
        *("rep", "sen", "gov", "pres", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc"),
        *("no", "nos", "fig", "approx", "dept", "est", "jan", "feb", "mar", "apr", "jun"),
        *("jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m"),
    }
)

Span = tuple[int, int]


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Return ``(start, end)`` of every token of ``text[start:end]``, offsets into ``text``."""
    stop = len(text) if end is None else end
    return [m.span() for m in _TOKEN.finditer(text, start, stop)]


def sentences(text: str) -> list[Span]:
    """Return ``(start, end)`` of every sentence, without surrounding whitespace.

    Line breaks always end a sentence (articles put headlines, datelines and paragraphs on
    lines of their own); inside a line, terminal punctuation does unless it follows a known
    abbreviation or a single initial.
    """
    out: list[Span] = []
    pos = 0
    for brk in [*_PARAGRAPH.finditer(text), None]:
        line_end = len(text) if brk is None else brk.start()
        _split_line(text, pos, line_end, out)
        pos = line_end if brk is None else brk.end()
    return out


def _split_line(text: str, start: int, end: int, out: list[Span]) -> None:
    begin = start
    for m in _END.finditer(text, start, end):
        if _is_abbreviation(text, begin, m.start(), m.group()):
            continue
        _emit(text, begin, m.end(), out)
        begin = m.end()
    _emit(text, begin, end, out)


def _is_abbreviation(text: str, begin: int, dot: int, punct: str) -> bool:
    if not punct.startswith(".") or len(punct) > 1:
        return False
    word = re.search(r"[\w.]+$", text[begin:dot])
    if word is None:
        return False
    w = word.group().lower()
    return w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha())


def _emit(text: str, start: int, end: int, out: list[Span]) -> None:
    # Trim whitespace so that the same sentence has the same text in both versions.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (no punctuation), the unit of sentence similarity."""
    return re.findall(r"\w+", text.lower())
