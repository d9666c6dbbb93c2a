"""Quote suggestions: direct quotes from quotation marks, indirect and mixed ones from syntax.

What a suggested quote span covers:

- DIRECT: from the opening to the closing quotation mark, both marks included. A quotation that
  runs on into the next paragraph the newspaper way (no closing mark at the end of the paragraph,
  an opening mark at the start of the next) is one span across the paragraphs.
- INDIRECT: the reported content only (see :mod:`.indirect`).
- MIXED: an indirect content that contains a quoted fragment (Trump said [the talks were
  “reasonably good”]); the span is the whole content, fragment and marks included.

A quotation with no reporting verb of its own that fills its sentence or paragraph takes the
speaker of the quote before it when that quote is in the same or the previous paragraph. Scare
quotes and quoted names (short verbless fragments outside reported speech, title-case words,
anything after "so-called" or "dubbed") are never quotes; unbalanced marks are dropped, never
paired across a paragraph except by the convention above.

This module puts the rules together: :mod:`.marks` pairs the marks, :mod:`.direct` and
:mod:`.indirect` find quotes, :mod:`.cues` their cues and sources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .direct import direct_quote
from .finding import QuoteFinding
from .indirect import find_indirect
from .lexicon import Lexicon
from .marks import MarkPair, pair_quote_marks
from .parse_view import Layout, match_phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc


def find_quotes(doc: Doc, *, lexicon: Lexicon, lay: Layout) -> list[QuoteFinding]:
    """Every direct, indirect and mixed quote in ``doc``, in document order."""
    pairs = pair_quote_marks(lay.text, pairs=lexicon.quote_pairs)
    direct: list[QuoteFinding] = []
    leftover: list[tuple[MarkPair, int, int]] = []
    for pair in pairs:
        a = lay.token_at(pair.open) + 1
        b = lay.token_at(pair.close)
        if a >= b or lay.starts[b] != pair.close:
            continue  # the mark is glued to a word the tokenizer did not split off
        finding = direct_quote(doc, pair, a, b, lexicon, lay)
        if finding is None:
            leftover.append((pair, a, b))
        else:
            direct.append(finding)
    inside = _covered(direct)
    indirect = find_indirect(doc, lexicon, lay, direct, inside)
    for pair, a, b in leftover:
        _attach_fragment(doc, pair, a, b, indirect, lexicon, lay)
    quotes = sorted(direct + indirect, key=lambda q: (q.start, -q.end))
    _inherit(quotes, lay)
    return quotes


def _covered(direct: list[QuoteFinding]) -> list[tuple[int, int]]:
    return [(q.content[0] - 1, q.content[1] + 1) for q in direct]


# --- fragments and continuations ----------------------------------------------------------------


def _name_like(doc: Doc, a: int, b: int, lexicon: Lexicon) -> bool:
    """Title-case words (“Operation Sandstorm”) or a fragment after "so-called", "dubbed"."""
    words = [doc[j] for j in range(a, b) if doc[j].is_alpha]
    if (
        words
        and len(words) <= lexicon.fragment_max_words
        and all(w.text[0].isupper() for w in words)
    ):
        return True
    for n in range(1, 3):
        start = a - 1 - n
        if start >= 0 and match_phrase(doc, start, lexicon.naming_words) is not None:
            return True
    return False


def _attach_fragment(
    doc: Doc,
    pair: MarkPair,
    a: int,
    b: int,
    indirect: list[QuoteFinding],
    lexicon: Lexicon,
    lay: Layout,
) -> None:
    """A quoted stretch inside reported content makes that quote MIXED; elsewhere it is a scare
    quote or a name and suggests nothing."""
    if _name_like(doc, a, b, lexicon):
        return
    holders = [q for q in indirect if q.start <= pair.open < q.end]
    if not holders:
        return
    q = min(holders, key=lambda h: h.end - h.start)
    if pair.close + 1 > q.end:
        q.end = pair.close + 1
        q.content = (q.content[0], max(q.content[1], b + 1))
    fragment = lay.text[pair.open : pair.close + 1]
    if len(fragment) > 40:
        fragment = fragment[:37] + "...”"
    if q.label != "MIXED":
        q.label = "MIXED"
        q.reason = q.reason.replace("indirect quote", "mixed quote", 1)
    q.reason += f"; contains quoted fragment {fragment}"
    q.fragments.append(pair)


def _inherit(quotes: list[QuoteFinding], lay: Layout) -> None:
    """A cue-less quotation continues the quote before it when that one ended in the same or the
    previous paragraph (newspapers run a speaker's words over several paragraphs)."""
    for k, q in enumerate(quotes):
        if not q.cueless:
            continue
        para = lay.para_of[q.content[0]]
        for prev in reversed(quotes[:k]):
            if prev.end > q.start:
                continue  # nested in or overlapping this one
            if lay.para_of[max(prev.content[1] - 1, 0)] < para - 1:
                break
            root = prev.inherit_from or prev
            if root.source_head is None:
                break
            q.inherit_from = root
            q.reason = q.reason.replace(
                "no cue of its own", "no cue of its own; continues the previous quote"
            )
            q.confidence = 0.6
            break
