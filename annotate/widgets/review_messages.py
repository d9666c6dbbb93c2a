"""The review widget's messages: the annotator's format (:mod:`.messages`), the reviewer's kinds.

``pick`` takes annotator ``number``'s version of a unit (the key the reviewer pressed), ``edit``
writes the reviewer's own span, ``reject`` decides that nothing of the unit goes into gold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .identity import remember_annotator
from .messages import (
    NOTHING,
    Message,
    Outcome,
    optional_text,
    require,
    require_offset,
    require_text,
    run_message,
)
from .review_session import ReviewSession
from .session import WidgetError

# What each action changed, so the widget re-reads only those views.
DOC = frozenset({"doc", "spans", "relations", "state", "docs"})
DECIDED = frozenset({"spans", "relations", "state"})
STATUS = DECIDED | {"docs"}


def _number(message: Message, name: str) -> int:
    value: int = require(message, name, int, "an annotator's number")
    return value


def _edit(s: ReviewSession, m: Message) -> dict[str, Any]:
    base = m.get("base")
    return s.edit(
        require_text(m, "unit_id"),
        label=require_text(m, "label"),
        start=require_offset(m, "start"),
        end=require_offset(m, "end"),
        base=None if base is None else _number(m, "base"),
        seen=optional_text(m, "seen"),
    )


def _status(s: ReviewSession, m: Message) -> dict[str, Any]:
    status = optional_text(m, "status")
    if status not in (None, "done"):
        raise WidgetError("E602", kind="status", field="status", detail=f"got {status!r}")
    result = s.set_status(status)
    if status and m.get("advance") is True:
        result.update(s.goto("open"))
    return result


def _hello(s: ReviewSession, m: Message) -> dict[str, Any]:
    s.set_reviewer(require(m, "name", str, "a name"))
    remember_annotator(str(s.reviewer))  # asked once: the next kernel knows the name
    return {"reviewer": s.reviewer}


HANDLERS: dict[str, tuple[Callable[[ReviewSession, Message], dict[str, Any]], frozenset[str]]] = {
    "pick": (
        lambda s, m: s.pick(
            require_text(m, "unit_id"), _number(m, "number"), seen=optional_text(m, "seen")
        ),
        DECIDED,
    ),
    "reject": (
        lambda s, m: s.reject(require_text(m, "unit_id"), seen=optional_text(m, "seen")),
        DECIDED,
    ),
    "edit": (_edit, DECIDED),
    "undo": (lambda s, m: s.undo(), STATUS),
    "status": (_status, DOC),
    "goto": (lambda s, m: s.goto(require_text(m, "to")), DOC),
    "hello": (_hello, DOC),
    "ping": (lambda s, m: {}, NOTHING),
}


def dispatch(session: ReviewSession, message: Any) -> Outcome:
    """Run one message against the review session; never raises."""
    return run_message(session, message, HANDLERS, refused=DECIDED)
