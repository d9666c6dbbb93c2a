"""What every importer returns: neutral records, independent of the store, plus the problems.

An :class:`ImportBatch` holds documents, spans and relations as read from another tool's file,
with labels already mapped onto the scheme's layers. Spans point at their document by
``ImportedDocument.key`` and relations at spans by ``ImportedSpan.key``; keys are unique within
the batch. ``problems`` says what could not be mapped, with file and line, so nothing is dropped
silently; a problem of an :data:`INVALID_KINDS` kind is a record that breaks the scheme or the
file's own rules, which an import into a project refuses unless told to leave such records out.
Every record carries the :class:`Where` it came from, so a later check can name it.
:meth:`ImportBatch.to_tables` turns a batch into contract DataFrames for work that
does not need the store (agreement on peer data, quick checks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core.records import ImportedDocument, ImportedRelation, ImportedSpan, Where
from .tables import coerce

# Problems that are records the file got wrong (not things the scheme has no place for, nor
# answers skipped on purpose): an import refuses the file over them unless told to drop them.
INVALID_KINDS = frozenset(
    {
        "offsets",
        "text-mismatch",
        "no-label",
        "unknown-layer",
        "document-conflict",
        "duplicate-answer",
        "dangling-relation",
        "malformed-record",
        "unmappable",  # what the file says that annotate has no place for (brat's events)
    }
)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Something the importer could not map. ``line`` is 1-based; ``unit`` says of what."""

    path: str
    line: int | None
    kind: str  # unknown-label | offsets | text-mismatch | skipped-answer | unsupported | ...
    detail: str
    count: int = 1
    unit: str = "line"  # line | task | doc
    name: str | None = None  # the record's own id (Label Studio task id)

    @property
    def where(self) -> Where:
        return Where(self.path, self.unit, self.line, self.name)

    @property
    def invalid(self) -> bool:
        return self.kind in INVALID_KINDS

    def __str__(self) -> str:
        times = f" ({self.count} times; first shown)" if self.count > 1 else ""
        return f"{self.where}: {self.detail}{times}"


@dataclass(slots=True)
class ImportBatch:
    path: str
    format: str
    records: int  # lines, tasks or docs read from the file(s)
    documents: list[ImportedDocument] = field(default_factory=list)
    spans: list[ImportedSpan] = field(default_factory=list)
    relations: list[ImportedRelation] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # Every (document key, annotator) the file has an answer for, including answers with no
    # spans: an annotator who found nothing in a document has still annotated it.
    units: list[tuple[str, str]] = field(default_factory=list)
    unit_where: dict[tuple[str, str], Where] = field(default_factory=dict)
    # What the file says of its relation types and attributes beyond their names, for a scheme
    # grown to take them: relation type -> kind ("role", "equivalence"; "link" when absent),
    # attribute name -> type ("choice", "bool", "text"; guessed from the values when absent).
    relation_kinds: dict[str, str] = field(default_factory=dict)
    attribute_types: dict[str, str] = field(default_factory=dict)

    @property
    def annotators(self) -> list[str]:
        return sorted({annotator for _, annotator in self.units})

    def counts(self) -> dict[str, Any]:
        """Documents, spans per layer/label, relations per type, problems per kind."""
        spans: dict[str, dict[str, int]] = {}
        for (layer, label), n in sorted(Counter((s.layer, s.label) for s in self.spans).items()):
            spans.setdefault(layer, {})[label] = n
        return {
            "records": self.records,
            "documents": len(self.documents),
            "annotators": self.annotators,
            "spans": spans,
            "relations": dict(sorted(Counter(r.type for r in self.relations).items())),
            "problems": dict(sorted(Counter(p.kind for p in self.problems).items())),
        }

    def to_tables(self) -> dict[str, pd.DataFrame]:
        """Contract DataFrames: documents, spans (origin "imported"), relations, doc_status.

        ``doc_status`` marks every answered (document, annotator) ``done``; ``doc_id`` is the
        file's id where it had one, else the document key.
        """
        now = pd.Timestamp(dt.datetime.now(dt.UTC))
        texts = {doc.key: doc.text for doc in self.documents}
        ids = {doc.key: doc.doc_id or doc.key for doc in self.documents}
        documents = pd.DataFrame(
            {
                "doc_id": [ids[d.key] for d in self.documents],
                "title": [_meta_text(d.meta, "title") for d in self.documents],
                "source": [_meta_text(d.meta, "source") for d in self.documents],
                "published": [_meta_text(d.meta, "published") for d in self.documents],
                "text": [d.text for d in self.documents],
                "text_sha256": [
                    hashlib.sha256(d.text.encode()).hexdigest() for d in self.documents
                ],
                "n_chars": [len(d.text) for d in self.documents],
                "meta": [d.meta for d in self.documents],
            }
        )
        spans = pd.DataFrame(
            {
                "doc_id": [ids[s.doc] for s in self.spans],
                "annotator": [s.annotator for s in self.spans],
                "span_id": [s.key for s in self.spans],
                "layer": [s.layer for s in self.spans],
                "label": [s.label for s in self.spans],
                "start": [s.start for s in self.spans],
                "end": [s.end for s in self.spans],
                "text": [texts[s.doc][s.start : s.end] for s in self.spans],
                "origin": ["imported"] * len(self.spans),
                "attrs": [s.attrs for s in self.spans],
                "created_at": [now] * len(self.spans),
                "updated_at": [now] * len(self.spans),
                "fragments": [s.fragments for s in self.spans],
            }
        )
        relations = pd.DataFrame(
            {
                "doc_id": [ids[r.doc] for r in self.relations],
                "annotator": [r.annotator for r in self.relations],
                "relation_id": [r.key for r in self.relations],
                "type": [r.type for r in self.relations],
                "head_span_id": [r.head for r in self.relations],
                "tail_span_id": [r.tail for r in self.relations],
                "attrs": [r.attrs for r in self.relations],
            }
        )
        status = pd.DataFrame(
            {
                "doc_id": [ids[doc] for doc, _ in self.units],
                "annotator": [annotator for _, annotator in self.units],
                "status": ["done"] * len(self.units),
                "comment": [None] * len(self.units),
                "seconds_spent": [None] * len(self.units),
            }
        )
        return {
            "documents": coerce("documents", documents),
            "spans": coerce("spans", spans),
            "relations": coerce("relations", relations),
            "doc_status": coerce("doc_status", status),
        }


def _meta_text(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    return value if isinstance(value, str) else None


__all__ = [
    "INVALID_KINDS",
    "ImportBatch",
    "ImportProblem",
    "ImportedDocument",
    "ImportedRelation",
    "ImportedSpan",
    "Where",
]  # fmt: skip
