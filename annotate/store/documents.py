"""Adding a corpus's documents, one batch a transaction.

Each batch is its own short write transaction, so an ingest of a million documents never keeps
an annotator waiting for more than one batch. The caller (:mod:`annotate.corpus.ingest`) checks
the whole corpus before it writes the first batch; a batch is written whole or not at all, and
a document already in the project with the same text is left as it is, so running an ingest
again after a crash adds exactly what the first run had not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import Document, DocumentsOutcome
from . import tables as t
from .bulk import insert_columns, select_columns
from .faults import check_surrogates, guard_values

BATCH = 2000  # documents per transaction: about 50 ms of holding SQLite's write lock
IN_LIST = 900  # ids per IN (...) list, well under every back end's limit on parameters


def known_hashes(connection: Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    """doc_id -> text hash of those of ``doc_ids`` the project holds."""
    if not doc_ids:
        return {}
    d = t.documents.c
    guard_values(list(doc_ids), None)  # the driver's cursor has no hook that would
    if connection.dialect.name == "postgresql":
        # Right after a bulk load the table's statistics are stale, and PostgreSQL scans the
        # whole table for every list of ids, comparing each row with each id: an ingest of a
        # million documents would take hours. A batch of ids by primary key is always an index
        # lookup; the ids go as one array parameter, not thousands.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        statement = "SELECT doc_id, text_sha256 FROM documents WHERE doc_id = ANY(%s)"
        return dict(_driver_rows(connection, statement, (list(doc_ids),)))
    found: dict[str, str] = {}
    for at in range(0, len(doc_ids), IN_LIST):
        part = list(doc_ids[at : at + IN_LIST])
        if connection.dialect.name == "sqlite":
            # Written as text: compiling a select of 900 bound ids costs more than the lookups.
            marks = ", ".join("?" * len(part))
            statement = f"SELECT doc_id, text_sha256 FROM documents WHERE doc_id IN ({marks})"
            found.update(_driver_rows(connection, statement, tuple(part)))
        else:
            query = sa.select(d.doc_id, d.text_sha256).where(d.doc_id.in_(part))
            columns = select_columns(connection, query)
            found.update(zip(columns["doc_id"], columns["text_sha256"], strict=True))
    return found


def _driver_rows(connection: Connection, statement: str, parameters: Any) -> list[Any]:
    """The rows of a plain statement, through the driver's own cursor; its errors translated
    as SQLAlchemy translates them."""
    driver = connection.connection.driver_connection
    assert driver is not None
    dbapi = connection.dialect.loaded_dbapi
    cursor = driver.cursor()
    try:
        cursor.execute(statement, parameters)
        return list(cursor.fetchall())
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(
            statement, None, exc, dbapi.Error, hide_parameters=True, dialect=connection.dialect
        ) from exc
    finally:
        cursor.close()


_TEXT_FIELDS = ("doc_id", "text", "title", "source", "byline", "published")


def add_batch(
    connection: Connection,
    documents: Sequence[Document],
    *,
    update: bool,
    hashes: Sequence[str] | None = None,
) -> DocumentsOutcome:
    """Insert the batch's new documents; with ``update``, replace the text of known ids whose
    text changed, else list them as conflicts. Unchanged documents are left as they are.

    ``hashes`` are the documents' text hashes when the caller has them already.
    """
    outcome = DocumentsOutcome()
    d = t.documents.c
    if hashes is None:
        # Hashing encodes the text as UTF-8, which half a surrogate pair fails: refuse it
        # first, with its code (rows with hashes are checked as they are inserted).
        for document in documents:
            for field in _TEXT_FIELDS:
                value = getattr(document, field)
                if isinstance(value, str):
                    check_surrogates(f"documents.{field}", value)
    shas = list(hashes) if hashes is not None else [doc.text_sha256 for doc in documents]
    position = int(connection.execute(sa.select(sa.func.max(d.position))).scalar() or 0)
    existing = known_hashes(connection, [doc.doc_id for doc in documents])
    new: list[Document] = []
    new_shas: list[str] = []
    now = t.utcnow()
    for document, sha in zip(documents, shas, strict=True):
        known = existing.get(document.doc_id) if existing else None
        if known is not None:
            if known == sha:
                outcome.unchanged.append(document.doc_id)
            elif update:
                connection.execute(
                    t.documents.update()
                    .where(d.doc_id == document.doc_id)
                    .values(**row_of(document, position=None, sha=sha, now=now))
                )
                outcome.updated.append(document.doc_id)
            else:
                outcome.conflicts.append((document.doc_id, document.where))
            continue
        new.append(document)
        new_shas.append(sha)
        outcome.added.append(document.doc_id)
    if new:
        insert_columns(connection, t.documents, _columns(new, new_shas, position))
    return outcome


def _columns(documents: Sequence[Document], shas: Sequence[str], after: int) -> dict[str, Any]:
    """New documents' rows as columns (a dict per row is most of the time of a large batch),
    placed in the queue after position ``after``."""
    now = t.utcnow()
    return {
        "doc_id": [doc.doc_id for doc in documents],
        "title": [doc.title for doc in documents],
        "source": [doc.source for doc in documents],
        "byline": [doc.byline for doc in documents],
        "published": [doc.published for doc in documents],
        "text": [doc.text for doc in documents],
        "text_sha256": list(shas),
        "n_chars": [len(doc.text) for doc in documents],
        "meta": [doc.meta for doc in documents],
        "position": list(range(after + 1, after + 1 + len(documents))),
        "created_at": [now] * len(documents),
        "updated_at": [now] * len(documents),
    }


def row_of(
    document: Document, *, position: int | None, sha: str | None = None, now: Any = None
) -> dict[str, Any]:
    """The documents row; ``position`` (the queue order) only for a new document."""
    now = now or t.utcnow()
    row: dict[str, Any] = {
        "doc_id": document.doc_id,
        "title": document.title,
        "source": document.source,
        "byline": document.byline,
        "published": document.published,
        "text": document.text,
        "text_sha256": sha or document.text_sha256,
        "n_chars": len(document.text),
        "meta": document.meta,
        "updated_at": now,
    }
    if position is not None:
        row["position"] = position
        row["created_at"] = now
    return row
