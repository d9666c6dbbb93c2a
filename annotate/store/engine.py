"""Connecting to the database: URLs, SQLite pragmas, write transactions and retries.

Opening checks the place first (a folder, a file that is not a database, a folder that cannot
be created), so a mistake is one coded error instead of a driver's traceback. A SQLite file that
cannot be written is opened read-only: reading works and every write gets E129.
"""

from __future__ import annotations

import difflib
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.jsonform import compact_json
from ..errors import StoreError
from .faults import (
    current_operation,
    inside_boundary,
    install_error_hook,
    install_value_guard,
    is_busy,
    is_unreachable,
    safe_detail,
    translate,
)
from .redaction import redact

__all__ = [
    "busy_timeout",
    "create_engine",
    "describe",
    "normalise_url",
    "redact",
    "refuse_read_only",
    "run_read",
    "run_write",
]

T = TypeVar("T")

DEFAULT_BUSY_TIMEOUT_S = 30.0
ENV_BUSY_TIMEOUT = "ANNOTATE_BUSY_TIMEOUT"
CONNECT_TIMEOUT_S = 10
_WRITE = "annotate_write"
_POLL = "annotate_poll"  # a write transaction whose caller retries while SQLite is busy
# How often a writer waiting for SQLite's write lock asks for it again (seconds, with jitter):
# short enough that a gap of a few milliseconds between another writer's transactions is seen.
SQLITE_POLL_S = 0.001
_READ_ONLY = "annotate_read_only"  # why the engine was opened read-only
_SQLITE_HEADER = b"SQLite format 3\x00"
_KNOWN_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb", "oracle", "mssql")
# "sqlite:/x", "postgresql:host/db": a URL with a slash missing, not a file name.
_SCHEME_WITHOUT_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):(?!//)(.*)$", re.DOTALL)
_DRIVER_PACKAGES = {"MySQLdb": "mysqlclient", "psycopg2": "psycopg2-binary", "pymysql": "PyMySQL"}


def busy_timeout() -> float:
    """How long an action waits for a database another process is writing: seconds from
    ``$ANNOTATE_BUSY_TIMEOUT``, else 30."""
    try:
        return max(0.1, float(os.environ.get(ENV_BUSY_TIMEOUT, DEFAULT_BUSY_TIMEOUT_S)))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_S


def normalise_url(path_or_url: str | os.PathLike[str]) -> str:
    """A path to a .db file becomes a SQLite URL; anything with ``://`` is used as given."""
    text = os.fspath(path_or_url).strip()
    if "://" in text:
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            # psycopg 3 is the driver the package installs.
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    mistyped = _SCHEME_WITHOUT_SLASHES.match(text)
    if mistyped and (
        mistyped.group(2).startswith("/") or _base(mistyped.group(1)) in _KNOWN_SCHEMES
    ):
        raise StoreError(
            "E704", url=redact(text), detail=f"{mistyped.group(1)}: needs '://' after it"
        )
    if not text:
        raise StoreError("E704", url=text, detail="it is empty")
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def describe(url: str) -> str:
    """Where the database is, for messages: a SQLite file's path, else the URL without its
    password."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :] or ":memory:"
    return redact(url)


def create_engine(url: str) -> Engine:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError("E704", url=redact(url), detail="it cannot be parsed") from None
    read_only: str | None = None
    if parsed.get_backend_name() == "sqlite":
        engine_url: str | sa.engine.URL = url
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            read_only = _check_sqlite_file(Path(database))
            if read_only is not None:
                engine_url = _read_only_url(Path(database))
        timeout = busy_timeout()
        engine = _create(engine_url, url, connect_args={"timeout": timeout})
        _configure_sqlite(engine, timeout, read_only=read_only is not None)
        if read_only is not None:
            engine.update_execution_options(**{_READ_ONLY: read_only})
    else:
        options: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            # An unreachable host answers nothing; say so in seconds, not minutes.
            options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        engine = _create(url, url, **options)
    install_error_hook(engine, url=url, read_only=read_only)
    install_value_guard(engine)
    return engine


def _create(engine_url: str | sa.engine.URL, url: str, **options: Any) -> Engine:
    try:
        # hide_parameters: SQLAlchemy's error text would otherwise carry the statement's
        # parameters, that is, article text.
        # JSON columns hold the form the export files write, so an export copies them as
        # they are.
        return sa.create_engine(
            engine_url, hide_parameters=True, json_serializer=compact_json, **options
        )
    except sa.exc.NoSuchModuleError:
        scheme = sa.engine.make_url(url).drivername
        close = difflib.get_close_matches(_base(scheme), _KNOWN_SCHEMES, n=1)
        hint = f" (did you mean {close[0]}://?)" if close and close[0] != _base(scheme) else ""
        detail = f"no database type is called {scheme!r}{hint}"
        raise StoreError("E702", url=redact(url), detail=detail) from None
    except ImportError as exc:
        module = exc.name or str(exc)
        package = _DRIVER_PACKAGES.get(module.split(".")[0], module)
        raise StoreError("E703", url=redact(url), module=module, package=package) from None
    except sa.exc.ArgumentError as exc:
        raise StoreError("E704", url=redact(url), detail=safe_detail(str(exc))) from None


def _base(scheme: str) -> str:
    return scheme.split("+", 1)[0].lower()


def _check_sqlite_file(path: Path) -> str | None:
    """Refuse what cannot be a project database; return why the file is read-only, if it is."""
    if path.is_dir():
        raise StoreError("E132", path=str(path), suggestion=str(path / "annotate.db"))
    folder = path.parent
    if not path.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError("E133", path=str(path), detail=_os_detail(exc, folder)) from None
        if not os.access(folder, os.W_OK):
            detail = f"the folder {folder} is not writable"
            raise StoreError("E133", path=str(path), detail=detail)
        return None
    if not path.is_file():
        raise StoreError("E131", path=str(path), detail="it is not a regular file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError("E133", path=str(path), detail=_os_detail(exc, path)) from None
    if header and header != _SQLITE_HEADER:
        raise StoreError("E131", path=str(path), detail="it is not a SQLite database file")
    if _on_read_only_mount(path):
        return "it is on a read-only file system"
    if not os.access(path, os.W_OK):
        return "you may not write the file"
    if not os.access(folder, os.W_OK):
        # SQLite writes its journal (-wal, -shm) beside the file.
        return f"you may not write its folder {folder}"
    return None


def _on_read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_only_url(path: Path) -> sa.engine.URL:
    query = {"uri": "true", "mode": "ro"}
    if not Path(f"{path}-wal").exists():
        # A WAL database wants to create its -shm file even to read; where it cannot, reading
        # the file as immutable is safe only when no -wal holds changes not yet in it.
        query["immutable"] = "1"
    return sa.engine.URL.create("sqlite", database="file:" + quote(str(path)), query=query)


def _os_detail(exc: OSError, where: Path) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"{reason} ({exc.filename or where})"


def _configure_sqlite(engine: Engine, timeout: float, *, read_only: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (see below), not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            # Switching the journal mode writes the file; a read-only file keeps its own.
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 32 MiB of pages instead of 2: the indexes of a project of a million documents are
        # read and written over and over by bulk writes and chunked reads.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that later upgrades to a
        # writer can fail with "database is locked" without waiting for the busy timeout. A
        # read-only file has no write lock to take: its first write fails with E129 instead.
        options = connection.get_execution_options()
        if not options.get(_WRITE) or read_only:
            connection.exec_driver_sql("BEGIN")
        elif options.get(_POLL):
            # run_write asks for the lock itself, every millisecond or so (see there): SQLite's
            # own busy handler sleeps longer and longer (100 ms a try after a quarter second),
            # so a writer that commits often, such as an ingest in batches, would take the lock
            # back before a waiting annotator woke up. Once held, statements wait as usual.
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA busy_timeout=0")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                driver.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def refuse_read_only(engine: Engine, *, url: str) -> None:
    """E129 if the database was opened read-only."""
    read_only = engine.get_execution_options().get(_READ_ONLY)
    if read_only is not None:
        raise StoreError(
            "E129", operation=current_operation(), where=describe(url), reason=read_only
        )


def run_write(engine: Engine, work: Callable[[Connection], T], *, url: str) -> T:
    """Run ``work`` in one write transaction, retrying while the database is busy.

    The whole transaction is repeated on a busy or deadlock error, so ``work`` must only touch
    the database (no side effects outside it). A lost connection is retried briefly; if the
    database stays unreachable the caller gets E120 and nothing of this action was written.
    Any other database error becomes a coded StoreError naming the operation, without the
    statement's parameters.
    """
    # Refused before any work, so an action never half-runs against a file it cannot save.
    refuse_read_only(engine, url=url)
    timeout = busy_timeout()
    deadline = time.monotonic() + timeout
    sqlite = engine.dialect.name == "sqlite"
    delay = 0.005
    unreachable_tries = 0
    token = inside_boundary.set(True)
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execution_options(**{_WRITE: True, _POLL: True})
                    with connection.begin():
                        return work(connection)
            except sa.exc.StatementError as exc:
                if isinstance(exc, sa.exc.DBAPIError) and is_busy(exc):
                    if time.monotonic() > deadline:
                        raise StoreError("E119", seconds=timeout) from exc
                    if sqlite:
                        time.sleep(SQLITE_POLL_S * (0.5 + random.random()))
                        continue
                elif isinstance(exc, sa.exc.DBAPIError) and is_unreachable(exc):
                    unreachable_tries += 1
                    if unreachable_tries >= 3:
                        raise translate(exc, url=url, operation=current_operation()) from exc
                    time.sleep(0.2 * unreachable_tries)
                    continue
                else:
                    raise _translated(engine, exc, url) from exc
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.2)
    finally:
        inside_boundary.reset(token)


def run_read(engine: Engine, work: Callable[[Connection], T], *, url: str) -> T:
    """Run ``work`` in one read transaction; database errors become coded StoreErrors."""
    token = inside_boundary.set(True)
    try:
        with engine.connect() as connection, connection.begin():
            return work(connection)
    except sa.exc.StatementError as exc:
        raise _translated(engine, exc, url) from exc
    finally:
        inside_boundary.reset(token)


def _translated(engine: Engine, exc: sa.exc.StatementError, url: str) -> StoreError:
    read_only = engine.get_execution_options().get(_READ_ONLY)
    return translate(exc, url=url, operation=current_operation(), read_only=read_only)
