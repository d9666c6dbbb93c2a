"""Claim suggestions: clauses that state something a fact-checker could check.

Units are clauses: each sentence's main clauses (split where "and"/"but" joins clauses with
their own subjects) for the writer's claims, and the content of each quote for the speaker's.
Reporting frames ("Putin said", "he told India Today") are not claims. A unit becomes a claim
when a trigger fires; the type is the first of ``lexicon.claim_priority`` that fired:

- QUANTITY: a figure (percent, money, quantity, or a number counting something);
- COMPARISON: "bigger than", superlatives, "outnumber", "compared with";
- CHANGE: rise, fall, grow, advance ...;
- PREDICTION: "will", "is due to", "is expected to", forecast verbs, "would" in reported speech;
- CAUSAL: "because", "due to", "thanks to", "led to" ...;
- RULE: laws, bans, what is legal or required;
- OTHER: an event with a specific date ("Russia launched ... in February 2022").

``hedged`` is set by approximators just before a figure ("around 85%") and by hedges anywhere
("may", "reportedly"). ``checkworthy`` is "yes" when the claim carries a figure (or is a RULE
naming an entity), else "unsure": the rules find checkable sentences, people judge worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .finding import QuoteFinding
from .lexicon import Lexicon, Phrase
from .parse_view import Layout, ParseView

if TYPE_CHECKING:
    from spacy.tokens import Doc

_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "EVENT", "LOC", "FAC"})
_NOT_FIGURES = frozenset({"DATE", "ORDINAL"})
_FINITE = frozenset({"VBD", "VBP", "VBZ", "MD"})
_BASE_CONFIDENCE = {
    "QUANTITY": 0.7,
    "COMPARISON": 0.55,
    "CHANGE": 0.5,
    "PREDICTION": 0.55,
    "CAUSAL": 0.5,
    "RULE": 0.5,
    "OTHER": 0.3,
}


@dataclass(frozen=True, slots=True)
class ClaimFinding:
    start: int  # character offsets
    end: int
    label: str
    hedged: bool
    checkworthy: str  # yes | unsure
    quote: QuoteFinding | None  # the quote the claim is made in; None: the writer's own
    reason: str
    confidence: float


def _match(tab: ParseView, i: int, index: dict[str, list[Phrase]]) -> Phrase | None:
    """The longest phrase of ``index`` matching the tokens from ``i`` by text or lemma."""
    options = index.get(tab.lower[i], [])
    if tab.lemma[i] != tab.lower[i]:
        options = options + index.get(tab.lemma[i], [])
    n = len(tab.lower)
    for phrase in options:
        if i + len(phrase) <= n and all(
            tab.lower[i + k] == w or tab.lemma[i + k] == w for k, w in enumerate(phrase)
        ):
            return phrase
    return None


def _index(phrases: tuple[Phrase, ...]) -> dict[str, list[Phrase]]:
    index: dict[str, list[Phrase]] = {}
    for phrase in phrases:  # already longest first
        index.setdefault(phrase[0], []).append(phrase)
    return index


class _Matchers:
    def __init__(self, lexicon: Lexicon) -> None:
        self.numeric_hedges = _index(lexicon.numeric_hedges)
        self.hedges = _index(lexicon.hedges)
        self.frames = _index(lexicon.prediction_frames)
        self.causal = _index(lexicon.causal)
        self.comparison = _index(lexicon.comparison)
        self.rule = _index(lexicon.rule)
        # Most tokens start no phrase at all: one set lookup spares them six matcher calls.
        self.first = frozenset().union(
            self.numeric_hedges, self.hedges, self.frames, self.causal, self.comparison, self.rule
        )


def find_claims(
    doc: Doc, *, quotes: list[QuoteFinding], lexicon: Lexicon, lay: Layout
) -> list[ClaimFinding]:
    """Claims in the writer's clauses and in the quotes' contents, in document order."""
    tab = lay.tok
    match = _Matchers(lexicon)
    marks = frozenset(m for pair in lexicon.quote_pairs for m in pair)
    units: list[tuple[int, int, QuoteFinding | None]] = []
    for q in quotes:
        lo, hi = q.content
        for s0, s1 in lay.segments[lay.seg_of[lo] : lay.seg_of[max(hi - 1, lo)] + 1]:
            a, b = max(lo, s0), min(hi, s1)
            if b - a >= 3:
                units.append((a, b, q))
    quoted = [False] * len(doc)
    cues: set[int] = set()
    for q in quotes:
        lo, hi = q.content
        pad = 1 if q.label == "DIRECT" else 0
        for i in range(max(lo - pad, 0), min(hi + pad, len(doc))):
            quoted[i] = True
        if q.cue_head is not None:
            cues.add(q.cue_head)
    for s0, s1 in lay.segments:
        if lay.is_boilerplate(s0):
            continue  # a correction or credit line states nothing the article claims
        for a, b in _clauses(tab, s0, s1):
            if any(quoted[a:b]) or any(a <= c < b for c in cues):
                continue
            units.append((a, b, None))
    claims: list[ClaimFinding] = []
    seen: set[tuple[int, int]] = set()
    for a, b, owner in sorted(units, key=lambda u: (u[0], -u[1])):
        a, b = _trim(tab, a, b, keep_final=owner is None, marks=marks)
        if b - a < 3 or (a, b) in seen:
            continue
        seen.add((a, b))
        claim = _classify(tab, a, b, owner, lexicon, match)
        if claim is not None:
            claims.append(claim)
    return claims


def _clauses(tab: ParseView, s0: int, s1: int) -> list[tuple[int, int]]:
    """Token ranges of the segment's main clauses; coordinated clauses with their own subject
    ("..., and Moscow currently controls about 20%") come apart."""
    roots = [
        i
        for i in range(s0, s1)
        if not tab.space[i] and not (s0 <= tab.head[i] < s1 and tab.head[i] != i)
    ]
    heads: list[int] = []
    stack = list(roots)
    while stack:
        h = stack.pop()
        heads.append(h)
        for c in tab.children[h]:
            if (
                tab.dep[c] == "conj"
                and tab.pos[c] in ("VERB", "AUX")
                and s0 <= c < s1
                and any(tab.dep[g] in ("nsubj", "nsubjpass", "expl") for g in tab.children[c])
            ):
                stack.append(c)
    heads.sort()
    spans: list[tuple[int, int]] = []
    for h in heads:
        lo, hi = _edges(tab, h)
        lo, hi = max(lo, s0), min(hi, s1 - 1)
        for other in heads:
            if other > h and lo <= other <= hi:
                hi = min(hi, _edges(tab, other)[0] - 1)
        if hi + 1 == s1 - 1 and tab.text[s1 - 1] in (".", "!", "?"):
            hi += 1  # the sentence's full stop belongs to its last clause
        spans.append((lo, hi + 1))
    return spans


def _edges(tab: ParseView, h: int) -> tuple[int, int]:
    lo = hi = h
    stack = [h]
    while stack:
        t = stack.pop()
        lo, hi = min(lo, t), max(hi, t)
        stack.extend(tab.children[t])
    return lo, hi


def _trim(
    tab: ParseView, a: int, b: int, *, keep_final: bool, marks: frozenset[str]
) -> tuple[int, int]:
    """Drop punctuation and conjunctions at the edges, but not a quotation mark whose partner
    stays inside ('the talks were “reasonably good”')."""
    while a < b and (tab.space[a] or tab.punct[a] or tab.dep[a] == "cc"):
        if tab.text[a] in marks and any(tab.text[j] in marks for j in range(a + 1, b)):
            break
        a += 1
    while b > a and (
        tab.space[b - 1]
        or tab.dep[b - 1] == "cc"
        or (tab.punct[b - 1] and not (keep_final and tab.text[b - 1] in (".", "!")))
    ):
        if tab.text[b - 1] in marks and any(tab.text[j] in marks for j in range(a, b - 1)):
            break
        b -= 1
    return a, b


def _classify(
    tab: ParseView,
    a: int,
    b: int,
    q: QuoteFinding | None,
    lexicon: Lexicon,
    match: _Matchers,
) -> ClaimFinding | None:
    if tab.text[b - 1] == "?" or not any(
        tab.tag[i] in _FINITE or tab.pos[i] == "VERB" for i in range(a, b)
    ):
        return None
    reported = q is not None and q.label != "DIRECT"
    fired: dict[str, str] = {}
    hedge: str | None = None
    figure = False
    named = False
    dated = False
    for i in range(a, b):
        low, lem, pos, tag = tab.lower[i], tab.lemma[i], tab.pos[i], tab.tag[i]
        ent = tab.ent[i]
        starts = low in match.first or lem in match.first
        if ent in _NAMED:
            named = True
        if ent == "DATE" and (
            any(ch.isdigit() for ch in low) or (low in lexicon.months and tab.text[i][0].isupper())
        ):
            dated = True
        # QUANTITY: a figure, or a number that counts a noun ("two significant points").
        # Digits count anywhere ("risen to 45"); number words only when they count a noun,
        # so "one of them" and "it takes two to tango" are no figures.
        if ent in lexicon.figure_labels or (
            pos == "NUM"
            and ent not in _NOT_FIGURES
            and (tab.dep[i] in ("nummod", "quantmod") or any(ch.isdigit() for ch in low))
        ):
            figure = True
            fired.setdefault("QUANTITY", tab.text[i])
        # Hedges: approximators only count before a figure.
        phrase = _match(tab, i, match.numeric_hedges) if starts else None
        if phrase is not None and hedge is None:
            after = i + len(phrase)
            while after < b and tab.text[after] in ("$", "£", "€"):
                after += 1
            if after < b and (tab.num[after] or tab.ent[after] in lexicon.figure_labels):
                hedge = " ".join(phrase)
        phrase = _match(tab, i, match.hedges) if starts else None
        # "may" hedges as a modal, not as the month.
        if (
            phrase is not None
            and hedge is None
            and pos != "PROPN"
            and (len(phrase) > 1 or pos in ("ADV", "ADJ", "NOUN") or tag == "MD")
        ):
            hedge = " ".join(phrase)
        # COMPARISON
        if tag in ("JJR", "RBR") and _than(tab, i, b):
            fired.setdefault("COMPARISON", f"{tab.text[i]} ... than")
        elif (
            tag == "JJS"
            and low not in ("most", "least")
            and not (i > a and tab.lower[i - 1] == "at")
        ):
            fired.setdefault("COMPARISON", tab.text[i])
        elif tag == "RBS" and i + 1 < b and tab.pos[i + 1] in ("ADJ", "ADV"):
            fired.setdefault("COMPARISON", f"{tab.text[i]} {tab.text[i + 1]}")
        phrase = _match(tab, i, match.comparison) if starts else None
        if phrase is not None:
            fired.setdefault("COMPARISON", " ".join(phrase))
        # CHANGE ("declined to comment" is a refusal, not a fall)
        if (
            lem in lexicon.change
            and pos in ("VERB", "NOUN")
            and (q is None or i != q.cue_head)
            and not any(tab.dep[c] == "xcomp" for c in tab.children[i])
        ):
            fired.setdefault("CHANGE", tab.text[i])
        # PREDICTION
        if tag == "MD" and lem in lexicon.prediction_modals:
            fired.setdefault("PREDICTION", tab.text[i])
        elif (
            tag == "MD"
            and low == "would"
            and reported
            and _main_verb(tab, tab.head[i], a, b)
            and (
                lexicon.would_exclusions.isdisjoint(
                    {tab.lemma[tab.head[i]], tab.lemma[min(i + 1, b - 1)]}
                )
            )
        ):
            fired.setdefault("PREDICTION", "would (reported speech)")
        elif lem in lexicon.prediction_verbs and pos == "VERB":
            fired.setdefault("PREDICTION", tab.text[i])
        phrase = _match(tab, i, match.frames) if starts else None
        if phrase is not None and i + len(phrase) < b and tab.tag[i + len(phrase)] == "VB":
            fired.setdefault("PREDICTION", " ".join(phrase))
        # CAUSAL: "due to the war" is a cause, "due to meet" a plan.
        phrase = _match(tab, i, match.causal) if starts else None
        if phrase is not None:
            after = i + len(phrase)
            if phrase[-1] != "to" or after >= b or tab.tag[after] != "VB":
                fired.setdefault("CAUSAL", " ".join(phrase))
        # RULE ("son-in-law" is no law)
        if pos != "PROPN" and not (i > a and tab.text[i - 1] == "-"):
            phrase = _match(tab, i, match.rule) if starts else None
            if phrase is not None:
                fired.setdefault("RULE", " ".join(phrase))
    if not fired and dated:
        fired["OTHER"] = "an event with a specific date"
    if not fired:
        return None
    label = next(t for t in lexicon.claim_priority if t in fired)
    checkworthy = "yes" if figure or (label == "RULE" and named) else "unsure"
    triggers = ", ".join(f"{k} ('{v}')" for k, v in fired.items())
    whose = "the writer's own statement" if q is None else "inside a quote"
    reason = f"claim: {label}; triggers {triggers}; {whose}"
    if hedge:
        reason += f"; hedged by '{hedge}'"
    confidence = _BASE_CONFIDENCE[label] + (0.1 if figure and label != "QUANTITY" else 0.0)
    return ClaimFinding(
        start=tab.idx[a],
        end=tab.idx[b - 1] + len(tab.text[b - 1]),
        label=label,
        hedged=hedge is not None,
        checkworthy=checkworthy,
        quote=q,
        reason=reason,
        confidence=round(min(confidence, 0.9), 2),
    )


def _than(tab: ParseView, i: int, b: int) -> bool:
    """A comparative with "than" after it, unless "than" only bounds a figure ("more than 40")."""
    for j in range(i + 1, min(b, i + 12)):
        if tab.lower[j] == "than":
            return not (j + 1 < b and tab.num[j + 1]) and not (
                j == i + 1 and tab.num[min(j + 1, b - 1)]
            )
    return False


def _main_verb(tab: ParseView, v: int, a: int, b: int) -> bool:
    """``v`` is the content's own predicate (or one joined to it), not a verb deep inside."""
    for _ in range(3):
        h = tab.head[v]
        if h == v or not a <= h < b:
            return True
        if tab.dep[v] != "conj":
            return False
        v = h
    return False
