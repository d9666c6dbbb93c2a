"""The quality benchmark's corpus and scoring: the mark-up reads as its README says, the
matching rule is the stated one, and the shipped corpus is whole."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from quality_corpus import (  # noqa: E402
    CorpusError,
    Part,
    match,
    parse_article,
    read_split,
    score_doc,
)


def test_markup_gives_text_and_parts_with_source_cue_and_speaker() -> None:
    marked = (
        "⟦D1 “We will stay,”⟧ ⟦S1,2{Ana Ruiz} she⟧ ⟦C1 said⟧, ⟦D1 “all of us.”⟧ "
        "⟦S3 Officials⟧ ⟦C3 said⟧ ⟦M3 it was “calm”⟧.\n\n⟦D2 “Home.”⟧"
    )
    article = parse_article("x", "AP", "test", marked)
    text = article.text
    assert "⟦" not in text and text.startswith("“We will stay,” she said, “all of us.”")
    got = [
        (p.label, text[p.start : p.end], p.source and text[slice(*p.source)],
         p.cue and text[slice(*p.cue)], p.speaker)
        for p in article.parts
    ]  # fmt: skip
    assert got == [
        ("DIRECT", "“We will stay,”", "she", "said", "Ana Ruiz"),
        ("DIRECT", "“all of us.”", "she", "said", "Ana Ruiz"),
        ("MIXED", "it was “calm”", "Officials", "said", "Officials"),
        ("DIRECT", "“Home.”", "she", None, "Ana Ruiz"),
    ]


@pytest.mark.parametrize(
    ("marked", "problem"),
    [
        ("⟦D1 open", "never closed"),
        ("close⟧", "without its tag"),
        ("⟦X1 what⟧", "bad tag"),
        ("⟦S1 she⟧ ⟦C1 said⟧", "no content"),
        ("⟦D1 “a”⟧ ⟦I1 b⟧", "different labels"),
        ("⟦S1 a⟧ ⟦S1 b⟧ ⟦D1 “c”⟧", "two sources"),
    ],
)
def test_malformed_markup_is_refused(marked: str, problem: str) -> None:
    with pytest.raises(CorpusError, match=problem):
        parse_article("x", "AP", "test", marked)


def test_a_match_needs_half_of_the_longer_span() -> None:
    gold = [Part("d", 0, 100, "INDIRECT")]
    half = Part("d", 40, 100, "INDIRECT")
    assert match(gold, [half]) == [(gold[0], half)]
    assert match(gold, [Part("d", 0, 49, "INDIRECT")]) == []  # covers less than half of gold
    assert match(gold, [Part("d", 0, 201, "INDIRECT")]) == []  # gold covers less than half
    one, two = Part("d", 0, 60, "DIRECT"), Part("d", 0, 100, "DIRECT")
    pairs = match(gold, [one, two])
    assert pairs == [(gold[0], two)]  # one-to-one, largest overlap first


def test_source_cue_and_joint_count_only_matched_quotes_with_equal_offsets() -> None:
    gold = [Part("d", 0, 10, "DIRECT", (12, 14), (15, 19), "Ana"),
            Part("d", 30, 40, "INDIRECT", (20, 24), None, "Bo")]  # fmt: skip
    pred = [Part("d", 0, 10, "DIRECT", (12, 14), (15, 19), "Ana"),
            Part("d", 30, 38, "INDIRECT", (21, 24), (25, 28), "Bo")]  # fmt: skip
    counts = score_doc(gold, pred)
    assert (counts["content"].tp, counts["content_exact"].tp) == (2, 1)
    assert (counts["source"].tp, counts["source"].n_pred, counts["source"].n_gold) == (1, 2, 2)
    assert (counts["cue"].tp, counts["cue"].n_pred, counts["cue"].n_gold) == (1, 2, 1)
    assert counts["joint"].tp == 1 and counts["speaker"].tp == 2


def test_the_shipped_corpus_is_whole() -> None:
    tune, heldout = read_split("tune"), read_split("heldout")
    assert len(tune) + len(heldout) >= 30 and len(heldout) >= 10
    ids = [a.doc for a in tune + heldout]
    assert len(ids) == len(set(ids))
    labels = {p.label for a in tune + heldout for p in a.parts}
    assert labels == {"DIRECT", "INDIRECT", "MIXED", "THOUGHT"}
    outlets = {a.outlet.split()[0] for a in tune + heldout}
    assert {"AP", "Reuters", "NYT", "Guardian", "Fox", "local", "wire"} <= outlets
    for article in tune + heldout:
        for part in article.parts:
            covered = article.text[part.start : part.end]
            assert covered.strip() == covered
