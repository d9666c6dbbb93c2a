"""Quotation marks: which opening mark pairs with which closing one.

Pairing works on the text alone, paragraph by paragraph, so it is cheap and testable without a
parse; the rules then read the tokens between a pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .lexicon import Lexicon
from .parse_view import paragraphs

if TYPE_CHECKING:
    from spacy.tokens import Token

# Characters after which a mark opens a quotation, and before which it closes one.
_OPEN_BEFORE = frozenset("([{<—–-/:;,…“‘«\"'")
_CLOSE_AFTER = frozenset(".,;:!?)]}>—–-…”’»\"'")


@dataclass(frozen=True, slots=True)
class MarkPair:
    open: int  # character offset of the opening mark
    close: int  # character offset of the closing mark; the quote span ends at close + 1
    continued: bool  # runs across paragraphs by the newspaper convention
    straight: bool  # straight marks ("), told apart by context rather than by shape


def _role(text: str, i: int, opener: str, closer: str) -> str:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    can_open = not after.isspace() and (before.isspace() or before in _OPEN_BEFORE)
    can_close = not before.isspace() and (after.isspace() or after in _CLOSE_AFTER)
    if opener != closer:
        shape = "open" if text[i] == opener else "close"
        # Trust the shape unless the surroundings say the opposite (a mistyped mark).
        if shape == "open" and can_close and not can_open:
            return "close"
        if shape == "close" and can_open and not can_close:
            return "open"
        return shape
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "either"


def pair_quote_marks(text: str, *, pairs: tuple[tuple[str, str], ...]) -> list[MarkPair]:
    """Pair opening and closing quotation marks, paragraph by paragraph.

    A mark that finds no partner is dropped rather than paired with a mark further away: a
    second opening mark before a closing one discards the first; an opening mark still open at
    the end of its paragraph is kept only when the next paragraph starts with an opening mark
    (the quotation continues there), otherwise dropped; a stray closing mark is ignored.
    """
    paras = paragraphs(text)
    found: list[MarkPair] = []
    for opener, closer in pairs:
        marks = re.compile("[" + re.escape(opener + closer) + "]")
        pending: int | None = None
        continued = False
        for p_start, p_end in paras:
            positions = [m.start() for m in marks.finditer(text, p_start, p_end)]
            skip_first = False
            if pending is not None:
                starts_open = (
                    bool(positions)
                    and positions[0] == p_start
                    and _role(text, p_start, opener, closer) != "close"
                )
                if starts_open:
                    skip_first, continued = True, True
                else:
                    pending, continued = None, False
            for k, i in enumerate(positions):
                if skip_first and k == 0:
                    continue
                role = _role(text, i, opener, closer)
                if pending is None:
                    if role != "close":
                        pending, continued = i, False
                elif role != "open":
                    found.append(MarkPair(pending, i, continued, opener == closer))
                    pending, continued = None, False
                else:
                    pending, continued = i, False
    found.sort(key=lambda p: p.open)
    return found


def is_mark(token: Token, lexicon: Lexicon) -> bool:
    return len(token.text) == 1 and any(token.text in pair for pair in lexicon.quote_pairs)
