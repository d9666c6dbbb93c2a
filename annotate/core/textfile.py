"""From bytes to text that can be stored: byte-order marks, codecs, and what a string may hold.

Shared by the corpus readers and the import readers, so that both decode, split and refuse input
the same way. Nothing here knows a message: callers turn what these functions find into their own
coded errors, because they name different things (a corpus line, an import record).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})

# JSON parses "\ud83d\ude00" into one character, so a surrogate left in a str has no partner:
# it is no character at all, and encoding it (UTF-8 for the database, a file, a hash) fails.
_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_JSON_DEPTH = 32
"""Deepest nesting of a JSON record accepted. Records are flat objects of fields; far deeper
nesting only comes from broken or hostile files, and writing it back (to the database, to an
export) would run out of stack where Python's JSON reader has not."""


@dataclass(frozen=True, slots=True)
class Codec:
    """How to decode one file."""

    name: str  # a codec Python knows, in its own spelling ("utf-16-le")
    bom: int = 0  # bytes of byte-order mark at the start: read, never part of the text

    @property
    def wide(self) -> bool:
        """Code units of two or four bytes: NUL bytes are ordinary and a b"\\n" byte is no
        line end, so neither the binary check nor byte-wise line splitting applies."""
        return self.name in _WIDE


def codec_for(head: bytes, encoding: str) -> Codec:
    """The codec of a file starting with ``head``: its byte-order mark decides, else ``encoding``.

    A mark is unambiguous where a name given for a whole corpus is a guess, so it wins (no text
    in a one-byte encoding starts with the characters ``ÿþ`` or ``ï»¿``). Raises LookupError
    when Python knows no codec called ``encoding``.
    """
    name = codecs.lookup(encoding).name
    for mark, codec in _BOMS:
        if head.startswith(mark):
            return Codec(codec, len(mark))
    if name == "utf-8-sig":  # the mark is handled above; without one it is plain UTF-8
        name = "utf-8"
    return Codec(name)


@dataclass(frozen=True, slots=True)
class BadBytes:
    """Where decoding failed: the 1-based line and the byte offset in the file."""

    line: int
    offset: int


def decode(data: bytes, codec: Codec) -> str | BadBytes:
    """``data`` as text, without its byte-order mark; or where the first undecodable byte is."""
    try:
        return data[codec.bom :].decode(codec.name)
    except UnicodeDecodeError as exc:
        offset = codec.bom + exc.start
        before = data[codec.bom : offset].decode(codec.name, errors="replace")
        return BadBytes(line=before.count("\n") + 1, offset=offset)


def one_newline(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n``: offsets then do not depend on where a file was saved."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` split at ``\\n`` only, a ``\\r`` before it dropped.

    Never ``str.splitlines()``: it also splits at U+2028, U+0085, form feeds and \\x1c-\\x1e,
    which articles and JSON strings hold as ordinary characters.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def line_at(text: str, index: int) -> int:
    """The 1-based line of ``text`` that character ``index`` is on."""
    return text.count("\n", 0, index) + 1


# --- what a stored string may hold ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BadString:
    """A string that cannot be stored, and why."""

    where: str  # a path into the record such as "text" or "meta.tags[2]"
    kind: str  # "nul" | "surrogate" | "depth"
    in_key: bool = False  # the bad character is in the key at ``where``, not its value
    index: int = -1  # the character's index in the string (nul, surrogate)
    char: str = ""

    @property
    def shown(self) -> str:
        """``where``, cut short for a message (a path 32 levels deep is mostly brackets)."""
        return self.where if len(self.where) <= 60 else self.where[:59] + "…"


def bad_char(text: str) -> tuple[str, int, str] | None:
    """``(kind, index, char)`` of the first character no database or UTF-8 file can hold.

    NUL: PostgreSQL refuses it in text. Lone surrogates: not characters, so they cannot be
    encoded (for the database, a file or a hash).
    """
    nul = text.find("\x00")
    surrogate = _SURROGATE.search(text)
    if surrogate and (nul < 0 or surrogate.start() < nul):
        return "surrogate", surrogate.start(), surrogate.group()
    if nul >= 0:
        return "nul", nul, "\x00"
    return None


def find_bad_string(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> BadString | None:
    """The first string (key or value) in a parsed JSON ``value`` that cannot be stored, or a
    nesting deeper than ``max_depth``. Iterative, so a deep record cannot exhaust the stack."""
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, item, depth = stack.pop()
        if isinstance(item, str):
            found = bad_char(item)
            if found:
                return BadString(path or "(the value)", found[0], index=found[1], char=found[2])
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                return BadString(path or "(the record)", "depth")
            if isinstance(item, dict):
                children = []
                for key, child in item.items():
                    child_path = f"{path}.{key}" if path else str(key)
                    found = bad_char(key)
                    if found:
                        kind, index, char = found
                        return BadString(child_path, kind, True, index, char)
                    children.append((child_path, child, depth + 1))
            else:
                children = [(f"{path}[{i}]", child, depth + 1) for i, child in enumerate(item)]
            stack.extend(reversed(children))  # reversed: the first bad value is reported
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON; write null or a string instead")


def loads_strict(text: str) -> Any:
    """``json.loads`` that also refuses NaN and Infinity, which are not JSON and which
    PostgreSQL's JSON type rejects. Raises JSONDecodeError, ValueError (also for numbers longer
    than Python reads) or RecursionError (nesting deeper than Python's parser goes)."""
    return _STRICT.decode(text)


# One decoder for every call: json.loads with an option builds a new one each time.
_STRICT = json.JSONDecoder(parse_constant=_refuse_constant)


def describe_char(char: str) -> str:
    """A character as a person can look for it in the file: U+0000, or the escape \\ud800."""
    if _SURROGATE.fullmatch(char):
        return f"\\u{ord(char):04x}"
    return f"U+{ord(char):04X}"
