"""Database faults as coded errors: what went wrong, where, and what to do.

Every exception the database layer raises on its way to a user passes through :func:`translate`,
so nobody sees a driver's traceback, and never the statement's parameters (article text) or a
password. :func:`guard_values` is the store's last line of defence against values one back end
would take and the other refuse: the same input is refused on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import contextlib
import re
import sys
import weakref
from collections.abc import Iterator
from contextvars import ContextVar
from operator import methodcaller
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..errors import AnnotateError, StoreError
from .redaction import redact

# Inside run_write/run_read the raw errors stay raw: the retry loop needs to see busy and lost
# connections, and the boundary translates the rest itself. Outside it (opening a store,
# migrations, a caller's own connection) the engine's error hook translates.
inside_boundary: ContextVar[bool] = ContextVar("annotate_inside_boundary", default=False)

_PACKAGE = str(Path(__file__).resolve().parent.parent)
_STORE_INTERNALS = f"{Path(_PACKAGE).name}/store/"
_STORE_METHOD = re.compile(r"^(?:Store|StoreBase|\w+Methods)\.(\w+)$")
_PLUMBING = frozenset({"write", "read", "run_write", "run_read", "work", "body"})
_FRIENDLY = {"migrate": "opening the project", "Store.__init__": "opening the project"}

_BUSY = ("database is locked", "database is busy", "deadlock detected", "could not serialize")
_UNREACHABLE = (
    "could not connect",
    "connection refused",
    "connection failed",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "the connection is lost",
    "unable to open database file",
    "disk i/o error",
    "timeout expired",
    "could not translate host name",
    "name or service not known",
)
_AUTH = (
    "password authentication failed",
    "no password supplied",
    "authentication failed",
    "pg_hba.conf",
)
_ROLE_MISSING = re.compile(r'role "[^"]*" does not exist')
_DATABASE_MISSING = re.compile(r'database "([^"]*)" does not exist')
_NUL = "nul (0x00)"
# PostgreSQL ends some messages with the input it refused: 'invalid input syntax ...: "..."'.
_QUOTED_INPUT = re.compile(r'(: )["\'].{24,}$')


def is_busy(exc: BaseException) -> bool:
    orig = _orig(exc)
    name = getattr(orig, "sqlite_errorname", "") or ""
    state = getattr(orig, "sqlstate", "") or ""
    text = str(orig).lower()
    return (
        name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
        or state in ("40001", "40P01")
        or any(marker in text for marker in _BUSY)
    )


def is_unreachable(exc: BaseException) -> bool:
    orig = _orig(exc)
    state = getattr(orig, "sqlstate", "") or ""
    text = str(orig).lower()
    if _is_auth(text, state) or _DATABASE_MISSING.search(str(orig)):
        return False
    return (
        bool(getattr(exc, "connection_invalidated", False))
        or state.startswith(("08", "57P"))
        or any(marker in text for marker in _UNREACHABLE)
    )


def translate(
    exc: BaseException,
    *,
    url: str,
    operation: str | None = None,
    read_only: str | None = None,
) -> StoreError:
    """A coded error for any exception of the database layer, without parameters or password.

    ``read_only`` is why the database was opened read-only, if it was.
    """
    if isinstance(exc, StoreError):
        return exc
    from .engine import busy_timeout, describe

    doing = operation or current_operation()
    orig = _orig(exc)
    name = getattr(orig, "sqlite_errorname", "") or ""
    state = getattr(orig, "sqlstate", "") or ""
    raw = str(orig)
    text = raw.lower()
    where = describe(url)
    if is_busy(exc):
        return StoreError("E119", seconds=busy_timeout())
    if name.startswith("SQLITE_READONLY") or state == "25006" or "read-only" in text:
        return StoreError(
            "E129",
            operation=doing,
            where=where,
            reason=read_only or "the file or its folder cannot be written",
        )
    if name == "SQLITE_FULL" or state == "53100" or "no space left" in text:
        return StoreError("E130", operation=doing, where=where)
    if name == "SQLITE_NOTADB":
        return StoreError("E131", path=where, detail="it is not a SQLite database file")
    if name.startswith("SQLITE_CORRUPT"):
        return StoreError("E137", path=where, detail=safe_detail(raw))
    if _is_auth(text, state):
        return StoreError("E134", url=redact(url), detail=safe_detail(raw))
    missing = _DATABASE_MISSING.search(raw)
    if state == "3D000" or missing:
        database = missing.group(1) if missing else _database_name(url)
        return StoreError("E135", url=redact(url), database=database or "")
    if is_unreachable(exc):
        return StoreError("E120", url=redact(url), detail=safe_detail(raw))
    if _NUL in text:
        return StoreError("E127", operation=doing, column="a text value", position="")
    return StoreError("E136", operation=doing, kind=_kind(orig, state), detail=safe_detail(raw))


def database_error(exc: BaseException, *, url: str, operation: str) -> StoreError | None:
    """The coded error for an exception of the database layer that escaped to a caller (the
    command line's last resort), or ``None`` when it is not one."""
    if isinstance(exc, sa.exc.StatementError):
        return translate(exc, url=url, operation=operation)
    return None


def safe_detail(text: str) -> str:
    """The first line of a driver's message, without the input it quotes (the details below it
    can hold whole rows, and so article text)."""
    first = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    first = re.sub(r"^\([\w.]+\)\s*", "", first)  # SQLAlchemy's "(module.Class) " prefix
    first = _QUOTED_INPUT.sub(r'\1"…"', first)
    if len(first) > 200:
        first = first[:199] + "…"
    return redact(first) or "no message"


def current_operation() -> str:
    """The annotate call the failing statement came from: the Store method if there is one
    (``Store.add_span``), else the nearest public function of the package (``ingest``)."""
    fallback = plumbing = None
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        name, qualname, filename = code.co_name, code.co_qualname, code.co_filename
        if qualname in _FRIENDLY:
            return _FRIENDLY[qualname]
        public = (
            filename.startswith(_PACKAGE)
            and name not in _PLUMBING
            and not name.startswith("_")
            and "<" not in qualname
        )
        store_method = _STORE_METHOD.match(qualname)
        if public and store_method:
            # The Store's methods live in classes grouped by job; users know them as Store's.
            return "Store." + store_method.group(1)
        if public and fallback is None and _STORE_INTERNALS not in filename:
            fallback = qualname
        if qualname in ("StoreBase.write", "StoreBase.read") and plumbing is None:
            plumbing = qualname
        frame = frame.f_back
    return fallback or plumbing or "a database operation"


def install_error_hook(engine: Engine, *, url: str, read_only: str | None) -> None:
    """Translate database errors raised outside run_write/run_read (opening, migrating, a
    caller's own connection), where nothing else would; inside, wrap a driver's non-database
    error so that the boundary sees it as SQLAlchemy's, as on SQLite."""

    @sa.event.listens_for(engine, "handle_error")
    def _on_error(context: sa.engine.ExceptionContext) -> BaseException | None:
        # A failed pre-ping is SQLAlchemy's cue to reconnect: leave it alone.
        if context.is_pre_ping:
            return None
        error = context.sqlalchemy_exception
        if error is None:
            original = context.original_exception
            if isinstance(original, AnnotateError) or not isinstance(original, Exception):
                return None
            # An error raised inside the driver that is not a database error (psycopg turning
            # a value into JSON raises TypeError), wrapped the way SQLAlchemy wraps the same
            # error on SQLite, so that both back ends report it alike.
            error = sa.exc.StatementError(
                str(original), context.statement, None, original, hide_parameters=True
            )
            if inside_boundary.get():
                return error
        if inside_boundary.get():
            return None
        return translate(error, url=url, read_only=read_only)


def install_value_guard(engine: Engine) -> None:
    """Refuse NUL bytes anywhere and over-long values in bounded columns, before the driver."""

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _guard(
        _connection: Any,
        _cursor: Any,
        _statement: str,
        parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        guard_values(parameters, context)


def guard_values(parameters: Any, context: Any) -> None:
    """Refuse a NUL anywhere in the statement's values, and a text longer than its column.

    Bulk inserts pass thousands of rows, so the work per value is kept to a type check and a
    substring test; what a column is called and how long it may be is worked out once per
    compiled statement, and the wording of a refusal only when there is one.
    """
    if context is not None and context.execution_options.get(GUARDED):
        return  # checked a column at a time by the caller (see bulk.py)
    compiled = getattr(context, "compiled", None)
    if compiled is None or not context.compiled_parameters:
        if _plain_strings(parameters):
            return
        for where, value in _strings(parameters, "a parameter"):
            _check_nul(where, value)
            check_surrogates(where, value)
        return
    limits = _limits(compiled) if (context.isinsert or context.isupdate) else _NO_LIMITS
    for row in context.compiled_parameters:
        for key, value in row.items():
            if isinstance(value, str):
                if "\x00" in value:
                    _check_nul(_column(compiled, key), value)
                if not value.isascii():
                    check_surrogates(_column(compiled, key), value)
                limit = limits.get(key)
                if limit is not None and len(value) > limit:
                    raise StoreError(
                        "E128",
                        operation=current_operation(),
                        column=_column(compiled, key),
                        length=f"{len(value):,}",
                        limit=limit,
                    )
            elif isinstance(value, dict | list | tuple) and value and has_nul(value):
                for where, text in _strings(value, _column(compiled, key)):
                    _check_nul(where, text)


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        for key, item in value.items():
            if has_nul(key) or has_nul(item):
                return True
    elif isinstance(value, list | tuple):
        for item in value:
            if has_nul(item):
                return True
    return False


_NO_LIMITS: dict[str, int] = {}
# An execution option: the statement's values were checked already, a column at a time.
GUARDED = "annotate_guarded"
# Compiled statements are cached and reused by SQLAlchemy; their bound columns' lengths are
# looked up once each. Keyed weakly, so a statement dropped from SQLAlchemy's cache goes too.
_LIMITS: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def _limits(compiled: Any) -> dict[str, int]:
    try:
        return _LIMITS[compiled]
    except KeyError:
        pass
    found: dict[str, int] = {}
    for key, bind in compiled.binds.items():
        length = getattr(getattr(bind, "type", None), "length", None)
        if isinstance(length, int) and length > 0:
            found[key] = length
    # A compiled form that takes no weak reference is looked up again next time.
    with contextlib.suppress(TypeError):
        _LIMITS[compiled] = found
    return found


def _plain_strings(parameters: Any) -> bool:
    """Whether ``parameters`` is a list or tuple of strings none of which holds a NUL (many
    ids, say), told without walking them one by one in Python."""
    return (
        isinstance(parameters, list | tuple)
        and set(map(type, parameters)) <= {str}
        and not any(map(HOLDS_NUL, parameters))
        and not any(map(holds_surrogate, parameters))
    )


HOLDS_NUL = methodcaller("__contains__", "\x00")
_SURROGATE = re.compile("[\ud800-\udfff]")


def holds_surrogate(text: str) -> bool:
    """Whether ``text`` holds half a UTF-16 surrogate pair (no ASCII text can)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def check_surrogates(where: str, text: str) -> None:
    """E138 for half a surrogate pair in ``text``: UTF-8, so every database, cannot hold it."""
    found = _SURROGATE.search(text) if not text.isascii() else None
    if found is not None:
        raise StoreError("E138", operation=current_operation(), column=where,
                         char=f"\\u{ord(found.group()):04x}", at=found.start())


def _check_nul(where: str, text: str) -> None:
    at = text.find("\x00")
    if at >= 0:
        raise StoreError(
            "E127", operation=current_operation(), column=where, position=f" at character {at}"
        )


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield from _strings(key, f"{where} (a key)")
            yield from _strings(item, f"{where}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]" if isinstance(value, list) else where)


def _column(compiled: Any, key: str) -> str:
    table = getattr(getattr(compiled.statement, "table", None), "name", None)
    name = re.sub(r"_\d+$", "", key)
    return f"{table}.{name}" if table else name


def _database_name(url: str) -> str:
    try:
        return sa.engine.make_url(url).database or ""
    except sa.exc.ArgumentError:
        return ""


def _orig(exc: BaseException) -> BaseException:
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else exc


def _is_auth(text: str, state: str) -> bool:
    return state.startswith("28") or any(m in text for m in _AUTH) or bool(
        _ROLE_MISSING.search(text)
    )


def _kind(orig: BaseException, state: str) -> str:
    kind = type(orig).__name__
    return f"{kind}, SQLSTATE {state}" if state else kind
