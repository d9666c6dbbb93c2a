"""Read articles from .txt, .jsonl and .csv files (and folders of them) into Documents.

A .txt file is one article. Its metadata is recovered the way a person reads it:

- a leading ``date YYYY-MM-DD`` token becomes ``published`` and is not part of the text;
- a short first line with no closing punctuation, followed by a blank line, is the ``title``;
- trailing ``Source: X`` and ``--Agencies`` lines become ``source`` and ``byline``.

What is kept as ``text`` is exactly what annotation offsets point into; ``meta`` records the
original file, the line the text starts on and its character offset in the file.

Reading never stops at the first problem: :func:`read_corpus` yields every document and every
problem, so the caller can report all of them and ingest nothing when any is fatal.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Errors, Warnings

SUFFIXES = (".txt", ".jsonl", ".csv")
DEFAULT_MAX_CHARS = 500_000  # news articles are far shorter; longer is almost always a mistake

_DATE_TOKEN = re.compile(r"\A\s*date:?\s+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^\s*source:\s*(?P<value>.+?)\s*$", re.IGNORECASE)
_BYLINE_LINE = re.compile(r"^\s*--\s*(?P<value>\S.*?)\s*$")
_SENTENCE_END = tuple(".!?:;\"”’'»)")
_TITLE_MAX_CHARS = 200
_TITLE_MAX_WORDS = 25


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_doc_id(text: str) -> str:
    """A stable id from the text alone: the same article always gets the same id."""
    return text_sha256(text)[:16]


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    text: str
    title: str | None = None
    source: str | None = None
    byline: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text_sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def where(self) -> str:
        """Provenance as a person reads it: ``path, line N``."""
        return f"{self.meta.get('path', '?')}, line {self.meta.get('line', '?')}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the corpus. ``fatal`` problems stop the whole ingest."""

    message: str
    fatal: bool = True


def read_corpus(
    paths: Iterable[str | Path],
    *,
    text_field: str = "text",
    id_field: str = "id",
    encoding: str = "utf-8",
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[Document | Problem]:
    """Yield the documents and problems in the given files and folders, in a stable order."""
    for path in _expand(paths):
        if isinstance(path, Problem):
            yield path
            continue
        reader = _READERS[path.suffix.lower()]
        yield from reader(path, text_field, id_field, encoding, max_chars)


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                yield Problem(Errors.E013.format(path=path))
            yield from files
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                yield path
            else:
                yield Problem(Errors.E010.format(path=path, suffix=path.suffix))
        else:
            yield Problem(Errors.E001.format(path=path))


def _decode(path: Path, encoding: str) -> str | Problem:
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        return Problem(Errors.E003.format(path=path))
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Problem(
            Errors.E002.format(path=path, line=line, offset=exc.start, encoding=encoding)
        )
    # One newline convention, so offsets do not depend on the platform the file came from.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _too_long(path: Path, line: int, text: str, max_chars: int) -> Problem | None:
    if len(text) > max_chars:
        return Problem(Errors.E009.format(path=path, line=line, n_chars=len(text), limit=max_chars))
    return None


# --- .txt --------------------------------------------------------------------------------------


def _read_txt(
    path: Path, text_field: str, id_field: str, encoding: str, max_chars: int
) -> Iterator[Document | Problem]:
    raw = _decode(path, encoding)
    if isinstance(raw, Problem):
        yield raw
        return
    if not raw.strip():
        yield Problem(Warnings.W001.format(path=path, line=1), fatal=False)
        return
    document = parse_txt_article(raw, path=str(path))
    problem = _too_long(path, document.meta["line"], document.text, max_chars)
    yield problem or document


def parse_txt_article(raw: str, *, path: str = "<text>") -> Document:
    """Split one plain-text article into metadata and the text that offsets point into."""
    start = 0
    published = None
    match = _DATE_TOKEN.match(raw)
    if match:
        published = match.group(1)
        start = match.end()

    lines = raw[start:].split("\n")
    title = None
    first_nonblank = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first_nonblank is not None and _is_headline(lines, first_nonblank):
        title = lines[first_nonblank].strip()
        consumed = sum(len(line) + 1 for line in lines[: first_nonblank + 1])
        start += consumed

    end = len(raw)
    source = byline = None
    body_lines = raw[start:end].split("\n")
    while body_lines:
        last = body_lines[-1]
        if not last.strip():
            body_lines.pop()
            continue
        source_match = _SOURCE_LINE.match(last)
        byline_match = _BYLINE_LINE.match(last)
        if source_match and source is None:
            source = source_match.group("value")
        elif byline_match and byline is None:
            byline = byline_match.group("value")
        else:
            break
        body_lines.pop()
    end = start + sum(len(line) + 1 for line in body_lines) - 1 if body_lines else start

    # Trim surrounding whitespace but remember exactly where the kept text sits in the file.
    body = raw[start:end]
    leading = len(body) - len(body.lstrip())
    text = body.strip()
    text_offset = start + leading
    line = raw.count("\n", 0, text_offset) + 1
    meta: dict[str, Any] = {"path": path, "line": line, "offset_in_file": text_offset}
    return Document(
        doc_id=content_doc_id(text),
        text=text,
        title=title,
        source=source,
        byline=byline,
        published=published,
        meta=meta,
    )


def _is_headline(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    followed_by_blank = index + 1 < len(lines) and not lines[index + 1].strip()
    has_more = any(rest.strip() for rest in lines[index + 1 :])
    return (
        followed_by_blank
        and has_more
        and len(line) <= _TITLE_MAX_CHARS
        and len(line.split()) <= _TITLE_MAX_WORDS
        and not line.endswith(_SENTENCE_END)
    )


# --- .jsonl and .csv: one article a row --------------------------------------------------------

_KNOWN_FIELDS = {
    "title": ("title", "headline"),
    "source": ("source", "outlet"),
    "byline": ("byline", "author"),
    "published": ("published", "date", "published_at"),
}


def _record_document(
    record: dict[str, Any],
    *,
    path: Path,
    line: int,
    text_field: str,
    id_field: str,
    max_chars: int,
) -> Document | Problem:
    if text_field not in record:
        return Problem(
            Errors.E008.format(
                path=path, line=line, field=text_field, fields=", ".join(map(str, record))
            )
        )
    text = record[text_field]
    if not isinstance(text, str):
        return Problem(
            Errors.E012.format(path=path, line=line, field=text_field, kind=type(text).__name__)
        )
    if not text.strip():
        return Problem(Warnings.W001.format(path=path, line=line), fatal=False)
    problem = _too_long(path, line, text, max_chars)
    if problem:
        return problem
    used = {text_field}
    given_id = record.get(id_field)
    if given_id is None and id_field == "id":
        given_id = record.get("doc_id")
        used.add("doc_id")
    used.add(id_field)
    found: dict[str, str | None] = {}
    for name, keys in _KNOWN_FIELDS.items():
        found[name] = None
        for key in keys:
            value = record.get(key)
            if value not in (None, ""):
                found[name] = str(value)
                used.add(key)
                break
    extra = {k: v for k, v in record.items() if k not in used}
    meta: dict[str, Any] = {"path": str(path), "line": line, **extra}
    doc_id = str(given_id) if given_id not in (None, "") else content_doc_id(text)
    return Document(doc_id=doc_id, text=text, meta=meta, **found)


def _read_jsonl(
    path: Path, text_field: str, id_field: str, encoding: str, max_chars: int
) -> Iterator[Document | Problem]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Problem(f"{path}: {exc.strerror}")
        return
    with handle:
        head = handle.read(65536)
        if b"\x00" in head:
            yield Problem(Errors.E003.format(path=path))
            return
        handle.seek(0)
        any_row = False
        for number, raw_line in enumerate(handle, start=1):
            try:
                line = raw_line.decode(encoding)
            except UnicodeDecodeError as exc:
                yield Problem(
                    Errors.E002.format(path=path, line=number, offset=exc.start, encoding=encoding)
                )
                continue
            if not line.strip():
                continue
            any_row = True
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(Errors.E007.format(path=path, line=number, detail=exc.msg))
                continue
            if not isinstance(record, dict):
                detail = f"a JSON {type(record).__name__}, not an object"
                yield Problem(Errors.E007.format(path=path, line=number, detail=detail))
                continue
            yield _record_document(
                record,
                path=path,
                line=number,
                text_field=text_field,
                id_field=id_field,
                max_chars=max_chars,
            )
        if not any_row:
            yield Problem(Warnings.W001.format(path=path, line=1), fatal=False)


def _read_csv(
    path: Path, text_field: str, id_field: str, encoding: str, max_chars: int
) -> Iterator[Document | Problem]:
    raw = _decode(path, encoding)
    if isinstance(raw, Problem):
        yield raw
        return
    if not raw.strip():
        yield Problem(Warnings.W001.format(path=path, line=1), fatal=False)
        return
    csv.field_size_limit(max(max_chars * 4, 1 << 20))
    reader = csv.DictReader(raw.splitlines(keepends=True))
    columns = reader.fieldnames or []
    if text_field not in columns:
        yield Problem(Errors.E006.format(path=path, column=text_field, columns=", ".join(columns)))
        return
    line = reader.line_num + 1
    try:
        for record in reader:
            yield _record_document(
                dict(record),
                path=path,
                line=line,
                text_field=text_field,
                id_field=id_field,
                max_chars=max_chars,
            )
            line = reader.line_num + 1
    except csv.Error as exc:
        yield Problem(f"{path}, line {reader.line_num}: not valid CSV ({exc}).")


_READERS = {".txt": _read_txt, ".jsonl": _read_jsonl, ".csv": _read_csv}
