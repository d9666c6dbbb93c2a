"""Discontinuous spans: a span made of several pieces of text, such as a quote interrupted by
"he said" (brat writes it ``T3 Content 256 377;463 616``).

A span always keeps its outer extent in ``start``/``end``, so everything that reads offsets
alone sees one stretch of text. Its ``fragments`` are the pieces themselves, sorted, none empty,
none overlapping or touching another, the first starting at ``start`` and the last ending at
``end``; a span of one piece has no fragments (``None``), and the data contract then lists the
one piece ``[[start, end]]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Fragments = list[list[int]]


def normalise(pieces: Iterable[Sequence[Any]]) -> Fragments | None:
    """``pieces`` sorted, with pieces that touch merged; ``None`` where one piece is left.

    Raises ValueError (with the reason) for a piece that is not two whole numbers with
    ``start < end``, or for pieces that overlap.
    """
    merged = _merged(pieces)
    return merged if len(merged) > 1 else None


def _merged(pieces: Iterable[Sequence[Any]]) -> Fragments:
    found: list[tuple[int, int]] = []
    for piece in pieces:
        if (
            not isinstance(piece, (list, tuple))
            or len(piece) != 2
            or any(isinstance(x, bool) or not isinstance(x, int) for x in piece)
        ):
            raise ValueError(f"{piece!r} is not a pair of whole numbers [start, end]")
        start, end = piece
        if not start < end:
            raise ValueError(f"the piece [{start}, {end}) is empty or reversed")
        found.append((start, end))
    if not found:
        raise ValueError("a span needs at least one piece")
    found.sort()
    merged: list[list[int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            raise ValueError(f"the pieces [{last[0]}, {last[1]}) and [{start}, {end}) overlap")
        if merged and start == merged[-1][1]:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return merged


def pieces(start: int, end: int, fragments: Fragments | None) -> Fragments:
    """Every piece of a span: its fragments, or the one piece ``[start, end]``."""
    return [list(piece) for piece in fragments] if fragments else [[start, end]]


def problem(start: Any, end: Any, fragments: Any) -> str | None:
    """Why ``fragments`` cannot belong to the span ``[start, end)``, or None."""
    if fragments is None:
        return None
    if not isinstance(fragments, (list, tuple)):
        return f"fragments {fragments!r} are not a list of [start, end] pairs"
    try:
        outer = _merged(fragments)
    except ValueError as exc:
        return f"fragments {list(fragments)!r}: {exc}"
    if outer[0][0] != start or outer[-1][1] != end:
        return (
            f"fragments {list(fragments)!r} do not run from the span's start {start} to its "
            f"end {end}"
        )
    return None


def clip(fragments: Fragments | None, start: int, end: int) -> Fragments | None:
    """The fragments of a span whose extent moved to ``[start, end)``.

    Pieces outside the new extent go, the pieces at its edges are cut or stretched to meet
    it; where nothing of the old pieces lies inside, the span becomes one piece.
    """
    if not fragments:
        return None
    kept = [[max(a, start), min(b, end)] for a, b in fragments if a < end and b > start]
    if not kept:
        return None
    kept[0][0] = start
    kept[-1][1] = end
    return normalise(kept)


def covered_text(text: str, start: int, end: int, fragments: Fragments | None) -> str:
    """The words a span marks: its pieces' text joined by a space (as brat writes it)."""
    return " ".join(text[a:b] for a, b in pieces(start, end, fragments))
