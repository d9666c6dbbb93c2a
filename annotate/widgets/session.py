"""One annotator working through a project's documents: the Python half of the annotator widget.

A :class:`Session` knows where the annotator is (who, which document, the queue around it) and
builds the plain JSON the browser draws: the ``*_view`` methods, re-read after every action, so
the page always shows what the store holds, never an optimistic guess. What the annotator does
there is in :mod:`.actions` (one Store call, so one transaction and one step of undo, each) and
the article's other versions in :mod:`.version_views`; the session is both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.names import check_person_name
from ..core.records import Document, RelationRecord
from ..core.scheme import Scheme
from ..errors import AnnotateError
from ..store import Store
from ..workflow.carry import PROJECTED
from .actions import SpanActions
from .page import document_json, short_title
from .queue import Entry, Queue
from .shown import Shown, WidgetError, span_json
from .tokens import Tokens
from .version_views import VersionViews

if TYPE_CHECKING:
    from ..versions import VersionGroup

__all__ = ["Session", "WidgetError", "find_suggester"]

POSITION_KEY = "widgets.annotator.position:{annotator}"
STATUSES = ("done", "skipped", "flagged")


def find_suggester(store: Store, name: str | None) -> str | None:
    """``name`` if it is a model annotator, else the newest model annotator with suggestions."""
    models = [a for a in store.annotators() if a["kind"] == "model"]
    if name is not None:
        if name not in {a["name"] for a in models}:
            known = ", ".join(sorted(a["name"] for a in models)) or "(none yet)"
            raise WidgetError("E609", name=name, known=known)
        return name
    for model in sorted(models, key=lambda a: a["created_at"], reverse=True):
        # Work carried from another version is shown beside the suggester, never instead of it.
        if str(model["name"]).startswith("projected:"):
            continue
        if store.has_suggestions(model["name"]):
            return str(model["name"])
    return None


class Session(SpanActions, VersionViews):
    """An annotator's place in a project and the actions they can take there."""

    def __init__(
        self,
        store: Store,
        *,
        annotator: str | None,
        suggester: str | None = None,
        doc_id: str | None = None,
    ) -> None:
        self.store = store
        self.scheme: Scheme = store.scheme
        if store.queue_count() == 0:
            raise WidgetError("E607", url=repr(store))
        self.suggester = find_suggester(store, suggester)
        self.annotator = check_person_name(annotator) if annotator else None
        self.queue = Queue(store, self.annotator)
        self._shown: dict[str, Shown] = {}
        # doc id -> its group of versions; None until first needed, then kept for the session
        # (finding versions reads the whole corpus once).
        self._groups: dict[str, VersionGroup] | None = None
        self._diffs: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
        self._models: set[str] = set()
        self._choices: list[str] | None = None  # suggesters the page may switch to
        if doc_id is not None:
            store.document(doc_id)  # E101 for an unknown id, before anything else happens
            self.queue.add(doc_id)  # asked for by id: reachable even if not assigned
        self._open(doc_id or self._start_doc())

    # --- where the annotator is --------------------------------------------------------------
    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    def _open(self, doc_id: str) -> None:
        self._choices = None  # a suggest run may have added one since
        self.document: Document = self.store.document(doc_id)
        self.tokens = Tokens.of(self.document.text)
        self.sha256 = self.document.text_sha256
        self._shown = {}
        if self.annotator:
            self.store.set_setting(POSITION_KEY.format(annotator=self.annotator), doc_id)

    def _start_doc(self) -> str:
        """Where the annotator left off; else their first document without a status."""
        if self.annotator:
            last = self.store.get_setting(POSITION_KEY.format(annotator=self.annotator))
            if isinstance(last, str) and self.queue.contains(last) and self._exists(last):
                return last
            found = self.queue.next_open(None, self.annotator)
            if found is not None:
                return found
        return self.queue.first()

    def _exists(self, doc_id: str) -> bool:
        return bool(self.store.queue_titles([doc_id]))

    def set_annotator(self, name: str) -> None:
        """The name typed into the page, once: a session that has its annotator keeps it, so a
        message from the browser can never make it act as someone else."""
        if self.annotator:
            raise WidgetError(
                "E625", widget="annotator widget", current=self.annotator,
                call="widget.switch_annotator('NAME')",
            )
        self.switch_annotator(name)

    def switch_annotator(self, name: str) -> None:
        """Work as ``name`` from now on: the notebook's explicit, Python-side switch."""
        name = name.strip()
        if not name:
            raise WidgetError("E601")
        check_person_name(name)
        queue = Queue(self.store, name)  # E414 / E621 before anything changes
        self.store.add_annotator(name)
        self.annotator = name
        self.queue = queue
        self._open(self._start_doc())

    # --- views: plain JSON for the browser ---------------------------------------------------
    def document_view(self) -> dict[str, Any]:
        return document_json(
            self.document,
            index=self.queue.index_of(self.doc_id),
            count=self.queue.size(),
            tokens=self.tokens,
        )

    def spans_view(self) -> list[dict[str, Any]]:
        if not self.annotator:
            self._shown = {}
            return []
        own = [
            s
            for s in self.store.spans(doc_id=self.doc_id, annotator=self.annotator)
            if s.doc_sha256 == self.sha256
        ]
        views = [span_json(s, "accepted") for s in own]
        seen = {(v["layer"], v["label"], v["start"], v["end"]) for v in views}
        # In a layer whose spans may not overlap, a suggestion that overlaps one of yours can
        # no longer be accepted: your span replaced it ("India Today" ORG over the suggested
        # "Today" DATE), so it is not shown (it stays undecided in the store, and shows again
        # if your span goes).
        taken: dict[str, list[tuple[int, int]]] = {}
        for v in views:
            if not self._nests(v["layer"]):
                taken.setdefault(v["layer"], []).append((v["start"], v["end"]))
        for suggester in self.suggesters():
            for record in self.store.open_suggestions(
                self.doc_id, annotator=self.annotator, suggester=suggester
            ):
                view = span_json(record, "suggested")
                where = (view["layer"], view["label"], view["start"], view["end"])
                if where in seen:
                    continue  # the same span already shown (yours, or another suggester's)
                if any(
                    start < record.end and record.start < end
                    for start, end in taken.get(record.layer, ())
                ):
                    continue
                seen.add(where)
                if record.origin == "projected":
                    why = view["reason"] or "carried"
                    view["reason"] = f"your span on another version of this article ({why})"
                views.append(view)
        views.sort(key=lambda v: (v["start"], -v["end"], v["layer"]))
        self._shown = {
            v["id"]: Shown(
                v["id"], v["layer"], v["label"], v["start"], v["end"], v["text"], v["status"]
            )
            for v in views
        }
        return views

    def relations_view(self) -> list[dict[str, Any]]:
        """The annotator's links, and the suggester's links that still concern a suggestion.

        A suggested link whose one end was accepted is shown against the accepted span, so a
        selected quote can still show "suggested: said by ‹he›" after the quote was accepted.
        """
        if not self.annotator:
            return []
        shown = self._shown
        views = [
            _relation_json(r, r.head_span_id, r.tail_span_id, "accepted")
            for r in self.store.relations(doc_id=self.doc_id, annotator=self.annotator)
            if r.head_span_id in shown and r.tail_span_id in shown
        ]
        suggesters = self.suggesters()
        if suggesters:
            accepted = {
                suggestion: span_id
                for suggestion, (decision, span_id) in self.store.decisions(
                    self.doc_id, annotator=self.annotator
                ).items()
                if decision == "accepted" and span_id
            }
            for r in self.store.relations(doc_id=self.doc_id, annotator=suggesters):
                head = r.head_span_id if r.head_span_id in shown else accepted.get(r.head_span_id)
                tail = r.tail_span_id if r.tail_span_id in shown else accepted.get(r.tail_span_id)
                if (
                    head in shown
                    and tail in shown
                    and (shown[head].suggested or shown[tail].suggested)
                ):
                    views.append(_relation_json(r, head, tail, "suggested"))
        return views

    def state_view(self) -> dict[str, Any]:
        """The open document's status, time and undo state: cheap, re-read after every action."""
        record = (
            self.store.status_rows([self.doc_id], annotator=self.annotator).get(self.doc_id)
            if self.annotator
            else None
        )
        here, total = (
            self.store.seconds_on(self.doc_id, annotator=self.annotator)
            if self.annotator
            else (0.0, 0.0)
        )
        can_undo, can_redo = (
            self.store.can_undo(self.doc_id, annotator=self.annotator)
            if self.annotator
            else (False, False)
        )
        return {
            "annotator": self.annotator or "",
            "suggester": self.suggester or "",
            "suggesters": self.suggester_choices(),
            "status": record.status if record else None,
            "comment": record.comment if record else None,
            "seconds_doc": round(here, 1),
            "seconds_total": round(total, 1),
            "can_undo": can_undo,
            "can_redo": can_redo,
            "undecided_default": self.undecided_default(),
        }

    def queue_view(self) -> dict[str, Any]:
        """The documents around the open one (never the whole corpus), with the annotator's
        status of each, and the progress: re-read when a status changes or the page moves."""
        self.queue.refresh()
        entries = self.queue.window(self.doc_id)
        counts = {name: 0 for name in STATUSES}
        statuses: dict[str, str | None] = {}
        if self.annotator:
            mine = self.store.status_counts_of(self.annotator)
            counts.update({k: v for k, v in mine.items() if k in counts})
            records = self.store.status_rows([e.doc_id for e in entries], annotator=self.annotator)
            statuses = {d: r.status for d, r in records.items()}
        total = self.queue.size()
        return {
            "doc_id": self.doc_id,
            "index": self.queue.index_of(self.doc_id),
            "total": total,
            "items": [_entry_json(e, statuses.get(e.doc_id)) for e in entries],
            "progress": {**counts, "total": total},
        }

    def search(self, text: str) -> dict[str, Any]:
        """Documents of the queue matching ``text`` (an id's start, words of a title, or #N),
        found by the store, with the annotator's status of each."""
        entries = self.queue.search(text)
        records = (
            self.store.status_rows([e.doc_id for e in entries], annotator=self.annotator)
            if self.annotator
            else {}
        )
        return {
            "query": text,
            "results": [
                _entry_json(e, records[e.doc_id].status if e.doc_id in records else None)
                for e in entries
            ],
        }

    def suggester_choices(self) -> list[str]:
        """The model annotators with suggestions that the page can show instead of the
        current one (most recently run first); work carried from other versions is not one."""
        if self._choices is None:
            names = [n for n in self.store.suggesters() if not n.startswith("projected:")]
            if self.suggester and self.suggester not in names:
                names.insert(0, self.suggester)
            self._choices = names
        return list(self._choices)

    def set_suggester(self, name: str) -> dict[str, Any]:
        """Show ``name``'s suggestions from now on (E609 unless it is one of
        :meth:`suggester_choices`); the annotator's own work is untouched."""
        choices = self.suggester_choices()
        if name not in choices:
            raise WidgetError("E609", name=name, known=", ".join(choices) or "(none yet)")
        self.suggester = name
        return {"suggester": name}

    def suggesters(self) -> list[str]:
        """Whose open suggestions the page shows: the suggester's, then the annotator's own work
        carried here from another version of the article (once there is any)."""
        names = [self.suggester] if self.suggester else []
        if self.annotator:
            projected = PROJECTED.format(annotator=self.annotator)
            if projected not in self._models:
                self._models = {a["name"] for a in self.store.annotators() if a["kind"] == "model"}
            if projected in self._models:
                names.append(projected)
        return names

    # --- navigation --------------------------------------------------------------------------
    def goto(self, to: str) -> dict[str, Any]:
        """``next``, ``previous``, ``open`` (the next document without a status) or a doc id."""
        if to in ("next", "previous"):
            target = self.queue.step(self.doc_id, 1 if to == "next" else -1) or self.doc_id
        elif to == "open":
            found = self.queue.next_open(self.doc_id, self.annotator) if self.annotator else None
            target = found or self.doc_id
        else:
            self.store.document(to)  # E101 for an unknown id
            self.queue.add(to)
            target = to
        moved = target != self.doc_id
        if moved:
            self._open(target)
        return {"doc_id": target, "moved": moved}

    # --- checks ------------------------------------------------------------------------------
    def _nests(self, layer: str) -> bool:
        try:
            return bool(self.scheme.layer(layer).nesting)
        except AnnotateError:
            return True  # a layer the scheme lost: show what there is

    def _who(self) -> str:
        if not self.annotator:
            raise WidgetError("E601")
        return self.annotator

    def _span(self, span_id: str) -> Shown:
        if not self._shown and self.annotator:
            self.spans_view()
        span = self._shown.get(span_id)
        if span is None:
            raise WidgetError("E610", span_id=span_id, doc_id=self.doc_id)
        return span

# --- helpers ------------------------------------------------------------------------------------


def _entry_json(entry: Entry, status: str | None) -> dict[str, Any]:
    return {
        "doc_id": entry.doc_id,
        "title": short_title(entry.title),
        "index": entry.index,
        "status": status,
    }


def _relation_json(record: RelationRecord, head: str, tail: str, status: str) -> dict[str, Any]:
    return {
        "id": record.relation_id,
        "type": record.type,
        "head": head,
        "tail": tail,
        "status": status,
    }
