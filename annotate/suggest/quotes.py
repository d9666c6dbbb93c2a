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

from .cues import SUBJECTS
from .direct import direct_quote
from .finding import QuoteFinding
from .indirect import find_indirect
from .lexicon import Lexicon
from .marks import MarkPair, pair_quote_marks
from .parse_view import Layout, match_phrase

if TYPE_CHECKING:
    from spacy.tokens import Doc


def find_quotes(
    doc: Doc, *, lexicon: Lexicon, lay: Layout, thought: bool = False
) -> list[QuoteFinding]:
    """Every direct, indirect and mixed quote in ``doc``, in document order; with ``thought``,
    thought and stance attributions too (labelled ``lexicon.thought_label``). Nothing in a
    boilerplate paragraph (editor's notes, credits) is a quote, nor a quoted title."""
    pairs = pair_quote_marks(lay.text, pairs=lexicon.quote_pairs)
    items: list[tuple[MarkPair, int, int, QuoteFinding | None]] = []
    titles: list[tuple[int, int]] = []
    for pair in pairs:
        a = lay.token_at(pair.open) + 1
        b = lay.token_at(pair.close)
        if a >= b or lay.starts[b] != pair.close:
            continue  # the mark is glued to a word the tokenizer did not split off
        if lay.is_boilerplate(a):
            continue
        if _is_title(doc, a - 1, b, lexicon, lay):
            titles.append((a, b))  # a title names a work: not speech, nor a verb's complement
            continue
        items.append((pair, a, b, direct_quote(doc, pair, a, b, lexicon, lay)))
    _join_parts(doc, items, lexicon, lay)
    direct = [f for _, _, _, f in items if f is not None]
    inside = _covered(direct) + [(a - 1, b + 1) for a, b in titles]
    indirect = find_indirect(doc, lexicon, lay, direct, inside, thought=thought)
    for pair, a, b, finding in items:
        if finding is None:
            _attach_fragment(doc, pair, a, b, indirect, lexicon, lay)
    quotes = sorted(direct + indirect, key=lambda q: (q.start, -q.end))
    for q in quotes:
        if q.source_head is not None and not _can_speak(doc, q.source_head, lay):
            q.source_head = _real_speaker(doc, q.source_head, q.cue_head, lay)
    _inherit(quotes, lay)
    return quotes


def _covered(direct: list[QuoteFinding]) -> list[tuple[int, int]]:
    return [(q.content[0] - 1, q.content[1] + 1) for q in direct]


# --- titles, datelines, parts of one quotation ----------------------------------------------


def _is_title(doc: Doc, oa: int, ob: int, lexicon: Lexicon, lay: Layout) -> bool:
    """A quotation beside a title noun names a work, it is no speech: 'author of "Broken
    Promise: How …,"', 'her new book, “Common Ground”', 'an audit titled "Follow the Money"',
    '"Running Dry," the new book by Dana Lee, argues …'."""
    tok, nouns = lay.tok, lexicon.title_nouns
    j = oa - 1
    if j >= 0 and tok.text[j] in (",", ":"):
        j -= 1
    if j >= 0 and tok.lower[j] in ("of", "called", "named"):
        j -= 1
    if j >= 0 and (tok.lower[j] in nouns or tok.lemma[j] in nouns):
        return True
    # an apposition right after the closing mark: ', the new book by ...'
    k = ob + 1
    if k < len(tok.text) and tok.text[k] == ",":
        k += 1
    for m in range(k, min(k + 4, len(tok.text))):
        if tok.lower[m] in nouns or tok.lemma[m] in nouns:
            # set off by commas, it describes the quotation; '"…," the report said' does not
            edge = int(doc[m].right_edge.i)  # the parser may hang the comma on the noun
            set_off = tok.text[edge] == "," or (
                edge + 1 < len(tok.text) and tok.text[edge + 1] == ","
            )
            return set_off and _title_like(tok.text[oa + 1 : ob])
        if tok.pos[m] not in ("DET", "ADJ", "PRON") and tok.dep[m] != "poss":
            return False
    return False


def _title_like(words: list[str]) -> bool:
    """A subtitle after a colon, or mostly capitalised words: a title, not a sentence said."""
    alpha = [w for w in words if w.isalpha()]
    capitalised = sum(1 for w in alpha if w[0].isupper())
    return bool(alpha) and (":" in words or 2 * capitalised >= len(alpha))


def _can_speak(doc: Doc, head: int, lay: Layout) -> bool:
    """Not a dateline ("FORT MYERS — The sheriff's office said") nor a title ('In “The Cost of
    Choosing”, Rahman argues'), both of which the parser takes for the subject, hanging the
    real one on them as an apposition."""
    return not lay.in_dateline(head) and not _quoted_title(doc, head)


def _quoted_title(doc: Doc, head: int) -> bool:
    if doc[head].ent_type_ != "WORK_OF_ART":
        return False  # the NER also takes names for titles: only a quoted one counts
    start = head
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    return start > 0 and doc[start - 1].tag_ == "``"  # an opening mark


def _real_speaker(doc: Doc, head: int, verb: int | None, lay: Layout) -> int | None:
    """The subject hung on the dateline or title as an apposition, or the verb's other
    subject ("BOISE, Idaho (AP) — The state health department said")."""
    for c in doc[head].children:
        if c.dep_ == "appos" and c.i > head:
            return int(c.i)
    if verb is not None:
        for c in doc[verb].children:
            if c.dep_ in SUBJECTS and c.i != head and _can_speak(doc, int(c.i), lay):
                return int(c.i)
    return None


def _join_parts(
    doc: Doc,
    items: list[tuple[MarkPair, int, int, QuoteFinding | None]],
    lexicon: Lexicon,
    lay: Layout,
) -> None:
    """Give a quotation that continues the one before it, in the same paragraph, that one's cue
    and source: “A,” he said, “B.” (interrupted by its cue) and “A,” he said. “B.” (the next
    sentence). The store has no discontinuous spans, so each part is a quote of its own."""
    anchor: QuoteFinding | None = None
    for k, (pair, a, b, finding) in enumerate(items):
        own_cue = finding is not None and not finding.cueless
        shared = (
            anchor is not None
            and (not own_cue or (finding is not None and finding.cue_head == anchor.cue_head))
            and _continues(doc, anchor, a - 1, lay)
        )
        if anchor is not None and shared:
            items[k] = (pair, a, b, _part(doc, pair, a, b, anchor))
            continue
        if finding is not None and finding.cue is not None and finding.cue[0] >= finding.content[1]:
            anchor = finding  # a cue after the quotation can serve the next one too
        else:
            anchor = None


def _continues(doc: Doc, anchor: QuoteFinding, oa: int, lay: Layout) -> bool:
    assert anchor.cue is not None
    cue_start, cue_end = anchor.cue
    if lay.para_of[oa] != lay.para_of[cue_start] or oa < cue_end:
        return False
    cue_seg, seg = lay.seg_of[cue_start], lay.seg_of[oa]
    if seg == cue_seg + 1:
        return oa == lay.segments[seg][0]  # “A,” he said. “B.”
    if seg != cue_seg:
        return False
    # “A,” he said, “B.”: nothing but the source and adjuncts between, no other clause.
    before = oa - 1
    while before > cue_end and lay.tok.space[before]:
        before -= 1
    if lay.tok.text[before] not in (",", "—", "–"):
        return False
    finite = ("VBD", "VBZ", "VBP", "MD", "VBG")
    return not any(
        lay.tok.tag[j] in finite and not _describes_speaker(doc, j, cue_end)
        for j in range(cue_end, oa)
    )


def _describes_speaker(doc: Doc, j: int, start: int) -> bool:
    """A verb in a relative clause or apposition about the speaker ('said Carla Diaz, who runs
    the shelter, “…”') is no clause of its own."""
    node = doc[j]
    while node.i >= start and node.head.i != node.i:
        if node.dep_ in ("relcl", "acl", "appos"):
            return True
        node = node.head
    return False


def _part(doc: Doc, pair: MarkPair, a: int, b: int, anchor: QuoteFinding) -> QuoteFinding:
    assert anchor.cue is not None
    cue_text = doc[anchor.cue[0] : anchor.cue[1]].text
    return QuoteFinding(
        start=pair.open,
        end=pair.close + 1,
        label="DIRECT",
        content=(a, b),
        cue=anchor.cue,
        cue_head=anchor.cue_head,
        source_head=anchor.source_head,
        reason=f"direct quote: continues the quotation before it; cue '{cue_text}'",
        confidence=0.8 if anchor.source_head is not None else 0.6,
        prepositional=anchor.prepositional,
    )


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
