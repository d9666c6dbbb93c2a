"""Connecting to the database: URLs, SQLite pragmas, write transactions and retries."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError

T = TypeVar("T")

DEFAULT_BUSY_TIMEOUT_S = 30.0
ENV_BUSY_TIMEOUT = "ANNOTATE_BUSY_TIMEOUT"


def busy_timeout() -> float:
    """How long an action waits for a database another process is writing: seconds from
    ``$ANNOTATE_BUSY_TIMEOUT``, else 30."""
    try:
        return max(0.1, float(os.environ.get(ENV_BUSY_TIMEOUT, DEFAULT_BUSY_TIMEOUT_S)))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_S
_WRITE = "annotate_write"


def normalise_url(path_or_url: str | os.PathLike[str]) -> str:
    """A path to a .db file becomes a SQLite URL; anything with ``://`` is used as given."""
    text = os.fspath(path_or_url)
    if "://" in text:
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            # psycopg 3 is the driver the package installs.
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # The folder must exist for SQLite to create the file.
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        timeout = busy_timeout()
        engine = sa.create_engine(url, connect_args={"timeout": timeout})
        _configure_sqlite(engine, timeout)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, timeout: float) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (see below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that later upgrades to a
        # writer can fail with "database is locked" without waiting for the busy timeout.
        if connection.get_execution_options().get(_WRITE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


_BUSY = ("database is locked", "database is busy", "deadlock detected", "could not serialize")
_UNREACHABLE = (
    "could not connect",
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "unable to open database file",
    "disk i/o error",
)


def _is_busy(exc: sa.exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(marker in text for marker in _BUSY)


def _is_unreachable(exc: sa.exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return exc.connection_invalidated or any(marker in text for marker in _UNREACHABLE)


def run_write(engine: Engine, work: Callable[[Connection], T], *, url: str) -> T:
    """Run ``work`` in one write transaction, retrying while the database is busy.

    The whole transaction is repeated on a busy or deadlock error, so ``work`` must only touch
    the database (no side effects outside it). A lost connection is retried briefly; if the
    database stays unreachable the caller gets E120 and nothing of this action was written.
    """
    timeout = busy_timeout()
    deadline = time.monotonic() + timeout
    delay = 0.005
    unreachable_tries = 0
    while True:
        try:
            with engine.connect() as connection:
                connection.execution_options(**{_WRITE: True})
                with connection.begin():
                    return work(connection)
        except sa.exc.DBAPIError as exc:
            if _is_busy(exc):
                if time.monotonic() > deadline:
                    raise StoreError("E119", seconds=timeout) from exc
            elif _is_unreachable(exc):
                unreachable_tries += 1
                if unreachable_tries >= 3:
                    raise StoreError("E120", url=redact(url), detail=_first_line(exc)) from exc
                time.sleep(0.2 * unreachable_tries)
                continue
            else:
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.2)


def run_read(engine: Engine, work: Callable[[Connection], T], *, url: str) -> T:
    try:
        with engine.connect() as connection, connection.begin():
            return work(connection)
    except sa.exc.DBAPIError as exc:
        if _is_unreachable(exc):
            raise StoreError("E120", url=redact(url), detail=_first_line(exc)) from exc
        raise


def _first_line(exc: sa.exc.DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
