from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats.exporting import prepare_tables
from annotate.formats.files import read_table, read_tables, write_tables


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_tables_round_trip(tables: dict[str, pd.DataFrame], tmp_path: Path, fmt: str) -> None:
    prepared = prepare_tables(tables)
    paths = write_tables(prepared, tmp_path, fmt=fmt)  # type: ignore[arg-type]
    assert [p.name for p in paths] == [
        f"{name}.{fmt}"
        for name in ("documents", "spans", "relations", "quotes", "claims", "doc_status")
    ]
    back = read_tables(tmp_path, fmt=fmt)  # type: ignore[arg-type]
    assert set(back) == set(prepared)
    for name, frame in prepared.items():
        got = back[name]
        if fmt != "parquet":
            # Text formats do not record category order; compare values, not categories.
            for column in frame.columns:
                if isinstance(frame[column].dtype, pd.CategoricalDtype):
                    got[column] = got[column].astype(str).astype(frame[column].dtype)
        pd.testing.assert_frame_equal(got, frame, check_exact=True, obj=name)


def test_parquet_keeps_dicts_as_json_text(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    write_tables({"spans": tables["spans"]}, tmp_path)
    column = pq.read_table(tmp_path / "spans.parquet").column("attrs").to_pylist()
    assert json.loads(column[8]) == {"note": "the government"}


def test_jsonl_holds_objects(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_tables({"spans": tables["spans"]}, tmp_path, fmt="jsonl")
    first = json.loads((tmp_path / "spans.jsonl").read_text(encoding="utf-8").splitlines()[11])
    assert first["attrs"]["addressee"] == "India Today"
    assert first["created_at"] == "2025-12-05T09:30:00+00:00"


def test_unknown_format(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    with pytest.raises(FormatError) as info:
        write_tables(tables, tmp_path, fmt="xlsx")  # type: ignore[arg-type]
    assert info.value.code == "E302"


def test_unknown_table_name(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    with pytest.raises(FormatError) as info:
        write_tables({"gold": tables["spans"]}, tmp_path)
    assert info.value.code == "E303"


def test_read_missing(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as info:
        read_table(tmp_path / "spans.parquet")
    assert info.value.code == "E307"
    with pytest.raises(FormatError) as info:
        read_tables(tmp_path)
    assert info.value.code == "E316"
