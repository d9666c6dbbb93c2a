"""Adding a corpus's documents: streamed, in batches, inside one write transaction.

The caller hands over a stream of documents and a ``finish`` that sees the outcome before the
transaction commits; raising there (a problem anywhere in the corpus) rolls back everything, so
a corpus goes in whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import Document, DocumentsOutcome
from . import tables as t

BATCH = 500


def add_documents(
    connection: Connection, documents: Iterable[Document], *, update: bool
) -> DocumentsOutcome:
    """Insert new documents; with ``update``, replace the text of known ids whose text
    changed, else list them as conflicts. Unchanged documents are left as they are."""
    outcome = DocumentsOutcome()
    d = t.documents.c
    existing = {
        row.doc_id: row.text_sha256
        for row in connection.execute(sa.select(d.doc_id, d.text_sha256))
    }
    position = int(connection.execute(sa.select(sa.func.max(d.position))).scalar() or 0)
    batch: list[dict[str, Any]] = []
    for document in documents:
        sha = document.text_sha256
        if document.doc_id in existing:
            if existing[document.doc_id] == sha:
                outcome.unchanged.append(document.doc_id)
            elif update:
                connection.execute(
                    t.documents.update()
                    .where(d.doc_id == document.doc_id)
                    .values(**row_of(document, position=None))
                )
                outcome.updated.append(document.doc_id)
            else:
                outcome.conflicts.append((document.doc_id, document.where))
            continue
        position += 1
        batch.append(row_of(document, position=position))
        outcome.added.append(document.doc_id)
        if len(batch) >= BATCH:
            connection.execute(t.documents.insert(), batch)
            batch.clear()
    if batch:
        connection.execute(t.documents.insert(), batch)
    return outcome


def row_of(document: Document, *, position: int | None) -> dict[str, Any]:
    """The documents row; ``position`` (the queue order) only for a new document."""
    now = t.utcnow()
    row: dict[str, Any] = {
        "doc_id": document.doc_id,
        "title": document.title,
        "source": document.source,
        "byline": document.byline,
        "published": document.published,
        "text": document.text,
        "text_sha256": document.text_sha256,
        "n_chars": document.n_chars,
        "meta": document.meta,
        "updated_at": now,
    }
    if position is not None:
        row["position"] = position
        row["created_at"] = now
    return row
