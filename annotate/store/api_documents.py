"""The Store's documents: adding a corpus, reading articles, and importing other tools'
annotations (see :mod:`.documents` and :mod:`.imports` for the transactions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import (
    Document,
    DocumentsOutcome,
    ImportCounts,
    ImportLookup,
    ImportPlan,
    ProjectView,
)
from ..core.scheme import Scheme
from ..errors import StoreError
from . import documents as corpus_rows
from . import imports
from . import tables as t
from .base import StoreBase


class DocumentMethods(StoreBase):
    # --- documents -------------------------------------------------------------------------
    def add_documents(
        self,
        documents: Sequence[Document],
        *,
        update: bool = False,
        hashes: Sequence[str] | None = None,
    ) -> DocumentsOutcome:
        """Add one batch of documents in one short transaction (see :mod:`.documents`).

        A document already in the project with the same text is left as it is; with
        ``update``, one whose text changed gets the new text, else it is returned among the
        outcome's ``conflicts`` (the rest of the batch is written). ``hashes`` are the texts'
        SHA-256 when the caller has them.
        """
        return self.write(
            lambda connection: corpus_rows.add_batch(
                connection, documents, update=update, hashes=hashes
            )
        )

    def known_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc_id -> text hash of those of ``doc_ids`` the project holds, in one read."""
        return self.read(lambda connection: corpus_rows.known_hashes(connection, doc_ids))

    def document(self, doc_id: str) -> Document:
        def work(connection: Connection) -> Document:
            row = connection.execute(
                sa.select(t.documents).where(t.documents.c.doc_id == doc_id)
            ).first()
            if row is None:
                raise StoreError("E101", doc_id=doc_id)
            return _document(row)

        return self.read(work)

    def documents(self) -> list[Document]:
        def work(connection: Connection) -> list[Document]:
            rows = connection.execute(sa.select(t.documents).order_by(t.documents.c.position))
            return [_document(row) for row in rows]

        return self.read(work)

    def iter_documents(self, doc_ids: Iterable[str], *, page: int = 200) -> Iterator[Document]:
        """Yield the given documents in order, reading a page at a time (memory stays flat)."""
        pending: list[str] = []
        for doc_id in doc_ids:
            pending.append(doc_id)
            if len(pending) >= page:
                yield from self._documents_page(pending)
                pending = []
        if pending:
            yield from self._documents_page(pending)

    def _documents_page(self, doc_ids: list[str]) -> list[Document]:
        def work(connection: Connection) -> list[Document]:
            rows = connection.execute(
                sa.select(t.documents).where(t.documents.c.doc_id.in_(doc_ids))
            )
            by_id = {row.doc_id: _document(row) for row in rows}
            missing = [doc_id for doc_id in doc_ids if doc_id not in by_id]
            if missing:
                raise StoreError("E101", doc_id=missing[0])
            return [by_id[doc_id] for doc_id in doc_ids]

        return self.read(work)

    def document_titles(self, *, preview_chars: int = 120) -> list[tuple[str, str]]:
        """(doc_id, title or the text's opening) for every document, in queue order, without
        reading whole texts: what a document list needs on a corpus of any size."""

        def work(connection: Connection) -> list[tuple[str, str]]:
            d = t.documents.c
            query = sa.select(d.doc_id, d.title, sa.func.substr(d.text, 1, preview_chars)).order_by(
                d.position
            )
            return [(row[0], row[1] or row[2]) for row in connection.execute(query)]

        return self.read(work)

    def doc_ids(self) -> list[str]:
        def work(connection: Connection) -> list[str]:
            query = sa.select(t.documents.c.doc_id).order_by(t.documents.c.position)
            return [row.doc_id for row in connection.execute(query)]

        return self.read(work)

    def document_hashes(self) -> dict[str, str]:
        def work(connection: Connection) -> dict[str, str]:
            query = sa.select(t.documents.c.doc_id, t.documents.c.text_sha256)
            return {row.doc_id: row.text_sha256 for row in connection.execute(query)}

        return self.read(work)

    def import_batch(
        self,
        *,
        path: str,
        fmt: str,
        annotators: Sequence[str],
        lookup: ImportLookup,
        reviewer: str | None,
        plan: Callable[[ProjectView], ImportPlan],
        scheme: Scheme | None = None,
    ) -> ImportCounts:
        """Write one imported file in one transaction; ``plan`` checks its records against
        what the project holds inside that transaction (see :mod:`.imports`). ``scheme``, if
        given, becomes the project's scheme in that transaction (it only adds to the one the
        project has: the caller grew it to take the file's labels)."""
        counts = self.write(
            lambda connection: imports.import_batch(
                connection, path=path, fmt=fmt, annotators=annotators, lookup=lookup,
                reviewer=reviewer, plan=plan,
                scheme_toml=None if scheme is None else scheme.source_toml,
            )
        )
        if scheme is not None:
            self._scheme = scheme
        return counts


def _document(row: Any) -> Document:
    m = row._mapping
    return Document(
        doc_id=m["doc_id"],
        text=m["text"],
        title=m["title"],
        source=m["source"],
        byline=m["byline"],
        published=m["published"],
        meta=dict(m["meta"] or {}),
    )
