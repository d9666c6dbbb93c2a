"""CSV and JSON Lines written from Arrow are byte for byte what pandas writes of the same table,
for every kind of value a table holds and every character that needs quoting or escaping."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotate.formats.columns import contract_arrow, contract_frame
from annotate.formats.files import TableFiles, json_text, read_table, write_tables
from annotate.formats.jsonio import dumps
from annotate.formats.tables import COLUMNS

# Text that pandas' csv writer quotes, that JSON escapes, and that neither touches.
AWKWARD = [
    "plain", " padded ", "a,b", 'say "no"', '"', "line\nbreak", "carriage\rreturn",
    "both\r\n", "tab\there", "feed\x0c back\x08", "bell\x07 and \x1f", "back\\slash",
    '\\"\\n\\', "Zoë – 🙂 \u2028 \u00a0", "null", "NaN", "True", "{\"a\": 1}",
]
STAMPS = [
    "2026-01-02 03:04:05.123456", "2026-01-02T03:04:05", "2026-01-02T03:04:05.000001",
    "1999-12-31 23:59:59.5", "2026-01-02T03:04:05.123456789", None,
]


RARE = ("bell\x07 and \x1f",)
BARE_CR = ("carriage\rreturn",)  # pandas' CSV leaves it unquoted (see below)


def _strings(n: int, offset: int = 0, *, awkward: list[str] = AWKWARD) -> list[str]:
    return [awkward[(i + offset) % len(awkward)] for i in range(n)]


def _columns(name: str, n: int, *, awkward: list[str] = AWKWARD) -> dict[str, Any]:
    """``n`` rows of table ``name`` with an awkward value of each kind in each column."""
    texts = _strings(n, awkward=awkward)
    columns: dict[str, Any] = {}
    for position, column in enumerate(COLUMNS[name]):
        columns[column] = _strings(n, position, awkward=awkward)
    columns.update(doc_id=[f"d{i},{texts[i]}" for i in range(n)])
    if name == "documents":
        # An empty title: CSV has no way to tell it from none (pandas reads both as none).
        columns.update(title=[None if i % 3 == 0 else "" if i % 3 == 1 else t
                              for i, t in enumerate(texts)],
                       published=[None, *texts[1:]], n_chars=list(range(n)),
                       meta=[{"k": t, "n": i, "x": [1.5, None, True]} for i, t in enumerate(texts)])
    if name == "spans":
        columns.update(layer=["quote", "source"] * (n // 2), label=["DIRECT", "SOURCE"] * (n // 2),
                       start=list(range(n)), end=[i + 7 for i in range(n)],
                       origin=["manual", "model"] * (n // 2),
                       attrs=[{"note": t} if i % 2 else {} for i, t in enumerate(texts)],
                       created_at=[STAMPS[i % len(STAMPS)] for i in range(n)],
                       updated_at=[STAMPS[(i + 1) % len(STAMPS)] for i in range(n)],
                       fragments=[None if i % 2 else [[i, i + 2], [i + 4, i + 7]]
                                  for i in range(n)])
    if name == "relations":
        columns.update(type=["said_by"] * n, attrs=[{"t": t} for t in texts])
    if name == "quotes":
        columns.update(start=list(range(n)), end=list(range(1, n + 1)),
                       quote_type=["DIRECT", "INDIRECT"] * (n // 2),
                       cue_start=[None if i % 2 else i for i in range(n)],
                       cue_end=[None if i % 2 else i + 1 for i in range(n)],
                       source_start=[None] * n, source_end=[i for i in range(n)],
                       cue_text=[None if i % 2 else t for i, t in enumerate(texts)])
    if name == "claims":
        columns.update(start=list(range(n)), end=list(range(1, n + 1)),
                       claim_type=["QUANTITY"] * n,
                       checkworthy=[["yes", "no", None][i % 3] for i in range(n)],
                       hedged=[[True, False, None][i % 3] for i in range(n)],
                       claimant_span_id=[None if i % 2 else t for i, t in enumerate(texts)])
    if name == "doc_status":
        columns.update(status=[["done", "skipped", None][i % 3] for i in range(n)],
                       seconds_spent=[[3.0, 0.1, 1e-07, 1e20, 12.5, None][i % 6]
                                      for i in range(n)])
    return columns


def _pandas_text(name: str, frame: pd.DataFrame, fmt: str) -> bytes:
    """What pandas' own writers make of ``frame``: ``to_csv``, or a ``dumps`` line a row."""
    if fmt == "csv":
        return json_text(frame, name).to_csv(
            index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ").encode()
    columns = list(frame.columns)
    rows = zip(*(frame[c].tolist() for c in columns), strict=True)
    return "".join(dumps(dict(zip(columns, row, strict=True))) + "\n" for row in rows).encode()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_table_is_written_alike_from_arrow_and_from_a_dataframe(
    name: str, fmt: str, tmp_path: Path
) -> None:
    n = 2 * len(AWKWARD)
    columns = _columns(name, n)
    frame_files = TableFiles(tmp_path / "frames", fmt=fmt)  # type: ignore[arg-type]
    arrow_files = TableFiles(tmp_path / "arrow", fmt=fmt)  # type: ignore[arg-type]
    # Two chunks, the second empty, then a third: a header once, rows appended.
    for rows in (slice(0, n // 2), slice(0, 0), slice(n // 2, n)):
        part = {column: values[rows] for column, values in columns.items()}
        frame_files.write({name: contract_frame(name, part)}, coerced=True)
        arrow_files.write_arrow({name: contract_arrow(name, part)})
    (from_frames,), (from_arrow,) = frame_files.close(), arrow_files.close()
    assert from_arrow.read_bytes() == from_frames.read_bytes()
    back = read_table(from_arrow)
    pd.testing.assert_frame_equal(back, read_table(from_frames))
    assert len(back) == n
    if name == "documents":
        assert back["doc_id"].tolist() == columns["doc_id"]
        assert back["text"].tolist() == columns["text"]


@pytest.mark.parametrize("rare", [True, False], ids=["rare-control-characters", "short-escapes"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_table_is_the_text_pandas_writes(
    name: str, fmt: str, rare: bool, tmp_path: Path
) -> None:
    """Files written before read the same: pandas' ``to_csv`` wrote the CSV, and a
    :func:`dumps` line a row the JSON Lines (whether a column holds a control character JSON
    writes as \\u00XX or only those with a short escape)."""
    awkward = [text for text in AWKWARD if text not in BARE_CR and (rare or text not in RARE)]
    columns = _columns(name, 2 * len(awkward), awkward=awkward)
    files = TableFiles(tmp_path, fmt=fmt)  # type: ignore[arg-type]
    files.write_arrow({name: contract_arrow(name, columns)})
    (path,) = files.close()
    assert path.read_bytes() == _pandas_text(name, contract_frame(name, columns), fmt)


def test_a_carriage_return_alone_is_quoted_so_the_row_reads_back_whole(tmp_path: Path) -> None:
    """pandas' CSV writer quotes a cell for a line feed, not for a carriage return alone, and
    its reader then ends the row there: that text would come back cut in two."""
    columns = _columns("documents", 4, awkward=["ok", *BARE_CR])
    frame = contract_frame("documents", columns)
    pandas_text = _pandas_text("documents", frame, "csv").decode()
    assert len(pd.read_csv(io.StringIO(pandas_text), dtype=str)) > len(frame)
    write_tables({"documents": frame}, tmp_path, fmt="csv")
    assert b'"carriage\rreturn"' in (tmp_path / "documents.csv").read_bytes()
    back = read_table(tmp_path / "documents.csv")
    for column in ("doc_id", "text", "source", "meta"):
        assert back[column].tolist() == frame[column].tolist()


def test_timestamps_keep_the_digits_they_have(tmp_path: Path) -> None:
    files = TableFiles(tmp_path, fmt="jsonl")
    files.write_arrow({"spans": contract_arrow("spans", _columns("spans", 12))})
    rows = [json.loads(line) for line in (tmp_path / "spans.jsonl").read_text().split("\n")[:-1]]
    assert [row["created_at"] for row in rows[:6]] == [
        "2026-01-02T03:04:05.123456+00:00", "2026-01-02T03:04:05+00:00",
        "2026-01-02T03:04:05.000001+00:00", "1999-12-31T23:59:59.500000+00:00",
        "2026-01-02T03:04:05.123456789+00:00", None,
    ]
