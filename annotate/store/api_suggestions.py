"""The Store's model suggestions: stored under model annotators, cached by text hash, and
offered to each annotator until they decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import (
    DocSuggestions,
    Document,
    SpanRecord,
    from_row,
)
from . import actions, checks
from . import tables as t
from .base import StoreBase
from .bulk import insert_rows
from .documents import IN_LIST


class SuggestionMethods(StoreBase):
    # --- model suggestions -----------------------------------------------------------------
    def suggested_docs(self, suggester: str) -> set[tuple[str, str]]:
        """(doc_id, text hash) of every document text this suggester has already parsed."""

        def work(connection: Connection) -> set[tuple[str, str]]:
            r = t.suggestion_runs.c
            query = sa.select(r.doc_id, r.text_sha256).where(r.annotator == suggester)
            return {(row.doc_id, row.text_sha256) for row in connection.execute(query)}

        return self.read(work)

    def suggesters(self) -> list[str]:
        """Model annotators with suggestions, the most recently run first."""

        def work(connection: Connection) -> list[str]:
            r = t.suggestion_runs.c
            query = (
                sa.select(r.annotator, sa.func.max(r.created_at).label("last"))
                .group_by(r.annotator)
                .order_by(sa.desc("last"), r.annotator)
            )
            return [row.annotator for row in connection.execute(query)]

        return self.read(work)

    def store_suggestions(
        self,
        suggester: str,
        items: Sequence[tuple[Document, DocSuggestions]],
        *,
        origin: str = "model",
    ) -> int:
        """Save a batch of documents' suggestions under the model annotator ``suggester``.

        Suggestions are their own annotator's spans: they never touch a person's work. A document
        parsed again (its text changed) gets its new suggestions beside the old ones, which stay
        tied to the old text hash.
        """
        if not items:
            return 0

        def work(connection: Connection) -> int:
            checks.ensure_annotator(connection, suggester, kind="model")
            now = t.utcnow()
            span_rows: list[dict[str, Any]] = []
            relation_rows: list[dict[str, Any]] = []
            run_rows: list[dict[str, Any]] = []
            unsure_rows: list[dict[str, Any]] = []
            for document, suggestions in items:
                sha = document.text_sha256  # computed from the text on each use: once here
                ids = {span.key: checks.new_id() for span in suggestions.spans}
                for span in suggestions.spans:
                    span_rows.append(
                        {
                            "span_id": ids[span.key],
                            "doc_id": document.doc_id,
                            "annotator": suggester,
                            "layer": span.layer,
                            "label": span.label,
                            "start": span.start,
                            "end": span.end,
                            "text": document.text[span.start : span.end],
                            "origin": origin,
                            "attrs": span.attrs,
                            "doc_sha256": sha,
                            "source_span_id": None,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                for relation in suggestions.relations:
                    relation_rows.append(
                        {
                            "relation_id": checks.new_id(),
                            "doc_id": document.doc_id,
                            "annotator": suggester,
                            "type": relation.type,
                            "head_span_id": ids[relation.head],
                            "tail_span_id": ids[relation.tail],
                            "origin": origin,
                            "created_at": now,
                        }
                    )
                run_rows.append(
                    {
                        "doc_id": document.doc_id,
                        "annotator": suggester,
                        "text_sha256": sha,
                        "n_spans": len(suggestions.spans),
                        "created_at": now,
                    }
                )
                if suggestions.uncertainty is not None:
                    unsure_rows.append({"doc_id": document.doc_id, "annotator": suggester,
                                        "text_sha256": sha,
                                        "uncertainty": float(suggestions.uncertainty)})
            insert_rows(connection, t.spans, span_rows)
            insert_rows(connection, t.relations, relation_rows)
            # A document suggested again on the same text (projections add to earlier ones)
            # keeps one run row, the latest, and one uncertainty.
            _replace_rows(connection, t.suggestion_runs, suggester, run_rows)
            _replace_rows(connection, t.suggestion_uncertainty, suggester, unsure_rows)
            return len(span_rows)

        return self.write(work)

    def uncertainties(self, suggester: str) -> dict[str, float]:
        """doc_id -> how unsure ``suggester`` was, for documents whose current text it parsed."""

        def work(connection: Connection) -> dict[str, float]:
            u, d = t.suggestion_uncertainty.c, t.documents.c
            query = (
                sa.select(u.doc_id, u.uncertainty)
                .join(t.documents, sa.and_(d.doc_id == u.doc_id, d.text_sha256 == u.text_sha256))
                .where(u.annotator == suggester)
            )
            return {row.doc_id: float(row.uncertainty) for row in connection.execute(query)}

        return self.read(work)

    def unsure_suggesters(self) -> list[str]:
        """Suggesters that measured their uncertainty, the most recently run first."""
        measured = set(self.read(lambda connection: connection.execute(
            sa.select(t.suggestion_uncertainty.c.annotator).distinct()).scalars().all()))
        return [name for name in self.suggesters() if name in measured]

    def open_suggestions(
        self, doc_id: str, *, annotator: str, suggester: str, layer: str | None = None
    ) -> list[SpanRecord]:
        """The suggester's spans on the current text that the annotator has not decided yet."""

        def work(connection: Connection) -> list[SpanRecord]:
            ids = actions.open_suggestion_ids(
                connection, doc_id=doc_id, annotator=annotator, suggester=suggester, layer=layer
            )
            if not ids:
                return []
            rows = connection.execute(sa.select(t.spans).where(t.spans.c.span_id.in_(ids)))
            by_id = {row.span_id: from_row(SpanRecord, row) for row in rows}
            return [by_id[i] for i in ids]

        return self.read(work)


def _replace_rows(
    connection: Connection, table: sa.Table, suggester: str, rows: list[dict[str, Any]]
) -> None:
    """Write ``rows`` of a table keyed by (doc_id, annotator, text_sha256) over any already
    there: one delete statement per chunk of the batch, not one a document."""
    c = table.c
    keys = [(row["doc_id"], row["text_sha256"]) for row in rows]
    for at in range(0, len(keys), IN_LIST):
        chunk = keys[at : at + IN_LIST]
        # The ids on their own as well: the key begins (doc_id, annotator), and without a
        # condition on doc_id alone SQLite scans the whole table for the pairs, once a batch,
        # which grows with every document suggested.
        connection.execute(table.delete().where(
            c.annotator == suggester,
            c.doc_id.in_([doc_id for doc_id, _ in chunk]),
            sa.tuple_(c.doc_id, c.text_sha256).in_(chunk),
        ))  # fmt: skip
    insert_rows(connection, table, rows)
