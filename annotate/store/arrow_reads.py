"""Reading a SQLite project's chunks of rows straight into Arrow, through ADBC.

Python's sqlite3 makes a Python object of every value it reads, and for the documents of a
large project most of those objects (texts, titles, hashes) are only handed on to Arrow
again, for a DataFrame or a Parquet file. The ADBC driver reads SQLite's values into Arrow
columns in C, about twice as fast; columns that are worked on in Python (span rows, metadata)
are made lists from there, which is still faster than sqlite3 makes them.

This is a faster way to the same rows, never the only one: the reader opens the file read-only
on a connection of its own, and anything it cannot read as the store's columns are typed (no
driver installed, a database that is not a file, a value of another type written into the file
by another program, which ADBC would turn into text) makes the caller read that chunk, and the
rest, through SQLAlchemy as before. Each chunk is one read transaction here too, so its rows
are consistent with each other.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.collector import collector_paused
from .bulk import driver_statement, list_select

T = TypeVar("T")

# Every row of a result in one Arrow batch: the driver infers a column's type from its first
# batch, and a later batch of another type would fail (a NULL-only first batch reads as int64).
_BATCH_ROWS = str(2**30)


class Unreadable(Exception):
    """The chunk cannot be read here as the store types it: read it through SQLAlchemy."""


class ArrowReader:
    """A read-only ADBC connection to the project's SQLite file."""

    def __init__(self, connection: Any, dialect: Any) -> None:
        self._connection = connection
        self._dialect = dialect

    def read(self, work: Callable[[Callable[..., dict[str, Any]]], T]) -> T:
        """``work(select)`` in one read transaction, where ``select(query, arrow=names)``
        gives the query's columns: those named in ``arrow`` as Arrow arrays, the rest as lists.
        """
        import adbc_driver_manager

        try:
            return work(self._select)
        except adbc_driver_manager.Error as exc:
            raise Unreadable(str(exc)) from exc
        finally:
            # Ends the read transaction, so a checkpoint never waits for the next chunk.
            self._rollback()

    def close(self) -> None:
        import adbc_driver_manager

        with contextlib.suppress(adbc_driver_manager.Error):
            self._connection.close()

    def _rollback(self) -> None:
        import adbc_driver_manager

        with contextlib.suppress(adbc_driver_manager.Error):
            self._connection.rollback()

    def _select(self, query: Any, arrow: Iterable[str] = ()) -> dict[str, Any]:
        statement, parameters = driver_statement(self._dialect, query)
        cursor = self._connection.cursor()
        try:
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": _BATCH_ROWS})
            cursor.execute(statement, parameters)
            table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
        kept = set(arrow)
        columns: dict[str, Any] = {}
        with collector_paused():
            for selected in query.selected_columns:
                name = selected.name
                values = _typed(table.column(name), _arrow_type(selected.type), name)
                columns[name] = (
                    values.combine_chunks() if name in kept else values.to_pylist()
                )
        return columns


def _arrow_type(column_type: sa.types.TypeEngine[Any]) -> Any:
    import pyarrow as pa

    if isinstance(column_type, sa.Integer):
        return pa.int64()
    if isinstance(column_type, sa.Float):
        return pa.float64()
    return pa.string()


def _typed(values: Any, wanted: Any, name: str) -> Any:
    """The column as the store types it; a column of NULLs only (the driver calls it int64)
    gets the type it should have. Text that is not UTF-8 (written by another program; the
    driver copies its bytes) is left to SQLAlchemy, which refuses it with a coded error."""
    import pyarrow as pa

    if values.type == wanted:
        if wanted == pa.string():
            try:
                values.validate(full=True)
            except pa.ArrowInvalid as exc:
                raise Unreadable(f"column {name}: {exc}") from exc
        return values
    if values.null_count == len(values):
        return pa.chunked_array([pa.nulls(len(values), wanted)], wanted)
    raise Unreadable(f"column {name} reads as {values.type}, not {wanted}")


def read_arrow(
    engine: Engine, read: Callable[[Callable[[Connection], T]], T],
    work: Callable[[Callable[..., dict[str, Any]]], T],
) -> T:
    """``work(select)`` in one read: through ADBC where the engine's database allows, else in
    ``read`` (the Store's), where ``select`` gives every column as a list."""
    reader = open_arrow_reader(engine)
    if reader is not None:
        try:
            return reader.read(work)
        except Unreadable:
            pass
        finally:
            reader.close()
    return read(lambda connection: work(list_select(connection)))


def open_arrow_reader(engine: Engine) -> ArrowReader | None:
    """A reader for the engine's SQLite file, or None where there is none to be had (another
    database, a database in memory, no ADBC driver installed, a file it cannot open)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    path = _database_file(url)
    if path is None:
        return None
    try:
        import adbc_driver_manager
        import adbc_driver_sqlite.dbapi as adbc_sqlite
    except ImportError:
        return None
    # Read-only whatever the project: this connection only reads. A project the engine opens
    # as immutable (read-only, with no -wal beside it) is opened so here too.
    options = {"mode": "ro"} | ({"immutable": "1"} if url.query.get("immutable") else {})
    try:
        connection = adbc_sqlite.connect(f"file:{quote(str(path))}?{urlencode(options)}")
    except adbc_driver_manager.Error:
        return None
    return ArrowReader(connection, engine.dialect)


def _database_file(url: sa.engine.URL) -> Path | None:
    database = url.database or ""
    if database.startswith("file:"):
        # A read-only project is opened through a URI (see engine.py); its path is quoted.
        database = unquote(database[len("file:"):])
    if not database or database == ":memory:":
        return None
    path = Path(database)
    return path.resolve() if os.path.isfile(path) else None


__all__ = ["ArrowReader", "Unreadable", "open_arrow_reader", "read_arrow"]
