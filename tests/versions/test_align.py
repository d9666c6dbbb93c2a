"""Sentence splitting and alignment of two versions."""

from __future__ import annotations

import pytest

from annotate.errors import AnnotateError
from annotate.versions import align_texts
from annotate.versions.align import EDITED, IDENTICAL, pair_sentences, sentence_similarity
from annotate.versions.text import sentences, tokens, words


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text)]


def test_sentences_split_on_terminal_punctuation_and_lines() -> None:
    text = "First one. Second one!\nThird line\n\n  Fourth? “Quoted.” Then more."
    assert split(text) == [
        "First one.",
        "Second one!",
        "Third line",
        "Fourth?",
        "“Quoted.”",
        "Then more.",
    ]


def test_sentences_keep_abbreviations_initials_and_quotes_together() -> None:
    text = (
        "Mr. Kushner met U.S. officials and J. Smith on Tuesday. "
        "“That’s why it took so long,” the Kremlin leader said. He left."
    )
    assert split(text) == [
        "Mr. Kushner met U.S. officials and J. Smith on Tuesday.",
        "“That’s why it took so long,” the Kremlin leader said.",
        "He left.",
    ]


def test_sentences_of_empty_and_blank_text() -> None:
    assert sentences("") == []
    assert sentences(" \n\n \t") == []


def test_tokens_separate_punctuation() -> None:
    text = "Ukraine’s “no compromise”, 85%."
    assert [text[a:b] for a, b in tokens(text)] == [
        "Ukraine", "’", "s", "“", "no", "compromise", "”", ",", "85", "%", ".",
    ]  # fmt: skip
    assert words(text) == ["ukraine", "s", "no", "compromise", "85"]


def test_sentence_similarity_forgives_an_added_clause() -> None:
    a = words("Sybhia said Putin was wasting the world’s time.")
    b = words("But Sybhia accused Putin of wasting the world’s time, while others waited.")
    assert sentence_similarity(a, b) >= 0.5
    assert sentence_similarity(a, words("The BBC has contacted the White House.")) < 0.3
    assert sentence_similarity([], a) == 0.0


def test_pairs_identical_moved_and_edited_sentences() -> None:
    source = ["A one two three.", "B four five six.", "C seven eight nine ten.", "D gone."]
    target = ["B four five six.", "New.", "A one two three.", "C seven eight nine eleven."]
    pairs = {(p.source, p.target): p.kind for p in pair_sentences(source, target)}
    assert pairs == {(1, 0): IDENTICAL, (0, 2): IDENTICAL, (2, 3): EDITED}


def test_repeated_identical_sentences_pair_in_order() -> None:
    pairs = pair_sentences(["Same.", "Same.", "X y z."], ["Same.", "Same."])
    assert sorted((p.source, p.target) for p in pairs) == [(0, 0), (1, 1)]


def test_seed_alignment(original: str, rewrite: str) -> None:
    alignment = align_texts(original, rewrite)
    kinds = [p.kind for p in alignment.pairs]
    assert len(alignment.source_sentences) == 36 and len(alignment.target_sentences) == 34
    assert kinds.count(IDENTICAL) == 14
    assert kinds.count(EDITED) == 18
    # every aligned token pair has the same text
    for s_tok, t_tok in enumerate(alignment.token_map):
        if t_tok >= 0:
            a, b = alignment.source_tokens[s_tok]
            c, d = alignment.target_tokens[t_tok]
            assert original[a:b] == rewrite[c:d]


def test_a_clause_moved_to_another_sentence_is_aligned(original: str, rewrite: str) -> None:
    alignment = align_texts(original, rewrite)
    clause = "In his India Today interview ahead of a state visit to Delhi,"
    start = original.find(clause)
    toks = [
        k for k, (a, _) in enumerate(alignment.source_tokens) if start <= a < start + len(clause)
    ]
    assert toks and all(k in alignment.moved_tokens for k in toks)
    first = alignment.target_tokens[alignment.token_map[toks[0]]][0]
    assert rewrite[first : first + len(clause)] == clause


def test_texts_must_be_strings() -> None:
    with pytest.raises(AnnotateError) as err:
        align_texts("text", None)  # type: ignore[arg-type]
    assert err.value.code == "E502"


def test_short_sentences_sharing_a_word_are_not_paired() -> None:
    pairs = pair_sentences(["Putin said."], ["Trump said."])
    assert pairs == []


def test_giant_lines_without_punctuation_do_not_stall() -> None:
    # One 30,000-word "sentence" per side: too long for difflib, aligned by long runs instead.
    body = [f"w{i % 997}x{i // 997}" for i in range(30_000)]
    source = " ".join(body)
    target = " ".join([*body[:10_000], "inserted", "words", *body[10_000:]])
    alignment = align_texts(source, target)
    assert len(alignment.pairs) == 1
    mapped = sum(m >= 0 for m in alignment.token_map)
    assert mapped == len(body)
