"""What the suggesters produce: plain records, independent of the store.

A suggester reads one parsed spaCy ``Doc`` and returns a :class:`DocSuggestions`. Spans refer to
each other through ``key`` (unique within the document); the pipeline turns keys into stored
span ids. Every span carries ``attrs["reason"]`` (which rule fired, shown to the annotator) and
``attrs["confidence"]`` (0..1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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

    def by_key(self) -> dict[str, SpanSuggestion]:
        return {span.key: span for span in self.spans}
