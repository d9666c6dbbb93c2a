"""The checks every write makes, each a function of one open transaction: who may write,
which document and span, offsets, the text's hash and the layer's overlap rule. Shared by the
user actions, adjudication and imports, so a span is held to the same rules however it comes.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import names
from ..core.scheme import Scheme
from ..errors import PermissionDenied, StoreError
from . import tables as t

HUMAN_KINDS = ("human", "gold")


def new_id() -> str:
    """A new row id: 32 hex digits, the time in microseconds then 18 random ones.

    Ids made one after another sort together, so the rows of a large batch (a million
    documents' suggestions) go in at the end of the primary key's index instead of at random
    places all over it, which on a large table costs a read from disk a row.
    """
    return f"{time.time_ns() // 1000:014x}{secrets.token_hex(9)}"


def insert_for(connection: Connection) -> Any:
    """The back end's INSERT construct, which takes ``ON CONFLICT`` clauses (SQLite and
    PostgreSQL both have them)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def annotator_row(connection: Connection, name: str) -> dict[str, Any] | None:
    row = connection.execute(sa.select(t.annotators).where(t.annotators.c.name == name)).first()
    return dict(row._mapping) if row else None


def ensure_annotator(
    connection: Connection, name: str, *, kind: str = "human", role: str = "annotator"
) -> dict[str, Any]:
    """The annotator's row, registered first if new. A new name must suit its kind: a person
    never gets ``gold`` or a machine's ``kind:`` name (see :mod:`.names`)."""
    if not isinstance(name, str) or not name or name != name.strip():
        raise StoreError("E116", name=name)
    names.check_characters(name)
    found = annotator_row(connection, name)
    if found:
        return found
    if kind == "gold":
        if name != names.GOLD:
            raise StoreError("E126", name=name)
    elif kind == "model":
        names.check_machine_name(name)
    else:
        names.check_person_name(name)
    row = {"name": name, "kind": kind, "role": role, "created_at": t.utcnow()}
    # Two processes may register the same name at once (two reviewers' first gold write):
    # the second insert must not fail, and both go on with the row that is there.
    connection.execute(
        insert_for(connection)(t.annotators).values(**row).on_conflict_do_nothing(
            index_elements=["name"]
        )
    )
    found = annotator_row(connection, name)
    return found if found is not None else row


def check_may_write(connection: Connection, *, annotator: str, actor: str) -> None:
    """Annotators change only their own work; only a reviewer writes ``gold``."""
    owner = ensure_annotator(
        connection, annotator, kind="gold" if annotator == names.GOLD else "human"
    )
    if owner["kind"] not in HUMAN_KINDS:
        raise PermissionDenied("E107", who=actor, owner=annotator)
    if owner["kind"] == "gold":
        who = ensure_annotator(connection, actor)
        if who["role"] != "reviewer":
            raise PermissionDenied("E107", who=actor, owner=annotator)
    elif actor != annotator:
        raise PermissionDenied("E107", who=actor, owner=annotator)


def document_row(connection: Connection, doc_id: str) -> dict[str, Any]:
    row = connection.execute(
        sa.select(t.documents.c.doc_id, t.documents.c.text, t.documents.c.text_sha256).where(
            t.documents.c.doc_id == doc_id
        )
    ).first()
    if row is None:
        raise StoreError("E101", doc_id=doc_id)
    return dict(row._mapping)


def check_offsets(document: dict[str, Any], start: int, end: int) -> None:
    n_chars = len(document["text"])
    valid = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n_chars
    if not valid:
        raise StoreError("E102", start=start, end=end, doc_id=document["doc_id"], n_chars=n_chars)


def check_hash(document: dict[str, Any], expected: str | None) -> None:
    if expected is not None and expected != document["text_sha256"]:
        raise StoreError(
            "E103",
            doc_id=document["doc_id"],
            current=document["text_sha256"][:12],
            expected=expected[:12],
        )


def check_overlap(
    connection: Connection,
    scheme: Scheme,
    *,
    doc_id: str,
    annotator: str,
    layer: str,
    start: int,
    end: int,
    ignore: str | None = None,
) -> None:
    if scheme.layer(layer).nesting:
        return
    s = t.spans.c
    clash = connection.execute(
        sa.select(s.span_id, s.label, s.start, s.end).where(
            s.doc_id == doc_id,
            s.annotator == annotator,
            s.layer == layer,
            s.start < end,
            s.end > start,
            s.span_id != (ignore or ""),
        )
    ).first()
    if clash:
        raise StoreError(
            "E123",
            start=start,
            end=end,
            other=f"{clash.label} [{clash.start}, {clash.end})",
            layer=layer,
        )


def span_row(connection: Connection, span_id: str) -> dict[str, Any]:
    row = connection.execute(sa.select(t.spans).where(t.spans.c.span_id == span_id)).first()
    if row is None:
        raise StoreError("E106", span_id=span_id)
    return dict(row._mapping)


def owned_span(
    connection: Connection, span_id: str, *, annotator: str, actor: str
) -> dict[str, Any]:
    span = span_row(connection, span_id)
    if span["annotator"] != annotator:
        raise PermissionDenied("E107", who=actor, owner=span["annotator"])
    return span
