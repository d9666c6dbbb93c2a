"""Suggestions for one parsed document, and for a stream of texts.

:func:`suggest_doc` runs every rule over a parsed ``Doc`` and gives the spans keys ("e0", "q3",
"s3", "c3", "l5": layer prefix and a counter, unique within the document) and the relations
between them. :func:`suggest_texts` parses texts with ``nlp.pipe`` and yields one
:class:`DocSuggestions` per text, in order, holding nothing else in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from ..errors import ModelError
from .claims import find_claims
from .entities import find_entities
from .finding import QuoteFinding
from .lexicon import Lexicon, load_lexicon
from .mentions import addressee, source_mention
from .parse_view import Layout, layout, lemma
from .quotes import find_quotes
from .speakers import Resolution, SpeakerResolver

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_PREFIX = {"entity": "e", "quote": "q", "source": "s", "cue": "c", "claim": "l"}
#: The quote labels of the default scheme: speech only, no thought attributions.
DEFAULT_QUOTE_LABELS = ("DIRECT", "INDIRECT", "MIXED")


class _Builder:
    """Collects spans and relations, numbering keys per layer and merging repeated spans."""

    def __init__(self) -> None:
        self.out = DocSuggestions()
        self.counts = dict.fromkeys(_PREFIX, 0)
        self.by_range: dict[tuple[str, int, int], str] = {}
        self.related: set[RelationSuggestion] = set()  # a set: the list was scanned per relation

    def span(self, layer: str, label: str, start: int, end: int, attrs: dict[str, Any]) -> str:
        existing = self.by_range.get((layer, start, end))
        if existing is not None and layer in ("source", "cue"):
            return existing  # one mention speaks several quotes
        key = f"{_PREFIX[layer]}{self.counts[layer]}"
        self.counts[layer] += 1
        self.by_range[(layer, start, end)] = key
        self.out.spans.append(SpanSuggestion(key, layer, label, start, end, attrs))
        return key

    def relation(self, type_: str, head: str, tail: str) -> None:
        relation = RelationSuggestion(type_, head, tail)
        if relation not in self.related:
            self.related.add(relation)
            self.out.relations.append(relation)


def suggest_doc(
    doc: Doc,
    *,
    entity_labels: Collection[str],
    quote_labels: Collection[str] = DEFAULT_QUOTE_LABELS,
    lexicon: Lexicon | None = None,
) -> DocSuggestions:
    """Entity, quote, source, cue and claim suggestions for one parsed document.

    ``doc`` must come from a pipeline with a parser and NER (``ModelError`` ``E205``
    otherwise). ``entity_labels`` are the project's entity labels; spaCy labels outside them
    (after the lexicon's label map) are dropped. ``quote_labels`` are the project's quote
    labels: thought and stance attributions are suggested only when they hold the lexicon's
    thought label (``THOUGHT``). ``lexicon`` defaults to the shipped one.
    """
    lexicon = lexicon or load_lexicon()
    if all(t.is_space for t in doc):
        return DocSuggestions()
    _require(doc)
    lay = layout(doc, lexicon)
    build = _Builder()

    entity_keys: dict[tuple[int, int], str] = {}
    for ent in find_entities(doc, entity_labels=entity_labels, lexicon=lexicon):
        attrs = {"reason": ent.reason, "confidence": ent.confidence}
        key = build.span("entity", ent.label, ent.start, ent.end, attrs)
        entity_keys[(ent.start_token, ent.end_token)] = key

    thought = lexicon.thought_label in quote_labels
    quotes = find_quotes(doc, lexicon=lexicon, lay=lay, thought=thought)
    resolver = SpeakerResolver(
        doc, lexicon=lexicon, lay=lay, quoted=[q.content for q in quotes if q.label == "DIRECT"]
    )
    sources: dict[int, tuple[str, Resolution]] = {}  # source head token -> key, resolution
    for head in sorted({q.source_head for q in quotes if q.source_head is not None}):
        sources[head] = _source(doc, head, quotes, resolver, build, entity_keys, lay)

    speaker_of: dict[int, tuple[str, str] | None] = {}  # id(quote) -> source key, speaker name
    for q in quotes:
        speaker_of[id(q)] = _quote(doc, q, sources, lexicon, build)

    for claim in find_claims(doc, quotes=quotes, lexicon=lexicon, lay=lay):
        who = speaker_of.get(id(claim.quote)) if claim.quote is not None else None
        # A quotation nobody is attributed to is not the writer's claim either.
        claimant = "writer" if claim.quote is None else (who[1] if who else "unknown")
        attrs = {
            "reason": claim.reason,
            "confidence": claim.confidence,
            "hedged": claim.hedged,
            "checkworthy": claim.checkworthy,
            "claimant": claimant,
        }
        key = build.span("claim", claim.label, claim.start, claim.end, attrs)
        if who is not None:
            build.relation("claimed_by", key, who[0])
    return build.out


def _require(doc: Doc) -> None:
    if not doc.has_annotation("DEP"):
        raise ModelError("E205", annotation="dependency", component="parser", layer="quote")
    if not doc.has_annotation("ENT_IOB"):
        raise ModelError("E205", annotation="entity", component="ner", layer="entity")


def _source(
    doc: Doc,
    head: int,
    quotes: list[QuoteFinding],
    resolver: SpeakerResolver,
    build: _Builder,
    entity_keys: dict[tuple[int, int], str],
    lay: Layout,
) -> tuple[str, Resolution]:
    lo, hi = source_mention(doc, head, within=lay.segments[lay.seg_of[head]])
    resolution = resolver.resolve((lo, hi), head)
    cue = next((q for q in quotes if q.source_head == head and q.cue is not None), None)
    if cue is not None and cue.cue is not None:
        cue_text = doc[cue.cue[0] : cue.cue[1]].text
        if cue.prepositional:
            how = f"object of cue '{cue_text}'"
        elif cue.cue_head is not None and doc[cue.cue_head].pos_ not in ("VERB", "AUX"):
            how = f"what cue '{cue_text}' belongs to"
        else:
            how = f"subject of cue '{cue_text}'"
    else:
        how = "next to the quote"
    attrs = {
        "reason": f"source: {how}; {resolution.detail}",
        "confidence": resolution.confidence,
        "speaker": resolution.speaker,
    }
    start, end = int(doc[lo].idx), int(doc[hi - 1].idx) + len(doc[hi - 1].text)
    key = build.span("source", "SOURCE", start, end, attrs)
    if resolution.entity is not None and resolution.entity in entity_keys:
        build.relation("refers_to", key, entity_keys[resolution.entity])
    return key, resolution


def _quote(
    doc: Doc,
    q: QuoteFinding,
    sources: dict[int, tuple[str, Resolution]],
    lexicon: Lexicon,
    build: _Builder,
) -> tuple[str, str] | None:
    spoken_to: str | None = None
    if q.cue_head is not None and doc[q.cue_head].pos_ == "VERB" and not q.prepositional:
        span = addressee(doc, q.cue_head, lexicon)
        # '“...?” asked Ortiz': an inverted subject parsed as the object is the speaker.
        if span is not None and not (
            q.source_head is not None and span[0] <= q.source_head < span[1]
        ):
            spoken_to = doc[span[0] : span[1]].text
    attrs = {"reason": q.reason, "confidence": q.confidence, "addressee": spoken_to}
    key = build.span("quote", q.label, q.start, q.end, attrs)
    if q.cue is not None:
        cue_key = build.span("cue", "CUE", *_chars(doc, q.cue), _cue_attrs(doc, q, lexicon))
        build.relation("cue", key, cue_key)
    root = q.inherit_from or q
    if root.source_head is None or root.source_head not in sources:
        return None
    source_key, resolution = sources[root.source_head]
    build.relation("said_by", key, source_key)
    return source_key, resolution.speaker


def _chars(doc: Doc, tokens: tuple[int, int]) -> tuple[int, int]:
    last = doc[tokens[1] - 1]
    return int(doc[tokens[0]].idx), int(last.idx) + len(last.text)


def _cue_attrs(doc: Doc, q: QuoteFinding, lexicon: Lexicon) -> dict[str, Any]:
    assert q.cue is not None and q.cue_head is not None
    words = doc[q.cue[0] : q.cue[1]]
    head = doc[q.cue_head]
    if q.prepositional:
        reason = f"cue: prepositional cue '{words.text}' (lexicon)"
    elif head.pos_ not in ("VERB", "AUX"):
        reason = f"cue: speech-event phrase '{words.text}' (lexicon)"
    else:
        reason = f"cue: reporting verb '{lemma(head)}' (lexicon)"
        if any(c.dep_ in ("aux", "auxpass") for c in head.children):
            reason += ", auxiliaries left out"
        if len(words) > 1:
            reason += f", kept as '{words.text}'"
    return {"reason": reason, "confidence": 0.85 if q.source_head is not None else 0.6}


def suggest_texts(
    nlp: Language,
    texts: Iterable[str],
    *,
    entity_labels: Collection[str],
    quote_labels: Collection[str] = DEFAULT_QUOTE_LABELS,
    batch_size: int = 32,
    n_process: int = 1,
    lexicon: Lexicon | None = None,
) -> Iterator[DocSuggestions]:
    """Parse ``texts`` with ``nlp.pipe`` and yield each one's suggestions, in order
    (``entity_labels`` and ``quote_labels`` as for :func:`suggest_doc`).

    Streams: only the batch being parsed is held in memory, so a corpus of any size goes
    through in constant memory. The pipeline is checked before the first text is read
    (``ModelError`` ``E204`` without a parser or NER).
    """
    # Components are found by factory too: a pipeline may name its parser otherwise.
    present = set(nlp.pipe_names) | set(nlp.pipe_factories.values())
    for component, layer in (("parser", "quote"), ("ner", "entity")):
        if component not in present and f"beam_{component}" not in present:
            name = f"{nlp.meta.get('lang', nlp.lang)}_{nlp.meta.get('name', 'pipeline')}"
            raise ModelError("E204", model=name, component=component, layer=layer)
    labels = (frozenset(entity_labels), frozenset(quote_labels))
    lex = lexicon or load_lexicon()
    return _stream(nlp, texts, labels, lex, batch_size, n_process)


def _stream(
    nlp: Language,
    texts: Iterable[str],
    labels: tuple[frozenset[str], frozenset[str]],
    lexicon: Lexicon,
    batch_size: int,
    n_process: int,
) -> Iterator[DocSuggestions]:
    entity_labels, quote_labels = labels
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield suggest_doc(
            doc, entity_labels=entity_labels, quote_labels=quote_labels, lexicon=lexicon
        )
