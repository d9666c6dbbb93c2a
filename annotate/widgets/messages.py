"""The one message format between a widget's browser half and its Python half.

The browser sends ``{"kind": ..., "id": ..., **fields}``; Python answers ``{"kind", "id",
**result}`` or, when the action was refused or failed, ``{"kind", "id", "error", "code"}``, which
the browser shows to the person. Messages of unknown kinds are ignored (no answer), so an
older kernel and a newer page, or the other way round, never break each other.

The annotator's handlers live here; :func:`run_message` and the field checks are shared with
the reviewer, so both widgets answer, refuse and report failures alike.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import AnnotateError, Errors
from .identity import remember_annotator
from .session import Session, WidgetError

log = logging.getLogger(__name__)

Message = dict[str, Any]
T = TypeVar("T")

# What a reply's action changed, so the widget re-reads only those views.
DOC = frozenset({"doc", "spans", "relations", "state", "docs", "versions"})
SPANS = frozenset({"spans", "relations", "state"})
VERSIONS = frozenset({"versions"})
UNDO = SPANS | {"docs"}  # undoing may take a document's status back
STATE = frozenset({"state"})
# Time worked is reported every few seconds while the annotator works: the list of documents
# and the progress are re-read with it, so documents added meanwhile appear.
TIME = frozenset({"state", "docs"})
NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: Message | None
    changed: frozenset[str]


def require(message: Message, name: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = message.get(name)
    # bool is an int in Python, never a valid offset or count here.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise WidgetError(
            "E602", kind=message.get("kind"), field=name, detail=f"expected {what}, got {value!r}"
        )
    return value


def require_text(message: Message, name: str) -> str:
    value: str = require(message, name, str, "text")
    if not value:
        raise WidgetError("E602", kind=message.get("kind"), field=name, detail="it is empty")
    return value


def require_offset(message: Message, name: str) -> int:
    value: int = require(message, name, int, "a character offset")
    return value


def optional_text(message: Message, name: str) -> str | None:
    if message.get(name) is None:
        return None
    return require_text(message, name)


def _add_span(s: Session, m: Message) -> dict[str, Any]:
    return s.add_span(
        layer=require_text(m, "layer"),
        label=require_text(m, "label"),
        start=require_offset(m, "start"),
        end=require_offset(m, "end"),
    )


def _relabel(s: Session, m: Message) -> dict[str, Any]:
    return s.relabel(require_text(m, "span_id"), label=require_text(m, "label"))


def _resize(s: Session, m: Message) -> dict[str, Any]:
    return s.resize(
        require_text(m, "span_id"), start=require_offset(m, "start"), end=require_offset(m, "end")
    )


def _set_attrs(s: Session, m: Message) -> dict[str, Any]:
    return s.set_attrs(require_text(m, "span_id"), attrs=require(m, "attrs", dict, "an object"))


def _status(s: Session, m: Message) -> dict[str, Any]:
    status = m.get("status")
    if status is not None and not isinstance(status, str):
        raise WidgetError("E602", kind="status", field="status", detail=f"got {status!r}")
    result = s.set_status(
        status, comment=optional_text(m, "comment"), undecided=optional_text(m, "undecided")
    )
    if m.get("advance") is True:
        result.update(s.goto("open"))
    return result


def _time(s: Session, m: Message) -> dict[str, Any]:
    seconds = require(m, "seconds", (int, float), "a number of seconds")
    if not math.isfinite(seconds) or seconds < 0:
        raise WidgetError("E602", kind="time", field="seconds", detail=f"got {seconds!r}")
    return s.add_time(require_text(m, "doc_id"), float(seconds))


def _hello(s: Session, m: Message) -> dict[str, Any]:
    s.set_annotator(require(m, "name", str, "a name"))
    remember_annotator(str(s.annotator))  # asked once: the next kernel knows the name
    return {"annotator": s.annotator}


HANDLERS: dict[str, tuple[Callable[[Session, Message], dict[str, Any]], frozenset[str]]] = {
    "add_span": (_add_span, SPANS),
    "relabel": (_relabel, SPANS),
    "resize": (_resize, SPANS),
    "set_attrs": (_set_attrs, SPANS),
    "accept": (lambda s, m: s.accept(require_text(m, "span_id")), SPANS),
    "reject": (lambda s, m: s.reject(require_text(m, "span_id")), SPANS),
    "accept_all": (lambda s, m: s.accept_all(layer=require_text(m, "layer")), SPANS),
    "link": (
        lambda s, m: s.link(
            require_text(m, "first"), require_text(m, "second"), type=optional_text(m, "type")
        ),
        SPANS,
    ),
    "unlink": (lambda s, m: s.unlink(require_text(m, "relation_id")), SPANS),
    "undo": (lambda s, m: s.undo(), UNDO),
    "redo": (lambda s, m: s.redo(), UNDO),
    "status": (_status, DOC),
    "goto": (lambda s, m: s.goto(require_text(m, "to")), DOC),
    "time": (_time, TIME),
    "search": (lambda s, m: s.search(require(m, "text", str, "text")), NOTHING),
    "hello": (_hello, DOC),
    "ping": (lambda s, m: {}, NOTHING),
    "suggester": (lambda s, m: s.set_suggester(require_text(m, "name")), SPANS),
    "versions": (lambda s, m: s.load_versions(), VERSIONS),
    "diff": (lambda s, m: s.diff(optional_text(m, "other")), NOTHING),
    "project_version": (
        lambda s, m: s.project_version(optional_text(m, "source")),
        SPANS | VERSIONS,
    ),
}


Handlers = Mapping[str, tuple[Callable[[T, Message], dict[str, Any]], frozenset[str]]]


def dispatch(session: Session, message: Any) -> Outcome:
    """Run one message against the annotator's session; never raises."""
    return run_message(session, message, HANDLERS, refused=SPANS)


def run_message(
    target: T, message: Any, handlers: Handlers[T], *, refused: frozenset[str]
) -> Outcome:
    """Run one message with the handler its kind names; never raises.

    Shared by every widget of the package, so each answers, refuses and reports failures the
    same way. ``refused`` names the views re-read after a refusal: the page may show something
    the store no longer holds (E610).
    """
    if not isinstance(message, dict) or message.get("kind") not in handlers:
        return Outcome(None, NOTHING)
    kind: str = message["kind"]
    handler, changed = handlers[kind]
    base: Message = {"kind": kind, "id": message.get("id")}
    try:
        result = handler(target, message)
    except AnnotateError as exc:
        return Outcome({**base, "error": str(exc), "code": exc.code}, refused)
    except Exception as exc:  # a bug must reach the person, not vanish in the kernel log
        log.exception("widget: %s failed", kind)
        detail = f"{type(exc).__name__}: {exc}"
        text = "[E608] " + Errors.E608.format(kind=kind, detail=detail)
        return Outcome({**base, "error": text, "code": "E608"}, NOTHING)
    return Outcome({**base, **result}, changed)
