"""JSON helpers shared by the writers and readers: plain values out, line-numbered records in."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

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
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"))


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


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, record)`` for each non-blank line; malformed lines raise FormatError.

    Callers collect everything before building a batch, so a bad line anywhere means no batch.
    """
    for number, line in enumerate(lines(read_text(path)), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError("E306", path=str(path), line=number, detail=exc.msg) from exc
        if not isinstance(record, dict):
            raise FormatError(
                "E308",
                path=str(path),
                where=f"line {number}",
                detail=f"expected a JSON object, got {type(record).__name__}",
            )
        yield number, record
