"""Row-level changes: what an action did, recorded so it can be undone and redone.

Every user action collects the rows it inserted, updated or deleted as ``{table, before, after}``
items (``None`` for a row that did not exist). The event log keeps them as JSON. Undo applies the
items in reverse with before and after swapped; redo applies them again. Each step first checks
that the row is still as the action left it, so undo never overwrites a later change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError
from . import tables as t

TABLES: dict[str, sa.Table] = {
    "spans": t.spans,
    "relations": t.relations,
    "decisions": t.decisions,
    "doc_status": t.doc_status,
    "adjudications": t.adjudications,
    "adjudicated_spans": t.adjudicated_spans,
}


def _key_columns(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns)


def to_json(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for column in table.columns:
        value = row.get(column.name)
        out[column.name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out


def from_json(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        if isinstance(column.type, t.UTCDateTime) and isinstance(out.get(column.name), str):
            out[column.name] = dt.datetime.fromisoformat(out[column.name])
    return out


def _where(table: sa.Table, row: dict[str, Any]) -> Any:
    return sa.and_(*(column == row[column.name] for column in _key_columns(table)))


class ChangeLog:
    """Applies changes on a connection and remembers them for the event log."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.items: list[dict[str, Any]] = []

    def current(self, table: sa.Table, key_row: dict[str, Any]) -> dict[str, Any] | None:
        found = self.connection.execute(sa.select(table).where(_where(table, key_row))).first()
        return dict(found._mapping) if found else None

    def insert(self, table: sa.Table, row: dict[str, Any]) -> None:
        self.connection.execute(table.insert().values(**row))
        self.items.append({"table": table.name, "before": None, "after": to_json(table, row)})

    def update(self, table: sa.Table, before: dict[str, Any], after: dict[str, Any]) -> None:
        self.connection.execute(table.update().where(_where(table, before)).values(**after))
        self.items.append(
            {"table": table.name, "before": to_json(table, before), "after": to_json(table, after)}
        )

    def delete(self, table: sa.Table, before: dict[str, Any]) -> None:
        self.connection.execute(table.delete().where(_where(table, before)))
        self.items.append({"table": table.name, "before": to_json(table, before), "after": None})

    def replay(self, items: list[dict[str, Any]], *, reverse: bool) -> None:
        """Undo (``reverse=True``) or redo a recorded list of changes."""
        sequence = list(reversed(items)) if reverse else list(items)
        for item in sequence:
            table = TABLES[item["table"]]
            before, after = (
                (item["after"], item["before"])
                if reverse
                else (
                    item["before"],
                    item["after"],
                )
            )
            key_row = before if before is not None else after
            assert key_row is not None
            now = self.current(table, from_json(table, key_row))
            expected = None if before is None else from_json(table, before)
            if table is t.relations and after is None and now is None:
                # A link that another change took away with one of its spans (a reviewer's
                # undo removes links others drew to the spans it takes back): already gone.
                continue
            if not _same(table, now, expected):
                detail = f"{table.name} row {_describe(table, key_row)} differs"
                raise StoreError("E113", detail=detail)
            if before is None and after is not None:
                self.insert(table, from_json(table, after))
            elif before is not None and after is not None:
                self.update(table, from_json(table, before), from_json(table, after))
            elif before is not None:
                if table is t.spans:
                    self._unlink(before["span_id"])
                self.delete(table, from_json(table, before))

    def _unlink(self, span_id: str) -> None:
        """Delete (and record) the links to a span about to go that this change does not
        cover itself: gold spans of one reviewer can have links drawn by another's decision."""
        r = t.relations.c
        for row in self.connection.execute(
            sa.select(t.relations).where(
                sa.or_(r.head_span_id == span_id, r.tail_span_id == span_id)
            )
        ).all():
            self.delete(t.relations, dict(row._mapping))


def _same(table: sa.Table, a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return to_json(table, a) == to_json(table, b)


def _describe(table: sa.Table, row: dict[str, Any]) -> str:
    return ", ".join(f"{c.name}={row[c.name]!r}" for c in _key_columns(table))
