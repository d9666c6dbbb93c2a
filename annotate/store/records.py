"""What the store hands back: small immutable records built from table rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SpanRecord:
    span_id: str
    doc_id: str
    annotator: str
    layer: str
    label: str
    start: int
    end: int
    text: str
    origin: str
    attrs: dict[str, Any]
    doc_sha256: str
    source_span_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
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


def from_row(cls: Any, row: Any) -> Any:
    """Build ``cls`` from a SQLAlchemy row that has (at least) the record's fields."""
    mapping = row._mapping
    return cls(**{name: mapping[name] for name in cls.__dataclass_fields__})
