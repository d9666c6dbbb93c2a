"""The documents one annotator goes through, read a window at a time.

The widget never holds the corpus. It knows where the annotator is and asks the store for the
documents around that place, for the next one without a status and for titles matching a
search; each answer is a bounded read through an index, so opening the widget and moving on
cost the same on a thousand documents as on a million. A project with an assignment (see
annotate.workflow.assign), or whose queues put the least sure documents first, gives each
annotator a list of their own, computed when the widget opens and again when the corpus grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AnnotateError
from ..store import Store
from ..workflow.assign import get_assignment, get_queue_order, order_documents, queue

WINDOW = 50  # documents the page lists around the open one
SEARCH_LIMIT = 50
_CHUNK = 200  # statuses read at a time when walking an assigned list


@dataclass(frozen=True, slots=True)
class Entry:
    doc_id: str
    title: str
    index: int  # in the annotator's queue, 0-based; -1 when not known without counting


class Queue:
    """The corpus in queue order, or the annotator's assigned list, plus documents opened by id
    that are in neither (kept at the end, so they stay reachable)."""

    def __init__(self, store: Store, annotator: str | None) -> None:
        self.store = store
        self.annotator = annotator
        # A list of the annotator's own: an assignment's, or every document when the project
        # orders queues by how unsure a suggester was (see
        # annotate.workflow.assign.set_queue_order); else the corpus, read a window at a time.
        # The list is computed when the widget opens and again when the corpus grows.
        self.assigned: list[str] | None = None
        self._corpus_size = store.queue_count()
        self._places: dict[str, int] = {}
        self._extra: list[str] = []
        self._list()
        if self.assigned is not None and not self.assigned and annotator:
            raise AnnotateError("E621", annotator=annotator)

    def _list(self) -> None:
        if self.annotator and get_assignment(self.store) is not None:
            self.assigned = queue(self.store, self.annotator)
        elif get_queue_order(self.store).get("order") == "uncertainty":
            self.assigned = order_documents(self.store, self.store.doc_ids())
        else:
            self.assigned = None

    def refresh(self) -> None:
        """Take in documents ingested since the list was made (an assigned or ordered list;
        the corpus queue reads them anyway). One count unless the corpus grew."""
        if self.assigned is None:
            return
        size = self.store.queue_count()
        if size == self._corpus_size:
            return
        self._corpus_size = size
        self._list()
        self._places = {}
        self._extra = [d for d in self._extra if not self.contains(d)]

    # --- size and places -----------------------------------------------------------------------
    def size(self) -> int:
        listed = len(self.assigned) if self.assigned is not None else self.store.queue_count()
        return listed + len(self._extra)

    def is_empty(self) -> bool:
        return self.size() == 0

    def contains(self, doc_id: str) -> bool:
        if doc_id in self._extra:
            return True
        if self.assigned is not None:
            return doc_id in self._assigned_places()
        return True  # every document of the project is in the corpus queue

    def add(self, doc_id: str) -> None:
        """Keep a document opened by id reachable though it is not in the queue."""
        if not self.contains(doc_id):
            self._extra.append(doc_id)

    def index_of(self, doc_id: str) -> int:
        """Its place in the queue. Known places are remembered: documents are only ever
        added at the end, so a place does not change while the widget is open."""
        if doc_id in self._extra:
            return self._listed() + self._extra.index(doc_id)
        if self.assigned is not None:
            return self._assigned_places()[doc_id]
        if doc_id not in self._places:
            self._places[doc_id] = self.store.queue_index(doc_id)
        return self._places[doc_id]

    def first(self) -> str:
        if self.assigned is not None:
            return self.assigned[0]
        entries = self.store.queue_page(offset=0, limit=1)
        return entries[0].doc_id

    def at(self, index: int) -> str | None:
        """The document at ``index`` (0-based), None past either end."""
        if index < 0:
            return None
        listed = self._listed()
        if index >= listed:
            extra = index - listed
            return self._extra[extra] if extra < len(self._extra) else None
        if self.assigned is not None:
            return self.assigned[index]
        entries = self.store.queue_page(offset=index, limit=1)
        return entries[0].doc_id if entries else None

    def step(self, doc_id: str, step: int) -> str | None:
        """The document ``step`` (±1) places from ``doc_id``, None past either end."""
        here = self.index_of(doc_id)
        if doc_id in self._extra or self.assigned is not None:
            return self.at(here + step)
        entries, at = self.store.queue_around(doc_id, before=1, after=1)
        there = at + step
        if 0 <= there < len(entries):
            found = entries[there].doc_id
            self._places.setdefault(found, here + step)
            return found
        return self._extra[0] if step > 0 and self._extra else None

    # --- what the page lists ---------------------------------------------------------------
    def window(self, doc_id: str, *, size: int = WINDOW) -> list[Entry]:
        """About ``size`` documents around ``doc_id`` (half before, half after)."""
        here = self.index_of(doc_id)
        half = size // 2
        if self.assigned is not None or doc_id in self._extra:
            everything = (self.assigned or []) + self._extra
            first = max(0, min(here - half, len(everything) - size))
            ids = everything[first : first + size]
            titles = self.store.queue_titles(ids)
            return [Entry(d, titles.get(d, d), first + i) for i, d in enumerate(ids)]
        entries, at = self.store.queue_around(doc_id, before=half, after=size - half - 1)
        first = here - at
        for entry in entries:
            self._places.setdefault(entry.doc_id, first + entry.index)
        listed = [Entry(e.doc_id, e.title, first + e.index) for e in entries]
        if len(listed) < size and self._extra:
            titles = self.store.queue_titles(self._extra)
            base = self._listed()
            listed.extend(Entry(d, titles.get(d, d), base + i) for i, d in enumerate(self._extra))
        return listed

    def search(self, text: str, *, limit: int = SEARCH_LIMIT) -> list[Entry]:
        """Documents of the queue whose id starts with, or title contains, ``text``; ``#N``
        is the N-th document (1-based)."""
        text = text.strip()
        if text.startswith("#") and text[1:].isdigit():
            found = self.at(int(text[1:]) - 1)
            if found is None:
                return []
            titles = self.store.queue_titles([found])
            return [Entry(found, titles.get(found, found), int(text[1:]) - 1)]
        # An assigned list takes what matches in the whole corpus, then keeps its own.
        wide = limit if self.assigned is None else 10_000
        entries = self.store.search_documents(text, limit=wide)
        results = []
        for entry in entries:
            if self.assigned is not None and not self.contains(entry.doc_id):
                continue
            index = self._places.get(entry.doc_id, -1)
            if self.assigned is not None:
                index = self.index_of(entry.doc_id)
            results.append(Entry(entry.doc_id, entry.title, index))
            if len(results) >= limit:
                break
        return results

    def next_open(self, doc_id: str | None, annotator: str) -> str | None:
        """The first document after ``doc_id`` (wrapping round) without the annotator's
        status; None when every document of the queue has one."""
        if self.assigned is None and not self._extra:
            return self.store.next_without_status(annotator, after=doc_id)
        everything = (self.assigned or []) + self._extra
        if self.assigned is None:
            found = self.store.next_without_status(annotator, after=doc_id)
            if found is not None:
                return found
            everything = self._extra
        here = everything.index(doc_id) if doc_id in everything else -1
        order = everything[here + 1 :] + everything[: here + 1]
        for start in range(0, len(order), _CHUNK):
            chunk = order[start : start + _CHUNK]
            statuses = self.store.status_rows(chunk, annotator=annotator)
            for candidate in chunk:
                record = statuses.get(candidate)
                if record is None or record.status is None:
                    return candidate
        return None

    # --- helpers -------------------------------------------------------------------------------
    def _listed(self) -> int:
        return len(self.assigned) if self.assigned is not None else self.store.queue_count()

    def _assigned_places(self) -> dict[str, int]:
        if not self._places and self.assigned is not None:
            self._places = {d: i for i, d in enumerate(self.assigned)}
        return self._places
