"""Direct quotes: a pair of quotation marks with a cue beside it, or filling its sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cues import SUBJECTS, Cue, cue_after, cue_before, statement_cue
from .finding import QuoteFinding
from .lexicon import Lexicon
from .marks import MarkPair
from .parse_view import Layout

if TYPE_CHECKING:
    from spacy.tokens import Doc

_FINITE = frozenset({"VBD", "VBP", "VBZ", "MD"})


def clause_like(doc: Doc, a: int, b: int) -> bool:
    """A finite verb, or a verb with its own subject: a sentence rather than a phrase."""
    for i in range(a, b):
        t = doc[i]
        if t.pos_ not in ("VERB", "AUX") or t.dep_ in ("amod", "compound"):
            continue
        verb = t.head if t.dep_ in ("aux", "auxpass") else t
        subjects = [c.i for c in verb.children if c.dep_ in SUBJECTS]
        # The subject must be quoted too: in 'Putin was “wasting time”' only a phrase is.
        if any(a <= s < b for s in subjects):
            return True
        if t.tag_ in _FINITE and not subjects:
            return True  # an imperative, or a subject the parser did not find
    return False


def _fills_segments(oa: int, ob: int, lay: Layout) -> bool:
    """Nothing but punctuation beside the quotation in the sentences it touches."""
    first, last = lay.segments[lay.seg_of[oa]], lay.segments[lay.seg_of[ob]]
    tok = lay.tok
    return all(
        tok.punct[i] or tok.space[i] for i in [*range(first[0], oa), *range(ob + 1, last[1])]
    )


def _at_start(oa: int, lay: Layout) -> bool:
    seg_start = lay.segments[lay.seg_of[oa]][0]
    return all(
        lay.tok.pos[i] in ("CCONJ", "ADV", "PUNCT", "INTJ", "SPACE") for i in range(seg_start, oa)
    )


def direct_quote(
    doc: Doc, pair: MarkPair, a: int, b: int, lexicon: Lexicon, lay: Layout
) -> QuoteFinding | None:
    oa, ob = a - 1, b
    marks = "straight quotes" if pair.straight else "paired quotation marks"
    if pair.continued:
        marks += " continued across paragraphs"
    cue: Cue | None = None
    # A quotation closed by a full stop is a sentence of its own: what follows is not its cue
    # ('“It is over.” He said he would resign.'); "?" and "!" do take one ('“Why?” he asked.').
    last = b - 1
    while last > a and lay.tok.space[last]:
        last -= 1
    if _at_start(oa, lay) and lay.tok.text[last] != ".":
        cue = cue_after(doc, ob, lexicon, lay)
    if cue is None:
        cue = cue_before(doc, oa, a, b, lexicon, lay)
        if cue is not None and not (cue.colon or clause_like(doc, a, b)):
            cue = None
    if cue is None:
        cue = statement_cue(doc, oa, lexicon)
    if cue is not None:
        cue_text = doc[cue.span[0] : cue.span[1]].text
        return QuoteFinding(
            start=pair.open,
            end=pair.close + 1,
            label="DIRECT",
            content=(a, b),
            cue=cue.span,
            cue_head=cue.head,
            source_head=cue.source,
            reason=f"direct quote: {marks}; cue '{cue_text}' ({cue.where})",
            confidence=0.9 if cue.source is not None else 0.7,
            prepositional=cue.prepositional,
        )
    if _fills_segments(oa, ob, lay) and (clause_like(doc, a, b) or b - a > 3):
        return QuoteFinding(
            start=pair.open,
            end=pair.close + 1,
            label="DIRECT",
            content=(a, b),
            cue=None,
            cue_head=None,
            source_head=None,
            reason=f"direct quote: {marks} filling the sentence; no cue of its own",
            confidence=0.5,
            cueless=True,
        )
    return None
