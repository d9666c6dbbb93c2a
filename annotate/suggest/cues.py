"""Cues and sources: the reporting expression of a quote, and the head of who speaks.

:func:`cue_after` and :func:`cue_before` look for the cue of a quotation beside it;
:func:`cue_range` widens a reporting verb to the cue span (particle, passive frame) and
:func:`source_head` finds the verb's subject, up the tree when the verb has none of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .lexicon import Lexicon, Phrase
from .marks import is_mark
from .parse_view import Layout, lemma, match_phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

STOP = frozenset({".", "!", "?", ";"})
SEPARATORS = frozenset({":", ",", "—", "–", "-"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_COMPLEMENTS = frozenset({"ccomp", "dobj", "xcomp", "parataxis", "dep", "attr", "oprd"})


@dataclass(frozen=True, slots=True)
class Cue:
    """The cue found for a quotation."""

    where: str  # how it was found, for the reason shown to annotators
    head: int  # the reporting verb, or the first word of a prepositional cue
    span: tuple[int, int]  # token range of the cue
    source: int | None  # head token of the source mention
    colon: bool = False  # a colon sits between the cue and the quotation
    prepositional: bool = False  # "according to", not a verb


def reporting(token: Token, verbs: frozenset[str]) -> bool:
    return token.pos_ == "VERB" and lemma(token) in verbs


def cue_after(doc: Doc, ob: int, lexicon: Lexicon, lay: Layout) -> Cue | None:
    """“...,” he told India Today. / “...,” said Putin. / “...,” according to the report."""
    verbs = lexicon.reporting_verbs | lexicon.direct_only_verbs
    para = lay.para_of[ob]
    seen = 0
    i = ob + 1
    while i < len(doc) and seen <= lexicon.cue_window_after:
        t = doc[i]
        if lay.para_of[i] != para or "\n" in t.text or t.text in STOP or is_mark(t, lexicon):
            break
        phrase = match_phrase(doc, i, lexicon.prepositional_cues)
        if phrase is not None:
            return Cue(
                "prepositional cue after the quote",
                i,
                (i, i + len(phrase)),
                pobj_source(doc, i, phrase),
                prepositional=True,
            )
        if reporting(t, verbs):
            return Cue(
                "reporting verb after the quote",
                i,
                cue_range(doc, i, lexicon),
                after_source(doc, ob, i),
            )
        aside = _apposition_at(t)
        if aside is not None:
            # '"...," Alun Price, a regional officer for the union, told Reuters', '"...," the
            # report, published by ..., said': what describes the speaker neither counts nor
            # ends the search.
            i = int(aside.right_edge.i) + 1
            continue
        if t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass")):
            break  # another clause comes first: the quotation is not its complement
        if not t.is_space:
            seen += 1
        i += 1
    return None


def _apposition_at(t: Token) -> Token | None:
    """The apposition or clause about a noun that starts at ``t``, if one does."""
    node = t
    for _ in range(6):
        if node.dep_ in ("appos", "acl", "relcl"):
            return node if node.left_edge.i == t.i else None
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def after_source(doc: Doc, ob: int, verb: int) -> int | None:
    head = source_head(doc, verb)
    if head is not None:
        return head
    # The parser missed the subject: take the noun between the quote and the verb, or right
    # after the verb ("..., said the minister").
    for i in [*range(verb - 1, ob, -1), *range(verb + 1, min(verb + 5, len(doc)))]:
        if doc[i].pos_ in ("PROPN", "NOUN", "PRON"):
            return np_head(doc, i)
    return None


def np_head(doc: Doc, i: int) -> int:
    t = doc[i]
    while t.dep_ in ("compound", "amod", "det", "poss", "nmod", "flat") and t.head.i != t.i:
        t = t.head
    return int(t.i)


def statement_cue(doc: Doc, oa: int, lexicon: Lexicon) -> Cue | None:
    """ "The Jefferson PTA, in a statement: “...”": no verb at all, the speech-event phrase
    before the colon is the cue and the noun it hangs on the source."""
    j = oa - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    if j < 2 or doc[j].text != ":":
        return None
    noun = doc[j - 1]
    prep = noun.head
    if lemma(noun) not in lexicon.statement_nouns or noun.dep_ != "pobj" or prep.lower_ != "in":
        return None
    owner = prep.head
    if owner.pos_ not in ("PROPN", "NOUN") or owner.i > prep.i:
        # the parser hung the phrase elsewhere: the noun before its comma
        before = int(prep.i) - 1
        if before < 1 or doc[before].text != "," or doc[before - 1].pos_ not in ("PROPN", "NOUN"):
            return None
        owner = doc[np_head(doc, before - 1)]
    return Cue("statement before the quote", int(prep.i), (int(prep.i), j), int(owner.i))


def cue_before(doc: Doc, oa: int, a: int, b: int, lexicon: Lexicon, lay: Layout) -> Cue | None:
    """He told reporters: “...” / was quoted as saying: “...” / stated that “...”."""
    verbs = lexicon.reporting_verbs
    seg_start = lay.segments[lay.seg_of[oa]][0]
    i = oa - 1
    colon = False
    while i >= seg_start:
        t = doc[i]
        if t.is_space or t.lower_ == "that" or t.pos_ == "ADV":
            i -= 1
        elif t.text in SEPARATORS:
            colon = colon or (t.text == ":" and i == oa - 1)
            i -= 1
        else:
            break
    if i < seg_start:
        return None
    found: int | None = None
    if reporting(doc[i], verbs):
        found = i
    elif colon:
        # "said in a statement to the BBC:" - the verb further back governs what lies between.
        k = doc[i]
        for j in range(i - 1, seg_start - 1, -1):
            if is_mark(doc[j], lexicon):
                break
            if reporting(doc[j], verbs) and any(anc.i == j for anc in k.ancestors):
                found = j
                break
    if found is None:
        # 'Zelensky said “the world ...”': the quotation is the verb's complement.
        for j in range(a, b):
            h = doc[j].head
            near = seg_start <= h.i < oa and oa - h.i <= 3
            if near and doc[j].dep_ in _COMPLEMENTS and reporting(h, verbs):
                found = int(h.i)
                break
    if found is None:
        return None
    return Cue(
        "reporting verb before the quote",
        found,
        cue_range(doc, found, lexicon),
        source_head(doc, found),
        colon=colon,
    )


def cue_range(doc: Doc, verb: int, lexicon: Lexicon) -> tuple[int, int]:
    """The reporting verb without auxiliaries, with its particle ("ruled out") and a passive
    frame ("quoted as saying")."""
    t = doc[verb]
    start, end = verb, verb + 1
    for c in t.children:
        if c.dep_ == "prt" and c.i == end:
            end += 1
    if t.dep_ == "pcomp" and t.head.lower_ == "as" and lemma(t.head.head) in lexicon.passive_frames:
        start = int(t.head.head.i)
    return start, end


def source_head(doc: Doc, verb: int) -> int | None:
    """The subject of the reporting verb, looked for up the tree when the verb has none of its
    own: "adding ...", "and warned ...", "was quoted as saying ..."."""
    v = doc[verb]
    for _ in range(4):
        for c in v.children:
            if c.dep_ in SUBJECTS:
                if c.tag_ in ("WP", "WDT") and v.dep_ == "relcl":
                    return int(v.head.i)  # "Witkoff, who said ..."
                return int(c.i)
        if v.dep_ == "pcomp" and v.head.dep_ == "prep":
            v = v.head.head
        elif (
            v.dep_ in ("advcl", "conj", "xcomp")
            and v.head.pos_ in ("VERB", "AUX")
            and v.head.i != v.i
        ):
            v = v.head
        else:
            return None
    return None


def pobj_source(doc: Doc, i: int, phrase: Phrase) -> int | None:
    last = doc[i + len(phrase) - 1]
    for c in last.children:
        if c.dep_ == "pobj":
            return int(c.i)
    after = i + len(phrase)
    if after < len(doc) and doc[after].pos_ in ("PROPN", "NOUN", "PRON", "DET"):
        return np_head(doc, after)
    return None
