"""The Store's adjudication: reviewers' decisions on units, written whole (see
:mod:`.adjudication` for the transactions).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.names import GOLD
from ..core.records import (
    DecisionRecord,
    SpanRecord,
    UnitDecision,
)
from . import adjudication
from .base import StoreBase


class AdjudicationMethods(StoreBase):
    # --- adjudication ------------------------------------------------------------------------
    def decide(
        self,
        doc_id: str,
        decision: UnitDecision,
        *,
        reviewer: str,
        seen: str | None = None,
        replace: bool = False,
    ) -> DecisionRecord:
        """Write a reviewer's decision on one unit into gold: one transaction, one event.

        A unit has one decision at most. Deciding it again replaces the decision if it is the
        reviewer's own, if ``seen`` is the id of the decision the reviewer was shown, or with
        ``replace``; a decision someone else made meanwhile is refused naming them (E140).
        """
        return self._action(
            "decide",
            annotator=GOLD,
            actor=reviewer,
            doc_id=doc_id,
            body=lambda log: adjudication.decide(
                log, self.scheme, doc_id=doc_id, decision=decision, reviewer=reviewer,
                seen=seen, replace=replace,
            ),
        )

    def accept_agreements(
        self, doc_id: str, agreements: Sequence[UnitDecision], *, reviewer: str
    ) -> list[SpanRecord]:
        """Write the agreements not yet in gold, and the links every annotator drew between
        agreed spans, in one transaction; return the gold spans written (none when they are
        all there already, as when two reviewers open the document at once)."""
        rows = self._action(
            "accept_agreements",
            annotator=GOLD,
            actor=reviewer,
            doc_id=doc_id,
            body=lambda log: adjudication.accept_agreements(
                log, self.scheme, doc_id=doc_id, agreements=agreements, reviewer=reviewer
            ),
        )
        return [SpanRecord(**row) for row in rows]

    def adjudications(self, *, doc_id: str | None = None) -> list[DecisionRecord]:
        """Every decision on the document (or project), with the gold spans each wrote."""
        return self.read(lambda connection: adjudication.decision_rows(connection, doc_id))
