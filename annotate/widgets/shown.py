"""What the annotator widget's Python modules share: its error, and a span as the page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.records import SpanRecord
from ..errors import AnnotateError


class WidgetError(AnnotateError):
    """The widget refused a request; nothing was written."""


@dataclass(frozen=True, slots=True)
class Shown:
    """A span as the page shows it: the annotator's own (``accepted``) or a suggestion."""

    span_id: str
    layer: str
    label: str
    start: int
    end: int
    text: str
    status: str  # accepted | suggested

    @property
    def suggested(self) -> bool:
        return self.status == "suggested"


def span_json(span: SpanRecord, status: str) -> dict[str, Any]:
    attrs = dict(span.attrs)
    reason = attrs.pop("reason", None)
    confidence = attrs.pop("confidence", None)
    return {
        "id": span.span_id,
        "layer": span.layer,
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "status": status,
        "origin": span.origin,
        "attrs": attrs,
        "reason": reason if isinstance(reason, str) else None,
        "confidence": confidence if isinstance(confidence, (int, float)) else None,
        "fragments": span.fragments,
    }
