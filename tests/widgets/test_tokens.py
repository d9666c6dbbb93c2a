"""Word boundaries for snapping selections."""

from __future__ import annotations

import pytest

from annotate.widgets.tokens import Tokens

TEXT = "Putin’s aide said 85% — “no deal”. 🙂 Done"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (1, 3, "Putin"),  # inside one word
        (0, 7, "Putin’s"),
        (2, 11, "Putin’s aide"),
        (18, 20, "85"),
        (18, 21, "85%"),
        (25, 32, "no deal"),
        (35, 41, "🙂 Done"),  # offsets are code points: the emoji is one
    ],
)
def test_snap_widens_to_whole_words(start: int, end: int, expected: str) -> None:
    snapped = Tokens.of(TEXT).snap(start, end)
    assert snapped is not None and TEXT[snapped[0] : snapped[1]] == expected


@pytest.mark.parametrize(("start", "end"), [(7, 8), (5, 5), (9, 3), (100, 120)])
def test_snap_without_words_is_none(start: int, end: int) -> None:
    assert Tokens.of(TEXT).snap(start, end) is None


def test_flat_pairs() -> None:
    assert Tokens.of("a bc").flat() == [0, 1, 2, 4]
