"""The four SemEval-2013 task 9.1 schemes (strict, exact, partial, type) from an alignment,
with the counts behind each figure (see :mod:`.matching` for the alignment itself)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from .matching import COUNTS, SCHEMES, Alignment, SpanSource, align

# What each kind of alignment counts as under each scheme, for a same-label pair (True) or not.
_OUTCOMES: dict[tuple[str, bool], tuple[str, str, str, str]] = {
    #                        strict       exact        partial      type
    ("correct", True): ("correct", "correct", "correct", "correct"),
    ("incorrect", False): ("incorrect", "correct", "correct", "incorrect"),
    ("partial", True): ("incorrect", "incorrect", "partial", "correct"),
    ("partial", False): ("incorrect", "incorrect", "partial", "incorrect"),
    ("missed", False): ("missed", "missed", "missed", "missed"),
    ("spurious", False): ("spurious", "spurious", "spurious", "spurious"),
}



def semeval_scores(gold: SpanSource, pred: SpanSource) -> dict[str, dict[str, Any]]:
    """The four SemEval-2013 schemes for pred against gold; see :func:`semeval_from_alignment`."""
    return semeval_from_alignment(align(gold, pred))


def semeval_from_alignment(units: Iterable[Alignment]) -> dict[str, dict[str, Any]]:
    """Scores of the four SemEval-2013 schemes from an :func:`align` result.

    Returns ``{scheme: {...}}`` for ``strict`` (exact boundaries and label), ``exact`` (exact
    boundaries), ``partial`` (boundaries, half credit for an overlap) and ``type`` (overlap and
    label). Each holds the counts ``correct, incorrect, partial, missed, spurious`` with
    ``possible = COR + INC + PAR + MIS`` and ``actual = COR + INC + PAR + SPU``; micro ``p, r,
    f`` with ``p = (COR + 0.5 PAR) / actual`` and ``r = (COR + 0.5 PAR) / possible`` (PAR is only
    non-zero in ``partial``); ``macro_p, macro_r, macro_f``, the unweighted means over labels;
    and ``per_type``: the counts and ``p, r, f`` per label. A pair counts under its gold label, a
    spurious span under its own. Scores are ``None`` where nothing was scored.
    """
    tally: Counter[tuple[str, str, bool]] = Counter(
        (unit.label, unit.kind, unit.same_label) for unit in units
    )
    per_label: dict[str, dict[str, Counter[str]]] = defaultdict(
        lambda: {scheme: Counter() for scheme in SCHEMES}
    )
    for (label, kind, same), count in tally.items():
        for scheme, outcome in zip(SCHEMES, _OUTCOMES[(kind, same)], strict=True):
            per_label[label][scheme][outcome] += count
    result: dict[str, dict[str, Any]] = {}
    for scheme in SCHEMES:
        per_type = {label: _semeval_block(per_label[label][scheme]) for label in sorted(per_label)}
        total: Counter[str] = Counter()
        for label in per_label:
            total.update(per_label[label][scheme])
        block = _semeval_block(total)
        for metric in "prf":
            values = [scores[metric] for scores in per_type.values() if scores[metric] is not None]
            block[f"macro_{metric}"] = sum(values) / len(values) if values else None
        block["per_type"] = per_type
        result[scheme] = block
    return result


def _semeval_block(counts: Mapping[str, int]) -> dict[str, Any]:
    cor, inc, par, mis, spu = (counts.get(key, 0) for key in COUNTS[:5])
    possible = cor + inc + par + mis
    actual = cor + inc + par + spu
    block: dict[str, Any] = dict(
        zip(COUNTS, (cor, inc, par, mis, spu, possible, actual), strict=True)
    )
    if possible == 0 and actual == 0:
        block.update(p=None, r=None, f=None)
        return block
    credit = cor + 0.5 * par
    p = credit / actual if actual else 0.0
    r = credit / possible if possible else 0.0
    block.update(p=p, r=r, f=2 * ((p * r) / (p + r)) if p + r else 0.0)
    return block
