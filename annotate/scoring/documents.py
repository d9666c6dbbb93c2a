"""Which documents an annotator annotated, and the order layers are reported in: the rules the
agreement report and the evaluation share, so their figures are counted on the same documents.

An annotator annotated a document they marked done or flagged, or that they have spans on and
no status yet (work in progress counts, unless ``finished_only``); a skipped document is not
annotated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FINISHED = ("done", "flagged")
LAYER_ORDER = ("entity", "quote", "source", "cue", "claim")


def annotated_documents(
    spans: pd.DataFrame,
    doc_status: pd.DataFrame | None,
    annotators: Iterable[str],
    *,
    finished_only: bool = False,
) -> dict[str, set[str]]:
    """The documents each annotator annotated (see the module docstring for the rule)."""
    result: dict[str, set[str]] = {name: set() for name in annotators}
    status: dict[tuple[str, str], str | None] = {}
    if doc_status is not None and len(doc_status):
        columns = (doc_status[c].tolist() for c in ("doc_id", "annotator", "status"))
        for doc_id, annotator, value in zip(*columns, strict=True):
            if annotator in result:
                status[(doc_id, annotator)] = value if isinstance(value, str) else None
    for (doc_id, annotator), value in status.items():
        if value in FINISHED:
            result[annotator].add(doc_id)
    if not finished_only:
        pairs = set(zip(spans["doc_id"].tolist(), spans["annotator"].tolist(), strict=True))
        for doc_id, annotator in pairs:
            if annotator in result and status.get((doc_id, annotator)) is None:
                result[annotator].add(doc_id)
    return result


def layer_order(layers: Iterable[str]) -> list[str]:
    """Layers in the default scheme's order, others after them by name."""
    rank = {name: i for i, name in enumerate(LAYER_ORDER)}
    return sorted(set(layers), key=lambda name: (rank.get(name, len(rank)), name))
