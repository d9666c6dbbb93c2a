"""Claim rules on small synthetic sentences: type, hedging, check-worthiness, claimant."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("The factory employs 1,200 workers in the region.", "QUANTITY"),
        ("Unemployment in the province reached 7.4% in March.", "QUANTITY"),
        ("The new stadium is bigger than the old one in Lisbon.", "COMPARISON"),
        ("Norway is the largest oil producer in western Europe.", "COMPARISON"),
        ("House prices in the capital fell sharply during the spring.", "CHANGE"),
        ("The number of tourists has doubled since the airport opened.", "CHANGE"),
        ("The new line will open to passengers next summer.", "PREDICTION"),
        ("The committee is expected to publish its report in the autumn.", "PREDICTION"),
        ("The flooding was caused by a blocked drain under the road.", "CAUSAL"),
        ("Flights were cancelled because of the strike by air traffic controllers.", "CAUSAL"),
        ("A new law bans the sale of fireworks to anyone under 18.", "RULE"),
        ("It is illegal to drive without insurance in the country.", "RULE"),
        ("The first bridge across the river opened in June 1887 in Glasgow.", "OTHER"),
    ],
)
def test_claim_types(suggest: Any, sentence: str, label: str) -> None:
    v = suggest(sentence)
    claims = v.layer("claim")
    assert [c.label for c in claims] == [label], [v.of(c) for c in claims]
    assert claims[0].attrs["claimant"] == "writer"
    assert claims[0].attrs["reason"].startswith(f"claim: {label}")


@pytest.mark.parametrize(
    "sentence",
    [
        "Around 300 people attended the meeting in the town hall.",
        "The company employs nearly 4,000 staff across Europe.",
        "Some 85% of the region is now under government control.",
        "The drug may reduce the risk of a second stroke.",
        "Up to 20 homes were damaged by the storm.",
    ],
)
def test_hedged_claims(suggest: Any, sentence: str) -> None:
    claims = suggest(sentence).layer("claim")
    assert len(claims) == 1 and claims[0].attrs["hedged"] is True


def test_about_is_no_hedge_without_a_figure(suggest: Any) -> None:
    claims = suggest("The council talked about the 12 new schools it has built.").layer("claim")
    assert claims and claims[0].attrs["hedged"] is False


def test_figures_make_a_claim_checkworthy(suggest: Any) -> None:
    v = suggest("The hospital treated 2,300 patients last year.")
    assert v.layer("claim")[0].attrs["checkworthy"] == "yes"
    v = suggest("The new line will open to passengers next summer.")
    assert v.layer("claim")[0].attrs["checkworthy"] == "unsure"


def test_opinions_and_frames_are_not_claims(suggest: Any) -> None:
    v = suggest("The minister declined to comment. The mood in the room was tense.")
    assert v.layer("claim") == []


def test_claim_inside_a_quote_belongs_to_the_speaker(suggest: Any) -> None:
    v = suggest("“Prices will rise by 10% next year,” the bank's chief economist Ravi Shah said.")
    claim = v.find("claim", "Prices will rise by 10% next year")
    assert claim.label == "PREDICTION"
    assert claim.attrs["claimant"] == "Ravi Shah"
    assert claim.attrs["checkworthy"] == "yes"
    assert v.tail(claim, "claimed_by") == v.tail(v.layer("quote")[0], "said_by")


def test_reporting_frame_is_not_the_writers_claim(suggest: Any) -> None:
    v = suggest("The ministry said 40 schools would close in 2026.")
    claims = v.layer("claim")
    assert [v.of(c) for c in claims] == ["40 schools would close in 2026"]
    assert claims[0].attrs["claimant"] == "The ministry"


def test_coordinated_clauses_are_separate_claims(suggest: Any) -> None:
    v = suggest("The war began in February 2022, and Russia now holds about 20% of the country.")
    texts = [v.of(c) for c in v.layer("claim")]
    assert "Russia now holds about 20% of the country." in texts
    assert any(t.startswith("The war began in February 2022") for t in texts)


def test_hyphenated_words_do_not_trigger_rules(suggest: Any) -> None:
    v = suggest("She met her son-in-law at the station.")
    assert v.layer("claim") == []
