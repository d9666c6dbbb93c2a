"""Reading a large SQLite project's chunks of rows into Arrow, through ADBC, in a process of
its own (:mod:`.arrow_worker`).

Python's sqlite3 makes a Python object of every value it reads, and for the documents of a
large project most of those objects (texts, titles, hashes) are only handed on to Arrow
again, for a DataFrame or a Parquet file. The ADBC driver reads SQLite's values into Arrow
columns in C; columns that are worked on in Python (span rows, metadata) are made lists from
there, which is still faster than sqlite3 makes them.

The driver runs in another process because it carries its own copy of SQLite: two copies in
one process break each other's POSIX locks, which in a kernel that also writes through
sqlite3 ended in SIGBUS on the WAL's shared memory. Starting that process takes a few tenths of
a second, so projects under WORKER_FROM_DOCUMENTS are read in this process, through sqlite3.

This is a faster way to the same rows, never the only one: the worker opens the file
read-only, and anything it cannot read as the store's columns are typed (no driver installed,
a database that is not a file, a value of another type written into the file by another
program, which ADBC would turn into text, text that is not UTF-8) makes the caller read that
chunk, and the rest, through SQLAlchemy as before. Each chunk is one read transaction in the
worker too, so its rows are consistent with each other.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.collector import collector_paused
from .bulk import driver_statement, list_select

T = TypeVar("T")

WORKER = Path(__file__).with_name("arrow_worker.py")
# Below this many documents a project is read through sqlite3: the worker's start (about
# 0.3 s) costs more than it saves.
WORKER_FROM_DOCUMENTS = 50_000


class Unreadable(Exception):
    """The chunk cannot be read here as the store types it: read it through SQLAlchemy."""


class ArrowReader:
    """A worker process holding a read-only ADBC connection to the project's SQLite file."""

    def __init__(self, process: subprocess.Popen[bytes], dialect: Any) -> None:
        self._process = process
        self._dialect = dialect

    def read(self, work: Callable[[Callable[..., dict[str, Any]]], T]) -> T:
        """``work(select)`` in one read transaction, where ``select(query, arrow=names)``
        gives the query's columns: those named in ``arrow`` as Arrow arrays, the rest as lists.
        """
        try:
            return work(self._select)
        finally:
            # Ends the read transaction, so a checkpoint never waits for the next chunk.
            self._request({"end": True})

    def close(self) -> None:
        """Stop the worker: it ends with its input."""
        with contextlib.suppress(OSError):
            if self._process.stdin is not None:
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def _request(self, request: dict[str, Any]) -> tuple[bytes, bytes]:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            process.stdin.flush()
            head = process.stdout.read(9)
            if len(head) != 9:
                raise Unreadable("the reading process stopped")
            size = int.from_bytes(head[1:], "little")
            body = process.stdout.read(size)
        except (OSError, ValueError) as exc:  # a closed pipe, a stopped process
            raise Unreadable(f"the reading process stopped: {exc}") from exc
        if len(body) != size:
            raise Unreadable("the reading process stopped")
        return head[:1], body

    def _select(self, query: Any, arrow: Iterable[str] = ()) -> dict[str, Any]:
        import pyarrow as pa

        statement, parameters = driver_statement(self._dialect, query)
        try:
            tag, body = self._request({"sql": statement, "params": list(parameters)})
        except TypeError as exc:  # a parameter JSON cannot carry
            raise Unreadable(str(exc)) from exc
        if tag != b"T":
            raise Unreadable(body.decode("utf-8", "replace"))
        table = pa.ipc.open_stream(body).read_all()
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


def read_by(
    reader: ArrowReader | None,
    read: Callable[[Callable[[Connection], T]], T],
    work: Callable[[Callable[..., dict[str, Any]]], T],
) -> tuple[T, ArrowReader | None]:
    """``work(select)`` by ``reader`` where there is one, else by ``read`` (the Store's, every
    column a list); and the reader to go on with. A reader that cannot read it is closed and
    None comes back in its place, so the rest is read by ``read``."""
    if reader is not None:
        try:
            return reader.read(work), reader
        except Unreadable:
            reader.close()
    return read(lambda connection: work(list_select(connection))), None


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


def open_arrow_reader(engine: Engine, documents: Callable[[], int]) -> ArrowReader | None:
    """A reader for the engine's SQLite file, or None where there is none to be had (another
    database, a database in memory, no ADBC driver installed, fewer than
    WORKER_FROM_DOCUMENTS ``documents()``)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    path = _database_file(url)
    if path is None or importlib.util.find_spec("adbc_driver_sqlite") is None:
        return None
    if documents() < WORKER_FROM_DOCUMENTS:
        return None
    # Read-only whatever the project: the worker only reads. A project the engine opens as
    # immutable (read-only, with no -wal beside it) is opened so there too.
    options = {"mode": "ro"} | ({"immutable": "1"} if url.query.get("immutable") else {})
    uri = f"file:{quote(str(path))}?{urlencode(options)}"
    process = subprocess.Popen(
        [sys.executable, str(WORKER), uri],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    return ArrowReader(process, engine.dialect)


def _database_file(url: sa.engine.URL) -> Path | None:
    database = url.database or ""
    if database.startswith("file:"):
        # A read-only project is opened through a URI (see engine.py); its path is quoted.
        database = unquote(database[len("file:"):])
    if not database or database == ":memory:":
        return None
    path = Path(database)
    return path.resolve() if os.path.isfile(path) else None


__all__ = ["WORKER_FROM_DOCUMENTS", "ArrowReader", "Unreadable", "open_arrow_reader", "read_by"]
