"""What the agreement report is built from: its tables' columns, and the annotators' spans
and statuses laid out once for every figure (:class:`AgreementData`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .pairs import SpanArrays

if TYPE_CHECKING:
    import pandas as pd

NONE_LABEL = "(none)"


STATUSES = ("done", "skipped", "flagged")


METRICS = [f"{mode}_{m}" for mode in ("strict", "overlap") for m in ("tp", "p", "r", "f")]


PAIR_KEYS = ["pair", "annotator_a", "annotator_b", "layer"]


PAIRWISE_COLUMNS = [*PAIR_KEYS, "n_docs", "n_a", "n_b", *METRICS]


PER_LABEL_COLUMNS = [*PAIR_KEYS, "label", "n_docs", "n_a", "n_b", *METRICS]


CHANCE_COLUMNS = [
    "layer", "coefficient", "scope", "pair", "annotator_a", "annotator_b", "label", "value",
    "n_units", "n_docs", "n_coders",
]  # fmt: skip


ATTRIBUTION_COLUMNS = [
    "pair", "annotator_a", "annotator_b", "layer", "attribute", "n_a", "n_b", "n_matched",
    "n_same", "agreement", "kappa", "measured", "note",
]  # fmt: skip


DOCUMENT_COLUMNS = [
    "pair", "annotator_a", "annotator_b", "n_docs", "n_same", "agreement", "kappa", "alpha",
    *(f"{side}_{status}" for side in "ab" for status in STATUSES),
]  # fmt: skip


CONFUSION_COLUMNS = [*PAIR_KEYS, "label_a", "label_b", "count"]


DISAGREEMENT_COLUMNS = [
    "rank", "doc_id", "title", "annotators", "statuses", "status_agree", "n_units",
    "n_disagreements", "disagreement_rate", "by_layer",
]  # fmt: skip


SPAN_COLUMNS = [
    "doc_rank", "doc_id", "layer", "start", "end", "text", "reason", "choices", "n_versions",
    "unit_id",
]  # fmt: skip


SUMMARY_COLUMNS = [
    "layer", "n_docs", "n_spans", "strict_f", "overlap_f", "alpha_tokens", "alpha_u",
    "alpha_labelled", "kappa_labelled", "fleiss_labelled",
]  # fmt: skip


# The cross-layer figure: one label per token across source, cue and quote content.
ATTRIBUTION_LAYER = "attribution"


ATTRIBUTION_PARTS = {"quote": "content", "cue": "cue", "source": "source"}


class Mark(NamedTuple):
    """A span as :func:`.units.group_units` reads it."""

    span_id: str
    annotator: str
    label: str
    start: int
    end: int
    attrs: Mapping[str, Any]


@dataclass(slots=True)
class AgreementData:
    annotators: list[str]
    layers: list[str]
    doc_ids: list[str]  # document code -> id
    texts: list[str | None]  # document code -> text, None where the table lacks it
    titles: list[str]
    annotated: npt.NDArray[np.bool_]  # annotators × documents
    arrays: dict[str, dict[str, SpanArrays]]  # layer -> annotator -> spans on annotated docs
    attrs: dict[str, Mapping[str, Any]]  # span id -> attributes, where there are any
    defaults: dict[str, dict[str, Any]]  # layer -> attribute defaults of the scheme
    status: dict[tuple[str, str], str | None]
    quotes: pd.DataFrame | None
    claims: pd.DataFrame | None
    notes: list[str]

    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.annotators, 2))

    def row(self, name: str) -> npt.NDArray[np.bool_]:
        row: npt.NDArray[np.bool_] = self.annotated[self.annotators.index(name)]
        return row

    def shared(self, a: str, b: str) -> npt.NDArray[np.bool_]:
        """Documents both annotated, as a mask over document codes."""
        return self.row(a) & self.row(b)

    def documents_of(self, name: str) -> set[str]:
        return {self.doc_ids[code] for code in np.flatnonzero(self.row(name)).tolist()}
