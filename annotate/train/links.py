"""Spans from the model and the rules, combined into one document's suggestions, with links.

A trained pipeline finds spans; the links between them (quote -said_by-> source, quote -cue->
cue, source -refers_to-> entity, claim -claimed_by-> source) come from one of two linkers:

- ``nearest``: each quote takes the nearest cue and the source nearest that cue (else the
  quote) within its sentence, never across a sentence end or a paragraph break; a source
  refers to the entity inside it; a claim inside a quote is claimed by the quote's source.
  Needs nothing but the spans.
- ``rules``: the rule suggester's links (it parses the text and resolves "he" to the person
  meant), carried onto the chosen spans by overlap; ``nearest`` then links what they left.

:func:`combine` takes each layer from the model or from the rules (``choice``), links them with
the chosen linker, and gives the model's spans the rules' attributes (a claim's hedging, a
quote's addressee) where a rule span of the layer overlaps them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from .predict import ModelOutput

LINKERS = ("rules", "nearest")
REACH = 100  # characters between a quote and its cue, or a cue and its source
_SENTENCE_END = re.compile(r"[.!?…](\s|$)|\n\s*\n")
# Rule attributes worth keeping on a model span that overlaps the rule's span.
_KEPT = ("addressee", "hedged", "checkworthy", "claimant", "speaker")
# How relations are typed: (type, head layer, tail layer).
RELATIONS = (
    ("said_by", "quote", "source"),
    ("cue", "quote", "cue"),
    ("refers_to", "source", "entity"),
    ("claimed_by", "claim", "source"),
)


def _gap(a: SpanSuggestion, b: SpanSuggestion) -> int:
    return max(a.start, b.start) - min(a.end, b.end)


def _inside(inner: SpanSuggestion, outer: SpanSuggestion) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _overlap(a: SpanSuggestion, b: SpanSuggestion) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _reachable(text: str, a: SpanSuggestion, b: SpanSuggestion) -> bool:
    """Close, and no sentence end or paragraph break between them."""
    gap = _gap(a, b)
    if gap > REACH:
        return False
    if gap <= 0:
        return True
    lo, hi = min(a.end, b.end), max(a.start, b.start)
    return _SENTENCE_END.search(text[lo:hi]) is None


def _nearest(
    text: str, anchor: SpanSuggestion, candidates: Sequence[SpanSuggestion]
) -> SpanSuggestion | None:
    found = [c for c in candidates if _reachable(text, anchor, c)]
    return min(found, key=lambda c: (_gap(anchor, c), c.start)) if found else None


def link_nearest(
    text: str, spans: Sequence[SpanSuggestion], existing: Sequence[RelationSuggestion] = ()
) -> list[RelationSuggestion]:
    """Links by nearness for every head that has no link of that type in ``existing``."""
    by_layer: dict[str, list[SpanSuggestion]] = {}
    for span in spans:
        by_layer.setdefault(span.layer, []).append(span)
    have = {(r.type, r.head) for r in existing}
    out: list[RelationSuggestion] = []

    def add(type_: str, head: SpanSuggestion, tail: SpanSuggestion | None) -> None:
        if tail is not None and (type_, head.key) not in have:
            out.append(RelationSuggestion(type_, head.key, tail.key))
            have.add((type_, head.key))

    speaker: dict[str, str] = {r.head: r.tail for r in existing if r.type == "said_by"}
    keys = {s.key: s for s in spans}
    for quote in by_layer.get("quote", []):
        cues = [c for c in by_layer.get("cue", []) if not _inside(c, quote)]
        sources = [s for s in by_layer.get("source", []) if not _inside(s, quote)]
        cue = _nearest(text, quote, cues)
        add("cue", quote, cue)
        source = (_nearest(text, cue, sources) if cue is not None else None) or _nearest(
            text, quote, sources
        )
        add("said_by", quote, source)
        if source is not None and quote.key not in speaker:
            speaker[quote.key] = source.key
    for source in by_layer.get("source", []):
        inside = [e for e in by_layer.get("entity", []) if _inside(e, source)]
        add("refers_to", source, max(inside, key=lambda e: (e.end - e.start, -e.start))
            if inside else None)  # fmt: skip
    for claim in by_layer.get("claim", []):
        holder = next((q for q in by_layer.get("quote", []) if _inside(claim, q)), None)
        if holder is not None and holder.key in speaker:
            add("claimed_by", claim, keys.get(speaker[holder.key]))
    return out


def _carried(
    rules: DocSuggestions, spans: Sequence[SpanSuggestion]
) -> list[RelationSuggestion]:
    """The rules' links, between the chosen spans that are, or best overlap, the rule spans."""
    chosen = {s.key: s for s in spans}
    by_layer: dict[str, list[SpanSuggestion]] = {}
    for span in spans:
        by_layer.setdefault(span.layer, []).append(span)
    rule_spans = rules.by_key()

    def counterpart(key: str) -> SpanSuggestion | None:
        if key in chosen:
            return chosen[key]
        rule = rule_spans.get(key)
        if rule is None:
            return None
        near = [(s, _overlap(s, rule)) for s in by_layer.get(rule.layer, [])]
        near = [(s, n) for s, n in near if n > 0]
        return max(near, key=lambda pair: (pair[1], -pair[0].start))[0] if near else None

    out: list[RelationSuggestion] = []
    seen: set[tuple[str, str]] = set()
    for relation in rules.relations:
        head, tail = counterpart(relation.head), counterpart(relation.tail)
        if head is None or tail is None or (relation.type, head.key) in seen:
            continue
        seen.add((relation.type, head.key))
        out.append(RelationSuggestion(relation.type, head.key, tail.key))
    return out


def combine(
    text: str,
    model: ModelOutput | None,
    rules: DocSuggestions | None,
    *,
    choice: Mapping[str, str],
    linker: str,
    reason: str,
) -> DocSuggestions:
    """One document's suggestions: each layer from ``choice[layer]`` (``model`` or ``rules``;
    layers not named are left out), linked by ``linker``."""
    rule_spans = list(rules.spans) if rules is not None else []
    spans: list[SpanSuggestion] = []
    for number, found in enumerate(model.spans if model is not None else []):
        if choice.get(found.layer) != "model":
            continue
        attrs: dict[str, Any] = {"reason": f"{reason}: p={found.p:.2f}",
                                 "confidence": round(found.p, 3)}  # fmt: skip
        twin = max(
            (r for r in rule_spans if r.layer == found.layer
             and min(r.end, found.end) > max(r.start, found.start)),
            key=lambda r: min(r.end, found.end) - max(r.start, found.start),
            default=None,
        )  # fmt: skip
        if twin is not None:
            attrs.update({k: v for k, v in twin.attrs.items() if k in _KEPT})
        spans.append(SpanSuggestion(f"m{number}", found.layer, found.label, found.start,
                                    found.end, attrs))  # fmt: skip
    spans += [s for s in rule_spans if choice.get(s.layer) == "rules"]
    spans.sort(key=lambda s: (s.start, -s.end, s.layer))
    relations: list[RelationSuggestion] = []
    if linker == "rules" and rules is not None:
        relations = _carried(rules, spans)
    relations += link_nearest(text, spans, relations)
    allowed = {(type_, head, tail) for type_, head, tail in RELATIONS}
    layer_of = {s.key: s.layer for s in spans}
    kept = [
        r for r in relations
        if (r.type, layer_of.get(r.head), layer_of.get(r.tail)) in allowed and r.head != r.tail
    ]  # fmt: skip
    return DocSuggestions(spans=spans, relations=kept)
