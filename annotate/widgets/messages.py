"""The one message format between the annotator's browser half and its Python half.

The browser sends ``{"kind": ..., "id": ..., **fields}``; Python answers ``{"kind", "id",
**result}`` or, when the action was refused or failed, ``{"kind", "id", "error", "code"}``, which
the browser shows to the annotator. Messages of unknown kinds are ignored (no answer), so an
older kernel and a newer page, or the other way round, never break each other.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import AnnotateError, Errors
from .identity import remember_annotator
from .session import Session, WidgetError

log = logging.getLogger(__name__)

Message = dict[str, Any]

# What a reply's action changed, so the widget re-reads only those views.
DOC = frozenset({"doc", "spans", "relations", "state", "docs"})
SPANS = frozenset({"spans", "relations", "state"})
UNDO = SPANS | {"docs"}  # undoing may take a document's status back
STATE = frozenset({"state"})
NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: Message | None
    changed: frozenset[str]


def _field(message: Message, name: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = message.get(name)
    # bool is an int in Python, never a valid offset or count here.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise WidgetError(
            "E602", kind=message.get("kind"), field=name, detail=f"expected {what}, got {value!r}"
        )
    return value


def _text(message: Message, name: str) -> str:
    value: str = _field(message, name, str, "text")
    if not value:
        raise WidgetError("E602", kind=message.get("kind"), field=name, detail="it is empty")
    return value


def _offset(message: Message, name: str) -> int:
    value: int = _field(message, name, int, "a character offset")
    return value


def _optional_text(message: Message, name: str) -> str | None:
    if message.get(name) is None:
        return None
    return _text(message, name)


def _add_span(s: Session, m: Message) -> dict[str, Any]:
    return s.add_span(
        layer=_text(m, "layer"),
        label=_text(m, "label"),
        start=_offset(m, "start"),
        end=_offset(m, "end"),
    )


def _relabel(s: Session, m: Message) -> dict[str, Any]:
    return s.relabel(_text(m, "span_id"), label=_text(m, "label"))


def _resize(s: Session, m: Message) -> dict[str, Any]:
    return s.resize(_text(m, "span_id"), start=_offset(m, "start"), end=_offset(m, "end"))


def _set_attrs(s: Session, m: Message) -> dict[str, Any]:
    return s.set_attrs(_text(m, "span_id"), attrs=_field(m, "attrs", dict, "an object"))


def _status(s: Session, m: Message) -> dict[str, Any]:
    status = m.get("status")
    if status is not None and not isinstance(status, str):
        raise WidgetError("E602", kind="status", field="status", detail=f"got {status!r}")
    result = s.set_status(status, comment=_optional_text(m, "comment"))
    if m.get("advance") is True:
        result.update(s.goto("open"))
    return result


def _time(s: Session, m: Message) -> dict[str, Any]:
    seconds = _field(m, "seconds", (int, float), "a number of seconds")
    if not math.isfinite(seconds) or seconds < 0:
        raise WidgetError("E602", kind="time", field="seconds", detail=f"got {seconds!r}")
    return s.add_time(_text(m, "doc_id"), float(seconds))


def _hello(s: Session, m: Message) -> dict[str, Any]:
    s.set_annotator(_field(m, "name", str, "a name"))
    remember_annotator(str(s.annotator))  # asked once: the next kernel knows the name
    return {"annotator": s.annotator}


HANDLERS: dict[str, tuple[Callable[[Session, Message], dict[str, Any]], frozenset[str]]] = {
    "add_span": (_add_span, SPANS),
    "relabel": (_relabel, SPANS),
    "resize": (_resize, SPANS),
    "set_attrs": (_set_attrs, SPANS),
    "accept": (lambda s, m: s.accept(_text(m, "span_id")), SPANS),
    "reject": (lambda s, m: s.reject(_text(m, "span_id")), SPANS),
    "accept_all": (lambda s, m: s.accept_all(layer=_text(m, "layer")), SPANS),
    "link": (
        lambda s, m: s.link(_text(m, "first"), _text(m, "second"), type=_optional_text(m, "type")),
        SPANS,
    ),
    "unlink": (lambda s, m: s.unlink(_text(m, "relation_id")), SPANS),
    "undo": (lambda s, m: s.undo(), UNDO),
    "redo": (lambda s, m: s.redo(), UNDO),
    "status": (_status, DOC),
    "goto": (lambda s, m: s.goto(_text(m, "to")), DOC),
    "time": (_time, STATE),
    "hello": (_hello, DOC),
    "ping": (lambda s, m: {}, NOTHING),
}


def dispatch(session: Session, message: Any) -> Outcome:
    """Run one message against the session; never raises."""
    if not isinstance(message, dict) or message.get("kind") not in HANDLERS:
        return Outcome(None, NOTHING)
    kind: str = message["kind"]
    handler, changed = HANDLERS[kind]
    base: Message = {"kind": kind, "id": message.get("id")}
    try:
        result = handler(session, message)
    except AnnotateError as exc:
        # Re-read what the store holds: the page may show something that is gone (E610).
        return Outcome({**base, "error": str(exc), "code": exc.code}, SPANS)
    except Exception as exc:  # a bug must reach the annotator, not vanish in the kernel log
        log.exception("annotator widget: %s failed", kind)
        detail = f"{type(exc).__name__}: {exc}"
        text = "[E608] " + Errors.E608.format(kind=kind, detail=detail)
        return Outcome({**base, "error": text, "code": "E608"}, NOTHING)
    return Outcome({**base, **result}, changed)
