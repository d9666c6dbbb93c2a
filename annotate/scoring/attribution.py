"""Who said it and what kind of claim it is: comparing quotes and claims matched across two sides.

Shared by agreement (annotator against annotator) and evaluation (system against gold), so the
two mean the same thing. Quotes and claims are rows of the flattened ``quotes`` and ``claims``
tables; :func:`match_rows` pairs them one-to-one by overlap (their type is an attribute to
compare, not a condition of the match) and :func:`compare_matched` says how often the matched
rows agree on each attribute.

Speakers are compared like with like (:func:`same_attribution`): as resolved names (the entity
a source refers to, see :func:`annotate.formats.flatten.flatten_quotes`) where both sides
resolved the source, else as the mentions as written, so a side that resolved "he" to
"Vladimir Putin" and one that left it "he" agree on the mention rather than disagree on a name
only one of them gave. Names and mentions are normalised by :func:`normalise_name` and matched
leniently by :func:`same_speaker`, so two annotators who linked "he" to different mentions of
the same person agree. The source span itself is compared apart (``source``: same offsets).

An attribute that rests on relations neither side has (no ``said_by``, ``cue`` or
``claimed_by`` relations at all, as in spans imported without them) is not measured: its
agreement is ``None``, with a note saying why, rather than a perfect score of two empty sides.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .pairs import SpanArrays, overlap_pairs

if TYPE_CHECKING:
    import pandas as pd

NONE_LABEL = "(none)"

_POSSESSIVE = re.compile(r"['’]s\b")
_PUNCTUATION = re.compile(r"[^\w\s]")
_DETERMINERS = ("the", "a", "an")


def is_missing(value: Any) -> bool:
    """``None``, NaN, ``pandas.NA`` and the like."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA refuses to be a bool, and it is missing too
        return True


def normalise_name(name: Any) -> str | None:
    """A speaker or claimant name compared case- and punctuation-blind; ``None`` if missing.

    >>> normalise_name("  The Kremlin's ")
    'kremlin'
    """
    if is_missing(name):
        return None
    return _normalise(str(name))


@lru_cache(maxsize=65536)
def _normalise(name: str) -> str | None:
    # Cached: a corpus names the same few hundred speakers thousands of times.
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _PUNCTUATION.sub(" ", _POSSESSIVE.sub("", text))
    words = text.split()
    while len(words) > 1 and words[0] in _DETERMINERS:
        words = words[1:]
    return " ".join(words) or None


def same_speaker(a: Any, b: Any) -> bool:
    """Whether two resolved speaker names name the same speaker.

    Equal after :func:`normalise_name`, or one is the end of the other word for word, so
    "Putin" and "Vladimir Putin" (a later mention resolved to the surname) agree while "Putin"
    and "Modi" do not. Two missing speakers agree (neither side attributed the quote).
    """
    x, y = normalise_name(a), normalise_name(b)
    if x is None or y is None:
        return x is y
    if x == y:
        return True
    short, long = sorted((x.split(), y.split()), key=len)
    return long[len(long) - len(short) :] == short


def is_resolved(speaker: Any, mention: Any, linked: Any = False) -> bool:
    """Whether a side named who speaks: its source refers to an entity (``linked``), or it
    gives a name other than the mention as written ("he" → "Vladimir Putin")."""
    name = normalise_name(speaker)
    if name is None:
        return False
    return (not is_missing(linked) and bool(linked)) or name != normalise_name(mention)


def mark_resolved(quotes: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """``quotes`` with ``speaker_resolved``: whether the speaker is an entity the source
    refers to (the flattened table names the source's entity in ``speaker_span_id``)."""
    entities = set(spans.loc[spans["layer"].astype(str) == "entity", "span_id"].tolist())
    linked = [isinstance(i, str) and i in entities for i in quotes["speaker_span_id"].tolist()]
    return quotes.assign(speaker_resolved=linked)


def same_attribution(
    gold_speaker: Any,
    gold_mention: Any,
    pred_speaker: Any,
    pred_mention: Any,
    *,
    linked: tuple[Any, Any] = (False, False),
) -> tuple[bool, str]:
    """Whether two quotes have the same speaker, compared like with like, and on what basis:
    ``"names"`` where both sides resolved their source (``linked`` says whether each side's
    source refers to an entity), else ``"mentions"`` (the mentions as written; a side without
    a mention falls back to its speaker)."""
    if is_resolved(gold_speaker, gold_mention, linked[0]) and is_resolved(
        pred_speaker, pred_mention, linked[1]
    ):
        return same_speaker(gold_speaker, pred_speaker), "names"
    gold = gold_speaker if is_missing(gold_mention) else gold_mention
    pred = pred_speaker if is_missing(pred_mention) else pred_mention
    return same_speaker(gold, pred), "mentions"


def match_rows(
    gold: pd.DataFrame, pred: pd.DataFrame, *, mode: str = "overlap"
) -> list[tuple[int, int]]:
    """One-to-one pairs of row positions of two quote or claim tables, their types ignored.

    ``overlap`` pairs rows of the same document sharing a character (most pairs, then most
    overlap, as :func:`.matching.match_spans`); ``exact`` rows with the same offsets.
    A row repeating an earlier row's document and offsets is left unpaired, as the matching
    module counts identical spans once.
    """
    gold_spans, pred_spans = _row_spans(gold, pred)
    if mode == "exact":
        first: dict[tuple[int, int, int], int] = {}
        for i, key in enumerate(_keys(gold_spans)):
            first.setdefault(key, i)
        seen: set[tuple[int, int, int]] = set()
        pairs = []
        for j, key in enumerate(_keys(pred_spans)):
            if key in first and key not in seen:
                seen.add(key)
                pairs.append((first[key], j))
        return pairs
    gold_spans, pred_spans = gold_spans.unique(), pred_spans.unique()
    g, p = overlap_pairs(gold_spans, pred_spans)
    matched = zip(gold_spans.ids[g].tolist(), pred_spans.ids[p].tolist(), strict=True)
    return sorted((int(a), int(b)) for a, b in matched)


def _keys(spans: SpanArrays) -> list[tuple[int, int, int]]:
    columns = (spans.doc.tolist(), spans.start.tolist(), spans.end.tolist())
    return list(zip(*columns, strict=True))


def _row_spans(gold: pd.DataFrame, pred: pd.DataFrame) -> tuple[SpanArrays, SpanArrays]:
    """Both tables' rows as spans of one label; ``ids`` are the row numbers."""
    import pandas as pd

    docs = pd.Index(pd.concat([gold["doc_id"], pred["doc_id"]]).unique())

    def spans(frame: pd.DataFrame) -> SpanArrays:
        n = len(frame)
        return SpanArrays(
            docs.get_indexer(pd.Index(frame["doc_id"])).astype(np.int64),
            np.zeros(n, dtype=np.int64),
            frame["start"].to_numpy(dtype=np.int64),
            frame["end"].to_numpy(dtype=np.int64),
            np.arange(n).astype(object),
            ("*",),
        )

    return spans(gold), spans(pred)


# A comparison says whether two matched rows agree, and the two values kappa is computed on.
Compare = Callable[[Mapping[str, Any], Mapping[str, Any]], "tuple[bool, Hashable, Hashable]"]


def compare_speaker(column: str) -> Compare:
    """Compare resolved names in ``column`` with :func:`same_speaker`."""

    def compare(g: Mapping[str, Any], p: Mapping[str, Any]) -> tuple[bool, Hashable, Hashable]:
        same = same_speaker(g[column], p[column])
        gold_value = normalise_name(g[column]) or NONE_LABEL
        # A lenient match counts as the same value for kappa too.
        pred_value = gold_value if same else (normalise_name(p[column]) or NONE_LABEL)
        return same, gold_value, pred_value

    return compare


def compare_quote_speaker() -> Compare:
    """Compare quote speakers with :func:`same_attribution` (names where both sides resolved
    the source, mentions otherwise)."""

    def compare(g: Mapping[str, Any], p: Mapping[str, Any]) -> tuple[bool, Hashable, Hashable]:
        linked = (g.get("speaker_resolved", False), p.get("speaker_resolved", False))
        same, basis = same_attribution(
            g["speaker"], g["source_text"], p["speaker"], p["source_text"], linked=linked
        )
        column = "speaker" if basis == "names" else "source_text"
        gold_value = normalise_name(g[column]) or normalise_name(g["speaker"]) or NONE_LABEL
        pred_value = (
            gold_value
            if same
            else (normalise_name(p[column]) or normalise_name(p["speaker"]) or NONE_LABEL)
        )
        return same, gold_value, pred_value

    return compare


def compare_columns(*columns: str) -> Compare:
    """Compare the values of ``columns`` exactly (two missing values agree)."""

    def compare(g: Mapping[str, Any], p: Mapping[str, Any]) -> tuple[bool, Hashable, Hashable]:
        gold_value = tuple(None if is_missing(g[c]) else g[c] for c in columns)
        pred_value = tuple(None if is_missing(p[c]) else p[c] for c in columns)
        return gold_value == pred_value, str(gold_value), str(pred_value)

    return compare


QUOTE_ATTRIBUTES: dict[str, Compare] = {
    "speaker": compare_quote_speaker(),
    "source": compare_columns("source_start", "source_end"),
    "cue": compare_columns("cue_start", "cue_end"),
    "quote_type": compare_columns("quote_type"),
}
CLAIM_ATTRIBUTES: dict[str, Compare] = {
    "claim_type": compare_columns("claim_type"),
    "checkworthy": compare_columns("checkworthy"),
    "hedged": compare_columns("hedged"),
    "claimant": compare_speaker("claimant"),
}
# The columns each comparison reads, to skip tables that lack them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "speaker": ("speaker", "source_text", "source_start"),
    "source": ("source_start", "source_end"),
    "cue": ("cue_start", "cue_end"),
    "quote_type": ("quote_type",),
    "claim_type": ("claim_type",),
    "checkworthy": ("checkworthy",),
    "hedged": ("hedged",),
    "claimant": ("claimant", "claimant_span_id"),
}
# Attributes that exist only through a relation: the column that is set when the relation is,
# and the relation's name for the note when no side has any.
RELATION_OF: dict[str, tuple[str, str, str]] = {
    "speaker": ("source_start", "said_by", "links a quote to a source"),
    "source": ("source_start", "said_by", "links a quote to a source"),
    "cue": ("cue_start", "cue", "links a quote to a cue"),
    "claimant": ("claimant_span_id", "claimed_by", "links a claim to a claimant"),
}


def usable(frame: pd.DataFrame | None, attributes: Mapping[str, Compare]) -> bool:
    """Whether ``frame`` has rows and every column the comparisons read."""
    if frame is None or frame.empty:
        return False
    needed = {"doc_id", "start", "end"} | {c for name in attributes for c in COLUMNS[name]}
    return needed <= set(frame.columns)


def compare_matched(
    gold: pd.DataFrame,
    pred: pd.DataFrame,
    pairs: Sequence[tuple[int, int]],
    attributes: Mapping[str, Compare],
    *,
    names: tuple[str, str] = ("gold", "the prediction"),
) -> dict[str, dict[str, Any]]:
    """Agreement on each attribute over matched rows: ``n``, ``same``, ``accuracy``, Cohen's
    ``kappa``, ``measured`` and a ``note``. ``accuracy`` is ``None`` and ``kappa`` NaN when
    nothing was matched, and when the attribute was not measured because neither side has
    the relation it rests on (``names`` name the sides in the note)."""
    needed = {c for name in attributes for c in COLUMNS[name]}
    if "speaker" in attributes and {"speaker_resolved"} <= set(gold.columns) & set(pred.columns):
        needed.add("speaker_resolved")  # from mark_resolved, where the caller had the spans
    gold_rows = _rows(gold, sorted(needed), [g for g, _ in pairs])
    pred_rows = _rows(pred, sorted(needed), [p for _, p in pairs])
    result: dict[str, dict[str, Any]] = {}
    for name, compare in attributes.items():
        measured, note = _measured(name, gold, pred, names)
        if not measured:
            result[name] = {"n": len(pairs), "same": 0, "accuracy": None, "kappa": math.nan,
                            "measured": False, "note": note}  # fmt: skip
            continue
        outcomes = [compare(g, p) for g, p in zip(gold_rows, pred_rows, strict=True)]
        same = sum(1 for ok, _, _ in outcomes if ok)
        kappa = nominal_kappa([a for _, a, _ in outcomes], [b for _, _, b in outcomes])
        result[name] = {
            "n": len(outcomes),
            "same": same,
            "accuracy": same / len(outcomes) if outcomes else None,
            "kappa": kappa,
            "measured": True,
            "note": note,
        }
    return result


def _measured(
    name: str, gold: pd.DataFrame, pred: pd.DataFrame, names: tuple[str, str]
) -> tuple[bool, str | None]:
    """Whether ``name`` can be compared, and a note when a side lacks what it rests on."""
    if name not in RELATION_OF:
        return True, None
    column, relation, what = RELATION_OF[name]
    has = [bool(frame[column].notna().any()) if len(frame) else False for frame in (gold, pred)]
    if not any(has):
        return False, (
            f"not measured: neither {names[0]} nor {names[1]} {what} (no {relation} relations)"
        )
    missing = [side for side, present in zip(names, has, strict=True) if not present]
    if missing:
        return True, f"{missing[0]} has no {relation} relations: all its units count as unlinked"
    return True, None


def nominal_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa of two equally long sequences of values (NaN when it is undefined).

    The same figure as :func:`.reliability.cohen_kappa`, from the two sides' value
    counts: speakers are an open set, and a table of every name against every name would be
    needlessly large.
    """
    n = len(first)
    if n == 0:
        return math.nan
    observed = sum(1 for a, b in zip(first, second, strict=True) if a == b) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(count * counts_b[value] for value, count in counts_a.items()) / (n * n)
    return math.nan if expected == 1 else (observed - expected) / (1 - expected)


def _rows(frame: pd.DataFrame, columns: list[str], positions: list[int]) -> list[dict[str, Any]]:
    values = {column: frame[column].tolist() for column in columns}
    return [{column: values[column][i] for column in columns} for i in positions]
