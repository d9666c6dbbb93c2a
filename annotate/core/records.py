"""The records every part of the package shares: small immutable values, no I/O.

Articles (:class:`Document`), what the store hands back (:class:`SpanRecord`,
:class:`RelationRecord`, :class:`StatusRecord`, :class:`EventRecord`, :class:`DecisionRecord`),
what a reviewer's decision writes (:class:`UnitDecision`, :class:`GoldSpan`), and what the
suggesters produce (:class:`DocSuggestions`). They live below the store, the readers and the
suggesters so that each of those depends on this module and on nothing above it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class SpanRecord:
    """A span: ``text[start:end]`` of a document marked with ``label`` in ``layer``.

    The one span record of the package. The store fills every field; code that builds spans
    from other sources (exports, imports) leaves out what it does not know.
    """

    span_id: str
    layer: str
    label: str
    start: int
    end: int  # exclusive
    doc_id: str = ""
    annotator: str = ""
    text: str = ""
    origin: str = ""  # suggested | edited | manual | imported | projected | model
    attrs: dict[str, Any] = field(default_factory=dict)
    doc_sha256: str = ""
    source_span_id: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    # The pieces of a discontinuous span, sorted; None for one piece (see core/fragments.py).
    fragments: list[list[int]] | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat() if self.created_at else None
        data["updated_at"] = self.updated_at.isoformat() if self.updated_at else None
        return data


@dataclass(frozen=True, slots=True)
class RelationRecord:
    relation_id: str
    doc_id: str
    annotator: str
    type: str
    head_span_id: str
    tail_span_id: str
    origin: str
    created_at: dt.datetime
    attrs: dict[str, Any] | None = None  # a relation's note (brat's notes on relations)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class StatusRecord:
    doc_id: str
    annotator: str
    status: str | None
    comment: str | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EventRecord:
    event_id: int
    at: dt.datetime
    annotator: str
    actor: str
    doc_id: str | None
    action: str
    payload: dict[str, Any]
    undoes: int | None


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """A span a decision writes into gold, and the annotators' spans it was taken from."""

    layer: str
    label: str
    start: int
    end: int
    attrs: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # annotator -> their span id


@dataclass(frozen=True, slots=True)
class UnitDecision:
    """What a reviewer decided about one unit of adjudication, as the store writes it.

    ``decision`` is ``agreed`` (everyone marked it alike), ``picked`` (``chosen``'s version,
    possibly nothing), ``edited`` (the reviewer's own spans) or ``rejected`` (nothing).
    ``carry`` says whose links between annotators' spans follow the gold spans: the chosen
    annotator's for a pick, and for agreements the links every merged annotator drew.
    """

    unit_id: str
    layer: str
    start: int
    end: int
    decision: str
    annotators: tuple[str, ...]
    spans: tuple[GoldSpan, ...] = ()
    chosen: str | None = None
    carry: str | None = None  # None | "chosen" | "agreed"


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision as the store holds it, with the gold spans it wrote."""

    decision_id: str
    doc_id: str
    unit_id: str
    layer: str
    start: int
    end: int
    decision: str
    chosen: str | None
    reviewer: str
    annotators: tuple[str, ...]
    doc_sha256: str
    decided_at: dt.datetime
    span_ids: tuple[str, ...] = ()


# --- articles -------------------------------------------------------------------------------


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_doc_id(text: str) -> str:
    """A stable id from the text alone: the same article always gets the same id."""
    return text_sha256(text)[:16]


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    text: str
    title: str | None = None
    source: str | None = None
    byline: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text_sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def where(self) -> str:
        """Provenance as a person reads it: ``path, line N``."""
        return f"{self.meta.get('path', '?')}, line {self.meta.get('line', '?')}"


@dataclass(slots=True)
class DocumentsOutcome:
    """What adding a corpus's documents did: ids added, unchanged and updated, and the ids
    already in the project with another text (with where the new text came from)."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)


# --- suggestions --------------------------------------------------------------------------------
# A suggester reads one parsed spaCy ``Doc`` and returns a DocSuggestions. Spans refer to each
# other through ``key`` (unique within the document); the store turns keys into span ids. Every
# span carries ``attrs["reason"]`` (which rule fired) and ``attrs["confidence"]`` (0..1).


@dataclass(frozen=True, slots=True)
class SpanSuggestion:
    key: str
    layer: str  # entity | quote | source | cue | claim
    label: str
    start: int  # character offset into the document text
    end: int  # exclusive
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RelationSuggestion:
    type: str  # said_by | cue | refers_to | claimed_by
    head: str  # key of the head span
    tail: str  # key of the tail span


@dataclass(slots=True)
class DocSuggestions:
    spans: list[SpanSuggestion] = field(default_factory=list)
    relations: list[RelationSuggestion] = field(default_factory=list)
    # How unsure a trained model was about the document (0..1); None from the rules.
    uncertainty: float | None = None

    def by_key(self) -> dict[str, SpanSuggestion]:
        return {span.key: span for span in self.spans}


# --- imports from other tools --------------------------------------------------------------
# What every importer reads from another tool's file: neutral records, independent of the store.
# Spans point at their document by ``ImportedDocument.key`` and relations at spans by
# ``ImportedSpan.key``; keys are unique within one file. Every record carries the Where it came
# from, so a check can name it.


@dataclass(frozen=True, slots=True)
class Where:
    """The record a value came from: file and line (task, doc) number, with the tool's id."""

    path: str
    unit: str = "line"  # line | task | doc
    number: int | None = None
    name: str | None = None  # the record's own id where the tool gives one (Label Studio)

    def __str__(self) -> str:
        if self.number is None:
            return self.path
        named = f" (id {self.name})" if self.name else ""
        return f"{self.path}, {self.unit} {self.number}{named}"

    def key(self) -> tuple[str, int]:
        return (self.path, self.number or 0)


@dataclass(frozen=True, slots=True)
class ImportedDocument:
    key: str  # unique within the batch; the doc_id where the file had one
    text: str
    doc_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class ImportedSpan:
    key: str  # unique within the batch; the span id where the file had one
    doc: str  # ImportedDocument.key
    annotator: str
    layer: str
    label: str
    start: int
    end: int  # exclusive
    attrs: dict[str, Any] = field(default_factory=dict)
    where: Where | None = None
    fragments: list[list[int]] | None = None  # a discontinuous span's pieces, sorted


@dataclass(frozen=True, slots=True)
class ImportedRelation:
    key: str
    doc: str
    annotator: str
    type: str
    head: str  # ImportedSpan.key
    tail: str  # ImportedSpan.key
    where: Where | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


Interval = tuple[int, int, str]  # start, end, label


@dataclass(slots=True)
class ProjectView:
    """What the project holds that a batch must agree with.

    ``texts``: text sha256 of the project's documents with the batch's ids. ``by_text``: the
    project's documents with the batch's texts, sha256 -> their ids in project order (a
    document is found by its text whatever id the file gives it). ``by_path``: documents
    ingested from the files the batch read its texts from, path -> (doc id, sha256). ``spans``:
    the existing spans of the batch's annotators on those documents, by (doc_id, annotator,
    layer).
    """

    texts: dict[str, str] = field(default_factory=dict)
    spans: dict[tuple[str, str, str], list[Interval]] = field(default_factory=dict)
    by_text: dict[str, list[str]] = field(default_factory=dict)
    by_path: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportLookup:
    """What an import asks the project before its checks: the documents with these ids, with
    these texts (sha256) and ingested from these files (the paths as given and absolute)."""

    doc_ids: tuple[str, ...] = ()
    shas: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


@dataclass(slots=True)
class ImportPlan:
    """What an import writes once its records passed the checks: documents to add (with their
    ids), the answers' spans and relations, and each (document key, annotator) answer."""

    documents: list[tuple[str, Document]]  # (document key, the document as it is stored)
    spans: list[ImportedSpan]
    relations: list[ImportedRelation]
    units: list[tuple[str, str]]  # (document key, annotator)
    annotators: list[str]


@dataclass(slots=True)
class ImportCounts:
    documents_added: int = 0
    spans_added: int = 0
    relations_added: int = 0
    spans_already_there: int = 0


# --- reading the data contract ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """Which annotations a table holds. ``None`` means no restriction."""

    annotators: tuple[str, ...] | None = None
    layers: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    status: tuple[str, ...] | None = None  # keep (document, annotator) pairs with this status
    doc_ids: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        *,
        annotator: str | Iterable[str] | None = None,
        layer: str | Iterable[str] | None = None,
        label: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        doc_id: str | Iterable[str] | None = None,
    ) -> Filters:
        return cls(
            annotators=_tuple(annotator), layers=_tuple(layer), labels=_tuple(label),
            status=_tuple(status), doc_ids=_tuple(doc_id),
        )

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) for k, v in asdict(self).items() if v is not None}


def _tuple(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def from_row(cls: Any, row: Any) -> Any:
    """Build ``cls`` from a SQLAlchemy row that has (at least) the record's fields."""
    mapping = row._mapping
    return cls(**{name: mapping[name] for name in cls.__dataclass_fields__})
