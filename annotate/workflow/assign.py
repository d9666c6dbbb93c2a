"""Who annotates which document: a share of the corpus seen by several people, the rest once.

Agreement can only be measured on documents that several annotators see, and doing every
document twice halves the corpus. The usual design (e.g. 2 of 4 annotators for 20% of the
corpus, everyone else once) is the project setting ``"assignment"``; each annotator's queue
follows it.

The choice for a document depends only on the seed, the document id and the annotators, never on
the other documents, so adding documents never moves work that is already assigned: whether a
document is shared is a hash of its id, and who sees it is rendezvous hashing (the annotators
with the highest hash of document and name). Loads are therefore balanced in expectation, not
exactly: each annotator gets ``(1 - f) / n + f * k / n`` of the corpus (``f`` the overlap
fraction, ``k`` annotators per shared document, ``n`` annotators), within binomial noise (about
±3% of the load for 2,000 documents). Adding an annotator moves only the documents the newcomer
now ranks first for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import AnnotateError

if TYPE_CHECKING:
    from ..store import Store

SETTING = "assignment"
_SCALE = float(1 << 64)


@dataclass(frozen=True, slots=True)
class Assignment:
    """The overlap design: ``per_doc`` of ``annotators`` see ``overlap_fraction`` of documents."""

    annotators: tuple[str, ...]
    overlap_fraction: float
    per_doc: int
    seed: int = 0

    def __post_init__(self) -> None:
        _check(self.annotators, self.overlap_fraction, self.per_doc, self.seed)

    def to_json(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "overlap_fraction": self.overlap_fraction,
            "per_doc": self.per_doc,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Assignment:
        return cls(
            annotators=tuple(data["annotators"]),
            overlap_fraction=float(data["overlap_fraction"]),
            per_doc=int(data["per_doc"]),
            seed=int(data.get("seed", 0)),
        )

    def annotators_for(self, doc_id: str) -> tuple[str, ...]:
        """The annotators who see ``doc_id``, highest rank first."""
        shared = _unit(self.seed, "overlap", doc_id) < self.overlap_fraction
        k = self.per_doc if shared else 1
        ranked = sorted(self.annotators, key=lambda name: (-_hash(self.seed, doc_id, name), name))
        return tuple(ranked[:k])

    def queues(self, doc_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each annotator's documents, in the order of ``doc_ids``."""
        result: dict[str, list[str]] = {name: [] for name in self.annotators}
        for doc_id in doc_ids:
            for name in self.annotators_for(doc_id):
                result[name].append(doc_id)
        return result


def assign(
    doc_ids: Iterable[str],
    annotators: Sequence[str],
    *,
    overlap_fraction: float,
    per_doc: int,
    seed: int = 0,
) -> dict[str, list[str]]:
    """``{annotator: [doc_id, ...]}``: ``per_doc`` annotators for ``overlap_fraction`` of the
    documents, one for the others; each list keeps the order of ``doc_ids``.

    >>> queues = assign(["d1", "d2", "d3"], ["ann", "bob"], overlap_fraction=1.0, per_doc=2)
    >>> queues["ann"] == queues["bob"] == ["d1", "d2", "d3"]
    True
    """
    design = Assignment(tuple(annotators), overlap_fraction, per_doc, seed)
    return design.queues(doc_ids)


def _check(annotators: tuple[str, ...], fraction: float, per_doc: int, seed: int) -> None:
    if not annotators or any(not isinstance(a, str) or not a for a in annotators):
        raise AnnotateError(
            "E415", option="annotators", expected="a list of names", value=list(annotators)
        )
    if len(set(annotators)) != len(annotators):
        raise AnnotateError(
            "E415", option="annotators", expected="names without repeats", value=list(annotators)
        )
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)):
        raise AnnotateError("E415", option="overlap_fraction", expected="a number", value=fraction)
    if not 0.0 <= fraction <= 1.0:
        raise AnnotateError(
            "E415", option="overlap_fraction", expected="between 0 and 1", value=fraction
        )
    if isinstance(per_doc, bool) or not isinstance(per_doc, int):
        raise AnnotateError("E415", option="per_doc", expected="a whole number", value=per_doc)
    if not 1 <= per_doc <= len(annotators):
        raise AnnotateError(
            "E415",
            option="per_doc",
            expected=f"between 1 and the number of annotators ({len(annotators)})",
            value=per_doc,
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise AnnotateError("E415", option="seed", expected="a whole number", value=seed)


def _hash(seed: int, *parts: str) -> int:
    # blake2b is stable across processes and platforms, unlike hash(), which is salted.
    key = "\x1f".join((str(seed), *parts)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def _unit(seed: int, *parts: str) -> float:
    """A number in [0, 1) fixed by the parts."""
    return _hash(seed, *parts) / _SCALE


# --- the project setting ---------------------------------------------------------------------


def set_assignment(
    store: Store,
    *,
    annotators: Sequence[str],
    overlap_fraction: float,
    per_doc: int,
    seed: int = 0,
) -> Assignment:
    """Save the overlap design as the project's ``"assignment"`` setting and return it."""
    design = Assignment(tuple(annotators), overlap_fraction, per_doc, seed)
    store.set_setting(SETTING, design.to_json())
    return design


def get_assignment(store: Store) -> Assignment | None:
    """The project's overlap design, ``None`` when there is none (everyone sees everything)."""
    data = store.get_setting(SETTING)
    if not data:
        return None
    return Assignment.from_json(data)


def clear_assignment(store: Store) -> None:
    """Remove the design: every annotator's queue is the whole corpus again."""
    store.set_setting(SETTING, {})


def queue(store: Store, annotator: str) -> list[str]:
    """The documents ``annotator`` should annotate, in the project's queue order (corpus
    order, or least sure first: :func:`set_queue_order`).

    Every document when the project has no assignment; an annotator not named in the assignment
    is refused (E414) rather than silently given everything, which would break the design.
    """
    design = get_assignment(store)
    doc_ids = store.doc_ids()
    if design is None:
        return order_documents(store, doc_ids)
    if annotator not in design.annotators:
        raise AnnotateError(
            "E414", annotator=annotator, known=", ".join(design.annotators) or "(none)"
        )
    mine = [doc_id for doc_id in doc_ids if annotator in design.annotators_for(doc_id)]
    return order_documents(store, mine)


def queues(store: Store) -> dict[str, list[str]]:
    """Every assigned annotator's queue; ``{}`` when the project has no assignment."""
    design = get_assignment(store)
    return {} if design is None else design.queues(store.doc_ids())


# --- queue order -------------------------------------------------------------------------------

ORDER_SETTING = "queue_order"
ORDERS = ("corpus", "uncertainty")


def set_queue_order(store: Store, order: str = "uncertainty", *, suggester: str | None = None
                    ) -> dict[str, Any]:
    """Order every annotator's queue: ``"uncertainty"`` puts the documents a trained
    suggester was least sure about first (``suggester``: its model annotator, default the one
    most recently run that measured uncertainty: ``annotate suggest --model runs/NAME``);
    ``"corpus"`` is the order documents were added. Which documents each annotator gets does
    not change, only their order."""
    if order not in ORDERS:
        raise AnnotateError("E228", order=order)
    if order == "corpus":
        store.set_setting(ORDER_SETTING, {})
        return {}
    if suggester is None:
        suggester = next(iter(store.unsure_suggesters()), None)
    if suggester is None or not store.uncertainties(suggester):
        raise AnnotateError("E227", suggester=suggester or "(no trained suggester)")
    setting = {"order": order, "suggester": suggester}
    store.set_setting(ORDER_SETTING, setting)
    return setting


def get_queue_order(store: Store) -> dict[str, Any]:
    """The project's queue order setting (``{}``: corpus order)."""
    value = store.get_setting(ORDER_SETTING)
    return dict(value) if value else {}


def order_documents(store: Store, doc_ids: list[str]) -> list[str]:
    """``doc_ids`` in the project's queue order: by uncertainty, highest first, then the
    documents without one (added or changed since the suggester ran) in corpus order."""
    setting = get_queue_order(store)
    if setting.get("order") != "uncertainty":
        return doc_ids
    scores = store.uncertainties(str(setting.get("suggester")))
    position = {doc_id: n for n, doc_id in enumerate(doc_ids)}
    return sorted(
        doc_ids,
        key=lambda d: (d not in scores, -scores.get(d, 0.0), position[d]),
    )
