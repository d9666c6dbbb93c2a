"""Scores of quotes and claims against gold: content, source, cue and speaker on matched
quotes (like with like), quote type, claim type and attributes, and the joint figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .attribution import (
    CLAIM_ATTRIBUTES,
    QUOTE_ATTRIBUTES,
    compare_matched,
    is_missing,
    match_rows,
    same_attribution,
)
from .chance import token_offsets
from .matching import prf

if TYPE_CHECKING:
    import pandas as pd


def _f(tp: int, fp: int, fn: int) -> dict[str, Any]:
    if tp + fp + fn == 0:
        return {"p": None, "r": None, "f": None, "tp": 0, "fp": 0, "fn": 0}
    p, r, f = prf(tp, fp, fn)
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}


def _hits(n_gold: int, n_pred: int, hits: int) -> dict[str, Any]:
    return _f(hits, n_pred - hits, n_gold - hits)


def quote_scores(
    gold: pd.DataFrame, pred: pd.DataFrame, texts: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Quote figures of pred against gold (``quotes`` tables of one annotator each).

    ``content_strict``: quotes with the same offsets, any type; ``content_token``: tokens inside
    a quote on both sides; ``source`` and ``cue``: the source and cue spans linked to quotes,
    same offsets; on quotes matched by overlap, the accuracy of ``speaker`` (like with like:
    names where both sides resolved the source, mentions otherwise; ``by_name`` and
    ``by_mention`` count each), ``source_match`` (same source offsets), ``quote_type`` and
    ``cue_match``; ``joint``: a predicted quote is a hit when it overlaps a gold quote
    (one-to-one) with the same speaker, ``joint_strict`` when it has the gold quote's offsets
    too.
    """
    exact = match_rows(gold, pred, mode="exact")
    overlapping = match_rows(gold, pred, mode="overlap")
    matched = compare_matched(gold, pred, overlapping, QUOTE_ATTRIBUTES)
    columns = ("speaker", "source_text")
    gold_side = list(zip(*(gold[c].tolist() for c in columns), strict=True))
    pred_side = list(zip(*(pred[c].tolist() for c in columns), strict=True))
    gold_linked = _linked(gold)
    pred_linked = _linked(pred)

    def same(g: int, p: int) -> tuple[bool, str]:
        linked = (gold_linked[g], pred_linked[p])
        return same_attribution(*gold_side[g], *pred_side[p], linked=linked)

    bases = [same(g, p)[1] for g, p in overlapping]
    speaker = {**matched["speaker"], "by_name": bases.count("names"),
               "by_mention": bases.count("mentions")}  # fmt: skip

    def hits(pairs: Sequence[tuple[int, int]]) -> int:
        return sum(1 for g, p in pairs if same(g, p)[0])

    return {
        "content_strict": _hits(len(gold), len(pred), len(exact)),
        "content_token": _token_f(gold, pred, texts),
        "source": _link_f(gold, pred, "source"),
        "cue": _link_f(gold, pred, "cue"),
        "speaker": speaker,
        "source_match": matched["source"],
        "quote_type": matched["quote_type"],
        "cue_match": matched["cue"],
        "joint": _hits(len(gold), len(pred), hits(overlapping)),
        "joint_strict": _hits(len(gold), len(pred), hits(exact)),
    }


def _linked(quotes: pd.DataFrame) -> list[bool]:
    if "speaker_resolved" not in quotes.columns:
        return [False] * len(quotes)
    return [bool(v) for v in quotes["speaker_resolved"].tolist()]


def claim_scores(gold: pd.DataFrame, pred: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Claim figures: ``overlap`` F1 (any type) and, on claims matched by overlap, accuracy
    and Cohen's kappa of claim type, check-worthiness, hedging and claimant."""
    pairs = match_rows(gold, pred, mode="overlap")
    return {
        "overlap": _hits(len(gold), len(pred), len(pairs)),
        **compare_matched(gold, pred, pairs, CLAIM_ATTRIBUTES),
    }


def _token_f(gold: pd.DataFrame, pred: pd.DataFrame, texts: Mapping[str, str]) -> dict[str, Any]:
    """Tokens inside a quote on both sides (true positives), in pred only, in gold only."""
    import numpy as np

    tp = fp = fn = 0
    sides: list[dict[str, list[tuple[int, int]]]] = [{}, {}]
    for side, frame in zip(sides, (gold, pred), strict=True):
        columns = (frame[c].tolist() for c in ("doc_id", "start", "end"))
        for doc_id, start, end in zip(*columns, strict=True):
            side.setdefault(str(doc_id), []).append((int(start), int(end)))
    for doc_id in sorted(set(sides[0]) | set(sides[1])):
        starts, ends = token_offsets(texts.get(doc_id, ""))
        inside = []
        for side in sides:
            mask = np.zeros(len(starts), dtype=bool)
            for start, end in side.get(doc_id, ()):
                first = np.searchsorted(ends, start, side="right")
                mask[first : np.searchsorted(starts, end, side="left")] = True
            inside.append(mask)
        tp += int((inside[0] & inside[1]).sum())
        fn += int((inside[0] & ~inside[1]).sum())
        fp += int((~inside[0] & inside[1]).sum())
    return _f(tp, fp, fn)


def _link_f(gold: pd.DataFrame, pred: pd.DataFrame, prefix: str) -> dict[str, Any]:
    """F1 of the ``prefix`` spans (source or cue) linked to quotes, by document and offsets."""

    def linked(frame: pd.DataFrame) -> set[tuple[str, int, int]]:
        columns = (frame[c].tolist() for c in ("doc_id", f"{prefix}_start", f"{prefix}_end"))
        return {
            (d, int(s), int(e))
            for d, s, e in zip(*columns, strict=True)
            if not is_missing(s) and not is_missing(e)
        }

    g, p = linked(gold), linked(pred)
    return _f(len(g & p), len(p - g), len(g - p))
