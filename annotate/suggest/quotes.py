"""Quote suggestions: direct quotes from quotation marks, indirect and mixed ones from syntax.

What a suggested quote span covers:

- DIRECT: from the opening to the closing quotation mark, both marks included. A quotation that
  runs on into the next paragraph the newspaper way (no closing mark at the end of the paragraph,
  an opening mark at the start of the next) is one span across the paragraphs.
- INDIRECT: the reported content only: the clausal complement of the reporting verb, without the
  complementiser "that" and the sentence's final punctuation ("X said [content]."); the object of
  a verb such as "ruled out"; for "according to X", the clause the phrase attaches to.
- MIXED: an indirect content that contains a quoted fragment (Trump said [the talks were
  “reasonably good”]); the span is the whole content, fragment and marks included.

A quotation with no reporting verb of its own that fills its sentence or paragraph takes the
speaker of the quote before it when that quote is in the same or the previous paragraph. Scare
quotes and quoted names (short verbless fragments outside reported speech, title-case words,
anything after "so-called" or "dubbed") are never quotes; unbalanced marks are dropped, never
paired across a paragraph except by the convention above.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lexicon import Lexicon, Phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_NEWLINE = re.compile(r"\n\s*")
# Characters after which a mark opens a quotation, and before which it closes one.
_OPEN_BEFORE = frozenset("([{<—–-/:;,…“‘«\"'")
_CLOSE_AFTER = frozenset(".,;:!?)]}>—–-…”’»\"'")
_STOP = frozenset({".", "!", "?", ";"})
_SEPARATORS = frozenset({":", ",", "—", "–", "-"})
_TRIM_END = frozenset({".", ",", ";", ":", "-", "–", "—", "!", "?"})
_FINITE = frozenset({"VBD", "VBP", "VBZ", "MD"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_COMPLEMENTS = frozenset({"ccomp", "dobj", "xcomp", "parataxis", "dep", "attr", "oprd"})


def lemma(token: Token) -> str:
    """Lower-case lemma, or the lower-case text for pipelines without a lemmatizer."""
    return (token.lemma_ or token.text).lower()


def match_phrase(doc: Doc, i: int, phrases: tuple[Phrase, ...]) -> Phrase | None:
    """The first phrase (longest first) matching the tokens from ``i`` by text or lemma."""
    n = len(doc)
    for phrase in phrases:
        if i + len(phrase) > n:
            continue
        if all(doc[i + k].lower_ == w or lemma(doc[i + k]) == w for k, w in enumerate(phrase)):
            return phrase
    return None


# --- layout: paragraphs and sentence pieces ---------------------------------------------------


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs, surrounding whitespace excluded.

    Blank lines separate paragraphs when the text has any (so hard-wrapped lines stay together);
    otherwise every line is a paragraph.
    """
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans: list[tuple[int, int]] = []
    start = 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((start + lead, start + len(chunk.rstrip())))
        if m:
            start = m.end()
    return spans


class Tokens:
    """Token attributes of a ``Doc`` as plain lists, read in one pass with ``Doc.to_array``.

    The rules look at every token several times; creating spaCy ``Token`` objects for that
    costs more than the rules themselves, so scans go over these lists instead.
    """

    __slots__ = (
        "children", "dep", "doc_text", "ent", "head", "idx", "lemma", "lower", "num", "pos",
        "punct", "sent_start", "space", "tag", "text",
    )  # fmt: skip

    def __init__(self, doc: Doc) -> None:
        from spacy import attrs

        columns = [
            attrs.ORTH, attrs.LOWER, attrs.LEMMA, attrs.POS, attrs.TAG, attrs.DEP, attrs.HEAD,
            attrs.ENT_TYPE, attrs.IDX, attrs.LIKE_NUM, attrs.IS_SPACE, attrs.IS_PUNCT,
            attrs.SENT_START, attrs.SPACY,
        ]  # fmt: skip
        array = doc.to_array(columns)
        table = array.T.tolist() if len(doc) else [[]] * len(columns)
        # HEAD is a relative offset stored unsigned; int64 gives its sign back.
        table[6] = array[:, 6].astype("int64").tolist() if len(doc) else []
        strings = doc.vocab.strings
        cache: dict[int, str] = {0: ""}

        def names(ids: list[int]) -> list[str]:
            out = []
            for h in ids:
                name = cache.get(h)
                if name is None:
                    name = cache[h] = strings[h]
                out.append(name)
            return out

        orth, lower, lem, pos, tag, dep, head, ent, idx, num, space, punct, sent, ws = table
        self.text = names(orth)
        # Doc.text builds a Token per word; joining the words and their spaces is faster.
        self.doc_text = "".join(w + " " if s else w for w, s in zip(self.text, ws, strict=True))
        self.lower = names(lower)
        # Pipelines without a lemmatizer leave the lemma empty: fall back to the word.
        self.lemma = [(m or w).lower() for m, w in zip(names(lem), self.lower, strict=True)]
        self.pos = names(pos)
        self.tag = names(tag)
        self.dep = names(dep)
        self.head = [i + h for i, h in enumerate(head)]
        self.ent = names(ent)
        self.idx: list[int] = idx
        self.num = [bool(v) for v in num]
        self.space = [bool(v) for v in space]
        self.punct = [bool(v) for v in punct]
        self.sent_start = [v == 1 for v in sent]
        self.children: list[list[int]] = [[] for _ in idx]
        for i, h in enumerate(self.head):
            if h != i:
                self.children[h].append(i)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where paragraphs and sentences are, in tokens, for rules that must not cross them."""

    text: str
    tok: Tokens
    paragraphs: list[tuple[int, int]]  # character ranges
    para_of: list[int]  # token -> paragraph index
    segments: list[tuple[int, int]]  # token ranges: sentences, also cut at paragraph breaks
    seg_of: list[int]  # token -> segment index (whitespace goes with the segment before)

    @property
    def starts(self) -> list[int]:
        return self.tok.idx

    def token_at(self, char: int) -> int:
        return bisect_right(self.tok.idx, char) - 1


def layout(doc: Doc) -> Layout:
    """Paragraphs and sentence pieces of ``doc``.

    The parser sometimes runs a sentence across a paragraph break (a headline into the first
    paragraph), so sentences are cut again wherever the paragraph changes.
    """
    tok = Tokens(doc)
    text = tok.doc_text
    paras = paragraphs(text)
    para_starts = [s for s, _ in paras]
    para_of = [max(bisect_right(para_starts, c) - 1, 0) for c in tok.idx]
    segments: list[tuple[int, int]] = []
    seg_of = [0] * len(tok.idx)
    begin: int | None = None
    last = 0  # the last word of the open segment
    for i, space in enumerate(tok.space):
        if space:
            seg_of[i] = max(len(segments) - 1, 0) if begin is None else len(segments)
            continue
        if begin is not None and (tok.sent_start[i] or para_of[i] != para_of[begin]):
            segments.append((begin, last + 1))
            begin = None
        if begin is None:
            begin = i
        seg_of[i] = len(segments)
        last = i
    if begin is not None:
        segments.append((begin, last + 1))
    return Layout(text, tok, paras, para_of, segments, seg_of)


# --- quotation marks --------------------------------------------------------------------------


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


# --- findings -----------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class QuoteFinding:
    """One suggested quote, before keys are given: offsets, content tokens, cue and source."""

    start: int  # character offsets of the quote span
    end: int
    label: str  # DIRECT | INDIRECT | MIXED
    content: tuple[int, int]  # token range of what was said (inside the marks for DIRECT)
    cue: tuple[int, int] | None  # token range of the reporting expression
    cue_head: int | None  # the reporting verb, or "according"
    source_head: int | None  # head token of the source mention
    reason: str
    confidence: float
    inherit_from: QuoteFinding | None = None  # cue-less quotation continuing an earlier one
    fragments: list[MarkPair] = field(default_factory=list)
    cueless: bool = False
    prepositional: bool = False  # the cue is "according to", not a verb


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
        finding = _direct(doc, pair, a, b, lexicon, lay)
        if finding is None:
            leftover.append((pair, a, b))
        else:
            direct.append(finding)
    inside = _covered(direct)
    indirect = _indirect(doc, lexicon, lay, direct, inside)
    for pair, a, b in leftover:
        _attach_fragment(doc, pair, a, b, indirect, lexicon, lay)
    quotes = sorted(direct + indirect, key=lambda q: (q.start, -q.end))
    _inherit(quotes, lay)
    return quotes


def _covered(direct: list[QuoteFinding]) -> list[tuple[int, int]]:
    return [(q.content[0] - 1, q.content[1] + 1) for q in direct]


def _in_any(i: int, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= i < hi for lo, hi in ranges)


# --- direct quotes ------------------------------------------------------------------------------


def _clause_like(doc: Doc, a: int, b: int) -> bool:
    """A finite verb, or a verb with its own subject: a sentence rather than a phrase."""
    for i in range(a, b):
        t = doc[i]
        if t.pos_ not in ("VERB", "AUX") or t.dep_ in ("amod", "compound"):
            continue
        verb = t.head if t.dep_ in ("aux", "auxpass") else t
        subjects = [c.i for c in verb.children if c.dep_ in _SUBJECTS]
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


def _direct(
    doc: Doc, pair: MarkPair, a: int, b: int, lexicon: Lexicon, lay: Layout
) -> QuoteFinding | None:
    oa, ob = a - 1, b
    marks = "straight quotes" if pair.straight else "paired quotation marks"
    if pair.continued:
        marks += " continued across paragraphs"
    cue: tuple[str, int, tuple[int, int], int | None] | None = None
    # A quotation closed by a full stop is a sentence of its own: what follows is not its cue
    # ('“It is over.” He said he would resign.'); "?" and "!" do take one ('“Why?” he asked.').
    last = b - 1
    while last > a and lay.tok.space[last]:
        last -= 1
    if _at_start(oa, lay) and lay.tok.text[last] != ".":
        cue = _cue_after(doc, ob, lexicon, lay)
    if cue is None:
        cue = _cue_before(doc, oa, a, b, lexicon, lay)
    if cue is not None:
        where, head, cue_range, source = cue
        cue_text = doc[cue_range[0] : cue_range[1]].text
        return QuoteFinding(
            start=pair.open,
            end=pair.close + 1,
            label="DIRECT",
            content=(a, b),
            cue=cue_range,
            cue_head=head,
            source_head=source,
            reason=f"direct quote: {marks}; cue '{cue_text}' ({where})",
            confidence=0.9 if source is not None else 0.7,
            prepositional=where.startswith("prepositional"),
        )
    if _fills_segments(oa, ob, lay) and (_clause_like(doc, a, b) or b - a > 3):
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


def _reporting(token: Token, verbs: frozenset[str]) -> bool:
    return token.pos_ == "VERB" and lemma(token) in verbs


def _cue_after(
    doc: Doc, ob: int, lexicon: Lexicon, lay: Layout
) -> tuple[str, int, tuple[int, int], int | None] | None:
    """“...,” he told India Today. / “...,” said Putin. / “...,” according to the report."""
    verbs = lexicon.reporting_verbs | lexicon.direct_only_verbs
    para = lay.para_of[ob]
    seen = 0
    i = ob + 1
    while i < len(doc) and seen <= lexicon.cue_window_after:
        t = doc[i]
        if lay.para_of[i] != para or "\n" in t.text or t.text in _STOP or is_mark(t, lexicon):
            break
        phrase = match_phrase(doc, i, lexicon.prepositional_cues)
        if phrase is not None:
            return (
                "prepositional cue after the quote",
                i,
                (i, i + len(phrase)),
                _pobj(doc, i, phrase),
            )
        if _reporting(t, verbs):
            return (
                "reporting verb after the quote",
                i,
                cue_range(doc, i, lexicon),
                _after_source(doc, ob, i),
            )
        if t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass")):
            break  # another clause comes first: the quotation is not its complement
        if not t.is_space:
            seen += 1
        i += 1
    return None


def _after_source(doc: Doc, ob: int, verb: int) -> int | None:
    head = source_head(doc, verb)
    if head is not None:
        return head
    # The parser missed the subject: take the noun between the quote and the verb, or right
    # after the verb ("..., said the minister").
    for i in [*range(verb - 1, ob, -1), *range(verb + 1, min(verb + 5, len(doc)))]:
        if doc[i].pos_ in ("PROPN", "NOUN", "PRON"):
            return _np_head(doc, i)
    return None


def _np_head(doc: Doc, i: int) -> int:
    t = doc[i]
    while t.dep_ in ("compound", "amod", "det", "poss", "nmod", "flat") and t.head.i != t.i:
        t = t.head
    return int(t.i)


def _cue_before(
    doc: Doc, oa: int, a: int, b: int, lexicon: Lexicon, lay: Layout
) -> tuple[str, int, tuple[int, int], int | None] | None:
    """He told reporters: “...” / was quoted as saying: “...” / stated that “...”."""
    verbs = lexicon.reporting_verbs
    seg_start = lay.segments[lay.seg_of[oa]][0]
    i = oa - 1
    colon = False
    while i >= seg_start:
        t = doc[i]
        if t.is_space or t.lower_ == "that" or t.pos_ == "ADV":
            i -= 1
        elif t.text in _SEPARATORS:
            colon = colon or (t.text == ":" and i == oa - 1)
            i -= 1
        else:
            break
    if i < seg_start:
        return None
    found: int | None = None
    if _reporting(doc[i], verbs):
        found = i
    elif colon:
        # "said in a statement to the BBC:" - the verb further back governs what lies between.
        k = doc[i]
        for j in range(i - 1, seg_start - 1, -1):
            if is_mark(doc[j], lexicon):
                break
            if _reporting(doc[j], verbs) and any(anc.i == j for anc in k.ancestors):
                found = j
                break
    if found is None:
        # 'Zelensky said “the world ...”': the quotation is the verb's complement.
        for j in range(a, b):
            h = doc[j].head
            near = seg_start <= h.i < oa and oa - h.i <= 3
            if near and doc[j].dep_ in _COMPLEMENTS and _reporting(h, verbs):
                found = int(h.i)
                break
    if found is None or not (colon or _clause_like(doc, a, b)):
        return None
    return (
        "reporting verb before the quote",
        found,
        cue_range(doc, found, lexicon),
        source_head(doc, found),
    )


# --- cues and sources -------------------------------------------------------------------------


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
            if c.dep_ in _SUBJECTS:
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


def _pobj(doc: Doc, i: int, phrase: Phrase) -> int | None:
    last = doc[i + len(phrase) - 1]
    for c in last.children:
        if c.dep_ == "pobj":
            return int(c.i)
    after = i + len(phrase)
    if after < len(doc) and doc[after].pos_ in ("PROPN", "NOUN", "PRON", "DET"):
        return _np_head(doc, after)
    return None


# --- indirect quotes ----------------------------------------------------------------------------


def _indirect(
    doc: Doc,
    lexicon: Lexicon,
    lay: Layout,
    direct: list[QuoteFinding],
    inside: list[tuple[int, int]],
) -> list[QuoteFinding]:
    found: list[QuoteFinding] = []
    direct_contents = [q.content for q in direct]
    quoted = [False] * len(lay.tok.idx)
    for lo, hi in inside:
        quoted[max(lo, 0) : hi] = [True] * (min(hi, len(quoted)) - max(lo, 0))
    first_words = {p[0] for p in lexicon.prepositional_cues}
    tok = lay.tok
    for i, lem in enumerate(tok.lemma):
        if quoted[i]:
            continue  # reported speech inside a quotation belongs to the quoted speaker
        q: QuoteFinding | None = None
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
        if q is not None:
            found.append(q)
    return found


def _clausal(
    doc: Doc, i: int, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    t = doc[i]
    comps = [c for c in t.children if c.dep_ == "ccomp"]
    right = [c for c in comps if c.i > i]
    comps = right or comps
    how = f"clausal complement of reporting verb '{t.text}'"
    if comps:
        lo = min(int(c.left_edge.i) for c in comps)
        hi = max(int(c.right_edge.i) for c in comps)
        if lo <= i <= hi:
            return None  # a complement wrapped around its own verb: a parse the rule cannot read
        if any(_in_any(int(c.i), direct) for c in comps):
            return None  # the complement is a quotation, suggested as a direct quote
        hi = _extend_conj(doc, lo, hi)
    else:
        span = _that_clause(doc, t)
        if span is None:
            return None
        lo, hi = span
        how = f"clause after 'that' following reporting verb '{t.text}'"
    return _indirect_finding(doc, i, lo, hi, lexicon, lay, direct, how, confidence=0.75)


def _that_clause(doc: Doc, t: Token) -> tuple[int, int] | None:
    """The parser read "said ... that they produced" as a relative clause; take the clause after
    "that" when it has its own subject."""
    end = int(t.right_edge.i)
    for j in range(int(t.i) + 1, min(end, int(t.i) + 8)):
        if doc[j].lower_ != "that":
            continue
        for m in range(j + 1, min(end + 1, j + 6)):
            s = doc[m]
            if s.dep_ in _SUBJECTS and s.head.i > s.i and s.head.pos_ in ("VERB", "AUX"):
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
    if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in _SUBJECTS for g in c.children):
        return int(c.right_edge.i)
    return hi


def _object(
    doc: Doc, i: int, lexicon: Lexicon, lay: Layout, direct: list[tuple[int, int]]
) -> QuoteFinding | None:
    """ "X has ruled out ceding territory", "accused Russia of stalling ...": the content is an
    object or a prepositional object, not a clause."""
    t = doc[i]
    seconds = lexicon.object_complement.get(lemma(t), frozenset())
    children = list(t.children)
    head: Token | None = None
    cue_end = i + 1
    for second in seconds:
        if second == "":
            head = next((c for c in children if c.dep_ in ("dobj", "xcomp") and c.i > i), None)
        elif any(c.dep_ == "prt" and c.lower_ == second for c in children):
            prt = next(c for c in children if c.dep_ == "prt" and c.lower_ == second)
            if prt.i == cue_end:
                cue_end += 1
            head = next(
                (c for c in children if c.dep_ in ("dobj", "xcomp", "ccomp") and c.i > i), None
            )
        else:
            prep = next((c for c in children if c.dep_ == "prep" and c.lower_ == second), None)
            if prep is not None:
                head = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if head is not None:
            break
    if head is None:
        return None
    lo, hi = int(head.left_edge.i), int(head.right_edge.i)
    has_verb = any(doc[j].pos_ == "VERB" for j in range(lo, hi + 1))
    if not has_verb and hi - lo + 1 < 4:
        return None  # "denied the claim": a bare noun phrase is a stance, not reported content
    how = f"object of reporting verb '{doc[i:cue_end].text}'"
    return _indirect_finding(doc, i, lo, hi, lexicon, lay, direct, how, confidence=0.5)


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
) -> QuoteFinding | None:
    t = doc[i]
    # Reported content stays in the reporting verb's sentence, even where the parser ran a
    # headline into the first paragraph.
    seg_lo, seg_hi = lay.segments[lay.seg_of[i]]
    lo, hi = max(lo, seg_lo), min(hi, seg_hi - 1)
    hi = _cut(doc, t, lo, hi, lexicon, direct)
    span = _trim(doc, lo, hi, lexicon)
    if span is None:
        return None
    lo, hi = span
    if not any(doc[j].pos_ in ("VERB", "AUX", "NOUN", "PROPN") for j in range(lo, hi + 1)):
        return None
    src = source_head(doc, i)
    if src is None:
        return None
    if doc[src].lower_ == "it" and any(c.dep_ == "auxpass" for c in t.children):
        return None  # "it was reported that": no speaker
    return QuoteFinding(
        start=int(doc[lo].idx),
        end=int(doc[hi].idx) + len(doc[hi].text),
        label="INDIRECT",
        content=(lo, hi + 1),
        cue=cue_range(doc, i, lexicon),
        cue_head=i,
        source_head=src,
        reason=f"indirect quote: {how}",
        confidence=confidence,
    )


def _cut(
    doc: Doc, verb: Token, lo: int, hi: int, lexicon: Lexicon, direct: list[tuple[int, int]]
) -> int:
    """End the content before what is not part of it: the writer's participle clause
    (", rejecting any compromise"), another part of the reporting clause, or a quotation."""
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
        ):
            return j - 1
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if t.text in _SEPARATORS and nxt is not None and nxt.tag_ == "VBG" and nxt.dep_ == "advcl":
            return j - 1
    return hi


def _trim(doc: Doc, lo: int, hi: int, lexicon: Lexicon) -> tuple[int, int] | None:
    while lo <= hi and (
        doc[lo].is_space
        or doc[lo].text in _SEPARATORS
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
    src = _pobj(doc, i, phrase)
    if src is None:
        return None
    h = t.head
    while h.pos_ not in ("VERB", "AUX") and h.head.i != h.i:
        h = h.head
    if h.pos_ not in ("VERB", "AUX") or lemma(h) in lexicon.cue_verbs:
        return None  # "Macron said, according to a transcript": the verb is the cue
    if _in_any(int(h.i), direct):
        return None
    p_lo, p_hi = int(t.left_edge.i), int(t.right_edge.i)
    lo, hi = int(h.left_edge.i), int(h.right_edge.i)
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
