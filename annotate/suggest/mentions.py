"""What a speaker or addressee mention covers, as the text writes it.

The source span is the mention title included: "President Vladimir Putin", not "Vladimir
Putin", without relative clauses or appositions set off by commas. The addressee is who was
spoken to: "told India Today", "said to reporters", "in a statement to the BBC".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lexicon import Lexicon
from .parse_view import lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_DROP = frozenset({"relcl", "acl", "punct"})


def source_mention(
    doc: Doc, head: int, *, within: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Token range of the speaker mention as written, title included ("President Vladimir
    Putin"), without relative clauses or appositions set off by commas, and inside the token
    range ``within`` (the head's sentence piece: never into a dateline or the paragraph
    before, which the parser sometimes hangs on the name)."""
    h = doc[head]
    if h.pos_ == "PRON":
        return head, head + 1
    lo = hi = head
    lower, upper = within if within is not None else (0, len(doc))
    for c in h.children:
        if c.dep_ in _DROP:
            continue
        aside = c.dep_ == "appos" and any(
            doc[j].text == "," for j in range(min(head, c.i), max(head, c.i))
        )
        # "The mayor, Jane Holloway, said": a name set off by commas is who speaks.
        if aside and c.ent_type_ != "PERSON":
            continue
        lo, hi = min(lo, int(c.left_edge.i)), max(hi, int(c.right_edge.i))
    # "The mayor of Springfield, Jane Holloway, said": the parser may hang the name lower down.
    named_aside = any(
        doc[j].dep_ == "appos" and doc[j].ent_type_ == "PERSON" for j in range(head + 1, hi + 1)
    )
    if not named_aside:
        # A comma inside the range starts an aside the parser attached lower down.
        for j in range(head + 1, hi + 1):
            if doc[j].text in (",", "(", "–", "—"):
                hi = j - 1
                break
    lo, hi = max(lo, lower), min(hi, upper - 1)
    while lo < head and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > head and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return lo, hi + 1


def addressee(doc: Doc, cue_head: int, lexicon: Lexicon) -> tuple[int, int] | None:
    """Token range of who was spoken to: "told India Today", "said to reporters", "in a
    statement to the BBC"."""
    v = doc[cue_head]
    if lemma(v) in lexicon.addressee_verbs:
        for c in v.children:
            if c.dep_ in ("dobj", "dative") and c.i > v.i and c.pos_ in ("PROPN", "NOUN", "PRON"):
                return _propn_run(doc, v, _np(doc, c))
    for c in v.children:
        if c.dep_ in ("prep", "dative") and c.lower_ == "to":
            target = _pobj(c)
            if target is not None:
                return _propn_run(doc, v, _np(doc, target))
    for c in v.children:
        if c.dep_ != "prep":
            continue
        for n in c.children:
            if n.dep_ == "pobj" and lemma(n) in lexicon.statement_nouns:
                for p in n.children:
                    if p.dep_ == "prep" and p.lower_ == "to":
                        target = _pobj(p)
                        if target is not None:
                            return _propn_run(doc, v, _np(doc, target))
    return None


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ == "pobj"), None)


def _np(doc: Doc, t: Token) -> tuple[int, int]:
    return source_mention(doc, int(t.i))


def _propn_run(doc: Doc, verb: Token, span: tuple[int, int]) -> tuple[int, int]:
    # "told India Today": the parser splits a name it does not know into object + modifier.
    lo, hi = span
    while hi < len(doc) and doc[hi].pos_ == "PROPN" and doc[hi].head.i in (verb.i, hi - 1):
        hi += 1
    return lo, hi
