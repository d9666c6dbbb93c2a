"""The annotation store: SQLAlchemy Core over SQLite (default) or PostgreSQL."""

from ..core.records import EventRecord, RelationRecord, SpanRecord, StatusRecord
from .store import Store

__all__ = ["EventRecord", "RelationRecord", "SpanRecord", "StatusRecord", "Store"]
