"""A reviewer adjudicating a project's documents: the Python half of the review widget.

Opening a document merges its annotators' work into units (``workflow.adjudicate.merge``) and
writes the agreements into ``gold`` at once; each disagreement then waits for a decision: one
annotator's version, an edited span, or nothing. Every decision goes through
``workflow.adjudicate.resolve`` as the reviewer: one store action that writes the decision, its
gold spans and its event together, so the store holds every decision (rejections too) and undo
is the store's own, per reviewer.

As in the annotator's :class:`~.session.Session`, the ``*_view`` methods build the plain JSON
the page draws and are re-read after every action, so the page shows what the store holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.records import DecisionRecord, Document, SpanRecord
from ..errors import AnnotateError, Errors, StoreError
from ..store import Store
from ..workflow.adjudicate import (
    GOLD,
    META_KEY,
    Choice,
    Edit,
    Pick,
    Reject,
    Unit,
    Version,
    auto_accept_agreements,
    decisions,
    merge,
    resolve,
)
from .page import clip, document_json, short_title
from .session import WidgetError
from .tokens import Tokens

POSITION_KEY = "widgets.review.position:{reviewer}"
WORKED = ("done", "flagged")  # a status that says the annotator went through the document
ROLE = "reviewer"


def check_reviewer(store: Store, name: str) -> str:
    """``name`` if it is a registered reviewer of the project, else E611 saying how to grant it."""
    name = name.strip()
    if not name:
        raise WidgetError("E612")
    found = next((a for a in store.annotators() if a["name"] == name), None)
    if found is None:
        raise WidgetError("E611", name=name, detail="not registered")
    if found["role"] != ROLE:
        raise WidgetError("E611", name=name, detail=f"role {found['role']!r}")
    return name


def people_of(store: Store, annotators: Sequence[str] | None) -> list[str]:
    """The annotators whose work is merged: the given ones (checked) or every person."""
    humans = [str(a["name"]) for a in store.annotators() if a["kind"] == "human"]
    if annotators is None:
        return humans
    names = list(dict.fromkeys(str(n) for n in annotators))
    known = ", ".join(humans) or "(nobody yet)"
    unknown = [n for n in names if n not in humans]
    if unknown:
        detail = f"no person of this project is called {', '.join(map(repr, unknown))}"
        raise WidgetError("E613", given=names, detail=detail, known=known)
    if len(names) < 2:
        raise WidgetError("E613", given=names, detail="adjudication needs two or more", known=known)
    return names


class ReviewSession:
    """A reviewer's place in a project and the decisions they can make there."""

    def __init__(
        self,
        store: Store,
        *,
        reviewer: str | None,
        annotators: Sequence[str] | None = None,
        doc_id: str | None = None,
        all_documents: bool = False,
    ) -> None:
        self.store = store
        titles = store.document_titles()
        if not titles:
            raise WidgetError("E607", url=repr(store))
        self._order = [d for d, _ in titles]
        self._titles = {d: short_title(title) for d, title in titles}
        self.people = people_of(store, annotators)
        self.all_documents = all_documents
        self.reviewer = check_reviewer(store, reviewer) if reviewer else None
        if doc_id is not None:
            store.document(doc_id)  # E101 for an unknown id, before anything else happens
        self._workers: dict[str, list[str]] = {}
        self.doc_ids = self._reviewable(extra=doc_id)
        if not self.doc_ids:
            raise WidgetError(
                "E614", url=repr(store), annotators=", ".join(self.people) or "(nobody)"
            )
        self.units: dict[str, Unit] = {}
        self.notice: str | None = None
        self._open(doc_id or self._start_doc())

    # --- which documents, which annotators ---------------------------------------------------
    def _reviewable(self, *, extra: str | None = None) -> list[str]:
        """Documents with work from two or more of the people (all with ``all_documents``).

        An annotator worked on a document they marked done or flagged, or have spans on (on its
        current text) without having skipped it, as the agreement figures count them.
        """
        hashes = self.store.document_hashes()
        wanted = set(self.people)
        statuses = {
            (s.doc_id, s.annotator): s.status
            for s in self.store.statuses()
            if s.annotator in wanted
        }
        found: dict[str, set[str]] = {}
        for (doc_id, name), status in statuses.items():
            if status in WORKED:
                found.setdefault(doc_id, set()).add(name)
        for span in self.store.spans(annotator=self.people):
            skipped = statuses.get((span.doc_id, span.annotator)) == "skipped"
            if span.doc_sha256 == hashes.get(span.doc_id) and not skipped:
                found.setdefault(span.doc_id, set()).add(span.annotator)
        self._workers = {d: [p for p in self.people if p in names] for d, names in found.items()}
        return [
            d
            for d in self._order
            if self.all_documents or d == extra or len(self._workers.get(d, [])) >= 2
        ]

    def _start_doc(self) -> str:
        """Where the reviewer left off; else the first document whose gold is not done."""
        if self.reviewer:
            last = self.store.get_setting(POSITION_KEY.format(reviewer=self.reviewer))
            if last in self.doc_ids:
                return str(last)
        done = self._gold_done()
        return next((d for d in self.doc_ids if d not in done), self.doc_ids[0])

    def _gold_done(self) -> set[str]:
        return {s.doc_id for s in self.store.statuses(annotator=GOLD) if s.status == "done"}

    # --- where the reviewer is ---------------------------------------------------------------
    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    def _open(self, doc_id: str) -> None:
        self.document: Document = self.store.document(doc_id)
        self.tokens = Tokens.of(self.document.text)
        self.here = list(self._workers.get(doc_id, []))
        self.notice = None
        if self.reviewer:
            self.store.set_setting(POSITION_KEY.format(reviewer=self.reviewer), doc_id)
        self._accept_agreements()
        self._merge()

    def _accept_agreements(self) -> None:
        """Write the document's agreements into gold, unless its gold is already done."""
        if not self.reviewer or len(self.here) < 2 or self.doc_id in self._gold_done():
            return
        try:
            auto_accept_agreements(
                self.store, self.doc_id, reviewer=self.reviewer, annotators=self.here
            )
        except AnnotateError as exc:
            # The document must still open: the reviewer sees why and decides by hand.
            self.notice = f"Agreements were not all accepted automatically: {exc}"

    def _merge(self) -> None:
        units = merge(self.store, self.doc_id, self.here) if len(self.here) >= 2 else []
        self.units = {u.unit_id: u for u in units if u.kind == "disagreement"}

    def set_reviewer(self, name: str) -> None:
        """The name typed into the page, once (see :meth:`Session.set_annotator`)."""
        if self.reviewer:
            raise WidgetError(
                "E625", widget="review widget", current=self.reviewer,
                call="reviewer.switch_reviewer('NAME')",
            )
        self.switch_reviewer(name)

    def switch_reviewer(self, name: str) -> None:
        """Review as ``name`` from now on: the notebook's explicit, Python-side switch."""
        self.reviewer = check_reviewer(self.store, name)
        self._open(self.doc_id)

    # --- views: plain JSON for the browser ---------------------------------------------------
    def document_view(self) -> dict[str, Any]:
        return document_json(
            self.document,
            index=self.doc_ids.index(self.doc_id) if self.doc_id in self.doc_ids else 0,
            count=len(self.doc_ids),
            tokens=self.tokens,
        )

    def _gold(self) -> list[SpanRecord]:
        sha = self.document.text_sha256
        return [
            s for s in self.store.spans(doc_id=self.doc_id, annotator=GOLD) if s.doc_sha256 == sha
        ]

    def views(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(spans to draw, disagreement units) for the page, from one read of gold."""
        gold = self._gold()
        decided = decisions(self.store, self.doc_id)
        keys = {name: i + 1 for i, name in enumerate(self.here)}
        spans = [_gold_json(s) for s in gold]
        units: list[dict[str, Any]] = []
        for unit in self.units.values():
            decision = decided.get(unit.unit_id)
            units.append(_unit_json(unit, decision, keys))
            if decision is None:
                spans += [_version_json(unit, v, keys) for v in unit.versions]
        spans.sort(key=lambda v: (v["start"], -v["end"], v["layer"], v["status"]))
        units.sort(key=lambda u: (u["start"], u["end"], u["layer"]))
        return spans, units

    def relations_view(self) -> list[dict[str, Any]]:
        return [
            {"id": r.relation_id, "type": r.type, "head": r.head_span_id, "tail": r.tail_span_id}
            for r in self.store.relations(doc_id=self.doc_id, annotator=GOLD)
        ]

    def state_view(self, units: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        if units is None:
            units = self.views()[1]
        statuses = {s.doc_id: s for s in self.store.statuses(annotator=GOLD)}
        mine = statuses.get(self.doc_id)
        adjudicated = sum(
            1 for d in self.doc_ids if (s := statuses.get(d)) is not None and s.status == "done"
        )
        can_undo = (
            self.store.can_undo(self.doc_id, annotator=GOLD, actor=self.reviewer)[0]
            if self.reviewer
            else False
        )
        note = None
        if len(self.here) < 2:
            note = "[E620] " + Errors.E620.format(
                doc_id=self.doc_id, count=len(self.here), annotators=", ".join(self.here) or "-"
            )
        return {
            "reviewer": self.reviewer or "",
            "annotators": [{"name": n, "key": i + 1} for i, n in enumerate(self.here)],
            "status": mine.status if mine else None,
            "progress": {
                "open": sum(1 for u in units if u["state"] == "open"),
                "disagreements": len(units),
                "adjudicated": adjudicated,
                "documents": len(self.doc_ids),
            },
            "can_undo": can_undo,
            "notice": self.notice,
            "note": note,
        }

    def docs_view(self) -> list[dict[str, Any]]:
        statuses = {s.doc_id: s.status for s in self.store.statuses(annotator=GOLD)}
        return [
            {
                "doc_id": d,
                "title": self._titles[d],
                "status": statuses.get(d),
                "annotators": len(self._workers.get(d, [])),
            }
            for d in self.doc_ids
        ]

    # --- decisions ---------------------------------------------------------------------------
    def pick(self, unit_id: str, number: int, *, seen: str | None = None) -> dict[str, Any]:
        """Take annotator ``number``'s version(s) of the unit (nothing, if they marked none).

        ``seen`` is the id of the decision the page showed for the unit (``None``: open): a
        decision another reviewer made since is not overwritten (E140 names them)."""
        unit = self._unit(unit_id)
        return self._decide(unit, Pick(self._annotator(number)), seen=seen)

    def reject(self, unit_id: str, *, seen: str | None = None) -> dict[str, Any]:
        return self._decide(self._unit(unit_id), Reject(), seen=seen)

    def edit(
        self,
        unit_id: str,
        *,
        label: str,
        start: int,
        end: int,
        base: int | None = None,
        seen: str | None = None,
    ) -> dict[str, Any]:
        """Write the reviewer's own span for the unit, with the attributes of version ``base``
        (an annotator's number) or of a version with the same label and offsets."""
        self._who()
        unit = self._unit(unit_id)
        snapped = self.tokens.snap(start, end)
        if snapped is None:
            raise WidgetError("E603", start=start, end=end, doc_id=self.doc_id)
        start, end = snapped
        self.store.scheme.check_label(unit.layer, label)
        source: Version | None = None
        if base is not None:
            name = self._annotator(base)
            source = next((v for v in unit.versions if name in v.annotators), None)
        same = next(
            (v for v in unit.versions if (v.label, v.start, v.end) == (label, start, end)), None
        )
        model = same or source
        attrs = dict(model.attrs) if model is not None else {}
        return self._decide(unit, Edit(label=label, start=start, end=end, attrs=attrs), seen=seen)

    def _decide(self, unit: Unit, choice: Choice, *, seen: str | None) -> dict[str, Any]:
        """One decision, one store action: it is saved whole, or refused leaving gold as it
        was (an earlier decision of the unit included)."""
        written = resolve(self.store, self.doc_id, unit, choice, reviewer=self._who(), seen=seen)
        return {"unit_id": unit.unit_id, "span_ids": [s.span_id for s in written]}

    def undo(self) -> dict[str, Any]:
        """Take back the reviewer's own last change to this gold document: a decision (and
        everything it wrote) or a status. Other reviewers' decisions are theirs to undo."""
        who = self._who()
        before = {d.decision_id: d for d in self.store.adjudications(doc_id=self.doc_id)}
        try:
            event = self.store.undo(self.doc_id, annotator=GOLD, actor=who)
        except StoreError as exc:
            if exc.code == "E111":
                raise WidgetError("E618", doc_id=self.doc_id) from exc
            if exc.code in ("E113", "E141"):
                raise WidgetError("E619", doc_id=self.doc_id, detail=_detail(exc)) from exc
            raise
        after = {d.decision_id for d in self.store.adjudications(doc_id=self.doc_id)}
        gone = [d for key, d in before.items() if key not in after]
        what = gone[0].decision if gone else "status"
        return {"undid": what, "unit_id": gone[0].unit_id if gone else None,
                "event": event.undoes}

    def set_status(self, status: str | None) -> dict[str, Any]:
        """Mark the gold document done (every disagreement decided) or reopen it."""
        who = self._who()
        if status == "done":
            still_open = sum(1 for u in self.views()[1] if u["state"] == "open")
            if still_open:
                raise WidgetError("E617", doc_id=self.doc_id, count=still_open)
        saved = self.store.set_status(self.doc_id, status, annotator=GOLD, actor=who)
        return {"status": saved.status}

    # --- navigation --------------------------------------------------------------------------
    def goto(self, to: str) -> dict[str, Any]:
        """``next``, ``previous``, ``open`` (the next document whose gold is not done) or an id."""
        here = self.doc_ids.index(self.doc_id) if self.doc_id in self.doc_ids else -1
        if to == "next":
            target = self.doc_ids[min(here + 1, len(self.doc_ids) - 1)]
        elif to == "previous":
            target = self.doc_ids[max(here - 1, 0)]
        elif to == "open":
            done = self._gold_done()
            order = self.doc_ids[here + 1 :] + self.doc_ids[: here + 1]
            target = next((d for d in order if d not in done), self.doc_id)
        else:
            self.store.document(to)  # E101 for an unknown id
            target = to
            if to not in self.doc_ids:
                self.doc_ids = self._reviewable(extra=to)
        moved = target != self.doc_id
        if moved:
            self._open(target)
        return {"doc_id": target, "moved": moved}

    # --- checks ------------------------------------------------------------------------------
    def _who(self) -> str:
        if not self.reviewer:
            raise WidgetError("E612")
        return self.reviewer

    def _unit(self, unit_id: str) -> Unit:
        # Merged again: an annotator may have changed their work since the page was drawn, and
        # a decision must be made on what they hold now.
        self._merge()
        unit = self.units.get(unit_id)
        if unit is None:
            raise WidgetError("E615", unit_id=unit_id, doc_id=self.doc_id)
        return unit

    def _annotator(self, number: int) -> str:
        if not 1 <= number <= len(self.here):
            listed = ", ".join(f"{i + 1} {n}" for i, n in enumerate(self.here)) or "(none)"
            raise WidgetError("E616", number=number, doc_id=self.doc_id, annotators=listed)
        return self.here[number - 1]


# --- helpers ------------------------------------------------------------------------------------


def _note(span: SpanRecord) -> dict[str, Any]:
    note = span.attrs.get(META_KEY)
    return note if isinstance(note, dict) else {}


def _shown_attrs(attrs: Any) -> dict[str, Any]:
    """Attributes worth showing: not the machine's (``_adjudication``, reasons, scores)."""
    return {k: v for k, v in dict(attrs).items() if not k.startswith("_")}


def _gold_json(span: SpanRecord) -> dict[str, Any]:
    note = _note(span)
    decision = note.get("decision")
    return {
        "id": span.span_id,
        "layer": span.layer,
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "status": "agreed" if decision == "agreed" else "gold",
        "annotators": [str(n) for n in note.get("from", [])],
        "unit": note.get("unit"),
        "decision": decision,
        "by": note.get("by"),
        "chosen": note.get("chosen"),
        "attrs": _shown_attrs(span.attrs),
        "keys": [],
        "fragments": span.fragments,
    }


def _version_json(unit: Unit, version: Version, keys: dict[str, int]) -> dict[str, Any]:
    return {
        # The first annotator's span stands for the version: it is what the page points at.
        "id": version.span_ids[0],
        "layer": unit.layer,
        "label": version.label,
        "start": version.start,
        "end": version.end,
        "text": _slice(unit, version),
        "status": "disputed",
        "annotators": list(version.annotators),
        "unit": unit.unit_id,
        "decision": None,
        "by": None,
        "chosen": None,
        "attrs": _shown_attrs(version.attrs),
        "keys": [keys[n] for n in version.annotators if n in keys],
    }


def _slice(unit: Unit, version: Version) -> str:
    return unit.text[version.start - unit.start : version.end - unit.start]


def _detail(exc: StoreError) -> str:
    """Who changed gold after the reviewer's last decision, from the store's refusal."""
    fields = exc.fields
    if "who" in fields:
        return f"{fields['action']} by {fields['who']} at {fields['at']}"
    return str(fields.get("detail", "its changes were undone already"))


def _unit_json(
    unit: Unit, decision: DecisionRecord | None, keys: dict[str, int]
) -> dict[str, Any]:
    versions = [
        {
            "label": v.label,
            "start": v.start,
            "end": v.end,
            "text": _slice(unit, v),
            "attrs": _shown_attrs(v.attrs),
            "annotators": list(v.annotators),
            "keys": [keys[n] for n in v.annotators if n in keys],
            "span_id": v.span_ids[0],
        }
        for v in unit.versions
    ]
    state = "open" if decision is None else decision.decision
    return {
        "unit_id": unit.unit_id,
        "layer": unit.layer,
        "start": unit.start,
        "end": unit.end,
        "text": clip(unit.text, 300),
        "reason": unit.reason,
        "missing": list(unit.missing),
        "state": state,
        "chosen": decision.chosen if decision else None,
        "by": decision.reviewer if decision else None,
        "decision_id": decision.decision_id if decision else None,
        "gold": list(decision.span_ids) if decision else [],
        "versions": versions,
    }
