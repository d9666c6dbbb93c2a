"""Candidates for the span categorisers, and links between the spans a model finds."""

from __future__ import annotations

import re

from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from annotate.formats.tokens import blank_nlp
from annotate.train.components import build_clause_suggester, clause_spans
from annotate.train.links import combine, link_nearest
from annotate.train.predict import ModelOutput, ModelSpan, entropy

TEXT = (
    "“We will not accept these terms,” Maria Ortiz told reporters. She said that the talks "
    "had failed. “Nobody expected it,” he added.\n\nAccording to Helix Energy, prices rose."
)


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``needle`` as whole words."""
    found = list(re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text))[nth]
    return found.start(), found.end()


def span(key: str, layer: str, needle: str, label: str = "X", nth: int = 0) -> SpanSuggestion:
    return SpanSuggestion(key, layer, label, *at(TEXT, needle, nth))


def words(doc: object, spans: list[tuple[int, int]]) -> set[str]:
    return {doc[a:b].text for a, b in spans}  # type: ignore[index]


def test_clause_candidates_cover_quotes_and_clauses_but_not_every_ngram() -> None:
    doc = blank_nlp().make_doc(TEXT)
    found = clause_spans(doc, max_length=12, after=frozenset({"that"}))
    texts = words(doc, found)
    assert "“We will not accept these terms,”" in texts  # quotation marks inside
    assert "the talks had failed" in texts  # after "that"
    assert "prices rose" in texts  # after a comma
    assert "Maria Ortiz told reporters" in texts  # a sentence without its full stop
    assert "talks had" not in texts  # not on clause edges
    assert all(b - a <= 12 for a, b in found)
    assert len(found) < 3 * len(doc)  # a few per token, not one per length
    without = words(doc, clause_spans(doc, max_length=12, after=frozenset()))
    assert "the talks had failed" not in without


def test_the_registered_suggester_gives_spacys_ragged_candidates() -> None:
    nlp = blank_nlp()
    docs = [nlp.make_doc(TEXT), nlp.make_doc("")]
    ragged = build_clause_suggester(max_length=12, after=["That"])(docs)
    assert ragged.lengths.tolist() == [len(clause_spans(docs[0], max_length=12,
                                                        after=frozenset({"that"}))), 0]  # fmt: skip


def test_nearest_links_stay_within_the_sentence() -> None:
    quote1 = span("q1", "quote", "“We will not accept these terms,”")
    quote2 = span("q2", "quote", "“Nobody expected it,”")
    source1 = span("s1", "source", "Maria Ortiz")
    source2 = span("s2", "source", "he")
    cue1 = span("c1", "cue", "told")
    cue2 = span("c2", "cue", "added")
    ortiz = span("e1", "entity", "Maria Ortiz", "PERSON")
    claim = span("l1", "claim", "We will not accept these terms")
    links = link_nearest(TEXT, [quote1, quote2, source1, source2, cue1, cue2, ortiz, claim])
    assert set(links) == {
        RelationSuggestion("cue", "q1", "c1"),
        RelationSuggestion("said_by", "q1", "s1"),
        RelationSuggestion("cue", "q2", "c2"),
        RelationSuggestion("said_by", "q2", "s2"),  # not "Maria Ortiz": a sentence between
        RelationSuggestion("refers_to", "s1", "e1"),
        RelationSuggestion("claimed_by", "l1", "s1"),
    }


def test_no_link_across_a_paragraph_break() -> None:
    quote = span("q1", "quote", "prices rose")
    far = span("s1", "source", "he")
    assert link_nearest(TEXT, [quote, far]) == []


def test_the_rules_links_are_carried_onto_the_models_overlapping_spans() -> None:
    rules = DocSuggestions(
        spans=[span("q0", "quote", "“Nobody expected it,”", "DIRECT"),
               span("s0", "source", "he", "SOURCE"), span("s9", "source", "Maria Ortiz", "SOURCE"),
               span("e0", "entity", "Maria Ortiz", "PERSON")],
        relations=[RelationSuggestion("said_by", "q0", "s9"),  # the rules resolved "he"
                   RelationSuggestion("refers_to", "s9", "e0")],
    )  # fmt: skip
    start, end = at(TEXT, "Nobody expected it")  # the model's quote lacks the marks
    model = ModelOutput([ModelSpan("quote", "DIRECT", start, end, 0.9)])
    found = combine(TEXT, model, rules, choice={"quote": "model", "source": "rules"},
                    linker="rules", reason="trained pipeline t")  # fmt: skip
    keys = found.by_key()
    [quote] = [s for s in found.spans if s.layer == "quote"]
    assert (quote.key, quote.attrs["confidence"]) == ("m0", 0.9)
    assert quote.attrs["reason"] == "trained pipeline t: p=0.90"
    said = [r for r in found.relations if r.type == "said_by"]
    assert [(keys[r.head].layer, TEXT[keys[r.tail].start:keys[r.tail].end]) for r in said] == [
        ("quote", "Maria Ortiz")]  # fmt: skip
    # Entities were not chosen: the rules' refers_to has no counterpart and is left out.
    assert {s.layer for s in found.spans} == {"quote", "source"}
    assert not [r for r in found.relations if r.type == "refers_to"]
    nearest = combine(TEXT, model, rules, choice={"quote": "model", "source": "rules"},
                      linker="nearest", reason="t")  # fmt: skip
    said = [r for r in nearest.relations if r.type == "said_by"]
    assert [TEXT[nearest.by_key()[r.tail].start:nearest.by_key()[r.tail].end] for r in said] == [
        "he"]  # fmt: skip


def test_entropy_is_zero_when_sure_and_one_at_a_coin_toss() -> None:
    assert entropy(1.0) == entropy(0.0) == 0.0
    assert entropy(0.5) == 1.0
    assert 0 < entropy(0.9) < entropy(0.7) < 1
