"""JSON helpers shared by the writers and readers: plain values out, line-numbered records in."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.jsonform import COMPACT
from ..core.textfile import MAX_JSON_DEPTH, describe_char, find_bad_string, line_at
from ..errors import FormatError


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON types.

    DataFrames hand back numpy scalars, pandas timestamps and NaN for missing values; msgpack
    (DocBin) hands back tuples. Written files must hold none of those.
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return to_jsonable(item())
    isoformat = getattr(value, "isoformat", None)  # pandas Timestamp
    if callable(isoformat):
        return isoformat()
    return str(value)


def dumps(value: Any) -> str:
    """One compact JSON line, non-ASCII kept readable."""
    if type(value) is JSONObject:  # JSON types only: nothing to make plain
        return COMPACT.encode(value)
    return COMPACT.encode(to_jsonable(value))


class JSONObject(dict[str, Any]):
    """A dict decoded from JSON text, so holding JSON types only: :func:`dumps` writes it
    back without first walking it to make its values plain (for a project's metadata, a
    million documents, that walk cost more than the encoding)."""


def read_text(path: Path, *, strip_bom: bool = True) -> str:
    """The file's text as UTF-8, or a FormatError naming the file and line.

    ``strip_bom=False`` keeps a leading U+FEFF where it is part of an annotated text.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FormatError("E307", path=str(path)) from None
    except IsADirectoryError:
        raise FormatError("E316", path=str(path), what="file (it is a folder)") from None
    try:
        return data.decode("utf-8-sig" if strip_bom else "utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError(
            "E308", path=str(path), where=f"line {line}", detail=f"not UTF-8 text ({exc.reason})"
        ) from exc


def lines(text: str) -> list[str]:
    """Lines split at line feeds only (a carriage return before one is dropped).

    ``str.splitlines`` also splits at U+2028, U+0085 and other characters that JSON strings
    and annotated text may hold raw, which would cut a record in two.
    """
    return [line.removesuffix("\r") for line in text.split("\n")]


def parse_json(text: str, *, path: Path, line: int = 1) -> Any:
    """``json.loads(text)`` for a file's text (or one line of it, starting at ``line``), with
    every failure a FormatError naming the file and line, never a bare exception.

    Besides malformed JSON: numbers longer than Python reads (4,300 digits), nesting deeper than
    its parser goes or than :data:`~annotate.core.textfile.MAX_JSON_DEPTH`, and strings no database
    or UTF-8 file can hold (NUL, and the lone surrogates an escape such as ``\\ud800`` makes).
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            "E306", path=str(path), line=line + exc.lineno - 1, detail=exc.msg
        ) from exc
    except RecursionError:
        detail = f"nested more than {MAX_JSON_DEPTH} levels deep"
        raise FormatError("E306", path=str(path), line=line, detail=detail) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        longest = sys.get_int_max_str_digits()
        digits = re.search(rf"\d{{{longest + 1},}}", text)
        at = line + (line_at(text, digits.start()) - 1 if digits else 0)
        detail = str(exc).split(";")[0] + "; write long numbers as strings"
        raise FormatError("E306", path=str(path), line=at, detail=detail) from None
    bad = find_bad_string(value)
    if bad is not None:
        field = f"the key {bad.shown!r}" if bad.in_key else repr(bad.shown)
        if bad.kind == "depth":
            detail = f"{field} is nested more than {MAX_JSON_DEPTH} levels deep; flatten it"
        elif bad.kind == "nul":
            detail = (
                f"{field} holds a NUL character (U+0000) at character {bad.index}, which the "
                "database cannot store; remove it"
            )
        else:
            detail = (
                f"{field} holds {describe_char(bad.char)} at character {bad.index}, half of a "
                "surrogate pair without its other half: no character, so it cannot be stored "
                "or written as UTF-8; fix the escape or remove it"
            )
        raise FormatError("E308", path=str(path), where=f"line {line}", detail=detail)
    return value


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, record)`` for each non-blank line; malformed lines raise FormatError.

    Callers collect everything before building a batch, so a bad line anywhere means no batch.
    """
    for number, line in enumerate(lines(read_text(path)), start=1):
        # JSON's own white space only: a line holding U+2028 is not blank, and not JSON.
        if not line.strip(" \t\r\n"):
            continue
        record = parse_json(line, path=path, line=number)
        if not isinstance(record, dict):
            raise FormatError(
                "E308",
                path=str(path),
                where=f"line {number}",
                detail=f"expected a JSON object, got {type(record).__name__}",
            )
        yield number, record
