"""The contract tables as Parquet, CSV or JSON Lines files, one file a table, and back.

Parquet keeps every dtype (categories, nullable integers, UTC timestamps). Parquet and CSV have
no nested values, so the dict columns (``documents.meta``, ``spans.attrs``) hold JSON text
there; JSON Lines keeps them as objects. CSV and JSON Lines write timestamps as ISO 8601 text.
:func:`read_tables` undoes all of this, so a written table reads back equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

from ..errors import FormatError
from .jsonio import dumps, iter_jsonl
from .tables import JSON_COLUMNS, TABLES, coerce, table_names
from .text_tables import write_csv, write_jsonl

TableFormat = Literal["parquet", "csv", "jsonl"]
TABLE_FORMATS: tuple[str, ...] = ("parquet", "csv", "jsonl")


def _check_format(fmt: str) -> None:
    if fmt not in TABLE_FORMATS:
        raise FormatError("E302", fmt=fmt, known=", ".join(TABLE_FORMATS))


def json_text(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with its dict and list columns as the JSON text files hold."""
    columns = JSON_COLUMNS.get(name, ())
    if not columns:
        return frame
    return frame.assign(
        **{column: pd.Series(_json_texts(frame[column].tolist()), dtype="str")
           for column in columns}
    )


_MEMO_MAX = 100_000


def _json_texts(values: list[Any]) -> list[str]:
    """Each value's JSON text (as :func:`.jsonio.dumps` writes it). Spans repeat a few
    attribute sets thousands of times (every suggestion of a rule has the same reason and
    confidence): a flat dict's text is made once and looked up after, keyed by its items with
    their types (True is not 1). A span of one piece has its fragments written directly."""
    memo: dict[Any, str] = {}
    by_identity: dict[int, str] = {}  # tables read for an export share one dict per text
    out: list[str] = []
    for value in values:
        key: Any = None
        if type(value) is list and len(value) == 1:
            piece = value[0]  # a span's one piece, [[start, end]]: most of the fragments column
            if type(piece) is list and len(piece) == 2:
                start, end = piece
                if type(start) is int and type(end) is int:
                    out.append(f"[[{start},{end}]]")
                    continue
        shared = by_identity.get(id(value))
        if shared is not None:
            out.append(shared)
            continue
        if isinstance(value, dict):
            try:
                key = tuple((k, type(v), v) for k, v in value.items())
                text = memo.get(key)
            except TypeError:  # a nested list or dict: not hashable, dumped each time
                key = text = None
            if text is not None:
                out.append(text)
                continue
        text = dumps(value)
        if key is not None and len(memo) < _MEMO_MAX:
            memo[key] = text
            by_identity[id(value)] = text
        out.append(text)
    return out


def write_tables(
    tables: Mapping[str, pd.DataFrame], out_dir: str | Path, *, fmt: TableFormat = "parquet"
) -> list[Path]:
    """Write each table to ``out_dir/<name>.<fmt>``; return the paths in contract order.

    Tables are coerced to the contract first, so the files hold exactly its columns and dtypes.
    """
    writer = TableFiles(out_dir, fmt=fmt)
    writer.write(tables)
    return writer.close()


class TableFiles:
    """The contract tables as files, written a chunk at a time: each :meth:`write` appends
    its tables (a Parquet row group, CSV or JSON lines rows) to ``out_dir/<name>.<fmt>``, so
    memory holds one chunk whatever the export's size. :meth:`close` finishes the files and
    returns their paths in contract order."""

    def __init__(self, out_dir: str | Path, *, fmt: TableFormat = "parquet") -> None:
        _check_format(fmt)
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        self.paths: dict[str, Path] = {}
        self._parquet: dict[str, Any] = {}  # table name -> pyarrow ParquetWriter

    def write(self, tables: Mapping[str, pd.DataFrame], *, coerced: bool = False) -> None:
        """Append ``tables``; ``coerced`` says they hold the contract's columns and dtypes
        already (as :func:`.dataset.iter_tables` gives them), so they are not coerced again."""
        for name in table_names(tables):
            frame = tables[name] if coerced else coerce(name, tables[name])
            first = name not in self.paths
            path = self.paths.setdefault(name, self.out / f"{name}.{self.fmt}")
            if self.fmt == "parquet":
                self._write_parquet(name, json_text(frame, name), path)
            else:
                self._write_text(name, _arrow_of(json_text(frame, name)), path, first=first)

    def write_arrow(self, tables: Mapping[str, pa.Table]) -> None:
        """Append tables already in the file form (:func:`.frames.file_tables_of`), written
        as they are: the files hold what :meth:`write` writes of the same tables as DataFrames
        (see :mod:`.text_tables`)."""
        for name in table_names(tables):
            first = name not in self.paths
            path = self.paths.setdefault(name, self.out / f"{name}.{self.fmt}")
            if self.fmt == "parquet":
                self._append_parquet(name, tables[name], path)
            else:
                self._write_text(name, tables[name], path, first=first)

    def _write_text(self, name: str, table: pa.Table, path: Path, *, first: bool) -> None:
        with path.open("wb" if first else "ab") as handle:
            if self.fmt == "csv":
                write_csv(table, handle, header=first)
            else:
                write_jsonl(table, handle, json_columns=JSON_COLUMNS.get(name, ()))

    def _write_parquet(self, name: str, frame: pd.DataFrame, path: Path) -> None:
        if name in self._parquet and not len(frame):
            return
        self._append_parquet(name, _arrow_of(frame), path)

    def _append_parquet(self, name: str, table: pa.Table, path: Path) -> None:
        import pyarrow.parquet as pq

        writer = self._parquet.get(name)
        if writer is not None and not table.num_rows:
            return
        if writer is None:
            writer = self._parquet[name] = pq.ParquetWriter(path, table.schema)
        elif not table.schema.equals(writer.schema, check_metadata=False):
            # A categorical column's codes may be wider in a later chunk, and a column with no
            # value in the first may have had no type to show: the file keeps the first's.
            table = table.cast(writer.schema)
        writer.write_table(table)

    def close(self) -> list[Path]:
        for writer in self._parquet.values():
            writer.close()
        self._parquet.clear()
        return [self.paths[name] for name in table_names(self.paths)]


def _arrow_of(frame: pd.DataFrame) -> pa.Table:
    import pyarrow as pa

    # One thread: a chunk's columns are too short for a pool's start-up to pay off.
    return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)


def read_table(path: str | Path, *, name: str | None = None) -> pd.DataFrame:
    """One table file written by :func:`write_tables`, coerced back to the contract.

    ``name`` defaults to the file's stem (``spans.parquet`` is the ``spans`` table).
    """
    path = Path(path)
    name = name or path.stem
    fmt = path.suffix.lstrip(".")
    _check_format(fmt)
    if not path.exists():
        raise FormatError("E307", path=str(path))
    if fmt == "parquet":
        frame = pd.read_parquet(path, engine="pyarrow")
    elif fmt == "csv":
        # Everything as text first: ids such as "007" must not turn into numbers.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    else:
        records = [record for _, record in iter_jsonl(path)]
        frame = pd.DataFrame.from_records(records, columns=list(_columns(name)))
    return coerce(name, frame)


def _columns(name: str) -> tuple[str, ...]:
    from .tables import COLUMNS

    if name not in COLUMNS:
        raise FormatError("E303", name=name, known=", ".join(TABLES))
    return COLUMNS[name]


def read_tables(in_dir: str | Path, *, fmt: TableFormat = "parquet") -> dict[str, pd.DataFrame]:
    """Every contract table found in ``in_dir`` as ``<name>.<fmt>``."""
    _check_format(fmt)
    folder = Path(in_dir)
    if not folder.is_dir():
        raise FormatError("E307", path=str(folder))
    found = {
        name: folder / f"{name}.{fmt}" for name in TABLES if (folder / f"{name}.{fmt}").exists()
    }
    if not found:
        raise FormatError("E316", path=str(folder), what=f"table files (*.{fmt})")
    return {name: read_table(path, name=name) for name, path in found.items()}
