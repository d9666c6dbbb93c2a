"""Bulk inserts: many rows in one driver call, their values checked a column at a time.

SQLAlchemy's executemany builds, processes and checks every row as a dict of bound
parameters, which is most of the time of an insert of thousands of rows. Here each column's
values are converted by the column type's own bind processor (the same conversion, JSON and
timestamps alike) and checked for what :func:`.faults.guard_values` refuses once per column,
then handed to the driver's executemany as tuples (or dicts, for drivers with named
parameters). Database errors still go through SQLAlchemy, so they are translated as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError
from .faults import GUARDED, current_operation, has_nul

_JSON_NUL = "\\u0000"


def insert_rows(connection: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, plain Python values) into ``table``."""
    if not rows:
        return
    keys = list(rows[0])
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    columns: dict[str, list[Any]] = {}
    for key in keys:
        column = table.c[key]
        values = [row[key] for row in rows]
        values = _checked(table.name, column, values)
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            first = values[0]
            if all(value is first for value in values):
                # One timestamp for a whole batch: converted once.
                values = [processor(first)] * len(values)
            else:
                values = [processor(value) for value in values]
        if isinstance(column.type, sa.JSON):
            _check_json(table.name, key, rows, values)
        columns[key] = values
    if compiled.positional:
        order = [columns[name] for name in compiled.positiontup or ()]
        parameters: list[Any] = list(zip(*order, strict=True))
    else:
        names = list(columns)
        rows_out = zip(*columns.values(), strict=True)
        parameters = [dict(zip(names, row, strict=True)) for row in rows_out]
    connection.exec_driver_sql(str(compiled), parameters, execution_options={GUARDED: True})


def _checked(table: str, column: sa.Column[Any], values: list[Any]) -> list[Any]:
    texts = [value for value in values if isinstance(value, str)]
    if not texts:
        return values
    if any("\x00" in text for text in texts):
        at = next(text for text in texts if "\x00" in text).find("\x00")
        raise StoreError("E127", operation=current_operation(),
                         column=f"{table}.{column.name}", position=f" at character {at}")
    limit = getattr(column.type, "length", None)
    if isinstance(limit, int) and limit > 0:
        longest = max(map(len, texts))
        if longest > limit:
            raise StoreError("E128", operation=current_operation(),
                             column=f"{table}.{column.name}", length=f"{longest:,}", limit=limit)
    return values


def _check_json(table: str, key: str, rows: Sequence[dict[str, Any]], texts: list[Any]) -> None:
    # A NUL anywhere in a JSON value is written "\u0000" in its text: look for that, and
    # only where it is found walk the value itself (the text may hold a backslash and "u0000").
    for row, text in zip(rows, texts, strict=True):
        if isinstance(text, str) and _JSON_NUL in text and has_nul(row[key]):
            raise StoreError("E127", operation=current_operation(), column=f"{table}.{key}",
                             position="")
