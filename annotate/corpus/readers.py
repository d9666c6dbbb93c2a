"""Read articles from .txt, .jsonl and .csv files (and folders of them) into Documents.

A .txt file is one article; its metadata lines are read the way a person reads them (see
:mod:`annotate.corpus.article`). A .jsonl or .csv file holds one article a row.

What is kept as ``text`` is exactly what annotation offsets point into; ``meta`` records the
original file, the line the text starts on and (for .txt) its character offset in the file.

Files are decoded by their byte-order mark (UTF-8, UTF-16, UTF-32; the mark is never text), else
by ``encoding``. Rows split only where the format says: a line feed for .jsonl, CSV's own quoting
and line ends for .csv; never at the other characters ``str.splitlines()`` splits at (U+2028,
U+0085, form feeds), which articles hold as text. ``\\r\\n`` and ``\\r`` in .txt and .csv files
are read as ``\\n``, so offsets do not depend on where a file was saved.

Reading never stops at the first problem: :func:`read_corpus` yields every document and every
problem (each with a code from :mod:`annotate.errors`), so the caller can report all of them and
ingest nothing when any is fatal.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..core.records import Document, content_doc_id
from ..core.textfile import (
    MAX_JSON_DEPTH,
    BadBytes,
    Codec,
    bad_char,
    codec_for,
    decode,
    describe_char,
    find_bad_string,
    loads_strict,
    one_newline,
    split_lines,
)
from ..errors import Errors, Warnings
from .article import Article, Taken, split_article

SUFFIXES = (".txt", ".jsonl", ".csv")
DEFAULT_MAX_CHARS = 500_000  # news articles are far shorter; longer is almost always a mistake
ID_MAX_CHARS = 64  # the store's id columns; PostgreSQL enforces it, SQLite would not
PUBLISHED_MAX_CHARS = 40  # the store's publication date column
_HEAD = 65536  # bytes looked at to tell a binary file from text
_NOTICES = {"published": "W003", "title": "W004", "source": "W005", "byline": "W006"}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something to tell the user about the corpus.

    An ``error`` stops the whole ingest; a ``warning`` (an article skipped) or a ``notice`` (a
    line read as metadata) does not. ``code`` is the message's code in :mod:`annotate.errors`.
    """

    code: str
    message: str
    level: Literal["error", "warning", "notice"] = "error"

    @property
    def fatal(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


def _error(code: str, **fields: Any) -> Problem:
    return Problem(code, getattr(Errors, code).format(**fields))


def _warning(
    code: str, *, level: Literal["warning", "notice"] = "warning", **fields: Any
) -> Problem:
    return Problem(code, getattr(Warnings, code).format(**fields), level)


@dataclass(frozen=True, slots=True)
class _Options:
    text_field: str
    id_field: str
    encoding: str
    max_chars: int
    raw: bool


def read_corpus(
    paths: Iterable[str | Path],
    *,
    text_field: str = "text",
    id_field: str = "id",
    encoding: str = "utf-8",
    max_chars: int = DEFAULT_MAX_CHARS,
    raw: bool = False,
) -> Iterator[Document | Problem]:
    """Yield the documents and problems in the given files and folders, in a stable order.

    ``raw=True`` reads every character of a .txt file as text: no line is taken as metadata.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        yield _error("E014", encoding=encoding)
        return
    options = _Options(text_field, id_field, encoding, max_chars, raw)
    for path in _expand(paths):
        if isinstance(path, Problem):
            yield path
            continue
        yield from _READERS[path.suffix.lower()](path, options)


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                yield _error("E013", path=path)
            yield from files
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                yield path
            else:
                yield _error("E010", path=path, suffix=path.suffix)
        else:
            yield _error("E001", path=path)


# --- bytes to text ------------------------------------------------------------------------------


def _binary(path: Path, head: bytes, codec: Codec) -> Problem | None:
    """E003/E026 when ``head`` looks like no text in ``codec``.

    NUL bytes alone do not decide it: a text file may hold a stray NUL, which is then reported
    with its line. A file is binary when it also fails to decode, or when NULs are common (more
    than 8, and more than 1 byte in 32: a binary format is full of zeros, a text holds a handful
    at most).
    """
    if codec.wide:
        return None
    nuls = head.count(b"\x00")
    if not nuls:
        return None
    odd, even = head[1::2].count(b"\x00"), head[0::2].count(b"\x00")
    if max(odd, even) * 2 >= len(head) * 0.9 and min(odd, even) * 10 < max(odd, even):
        return _error("E026", path=path)  # ASCII text in UTF-16 has a zero in every other byte
    if nuls > 8 and nuls * 32 > len(head):
        return _error("E003", path=path)
    try:
        codecs.getincrementaldecoder(codec.name)().decode(head, final=False)
    except UnicodeDecodeError:
        return _error("E003", path=path)
    return None


def _undecodable(path: Path, bad: BadBytes, codec: Codec, encoding: str) -> Problem:
    named = f"{codec.name} (as its byte-order mark says)" if codec.bom else encoding
    return _error("E002", path=path, line=bad.line, offset=bad.offset, encoding=named)


def _read_text(path: Path, encoding: str) -> str | Problem:
    """The whole file as text: decoded, without a byte-order mark, with one newline."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _error("E024", path=path, detail=exc.strerror or str(exc))
    codec = codec_for(data[:4], encoding)
    binary = _binary(path, data[codec.bom : codec.bom + _HEAD], codec)
    if binary:
        return binary
    text = decode(data, codec)
    if isinstance(text, BadBytes):
        return _undecodable(path, text, codec, encoding)
    return one_newline(text)


def _bad_text(path: Path, line: int, field_name: str, text: str) -> Problem | None:
    """E015/E016 for a character no database can store, on the line it is on."""
    found = bad_char(text)
    if found is None:
        return None
    kind, index, char = found
    line += text.count("\n", 0, index)
    code = "E015" if kind == "nul" else "E016"
    return _error(
        code, path=path, line=line, field=field_name, index=index, char=describe_char(char)
    )


def _too_long(path: Path, line: int, text: str, max_chars: int) -> Problem | None:
    if len(text) > max_chars:
        return _error("E009", path=path, line=line, n_chars=len(text), limit=max_chars)
    return None


# --- .txt ---------------------------------------------------------------------------------------


def _read_txt(path: Path, options: _Options) -> Iterator[Document | Problem]:
    text = _read_text(path, options.encoding)
    if isinstance(text, Problem):
        yield text
        return
    if not text.strip():
        yield _warning("W001", path=path, line=1)
        return
    bad = _bad_text(path, 1, "the text", text)
    if bad:
        yield bad
        return
    article, taken = split_article(text, raw=options.raw)
    problem = _too_long(path, article.line, article.text, options.max_chars)
    if problem:
        yield problem
        return
    yield _txt_document(article, path=str(path))
    yield from (_notice(path, item) for item in taken)


def _notice(path: Path, taken: Taken) -> Problem:
    code = _NOTICES[taken.field]
    return _warning(code, level="notice", path=path, line=taken.line, shown=taken.shown)


def parse_txt_article(text: str, *, path: str = "<text>", raw: bool = False) -> Document:
    """Split one plain-text article into metadata and the text that offsets point into."""
    article, _ = split_article(text, raw=raw)
    return _txt_document(article, path=path)


def _txt_document(article: Article, *, path: str) -> Document:
    meta: dict[str, Any] = {"path": path, "line": article.line, "offset_in_file": article.offset}
    return Document(
        doc_id=content_doc_id(article.text), text=article.text, meta=meta, **article.fields
    )


# --- .jsonl and .csv: one article a row ---------------------------------------------------------

_KNOWN_FIELDS = {
    "title": ("title", "headline"),
    "source": ("source", "outlet"),
    "byline": ("byline", "author"),
    "published": ("published", "date", "published_at"),
}
_KNOWN_KEYS = frozenset(key for keys in _KNOWN_FIELDS.values() for key in keys)


def _record_document(
    record: dict[str, Any], *, path: Path, line: int, options: _Options, plain: bool = False
) -> Document | Problem:
    """The record's document, or its first problem. ``plain``: the caller knows no string of
    the record can hold a character the store refuses and its nesting is within the limit (see
    :func:`_plain_line`), so the record is not walked for them."""
    text_field = options.text_field
    if text_field not in record:
        fields = ", ".join(map(str, record))
        return _error("E008", path=path, line=line, field=text_field, fields=fields)
    text = record[text_field]
    if not isinstance(text, str):
        return _error("E012", path=path, line=line, field=text_field, kind=type(text).__name__)
    bad = None if plain else _bad_record(path, line, record)
    if bad:
        return bad
    if not text or text.isspace():
        return _warning("W001", path=path, line=line)
    problem = _too_long(path, line, text, options.max_chars)
    if problem:
        return problem
    used = {text_field}
    id_key = options.id_field
    if record.get(id_key) is None and id_key == "id" and "doc_id" in record:
        id_key = "doc_id"
    used.add(id_key)
    doc_id = _doc_id(record.get(id_key), text, path=path, line=line, field_name=id_key)
    if isinstance(doc_id, Problem):
        return doc_id
    found = _known_fields(record, used, path=path, line=line)
    if isinstance(found, Problem):
        return found
    extra = {k: v for k, v in record.items() if k not in used}
    meta: dict[str, Any] = {"path": str(path), "line": line, **extra}
    return Document(doc_id=doc_id, text=text, meta=meta, **found)


def _known_fields(
    record: dict[str, Any], used: set[str], *, path: Path, line: int
) -> dict[str, str | None] | Problem:
    """Title, source, byline and published from the first of their keys the record has (those
    keys are added to ``used``); the other fields stay in meta."""
    found: dict[str, str | None] = dict.fromkeys(_KNOWN_FIELDS)
    present = record.keys() & _KNOWN_KEYS
    if not present:
        return found
    for name, keys in _KNOWN_FIELDS.items():
        for key in keys:
            if key in present:
                value = record[key]
                if value is not None and not (isinstance(value, str) and not value):
                    break
        else:
            continue
        if isinstance(value, (dict, list, bool)):
            kind = {dict: "object", list: "array", bool: "boolean"}[type(value)]
            return _error("E027", path=path, line=line, field=key, kind=kind)
        shown = value if type(value) is str else str(value)
        if name == "published" and len(shown) > PUBLISHED_MAX_CHARS:
            return _error(
                "E023",
                path=path,
                line=line,
                field=key,
                preview=_preview(shown),
                n_chars=len(shown),
                limit=PUBLISHED_MAX_CHARS,
            )
        found[name] = shown
        used.add(key)
    return found


def _bad_record(path: Path, line: int, record: dict[str, Any]) -> Problem | None:
    """E015-E017 for the first value of the record that cannot be stored (reported on the
    line the record starts on: a JSON string's line breaks are escapes, not lines)."""
    bad = find_bad_string(record)
    if bad is None:
        return None
    where = f"the key {bad.shown!r}" if bad.in_key else f"the {bad.shown!r} field"
    if bad.kind == "depth":
        return _error("E017", path=path, line=line, field=where, limit=MAX_JSON_DEPTH)
    code = "E015" if bad.kind == "nul" else "E016"
    return _error(
        code, path=path, line=line, field=where, index=bad.index, char=describe_char(bad.char)
    )


def _doc_id(given: Any, text: str, *, path: Path, line: int, field_name: str) -> str | Problem:
    """The record's id as the store keeps it, or its content hash where it gives none."""
    if given is None or given == "":
        return content_doc_id(text)
    if isinstance(given, bool) or not isinstance(given, (str, int)):
        kind = {bool: "boolean", float: "number with a fraction", dict: "object", list: "array"}
        return _error(
            "E020",
            path=path,
            line=line,
            field=field_name,
            kind=kind.get(type(given), type(given).__name__),
            preview=_preview(json.dumps(given)),
        )
    doc_id = str(given)
    if len(doc_id) > ID_MAX_CHARS:
        return _error(
            "E019",
            path=path,
            line=line,
            preview=_preview(doc_id),
            n_chars=len(doc_id),
            limit=ID_MAX_CHARS,
        )
    return doc_id


def _preview(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _parse_json_line(path: Path, number: int, line: str) -> dict[str, Any] | Problem:
    bad = _bad_text(path, number, "the line", line)
    if bad:
        return bad
    try:
        record = loads_strict(line)
    except json.JSONDecodeError as exc:
        return _error("E007", path=path, line=number, detail=f"{exc.msg}, column {exc.colno}")
    except RecursionError:
        return _error("E017", path=path, line=number, field="the record", limit=MAX_JSON_DEPTH)
    except ValueError as exc:
        detail = str(exc).split(";")[0]
        if "digits" in detail:
            return _error("E018", path=path, line=number, detail=detail)
        return _error("E007", path=path, line=number, detail=detail)
    if not isinstance(record, dict):
        detail = f"a JSON {type(record).__name__}, not an object"
        return _error("E007", path=path, line=number, detail=detail)
    return record


def _plain_line(line: str) -> bool:
    """Whether no string parsed from this JSON line can hold a character the store refuses,
    nor can its nesting go deeper than the limit, without walking the record: the line itself
    has been checked for such characters (:func:`_bad_text`), so only a ``\\u`` escape could
    bring one in, and a record nests no deeper than the brackets the line holds."""
    return "\\u" not in line and line.count("{") + line.count("[") <= MAX_JSON_DEPTH


def _jsonl_lines(path: Path, encoding: str) -> Iterator[tuple[int, str] | Problem]:
    """``(line number, line)`` of a .jsonl file, split at line feeds only.

    One-byte and UTF-8 files stream line by line (a corpus can be gigabytes); UTF-16/32 files,
    where a line feed is not one byte, are decoded whole.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield _error("E024", path=path, detail=exc.strerror or str(exc))
        return
    with handle:
        head = handle.read(_HEAD + 4)
        codec = codec_for(head, encoding)
        binary = _binary(path, head[codec.bom : codec.bom + _HEAD], codec)
        if binary:
            yield binary
            return
        handle.seek(0)
        if codec.wide:
            text = decode(handle.read(), codec)
            if isinstance(text, BadBytes):
                yield _undecodable(path, text, codec, encoding)
                return
            yield from split_lines(text)
            return
        offset = 0
        for number, raw_line in enumerate(handle, start=1):
            skip = codec.bom if number == 1 else 0
            try:
                line = raw_line[skip:].decode(codec.name)
            except UnicodeDecodeError as exc:
                bad = BadBytes(line=number, offset=offset + skip + exc.start)
                yield _undecodable(path, bad, codec, encoding)
            else:
                yield number, line.removesuffix("\n").removesuffix("\r")
            offset += len(raw_line)


def _read_jsonl(path: Path, options: _Options) -> Iterator[Document | Problem]:
    any_row = False
    for item in _jsonl_lines(path, options.encoding):
        if isinstance(item, Problem):
            any_row = True  # not empty: unreadable, and said so
            yield item
            continue
        number, line = item
        # JSON's own white space only: a line of U+2028 or a form feed is not blank, it is
        # not JSON.
        if not line.strip(" \t\r\n"):
            continue
        any_row = True
        record = _parse_json_line(path, number, line)
        if isinstance(record, Problem):
            yield record
            continue
        yield _record_document(
            record, path=path, line=number, options=options, plain=_plain_line(line)
        )
    if not any_row:
        yield _warning("W001", path=path, line=1)


def _read_csv(path: Path, options: _Options) -> Iterator[Document | Problem]:
    text = _read_text(path, options.encoding)
    if isinstance(text, Problem):
        yield text
        return
    if not text.strip():
        yield _warning("W001", path=path, line=1)
        return
    csv.field_size_limit(max(options.max_chars * 4, 1 << 20))
    # newline="": the csv module, not the str, decides where a row ends (quoted line breaks
    # stay in their field; U+2028 and friends are ordinary characters). strict: otherwise a
    # quote left open swallows every later row into one field, and `"a"b` silently loses its
    # quotes.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        columns = next(reader, [])
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            yield _error("E025", path=path, column=repeated[0], columns=", ".join(columns))
            return
        if options.text_field not in columns:
            yield _error(
                "E006", path=path, column=options.text_field, columns=", ".join(columns)
            )
            return
        line = reader.line_num + 1
        for row in reader:
            if row:
                yield _csv_row(row, columns, path=path, line=line, options=options)
            line = reader.line_num + 1
    except csv.Error as exc:
        yield _error("E021", path=path, line=line, detail=str(exc))


def _csv_row(
    row: list[str], columns: list[str], *, path: Path, line: int, options: _Options
) -> Document | Problem:
    if len(row) != len(columns):
        return _error(
            "E022",
            path=path,
            line=line,
            got=len(row),
            expected=len(columns),
            columns=", ".join(columns),
        )
    record = dict(zip(columns, row, strict=True))
    return _record_document(record, path=path, line=line, options=options)


_READERS = {".txt": _read_txt, ".jsonl": _read_jsonl, ".csv": _read_csv}
