"""What the annotator does to the open document, one Store call each: spans, suggestions, links,
the document's status (with its undecided suggestions), undo and redo.

A mixin of :class:`~.session.Session`, which holds the place (document, tokens, the spans
shown) these methods act on; each checks what the browser asked for against what the page
shows, so one request is one transaction and one event in the log (and one step of undo).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.scheme import RelationType, Scheme
from ..store import Store
from .page import clip
from .shown import Shown, WidgetError
from .tokens import Tokens

# What marking a document done does with the suggestions still shown on it, unless the
# annotator picks otherwise in the prompt: "accept" (what is shown is accepted, as in
# Prodigy's ner.correct) or "reject".
UNDECIDED_KEY = "widgets.annotator.undecided_on_done"
UNDECIDED = ("accept", "reject")
MAX_TIME_STEP_S = 3600.0  # the browser reports time every few seconds; more is a bug


class SpanActions:
    """The annotator's actions on the open document (see the module's docstring)."""

    if TYPE_CHECKING:  # provided by Session
        store: Store
        scheme: Scheme
        tokens: Tokens
        sha256: str
        _shown: dict[str, Shown]

        @property
        def doc_id(self) -> str: ...

        def spans_view(self) -> list[dict[str, Any]]: ...

        def suggesters(self) -> list[str]: ...

        def _who(self) -> str: ...

        def _span(self, span_id: str) -> Shown: ...

    def undecided_default(self) -> str:
        """The project's choice for suggestions still shown when a document is marked done."""
        value = self.store.get_setting(UNDECIDED_KEY, "accept")
        return value if value in UNDECIDED else "accept"

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
        if not self._shown:
            self.spans_view()
        shown = {s.span_id for s in self._shown.values() if s.suggested and s.layer == layer}
        records = self.store.accept_all(
            self.doc_id,
            annotator=who,
            suggester=suggester,
            layer=layer,
            only=shown,  # not those a span of one's own replaced (see spans_view)
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

    def set_status(
        self, status: str | None, *, comment: str | None = None, undecided: str | None = None
    ) -> dict[str, Any]:
        """Give the open document a status. Marking it done while suggestions are still shown
        needs ``undecided``: "accept" or "reject" them, in the same transaction; without it
        the request is refused (E626, with the counts), so nothing shown is dropped silently."""
        who = self._who()
        shown = [v for v in self.spans_view() if v["status"] == "suggested"]
        if status == "done" and shown:
            if undecided is None:
                per_layer: dict[str, int] = {}
                for view in shown:
                    per_layer[view["layer"]] = per_layer.get(view["layer"], 0) + 1
                detail = ", ".join(f"{n} {layer}" for layer, n in per_layer.items())
                raise WidgetError("E626", doc_id=self.doc_id, count=len(shown), detail=detail)
            if undecided not in UNDECIDED:
                raise WidgetError(
                    "E602", kind="status", field="undecided",
                    detail=f"expected 'accept' or 'reject', got {undecided!r}",
                )
            ids = [v["id"] for v in shown]
            record = self.store.finish_document(
                self.doc_id,
                status,
                annotator=who,
                accept=ids if undecided == "accept" else (),
                reject=ids if undecided == "reject" else (),
                comment=comment or None,
                doc_sha256=self.sha256,
            )
            return {"status": record.status, undecided + "ed": len(ids)}
        record = self.store.set_status(self.doc_id, status, annotator=who, comment=comment or None)
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

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        snapped = self.tokens.snap(start, end)
        if snapped is None:
            raise WidgetError("E603", start=start, end=end, doc_id=self.doc_id)
        return snapped
