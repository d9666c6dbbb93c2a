"""What the reviewer decided that gold spans cannot say, and which store events undo takes back.

A picked or edited unit is recorded in gold itself: each gold span's ``_adjudication`` says how
it was decided, by whom, from whose spans. Two decisions leave no gold span to carry that:
rejecting a unit, and picking an annotator who marked nothing in it. Without a record the unit
would come back as undecided after a restart, so they are kept (who, when, what) in the
project's settings, one key per document.

The same key holds the document's recent decisions with the ids of the store events each one
wrote. One decision can be several store actions (deleting an earlier decision's spans, the
span, the links carried with it), each its own event; undo takes them back together, after a
kernel restart too, and only while they are still the newest changes to that gold document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..adjudicate import GOLD
from ..store import EventRecord, Store
from ..store.store import UNDOABLE

KEY = "review:{doc}"
MAX_KEY = 100  # the settings key column's width
HISTORY_LIMIT = 100  # decisions kept per document for undo; older ones cannot be undone
VERSION = 1


@dataclass(slots=True)
class Decision:
    """One decision as undo sees it."""

    what: str  # picked | edited | rejected | status
    unit: str | None  # None for a document status
    by: str
    at: str
    events: list[int]
    # The unit's no-span record before this decision, restored by undo (None: there was none).
    empty_before: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "unit": self.unit,
            "by": self.by,
            "at": self.at,
            "events": list(self.events),
            "empty_before": self.empty_before,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        return cls(
            what=str(data.get("what", "")),
            unit=data.get("unit"),
            by=str(data.get("by", "")),
            at=str(data.get("at", "")),
            events=[int(e) for e in data.get("events", [])],
            empty_before=data.get("empty_before"),
        )


@dataclass(slots=True)
class ReviewRecord:
    """A document's decisions that left no gold span, and its recent decisions for undo."""

    empty: dict[str, dict[str, Any]] = field(default_factory=dict)  # unit id -> who, what, when
    history: list[Decision] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "empty": self.empty,
            "history": [d.to_json() for d in self.history[-HISTORY_LIMIT:]],
        }


def key_of(doc_id: str) -> str:
    key = KEY.format(doc=doc_id)
    if len(key) <= MAX_KEY:
        return key
    # Long ids still get a key of their own that fits the column.
    return KEY.format(doc="sha256:" + hashlib.sha256(doc_id.encode("utf-8")).hexdigest())


def read(store: Store, doc_id: str) -> ReviewRecord:
    data = store.get_setting(key_of(doc_id))
    if not isinstance(data, dict):
        return ReviewRecord()
    empty = data.get("empty")
    history = data.get("history")
    return ReviewRecord(
        empty=dict(empty) if isinstance(empty, dict) else {},
        history=[Decision.from_json(d) for d in history or [] if isinstance(d, dict)],
    )


def write(store: Store, doc_id: str, record: ReviewRecord) -> None:
    store.set_setting(key_of(doc_id), record.to_json())


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def empty_note(
    decision: str, *, by: str, annotators: Iterable[str], chosen: str | None
) -> dict[str, Any]:
    """The record of a unit decided with nothing in gold, shaped like ``_adjudication``."""
    note: dict[str, Any] = {
        "decision": decision,
        "by": by,
        "at": now(),
        "annotators": list(annotators),
    }
    if chosen is not None:
        note["chosen"] = chosen
    return note


# --- the gold document's events ----------------------------------------------------------------


def gold_events(store: Store, doc_id: str) -> list[EventRecord]:
    return store.events(doc_id=doc_id, annotator=GOLD)


def last_event_id(store: Store, doc_id: str) -> int:
    return max((e.event_id for e in gold_events(store, doc_id)), default=0)


def events_since(store: Store, doc_id: str, after: int, *, actor: str) -> list[int]:
    """Ids of the gold events ``actor`` wrote on the document after event ``after``."""
    return [
        e.event_id
        for e in gold_events(store, doc_id)
        if e.event_id > after and e.actor == actor and e.action in UNDOABLE
    ]


def undo_stack(events: Iterable[EventRecord]) -> list[EventRecord]:
    """The events the store's undo would take back, oldest first (newest last).

    The store replays the same log the same way when it undoes; reading it here lets the
    widget check a decision is still on top before taking back any part of it.
    """
    done: list[EventRecord] = []
    undone: list[EventRecord] = []
    for event in events:
        if event.action == "undo" and done and done[-1].event_id == event.undoes:
            undone.append(done.pop())
        elif event.action == "redo" and undone and undone[-1].event_id == event.undoes:
            done.append(undone.pop())
        elif event.action in UNDOABLE:
            done.append(event)
            undone.clear()
    return done
