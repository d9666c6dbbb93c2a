"""One plain-text article: its metadata lines, read the way a person reads them, and its text.

A line is taken as metadata only when it reads as metadata and not as part of the story; what is
taken is returned line by line, so the caller can tell the user, and ``raw=True`` takes nothing.

- A leading ``date YYYY-MM-DD`` token (``Date:`` too) is ``published`` when the date is a real
  one and what follows it on its line starts a sentence (an upper-case letter or an opening
  quotation mark) or nothing follows: ``Date 2024-05-01 was when…`` is a sentence about a date.
- The first line is the ``title`` when it reads as a headline: at most 16 words and 150
  characters, not starting in lower case, not ending in sentence punctuation (. ! ? … : ; ,),
  followed by a blank line, and followed by a paragraph that does end in sentence punctuation.
  Headlines run to 6-14 words and ledes to 25-35, so the length cut separates most of them; the
  last condition keeps a lede as text in files that do not punctuate (then an unpunctuated first
  line says nothing). A short unpunctuated lede above a punctuated paragraph is still taken: on
  its form alone it is a headline, and the notice for the line lets a person see it.
- Trailing ``Source: X`` and ``--X`` lines are ``source`` and ``byline`` when X reads as a name:
  at most 6 words and 60 characters, starting with a capital or a digit, no clause punctuation
  (, ; : ! ? …), and no lower-case word longer than three letters (``of``, ``and``, ``the`` and
  ``von`` join names; ``said`` or ``official`` do not). ``Source: a senior official, who
  said…`` and ``-- and that, officials said…`` are sentences and stay text.

Whatever is taken, some text must remain; a file that would be left empty keeps every line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..core.textfile import line_at

_DATE_TOKEN = re.compile(
    r"\A\s*(?P<token>date:?[ \t]+(?P<date>\d{4}-\d{2}-\d{2}))\b[ \t]*", re.IGNORECASE
)
_SOURCE_LINE = re.compile(r"\A\s*source:\s*(?P<value>.+?)\s*\Z", re.IGNORECASE)
_BYLINE_LINE = re.compile(r"\A\s*--\s*(?P<value>\S.*?)\s*\Z")
_OPENING_QUOTES = "\"'“‘«„‹"
_CLOSERS = "\"'”’»›)]"
_SENTENCE_END = ".!?…:;"
_CLAUSE_PUNCTUATION = frozenset(",;:!?…")
_TITLE_MAX_WORDS = 16
_TITLE_MAX_CHARS = 150
_NAME_MAX_WORDS = 6
_NAME_MAX_CHARS = 60
_JOINING_WORD_MAX = 3  # of, and, the, von, van, der, de, la, y


@dataclass(frozen=True, slots=True)
class Article:
    """The text that annotation offsets point into, where it sits in the file, and metadata."""

    text: str
    offset: int  # of the text's first character in the file's (decoded) text
    line: int  # the line it is on
    fields: dict[str, str]  # published, title, source, byline: those found


@dataclass(frozen=True, slots=True)
class Taken:
    """A line (or the date token) read as metadata instead of text."""

    field: str  # published | title | source | byline
    line: int
    shown: str  # as it stands in the file, trimmed


def split_article(text: str, *, raw: bool = False) -> tuple[Article, list[Taken]]:
    """The article in ``text`` (one decoded file) and the metadata lines taken from it."""
    if raw:
        return Article(text, 0, 1, {}), []
    fields: dict[str, str] = {}
    taken: list[Taken] = []
    start, end = 0, len(text)

    date = _DATE_TOKEN.match(text)
    if date and _is_date_label(text, date):
        fields["published"] = date.group("date")
        taken.append(_taken("published", text, date.start("token"), date.end("token")))
        start = date.end()

    title = _headline(text, start)
    if title:
        line_start, line_end = title
        fields["title"] = text[line_start:line_end].strip()
        taken.append(_taken("title", text, line_start, line_end))
        start = line_end + 1

    while start < end:
        line_start = max(text.rfind("\n", start, end) + 1, start)
        line = text[line_start:end]
        if not line.strip():
            end = max(line_start - 1, start)
            continue
        field, value = _trailer(line)
        if field is None or field in fields or line_start == start:
            break
        fields[field] = value
        taken.append(_taken(field, text, line_start, end))
        end = line_start - 1

    if not text[start:end].strip():
        # Only metadata: then it was not metadata of an article, and no line is dropped.
        return _trimmed(text, 0, len(text), {}), []
    taken.sort(key=lambda item: item.line)
    return _trimmed(text, start, end, fields), taken


def _trimmed(text: str, start: int, end: int, fields: dict[str, str]) -> Article:
    # Surrounding white space is layout, not article; where the kept text sits is recorded.
    body = text[start:end]
    start += len(body) - len(body.lstrip())
    return Article(body.strip(), start, line_at(text, start), fields)


def _taken(field: str, text: str, start: int, end: int) -> Taken:
    return Taken(field=field, line=line_at(text, start), shown=text[start:end].strip())


def _is_date_label(text: str, match: re.Match[str]) -> bool:
    try:
        dt.date.fromisoformat(match.group("date"))
    except ValueError:
        return False
    line_end = text.find("\n", match.end())
    rest = text[match.end() : line_end if line_end >= 0 else len(text)].strip()
    return not rest or rest[0].isupper() or rest[0] in _OPENING_QUOTES


def _lines_from(text: str, start: int) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the lines of ``text`` from ``start`` on."""
    spans = []
    while True:
        newline = text.find("\n", start)
        if newline < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, newline))
        start = newline + 1


def _headline(text: str, start: int) -> tuple[int, int] | None:
    lines = _lines_from(text, start)
    blank = [not text[a:b].strip() for a, b in lines]
    first = next((i for i, is_blank in enumerate(blank) if not is_blank), None)
    if first is None or first + 1 >= len(lines) or not blank[first + 1]:
        return None
    following = next((i for i in range(first + 1, len(lines)) if not blank[i]), None)
    if following is None:
        return None
    paragraph_end = next((i for i in range(following, len(lines)) if blank[i]), len(lines))
    last_start, last_end = lines[paragraph_end - 1]
    line_start, line_end = lines[first]
    if _reads_as_headline(text[line_start:line_end].strip()) and _ends_sentence(
        text[last_start:last_end].strip()
    ):
        return line_start, line_end
    return None


def _reads_as_headline(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX_CHARS
        and len(line.split()) <= _TITLE_MAX_WORDS
        and not line[0].islower()
        and not _ends_sentence(line)
        and not line.rstrip(_CLOSERS).endswith(",")
    )


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS).endswith(tuple(_SENTENCE_END))


def _trailer(line: str) -> tuple[str | None, str]:
    for field, pattern in (("source", _SOURCE_LINE), ("byline", _BYLINE_LINE)):
        match = pattern.match(line)
        if match and _reads_as_name(match.group("value")):
            return field, match.group("value")
    return None, ""


def _reads_as_name(value: str) -> bool:
    words = value.split()
    return (
        0 < len(words) <= _NAME_MAX_WORDS
        and len(value) <= _NAME_MAX_CHARS
        and (value[0].isupper() or value[0].isdigit())
        and not _CLAUSE_PUNCTUATION.intersection(value)
        and all(not w.islower() or len(w) <= _JOINING_WORD_MAX for w in words[1:])
    )
