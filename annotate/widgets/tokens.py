"""Word boundaries the widget snaps selections to, without loading spaCy.

A token is a run of word characters or one other non-space character, so ``Putin’s`` is
``Putin`` ``’`` ``s`` and ``85%`` is ``85`` ``%``: finer than spaCy's tokens, which means a
snapped selection never swallows more than the words the annotator touched. Offsets are code
points into the document text, like every offset in the store.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Tokens:
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Tokens:
        found = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        return cls(tuple(s for s, _ in found), tuple(e for _, e in found))

    def flat(self) -> list[int]:
        """``[start0, end0, start1, end1, ...]``: compact JSON for the browser."""
        out: list[int] = []
        for start, end in zip(self.starts, self.ends, strict=True):
            out.extend((start, end))
        return out

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen ``[start, end)`` to whole tokens; ``None`` if it holds no token at all."""
        if end <= start:
            return None
        first = bisect_right(self.ends, start)  # first token ending after start
        last = bisect_left(self.starts, end) - 1  # last token starting before end
        if first > last or first >= len(self.starts) or last < 0:
            return None
        return self.starts[first], self.ends[last]
