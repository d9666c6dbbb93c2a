"""One annotator working through a project's documents: the Python half of the annotator widget.

Every action method checks what the browser asked for and makes exactly one Store call, so each
action is one transaction and one event in the log (and one step of undo). The ``*_view``
methods build the plain JSON the browser draws; they are re-read after every action, so the page
always shows what the store holds, never an optimistic guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.names import check_person_name
from ..core.records import Document, RelationRecord, SpanRecord
from ..core.scheme import RelationType, Scheme
from ..errors import AnnotateError
from ..store import Store
from ..workflow.assign import order_documents, queue
from ..workflow.carry import PROJECTED, carry_version
from .page import clip, document_json, short_title
from .tokens import Tokens

if TYPE_CHECKING:
    from ..versions import VersionGroup

POSITION_KEY = "widgets.annotator.position:{annotator}"
STATUSES = ("done", "skipped", "flagged")
MAX_TIME_STEP_S = 3600.0  # the browser reports time every few seconds; more is a bug
MAX_VERSIONS = 12  # listed in the versions strip


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
        if store.suggested_docs(model["name"]):
            return str(model["name"])
    return None


class Session:
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
        titles = store.document_titles()
        if not titles:
            raise WidgetError("E607", url=repr(store))
        self._titles = {doc_id: short_title(title) for doc_id, title in titles}
        self.suggester = find_suggester(store, suggester)
        self.annotator = check_person_name(annotator) if annotator else None
        self.doc_ids = self._queue()
        self._shown: dict[str, Shown] = {}
        # doc id -> its group of versions; None until first needed, then kept for the session
        # (finding versions reads the whole corpus once).
        self._groups: dict[str, VersionGroup] | None = None
        self._diffs: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
        self._models: set[str] = set()
        self._choices: list[str] | None = None  # suggesters the page may switch to
        if doc_id is not None:
            store.document(doc_id)  # E101 for an unknown id, before anything else happens
            if doc_id not in self.doc_ids:  # asked for by id: reachable even if not assigned
                self.doc_ids.append(doc_id)
        self._open(doc_id or self._start_doc())

    def _queue(self) -> list[str]:
        """The annotator's documents in the project's queue order (corpus order, or the
        least sure first): the project's assignment if it has one (see
        annotate.workflow.assign), else every document."""
        if not self.annotator:
            return order_documents(self.store, list(self._titles))
        mine = [doc_id for doc_id in queue(self.store, self.annotator) if doc_id in self._titles]
        if not mine:
            raise WidgetError("E621", annotator=self.annotator)
        return mine

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
            if last in self.doc_ids:
                return str(last)
            decided = {s.doc_id for s in self.store.statuses(annotator=self.annotator) if s.status}
            for doc_id in self.doc_ids:
                if doc_id not in decided:
                    return doc_id
        return self.doc_ids[0]

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
        self.store.add_annotator(name)
        self.annotator = name
        self.doc_ids = self._queue()
        self._open(self._start_doc())

    # --- views: plain JSON for the browser ---------------------------------------------------
    def document_view(self) -> dict[str, Any]:
        return document_json(
            self.document,
            index=self.doc_ids.index(self.doc_id),
            count=len(self.doc_ids),
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
        views = [_span_json(s, "accepted") for s in own]
        seen = {(v["layer"], v["label"], v["start"], v["end"]) for v in views}
        for suggester in self.suggesters():
            for record in self.store.open_suggestions(
                self.doc_id, annotator=self.annotator, suggester=suggester
            ):
                view = _span_json(record, "suggested")
                where = (view["layer"], view["label"], view["start"], view["end"])
                if where in seen:
                    continue  # the same span already shown (yours, or another suggester's)
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
        records = self.store.statuses(annotator=self.annotator) if self.annotator else []
        statuses = {r.doc_id: r.status for r in records}
        comment = next((r.comment for r in records if r.doc_id == self.doc_id), None)
        counts = {name: 0 for name in STATUSES}
        for status in statuses.values():
            if status in counts:
                counts[status] += 1
        seconds = self.store.seconds_spent(annotator=self.annotator) if self.annotator else {}
        can_undo, can_redo = (
            self.store.can_undo(self.doc_id, annotator=self.annotator)
            if self.annotator
            else (False, False)
        )
        return {
            "annotator": self.annotator or "",
            "suggester": self.suggester or "",
            "suggesters": self.suggester_choices(),
            "status": statuses.get(self.doc_id),
            "comment": comment,
            "progress": {**counts, "total": len(self.doc_ids)},
            "seconds_doc": round(seconds.get((self.doc_id, self.annotator or ""), 0.0), 1),
            "seconds_total": round(sum(seconds.values()), 1),
            "can_undo": can_undo,
            "can_redo": can_redo,
        }

    def docs_view(self) -> list[dict[str, Any]]:
        """Every document with its title and the annotator's status, for jumping around."""
        records = self.store.statuses(annotator=self.annotator) if self.annotator else []
        statuses = {r.doc_id: r.status for r in records}
        return [
            {"doc_id": d, "title": self._titles[d], "status": statuses.get(d)} for d in self.doc_ids
        ]

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

    # --- versions of the article -------------------------------------------------------------
    def versions_view(self) -> dict[str, Any]:
        """The open document's other versions, once they were looked for (``ready``).

        ``default`` is the version the annotator's work is carried from and compared with when
        they pick none: the one with most of their spans, then the most similar.
        """
        if self._groups is None:
            return {"doc_id": self.doc_id, "ready": False, "items": [], "default": None}
        group = self._groups.get(self.doc_id)
        statuses = (
            {r.doc_id: r.status for r in self.store.statuses(annotator=self.annotator)}
            if self.annotator
            else {}
        )
        others = sorted(
            (
                (group.similarity(self.doc_id, d) or 0.0, d)
                for d in group.doc_ids
                if d != self.doc_id
            )
            if group
            else (),
            key=lambda pair: (-pair[0], pair[1]),
        )[:MAX_VERSIONS]  # a group that large is boilerplate, not versions: the closest will do
        rows: list[tuple[int, float, str]] = []
        for similarity, other in others:
            mine = (
                self.store.spans(doc_id=other, annotator=self.annotator) if self.annotator else []
            )
            rows.append((len(mine), similarity, other))
        rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
        items = [
            {
                "doc_id": other,
                "title": self._titles.get(other, other),
                "similarity": round(similarity, 3),
                "percent": round(similarity * 100),
                "spans": spans,
                "status": statuses.get(other),
            }
            for spans, similarity, other in rows
        ]
        return {
            "doc_id": self.doc_id,
            "ready": True,
            "items": items,
            "default": items[0]["doc_id"] if items else None,
        }

    def load_versions(self) -> dict[str, Any]:
        """Find the project's versions (once per session) and list the open document's."""
        groups = self._version_groups()
        group = groups.get(self.doc_id)
        return {"doc_id": self.doc_id, "count": len(group.doc_ids) - 1 if group else 0}

    def diff(self, other: str | None) -> dict[str, Any]:
        """What differs between a version (``other``) and the open document: segments with
        offsets in both; ``insert`` and ``replace`` ranges of this document are not there."""
        from ..versions import diff_segments

        source = self.store.document(self._version(other))
        key = (source.doc_id, source.text_sha256, self.doc_id, self.sha256)
        if key not in self._diffs:
            self._diffs = {key: diff_segments(source.text, self.document.text)}
        return {"other": source.doc_id, "doc_id": self.doc_id, "segments": self._diffs[key]}

    def project_version(self, source: str | None) -> dict[str, Any]:
        """Carry the annotator's spans (and links) on a version here, as suggestions of
        ``projected:<annotator>``; one store write, so one transaction."""
        who = self._who()
        other = self._version(source)
        if not self.store.spans(doc_id=other, annotator=who):
            raise WidgetError("E624", other=other, doc_id=self.doc_id)
        result = carry_version(self.store, other, self.doc_id, annotator=who)
        self._models.add(str(result["suggester"]))
        left_out = [
            {
                "layer": d.get("layer"),
                "label": d.get("label"),
                "text": clip(str(d.get("text", "")), 80),
                "reason": d.get("reason"),
            }
            for d in result["left_out"]
        ]
        return {
            "source": other,
            "suggester": result["suggester"],
            "already_projected": result["already_projected"],
            "carried": result["carried"],
            "left_out_count": len(left_out),
            "left_out": left_out,
        }

    def _version_groups(self) -> dict[str, VersionGroup]:
        if self._groups is None:
            from ..versions import find_versions

            store = self.store
            texts = ((d.doc_id, d.text) for d in store.iter_documents(store.doc_ids()))
            self._groups = {
                doc_id: group for group in find_versions(texts) for doc_id in group.doc_ids
            }
        return self._groups

    def _version(self, other: str | None) -> str:
        """``other`` if it is a version of the open document, else the default one."""
        group = self._version_groups().get(self.doc_id)
        if group is None:
            raise WidgetError("E622", doc_id=self.doc_id)
        if other is None:
            default = self.versions_view()["default"]
            if not isinstance(default, str):
                raise WidgetError("E622", doc_id=self.doc_id)
            return default
        if other == self.doc_id or other not in group.doc_ids:
            known = ", ".join(repr(d) for d in group.doc_ids if d != self.doc_id)
            raise WidgetError("E623", other=other, doc_id=self.doc_id, known=known)
        return other

    # --- actions: one store call each --------------------------------------------------------
    def add_span(self, *, layer: str, label: str, start: int, end: int) -> dict[str, Any]:
        who = self._who()
        start, end = self._snap(start, end)
        twin = next(
            (
                s
                for s in self._shown.values()
                if s.suggested and s.layer == layer and (s.start, s.end) == (start, end)
            ),
            None,
        )
        if twin is not None:
            # Marking exactly what was suggested is accepting it (with this label): the decision
            # is recorded and the suggestion does not linger beside the new span.
            record = self.store.accept_suggestion(
                twin.span_id,
                annotator=who,
                label=None if label == twin.label else label,
                doc_sha256=self.sha256,
            )
        else:
            record = self.store.add_span(
                annotator=who,
                doc_id=self.doc_id,
                layer=layer,
                label=label,
                start=start,
                end=end,
                doc_sha256=self.sha256,
            )
        return {"span_id": record.span_id}

    def relabel(self, span_id: str, *, label: str) -> dict[str, Any]:
        return self._change(span_id, label=label)

    def resize(self, span_id: str, *, start: int, end: int) -> dict[str, Any]:
        start, end = self._snap(start, end)
        return self._change(span_id, start=start, end=end)

    def set_attrs(self, span_id: str, *, attrs: dict[str, Any]) -> dict[str, Any]:
        return self._change(span_id, attrs=attrs)

    def _change(
        self,
        span_id: str,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        who = self._who()
        span = self._span(span_id)
        # Changing a suggestion is accepting it as changed ("edited" origin).
        change = self.store.accept_suggestion if span.suggested else self.store.update_span
        record = change(
            span_id,
            annotator=who,
            label=label,
            start=start,
            end=end,
            attrs=attrs,
            doc_sha256=self.sha256,
        )
        return {"span_id": record.span_id}

    def accept(self, span_id: str) -> dict[str, Any]:
        who = self._who()
        span = self._span(span_id)
        if not span.suggested:
            return {"span_id": span_id}
        record = self.store.accept_suggestion(span_id, annotator=who, doc_sha256=self.sha256)
        return {"span_id": record.span_id}

    def reject(self, span_id: str) -> dict[str, Any]:
        """Reject a suggestion, or delete one of the annotator's own spans."""
        who = self._who()
        span = self._span(span_id)
        if span.suggested:
            self.store.reject_suggestion(span_id, annotator=who)
        else:
            self.store.delete_span(span_id, annotator=who)
        return {"span_id": span_id}

    def accept_all(self, *, layer: str) -> dict[str, Any]:
        who = self._who()
        self.scheme.layer(layer)  # E104 for an unknown layer
        suggesters = self.suggesters()
        if not suggesters:
            raise WidgetError("E606")
        # One suggester per press, so one press stays one undo step: the model's suggestions
        # first, then (pressed again) those carried from another version.
        suggester = next(
            (
                name
                for name in suggesters
                if self.store.open_suggestions(
                    self.doc_id, annotator=who, suggester=name, layer=layer
                )
            ),
            suggesters[0],
        )
        records = self.store.accept_all(
            self.doc_id,
            annotator=who,
            suggester=suggester,
            layer=layer,
            doc_sha256=self.sha256,
        )
        return {"span_ids": [r.span_id for r in records]}

    def link(self, first: str, second: str, *, type: str | None = None) -> dict[str, Any]:
        """Link two of the annotator's spans; which is head and which tail follows the scheme."""
        who = self._who()
        a, b = self._span(first), self._span(second)
        for span in (a, b):
            if span.suggested:
                raise WidgetError("E604", layer=span.layer, text=clip(span.text))
        relation, head, tail = self._relation_between(a, b, type)
        record = self.store.add_relation(relation.name, head.span_id, tail.span_id, annotator=who)
        return {"relation_id": record.relation_id, "type": record.type}

    def _relation_between(
        self, a: Shown, b: Shown, type: str | None
    ) -> tuple[RelationType, Shown, Shown]:
        if type is not None:
            self.scheme.relation(type)  # E108 for an unknown type
        for relation in self.scheme.relations:
            if type is not None and relation.name != type:
                continue
            if (relation.head, relation.tail) == (a.layer, b.layer):
                return relation, a, b
            if (relation.head, relation.tail) == (b.layer, a.layer):
                return relation, b, a
        allowed = ", ".join(f"{r.head} -{r.name}-> {r.tail}" for r in self.scheme.relations)
        raise WidgetError("E605", first=a.layer, second=b.layer, allowed=allowed or "(nothing)")

    def unlink(self, relation_id: str) -> dict[str, Any]:
        self.store.delete_relation(relation_id, annotator=self._who())
        return {"relation_id": relation_id}

    def set_status(self, status: str | None, *, comment: str | None = None) -> dict[str, Any]:
        record = self.store.set_status(
            self.doc_id, status, annotator=self._who(), comment=comment or None
        )
        return {"status": record.status}

    def undo(self) -> dict[str, Any]:
        event = self.store.undo(self.doc_id, annotator=self._who())
        return {"undid": event.undoes}

    def redo(self) -> dict[str, Any]:
        event = self.store.redo(self.doc_id, annotator=self._who())
        return {"redid": event.undoes}

    def add_time(self, doc_id: str, seconds: float) -> dict[str, Any]:
        total = self.store.add_time(doc_id, min(seconds, MAX_TIME_STEP_S), annotator=self._who())
        return {"seconds": total}

    # --- navigation --------------------------------------------------------------------------
    def goto(self, to: str) -> dict[str, Any]:
        """``next``, ``previous``, ``open`` (the next document without a status) or a doc id."""
        here = self.doc_ids.index(self.doc_id)
        if to == "next":
            target = self.doc_ids[min(here + 1, len(self.doc_ids) - 1)]
        elif to == "previous":
            target = self.doc_ids[max(here - 1, 0)]
        elif to == "open":
            target = self._next_open(here)
        else:
            self.store.document(to)  # E101 for an unknown id
            target = to
        moved = target != self.doc_id
        if moved:
            self._open(target)
        return {"doc_id": target, "moved": moved}

    def _next_open(self, here: int) -> str:
        decided = (
            {s.doc_id for s in self.store.statuses(annotator=self.annotator) if s.status}
            if self.annotator
            else set()
        )
        order = self.doc_ids[here + 1 :] + self.doc_ids[: here + 1]
        return next((d for d in order if d not in decided), self.doc_id)

    # --- checks ------------------------------------------------------------------------------
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

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        snapped = self.tokens.snap(start, end)
        if snapped is None:
            raise WidgetError("E603", start=start, end=end, doc_id=self.doc_id)
        return snapped


# --- helpers ------------------------------------------------------------------------------------


def _span_json(span: SpanRecord, status: str) -> dict[str, Any]:
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
    }


def _relation_json(record: RelationRecord, head: str, tail: str, status: str) -> dict[str, Any]:
    return {
        "id": record.relation_id,
        "type": record.type,
        "head": head,
        "tail": tail,
        "status": status,
    }
