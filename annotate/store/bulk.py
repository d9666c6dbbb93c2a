"""Bulk inserts and reads: many rows in one driver call.

SQLAlchemy's executemany builds, processes and checks every row as a dict of bound
parameters, which is most of the time of an insert of thousands of rows. Here each column's
values are converted by the column type's own bind processor (the same conversion, JSON and
timestamps alike) and checked for what :func:`.faults.guard_values` refuses once per column,
then handed to the driver's executemany as tuples (or dicts, for drivers with named
parameters; on PostgreSQL, one COPY). Database errors still go through SQLAlchemy, so they are
translated as usual.

:func:`select_columns` reads a query's rows through the driver's cursor, as columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.collector import collector_paused
from ..errors import StoreError
from .faults import (
    GUARDED,
    HOLDS_NUL,
    check_surrogates,
    current_operation,
    guard_values,
    has_nul,
)

_JSON_NUL = "\\u0000"


def insert_rows(connection: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, plain Python values) into ``table``."""
    if rows:
        insert_columns(connection, table, {key: [row[key] for row in rows] for key in rows[0]})


def insert_columns(connection: Connection, table: sa.Table, columns: dict[str, list[Any]]) -> None:
    """Insert rows given as columns (lists of the same length, plain Python values)."""
    if not columns or not next(iter(columns.values())):
        return
    keys = list(columns)
    dialect = connection.dialect
    compiled = _insert_statement(table, tuple(keys), dialect)
    processed: dict[str, list[Any]] = {}
    for key in keys:
        column = table.c[key]
        values = _checked(table.name, column, columns[key])
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            first = values[0]
            if all(value is first for value in values):
                # One timestamp for a whole batch: converted once.
                values = [processor(first)] * len(values)
            else:
                values = [processor(value) for value in values]
        if isinstance(column.type, sa.JSON):
            _check_json(table.name, key, columns[key], values)
        processed[key] = values
    if dialect.name == "postgresql":
        _copy(connection, table, processed)
        return
    if compiled.positional:
        order = [processed[name] for name in compiled.positiontup or ()]
        parameters: list[Any] = list(zip(*order, strict=True))
    else:
        rows_out = zip(*processed.values(), strict=True)
        parameters = [dict(zip(keys, row, strict=True)) for row in rows_out]
    connection.exec_driver_sql(str(compiled), parameters, execution_options={GUARDED: True})


@lru_cache(maxsize=64)
def _insert_statement(table: sa.Table, keys: tuple[str, ...], dialect: Any) -> Any:
    """The compiled insert of these columns (compiled once, not once a batch)."""
    return table.insert().compile(dialect=dialect, column_keys=list(keys))


def _copy(connection: Connection, table: sa.Table, columns: dict[str, list[Any]]) -> None:
    """PostgreSQL's COPY: one statement for the whole batch (its executemany is a round trip
    a row), inside the caller's transaction."""
    names = ", ".join(connection.dialect.identifier_preparer.quote(key) for key in columns)
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    dbapi = connection.dialect.loaded_dbapi
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in zip(*columns.values(), strict=True):
                copy.write_row(row)
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(
            statement, None, exc, dbapi.Error, hide_parameters=True, dialect=connection.dialect
        ) from exc


def _checked(table: str, column: sa.Column[Any], values: list[Any]) -> list[Any]:
    kinds = set(map(type, values))
    if kinds == {str}:
        texts = values  # a column of strings only, the usual case: no filtering
    elif not any(issubclass(kind, str) for kind in kinds):
        return values
    else:
        texts = [value for value in values if isinstance(value, str)]
    if any(map(HOLDS_NUL, texts)):
        at = next(text for text in texts if "\x00" in text).find("\x00")
        raise StoreError("E127", operation=current_operation(),
                         column=f"{table}.{column.name}", position=f" at character {at}")
    for text in texts:
        check_surrogates(f"{table}.{column.name}", text)
    limit = getattr(column.type, "length", None)
    if isinstance(limit, int) and limit > 0:
        longest = max(map(len, texts))
        if longest > limit:
            raise StoreError("E128", operation=current_operation(),
                             column=f"{table}.{column.name}", length=f"{longest:,}", limit=limit)
    return values


def _check_json(table: str, key: str, values: list[Any], texts: list[Any]) -> None:
    # A NUL anywhere in a JSON value is written "\u0000" in its text: look for that, and
    # only where it is found walk the value itself (the text may hold a backslash and "u0000").
    # A driver that takes the value itself (psycopg's JSON wrapper) has it walked every time.
    for value, text in zip(values, texts, strict=True):
        suspect = _JSON_NUL in text if isinstance(text, str) else bool(value)
        if suspect and has_nul(value):
            raise StoreError("E127", operation=current_operation(), column=f"{table}.{key}",
                             position="")


def select_columns(connection: Connection, query: Any) -> dict[str, list[Any]]:
    """The query's rows as columns (see :func:`select_rows`)."""
    # The collector stays paused until the rows are gone: a pass on the way would walk every
    # one of them (see select_rows), only for them to be freed a moment later.
    with collector_paused():
        keys, rows = select_rows(connection, query)
        columns = list(zip(*rows, strict=True)) or [() for _ in keys]
        del rows
        return {key: list(values) for key, values in zip(keys, columns, strict=True)}


def driver_statement(dialect: Any, query: Any) -> tuple[str, Any]:
    """``query`` as the dialect's driver takes it: the SQL text and its parameters, checked as
    the engine checks every statement's (a driver's own cursor has no hook that would)."""
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    parameters: Any = (
        tuple(values[name] for name in compiled.positiontup or ())
        if compiled.positional
        else values
    )
    guard_values(parameters, None)
    return str(compiled), parameters


def list_select(connection: Connection) -> Callable[..., dict[str, list[Any]]]:
    """``select(query, arrow=names)`` on ``connection``, every column a list: what a reader
    that hands some columns over as Arrow (see :mod:`.arrow_reads`) falls back to."""

    def select(query: Any, arrow: Iterable[str] = ()) -> dict[str, list[Any]]:
        return select_columns(connection, query)

    return select


def select_rows(connection: Connection, query: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The query's rows as columns, fetched through the driver's own cursor: SQLAlchemy's
    result rows cost as much again as the fetch on a table of millions, and these columns need
    no conversion (raw JSON and timestamps are decoded column-wise by the caller)."""
    statement, parameters = driver_statement(connection.dialect, query)
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(statement, parameters)
        keys = [column[0] for column in cursor.description]
        # A row is a new container: a page of them would set off pass after pass.
        with collector_paused():
            rows = cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(
            statement, parameters, exc, connection.dialect.loaded_dbapi.Error,
            hide_parameters=True, dialect=connection.dialect,
        ) from exc
    finally:
        cursor.close()
    return keys, rows
