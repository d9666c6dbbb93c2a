"""Acceptance checks on the seed articles, with the real pipeline."""

from __future__ import annotations

from typing import Any

from annotate.core.scheme import Scheme


def test_seed_cleaning_strips_metadata(seeds: dict[str, str]) -> None:
    assert seeds["000"].startswith("President Vladimir Putin has warned")
    assert seeds["000"].rstrip().endswith("heavy combat casualties.")
    assert "Source:" not in seeds["000"] and "--Agencies" not in seeds["000"]


def test_direct_quote_told_india_today(seed_views: dict[str, Any]) -> None:
    v = seed_views["000"]
    text = (
        "“Either we liberate these territories by force, or Ukrainian troops will leave these "
        "territories,”"
    )
    quote = v.find("quote", text)
    assert quote.label == "DIRECT"
    assert v.of(quote).startswith("“") and v.of(quote).endswith("”")
    assert v.of(v.tail(quote, "cue")) == "told"
    source = v.tail(quote, "said_by")
    assert v.of(source) == "he"
    assert source.attrs["speaker"] == "Vladimir Putin"
    assert v.of(v.tail(source, "refers_to")) == "Vladimir Putin"
    assert quote.attrs["addressee"] == "India Today"


def test_indirect_quote_has_warned(seed_views: dict[str, Any]) -> None:
    v = seed_views["000"]
    # The content follows "has warned again that"; "that" is left out of the span.
    quote = v.containing("quote", "Ukrainian troops must withdraw from Ukraine’s eastern Donbas")[0]
    assert quote.label == "INDIRECT"
    assert v.of(quote).startswith("Ukrainian troops must withdraw")
    assert v.of(quote).endswith("or Russia will seize it")
    assert v.of(v.tail(quote, "cue")) == "warned"
    source = v.tail(quote, "said_by")
    # The source is the mention as written, title included.
    assert v.of(source) == "President Vladimir Putin"
    assert source.attrs["speaker"] == "Vladimir Putin"


def test_quantity_claim_hedged_by_writer(seed_views: dict[str, Any]) -> None:
    v = seed_views["000"]
    claim = v.find("claim", "Moscow controls around 85% of Donbas.")
    assert claim.label == "QUANTITY"
    assert claim.attrs["hedged"] is True
    assert claim.attrs["claimant"] == "writer"
    assert claim.attrs["checkworthy"] == "yes"
    assert v.tails(claim, "claimed_by") == []


def test_ruled_out_in_both_seeds(seed_views: dict[str, Any]) -> None:
    for name in ("000", "001"):
        v = seed_views[name]
        quote = next(q for q in v.layer("quote") if v.of(q).startswith("ceding territory"))
        assert quote.label == "INDIRECT"
        assert v.of(v.tail(quote, "cue")) == "ruled out"
        assert v.tail(quote, "said_by").attrs["speaker"] == "Volodymyr Zelensky"


def test_descriptions_and_pronouns_resolve(seed_views: dict[str, Any]) -> None:
    v = seed_views["000"]
    leader = v.find("source", "the Kremlin leader")
    assert leader.attrs["speaker"] == "Vladimir Putin"
    president = v.find("source", "The Ukrainian president")
    assert president.attrs["speaker"] == "Volodymyr Zelensky"


def test_mixed_quote_reasonably_good(seed_views: dict[str, Any]) -> None:
    v = seed_views["000"]
    quote = v.find("quote", "Tuesday’s talks in the Kremlin were “reasonably good”")
    assert quote.label == "MIXED"
    assert v.tail(quote, "said_by").attrs["speaker"] == "Donald Trump"
    # The fragment is never a quote of its own.
    assert not [q for q in v.layer("quote") if v.of(q) == "“reasonably good”"]


def test_claim_inside_quote_is_claimed_by_its_source(seed_views: dict[str, Any]) -> None:
    v = seed_views["000"]
    claim = v.containing("claim", "There is a possibility that the US will betray Ukraine")[0]
    assert claim.label == "PREDICTION"
    assert claim.attrs["hedged"] is True
    assert claim.attrs["claimant"] == "Emmanuel Macron"
    assert v.of(v.tail(claim, "claimed_by")) == "French President Emmanuel Macron"


def test_every_suggestion_fits_the_default_scheme(seed_views: dict[str, Any]) -> None:
    scheme = Scheme.default()
    for v in seed_views.values():
        keys = [s.key for s in v.suggestions.spans]
        assert len(keys) == len(set(keys))
        for span in v.suggestions.spans:
            scheme.check_label(span.layer, span.label)
            scheme.check_attrs(span.layer, span.attrs)
            assert isinstance(span.attrs["reason"], str) and span.attrs["reason"]
            assert 0.0 <= span.attrs["confidence"] <= 1.0
            assert 0 <= span.start < span.end <= len(v.text)
            assert v.of(span) == v.of(span).strip()
        for relation in v.suggestions.relations:
            head, tail = v.keys[relation.head], v.keys[relation.tail]
            scheme.check_relation(relation.type, head.layer, tail.layer)
