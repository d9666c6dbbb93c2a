"""Indirect quotes: the reported content of a reporting verb, or of "according to".

What a span covers: the clausal complement of the verb, without the complementiser "that" and
the sentence's final punctuation ("X said [content]."); the object of a verb such as "ruled
out"; for "according to X", the clause the phrase attaches to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cues import SEPARATORS, SUBJECTS, cue_range, np_head, pobj_source, source_head
from .finding import QuoteFinding
from .lexicon import Lexicon, Phrase
from .marks import is_mark
from .parse_view import Layout, lemma, match_phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_TRIM_END = frozenset({".", ",", ";", ":", "-", "–", "—", "!", "?"})


def in_any(i: int, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= i < hi for lo, hi in ranges)


def find_indirect(
    doc: Doc,
    lexicon: Lexicon,
    lay: Layout,
    direct: list[QuoteFinding],
    inside: list[tuple[int, int]],
    *,
    thought: bool = False,
) -> list[QuoteFinding]:
    """Indirect quotes, and with ``thought`` the thought and stance attributions too.
    ``inside`` are the token ranges of quotations, marks included (direct quotes and quoted
    titles): nothing in them reports, and no complement in them is reported content."""
    found: list[QuoteFinding] = []
    direct_contents = [(lo + 1, hi - 1) for lo, hi in inside]
    quoted = [False] * len(lay.tok.idx)
    for lo, hi in inside:
        quoted[max(lo, 0) : hi] = [True] * (min(hi, len(quoted)) - max(lo, 0))
    first_words = {p[0] for p in lexicon.prepositional_cues}
    tok = lay.tok
    for i, lem in enumerate(tok.lemma):
        if quoted[i] or lay.is_boilerplate(i):
            continue  # reported speech inside a quotation belongs to the quoted speaker
        q: QuoteFinding | None = None
        if tok.pos[i] == "VERB" and not _reports(i, lay, lexicon):
            continue
        if tok.lower[i] in first_words:
            phrase = match_phrase(doc, i, lexicon.prepositional_cues)
            if phrase is not None:
                q = _according(doc, i, phrase, lexicon, lay, direct_contents)
        elif tok.pos[i] == "VERB" and lem in lexicon.reporting_verbs:
            q = _clausal(doc, i, lexicon, lay, direct_contents)
            if q is None and lem in lexicon.object_complement:
                q = _object(doc, i, lexicon, lay, direct_contents)
        elif tok.pos[i] == "VERB" and lem in lexicon.object_complement:
            q = _object(doc, i, lexicon, lay, direct_contents)
        elif (
            thought
            and tok.pos[i] == "VERB"
            and (lem in lexicon.thought_verbs or tok.lower[i] in lexicon.thought_verbs)
        ):
            q = _thought(doc, i, lexicon, lay, direct_contents)
        if q is not None:
            found.append(q)
    # Attributions are univocal: a cue inside another quote's content is part of what that
    # speaker said ("the judge ruled the state had failed to show the ban would ...").
    return [
        q
        for q in found
        if not any(o is not q and o.content[0] <= (q.cue_head or 0) < o.content[1] for o in found)
    ]


def _reports(i: int, lay: Layout, lexicon: Lexicon) -> bool:
    """Whether a verb can report at all where it stands: not negated ("the outline does not say
    where ..."), not a participle of someone being spoken to ("Asked whether he would run,
    Smith said ..."), not in the "to" clause of another verb ("declined to say", "would
    require companies to report")."""
    tok = lay.tok
    children = tok.children[i]
    if any(tok.dep[c] == "neg" for c in children):
        return False
    if tok.tag[i] == "VBN" and (
        any(tok.dep[c] == "auxpass" for c in children)
        or (tok.dep[i] in ("advcl", "acl") and not any(tok.dep[c] in SUBJECTS for c in children))
    ):
        return False
    head = tok.head[i]
    if tok.dep[i] == "xcomp" and head != i:
        return tok.lemma[head] in lexicon.xcomp_heads or tok.lemma[head] in lexicon.cue_verbs
    return True


def _clausal(
    doc: Doc, i: int, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    t = doc[i]
    # A complement in another sentence piece is a parse running over a paragraph break.
    segment = lay.seg_of[i]
    comps = [
        c for c in t.children if c.dep_ == "ccomp" and lay.seg_of[c.i] == segment and _is_clause(c)
    ]
    right = [c for c in comps if c.i > i]
    comps = right or comps
    how = f"clausal complement of reporting verb '{t.text}'"
    if comps:
        lo = min(int(c.left_edge.i) for c in comps)
        hi = max(int(c.right_edge.i) for c in comps)
        if lo <= i <= hi:
            return None  # a complement wrapped around its own verb: a parse the rule cannot read
        if any(in_any(int(c.i), direct) for c in comps):
            return None  # the complement is a quotation, suggested as a direct quote
        hi = _extend_conj(doc, lo, hi)
    else:
        span = _that_clause(doc, t, lexicon)
        if span is None:
            return None
        lo, hi = span
        how = f"clause after 'that' following reporting verb '{t.text}'"
    return _indirect_finding(doc, i, lo, hi, lexicon, lay, direct, how, confidence=0.75)


def _is_clause(c: Token) -> bool:
    """A finite clause, a "that"/"whether" clause or a "to" clause with its subject: what was
    said. "Police found the hiker alive", "visitors found the wing crowded" hold no clause."""
    if c.pos_ in ("VERB", "AUX") and c.tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return True
    # "it was deeply concerned": the parser makes the adjective the head, the copula its aux
    return any(g.dep_ in ("aux", "auxpass", "mark") for g in c.children)


def _that_clause(doc: Doc, t: Token, lexicon: Lexicon) -> tuple[int, int] | None:
    """The parser read "said ... that they produced" as a relative clause; take the clause after
    "that" when it has its own subject, unless it is another reporting verb's complement
    ("confirmed the breach but denied that ...")."""
    end = int(t.right_edge.i)
    for j in range(int(t.i) + 1, min(end, int(t.i) + 8)):
        if doc[j].lower_ != "that":
            continue
        owner = doc[j].head
        if owner.dep_ == "ccomp" and owner.head.i != t.i and lemma(owner.head) in lexicon.cue_verbs:
            return None
        for m in range(j + 1, min(end + 1, j + 6)):
            s = doc[m]
            if s.dep_ in SUBJECTS and s.head.i > s.i and s.head.pos_ in ("VERB", "AUX"):
                return j + 1, end
        return None
    return None


def _extend_conj(doc: Doc, lo: int, hi: int) -> int:
    """Repair "X must withdraw or Russia will seize it", parsed with "Russia" joined to the noun
    before and "will seize" hanging higher up: the content ends in "or <noun>" and a subjectless
    coordinated verb follows right after it."""
    if hi - lo < 2:
        return hi
    last, before = doc[hi], doc[hi - 1]
    if hi + 1 >= len(doc) or not (
        last.dep_ == "conj" and last.pos_ in ("PROPN", "NOUN", "PRON") and before.dep_ == "cc"
    ):
        return hi
    # The largest phrase starting right after the content: the stranded verb.
    c = doc[hi + 1]
    while c.head.i != c.i and c.head.left_edge.i == hi + 1:
        c = c.head
    if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in SUBJECTS for g in c.children):
        return int(c.right_edge.i)
    return hi


def _thought(
    doc: Doc, i: int, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    """ "Democrats believe anger ... will drive ...", "analysts had expected a drop of 8%": a
    thought verb's clause, or the object of one that takes an object."""
    q = _clausal(doc, i, lexicon, lay, direct)
    if q is None and lemma(doc[i]) in lexicon.thought_object:
        q = _object(doc, i, lexicon, lay, direct, seconds=frozenset({""}))
    if q is not None:
        q.label = lexicon.thought_label
        q.reason = q.reason.replace("indirect quote", "thought attribution", 1)
        q.reason = q.reason.replace("reporting verb", "thought verb")
    return q


def _object(
    doc: Doc,
    i: int,
    lexicon: Lexicon,
    lay: Layout,
    direct: list[tuple[int, int]],
    *,
    seconds: frozenset[str] | None = None,
) -> QuoteFinding | None:
    """ "X has ruled out ceding territory", "accused Russia of stalling ...", "has claimed
    responsibility for ...", "urged ministers to act": the content is an object or a
    prepositional object, not a clause. ``seconds`` are the particles or prepositions that
    carry it ("" for the direct object); the lexicon's by default."""
    t = doc[i]
    if seconds is None:
        seconds = lexicon.object_complement.get(lemma(t), frozenset())
    children = [c for c in t.children if c.i > i]
    span: tuple[int, int] | None = None
    cue_end = i + 1
    for second in seconds:
        if second == "":
            span = _object_span(t, children, lexicon)
        elif any(c.dep_ == "prt" and c.lower_ == second for c in children):
            prt = next(c for c in children if c.dep_ == "prt" and c.lower_ == second)
            if prt.i == cue_end:
                cue_end += 1
            head = next((c for c in children if c.dep_ in ("dobj", "xcomp", "ccomp")), None)
            span = None if head is None else (int(head.left_edge.i), int(head.right_edge.i))
        else:
            prep = next((c for c in children if c.dep_ == "prep" and c.lower_ == second), None)
            obj = next((c for c in children if c.dep_ == "dobj"), None)
            if prep is None and obj is not None:
                # "accused critics of spreading ...": the parser hangs "of" on the object
                prep = next(
                    (c for c in obj.children if c.dep_ == "prep" and c.lower_ == second), None
                )
            head = None
            if prep is not None:
                head = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if head is not None and prep is not None:
                span = int(head.left_edge.i), int(head.right_edge.i)
                if prep.i == cue_end:  # "called for": the preposition belongs to the cue
                    cue_end += 1
        if span is not None:
            break
    if span is None:
        return None
    lo, hi = span
    keep: set[int] = set()
    for c in children:
        # "demanding answers from the Pentagon over a contract ...": what the demand is about,
        # which the parser hangs on the verb rather than on the object.
        if c.dep_ == "prep" and c.lower_ in lexicon.object_prepositions and c.i == hi + 1:
            hi = int(c.right_edge.i)
            keep.add(int(c.i))
    if not any(doc[j].pos_ in ("VERB", "AUX") for j in range(lo, hi + 1)):
        # A noun phrase: what was said only if it is not a pronoun, a person or an object that
        # makes the verb an action ("claimed the lives of", "confirmed the nominee").
        root = doc[lo : hi + 1].root
        if (
            root.pos_ not in ("NOUN", "PROPN", "NUM")
            or root.ent_type_ == "PERSON"
            or lemma(root) in lexicon.object_stop
        ):
            return None
    how = f"object of reporting verb '{doc[i:cue_end].text}'"
    return _indirect_finding(
        doc, i, lo, hi, lexicon, lay, direct, how, confidence=0.5, cue=(i, cue_end), keep=keep
    )


def _object_span(t: Token, children: list[Token], lexicon: Lexicon) -> tuple[int, int] | None:
    """The direct object, a "to" clause, or both ("urged ministers to speed up payments"); a
    verb whose object is the addressee needs the "to" clause."""
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    clause = next((c for c in children if c.dep_ == "xcomp"), None)
    if lemma(t) in lexicon.addressee_verbs and (obj is None or clause is None):
        return None
    parts = [c for c in (obj, clause) if c is not None]
    if not parts:
        return None
    return min(int(c.left_edge.i) for c in parts), max(int(c.right_edge.i) for c in parts)


def _indirect_finding(
    doc: Doc,
    i: int,
    lo: int,
    hi: int,
    lexicon: Lexicon,
    lay: Layout,
    direct: list[tuple[int, int]],
    how: str,
    *,
    confidence: float,
    cue: tuple[int, int] | None = None,
    keep: set[int] | None = None,
) -> QuoteFinding | None:
    t = doc[i]
    # Reported content stays in the reporting verb's sentence, even where the parser ran a
    # headline into the first paragraph.
    seg_lo, seg_hi = lay.segments[lay.seg_of[i]]
    lo, hi = max(lo, seg_lo), min(hi, seg_hi - 1)
    hi = _cut(doc, t, lo, hi, lexicon, direct, keep or set())
    span = _trim(doc, lo, hi, lexicon)
    if span is None:
        return None
    lo, hi = span
    if not any(doc[j].pos_ in ("VERB", "AUX", "NOUN", "PROPN") for j in range(lo, hi + 1)):
        return None
    outer = _outer_reporter(t, lexicon)
    src = source_head(doc, i if outer is None else outer)
    if src is None:
        src = _subject_before(doc, i, lay)
    if src is None or lemma(doc[src]) in lexicon.not_speakers:
        return None
    if doc[src].lower_ == "it" and any(c.dep_ == "auxpass" for c in t.children):
        return None  # "it was reported that": no speaker
    return QuoteFinding(
        start=int(doc[lo].idx),
        end=int(doc[hi].idx) + len(doc[hi].text),
        label="INDIRECT",
        content=(lo, hi + 1),
        cue=cue or cue_range(doc, i, lexicon),
        cue_head=i,
        source_head=src,
        reason=f"indirect quote: {how}",
        confidence=confidence,
    )


def _subject_before(doc: Doc, i: int, lay: Layout) -> int | None:
    """The parser found no subject (it hung "The Agriculture Department" on a phrase of the
    sentence before): the noun phrase right before the verb, in the verb's sentence piece."""
    seg_lo = lay.segments[lay.seg_of[i]][0]
    j = i - 1
    while j >= seg_lo and (doc[j].pos_ in ("ADV", "AUX", "PART") or doc[j].is_space):
        j -= 1
    if j < seg_lo or doc[j].pos_ not in ("PROPN", "NOUN"):
        return None
    return np_head(doc, j)


def _outer_reporter(t: Token, lexicon: Lexicon) -> int | None:
    """ "X said A had questions and warned that B": the parser hangs "warned" on "had", inside
    what X said. A subjectless coordinated reporting verb inside another reporting verb's
    complement is that verb's subject speaking again."""
    if t.dep_ != "conj" or any(c.dep_ in SUBJECTS for c in t.children):
        return None
    h = t.head
    if lemma(h) in lexicon.cue_verbs:
        return None  # "denied X and announced Y": the first verb's subject speaks both
    for _ in range(4):
        if h.dep_ == "ccomp" and h.head.i != h.i and lemma(h.head) in lexicon.cue_verbs:
            return int(h.head.i)
        if h.head.i == h.i or h.dep_ not in ("conj", "ccomp", "advcl", "xcomp"):
            return None
        h = h.head
    return None


def _cut(
    doc: Doc,
    verb: Token,
    lo: int,
    hi: int,
    lexicon: Lexicon,
    direct: list[tuple[int, int]],
    keep: set[int],
) -> int:
    """End the content before what is not part of it: the writer's participle clause
    (", rejecting any compromise"), another part of the reporting clause, a coordinated
    reporting verb ("... and warned that ..."), or a quotation."""
    for j in range(lo + 1, hi + 1):
        t = doc[j]
        if t.pos_ != "VERB" or lemma(t) not in lexicon.cue_verbs:
            continue
        own_subject = any(c.dep_ in SUBJECTS for c in t.children)
        coordinated = (
            t.dep_ == "conj" and lemma(t.head) not in lexicon.cue_verbs and not own_subject
        )
        # "Critics say the law goes too far, while supporters argue ...": another speaker
        contrasted = t.dep_ in ("advcl", "conj") and own_subject
        if coordinated or contrasted:
            hi = min(hi, int(t.left_edge.i) - 1)
            break
    open_mark = False
    for j in range(lo + 1, hi + 1):
        t = doc[j]
        if is_mark(t, lexicon):
            open_mark = not open_mark
        if any(j == start - 1 for start, _ in direct):
            return j - 1
        if open_mark:
            continue
        if (
            t.head.i == verb.i
            and t.i != verb.i
            and t.dep_ not in ("ccomp", "conj", "dobj", "xcomp")
            and j not in keep
        ):
            return j - 1
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if (
            t.text in SEPARATORS
            and nxt is not None
            and nxt.tag_ in ("VBG", "VBN")
            and nxt.dep_ in ("advcl", "acl")
        ):
            return j - 1  # ", rejecting any compromise", ", hurt by higher costs"
    return hi


def _trim(doc: Doc, lo: int, hi: int, lexicon: Lexicon) -> tuple[int, int] | None:
    while lo <= hi and (
        doc[lo].is_space
        or doc[lo].text in SEPARATORS
        or (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark")
    ):
        lo += 1
    while hi >= lo and (doc[hi].is_space or doc[hi].text in _TRIM_END or doc[hi].dep_ == "cc"):
        hi -= 1
    if hi - lo < 1:
        return None
    return lo, hi


def _according(
    doc: Doc, i: int, phrase: Phrase, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    t = doc[i]
    src = pobj_source(doc, i, phrase)
    if src is None:
        return None
    h = t.head
    while h.pos_ not in ("VERB", "AUX") and h.head.i != h.i:
        h = h.head
    if h.pos_ not in ("VERB", "AUX") or lemma(h) in lexicon.cue_verbs:
        return None  # "Macron said, according to a transcript": the verb is the cue
    if in_any(int(h.i), direct):
        return None
    while h.dep_ == "conj" and h.head.pos_ in ("VERB", "AUX") and h.head.i < h.i:
        # "The company lost $2 million and laid off 300 workers, according to the report":
        # the parser hangs the phrase on the last conjunct; the report says all of it.
        h = h.head
    p_lo, p_hi = int(t.left_edge.i), int(t.right_edge.i)
    seg_lo, seg_hi = lay.segments[lay.seg_of[i]]
    lo, hi = max(int(h.left_edge.i), seg_lo), min(int(h.right_edge.i), seg_hi - 1)
    if p_lo <= lo:
        lo = p_hi + 1
    elif p_hi >= _trim_end(doc, hi):
        hi = p_lo - 1
    span = _trim(doc, lo, hi, lexicon)
    if span is None:
        return None
    lo, hi = span
    return QuoteFinding(
        start=int(doc[lo].idx),
        end=int(doc[hi].idx) + len(doc[hi].text),
        label="INDIRECT",
        content=(lo, hi + 1),
        cue=(i, i + len(phrase)),
        cue_head=i,
        source_head=src,
        reason=f"indirect quote: clause attributed with '{' '.join(phrase)}'",
        confidence=0.7,
        prepositional=True,
    )


def _trim_end(doc: Doc, hi: int) -> int:
    while hi > 0 and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return hi
