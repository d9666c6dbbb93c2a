"""The orchestration: keys, relations, streaming, and refusing an unsuitable pipeline."""

from __future__ import annotations

import types
from typing import Any

import pytest

from annotate.errors import ModelError
from annotate.suggest.engine import suggest_doc, suggest_texts

LABELS = ("PERSON", "ORG", "GPE")


def test_keys_are_prefixed_and_unique(nlp: Any) -> None:
    text = "“We will win,” Anna Berg told the BBC. The club said ticket prices would rise by 5%."
    out = suggest_doc(nlp(text), entity_labels=LABELS)
    prefixes = {"entity": "e", "quote": "q", "source": "s", "cue": "c", "claim": "l"}
    keys = [s.key for s in out.spans]
    assert len(keys) == len(set(keys))
    for span in out.spans:
        assert span.key.startswith(prefixes[span.layer])
    assert {s.layer for s in out.spans} == set(prefixes)
    by_key = out.by_key()
    for relation in out.relations:
        assert relation.head in by_key and relation.tail in by_key


def test_entity_labels_filter_and_map(nlp: Any) -> None:
    text = "Angela Smith flew from Paris to Berlin on Monday with 3 colleagues."
    out = suggest_doc(nlp(text), entity_labels=("PERSON",))
    assert {s.label for s in out.spans if s.layer == "entity"} == {"PERSON"}
    out = suggest_doc(nlp(text), entity_labels=("PERSON", "GPE", "DATE", "CARDINAL"))
    assert {s.label for s in out.spans if s.layer == "entity"} == {
        "PERSON",
        "GPE",
        "DATE",
        "CARDINAL",
    }


def test_empty_text(nlp: Any) -> None:
    out = suggest_doc(nlp("   \n\n "), entity_labels=LABELS)
    assert out.spans == [] and out.relations == []


def test_suggest_texts_streams_in_order(nlp: Any) -> None:
    texts = [f"The mayor said {n} schools would close." for n in range(1, 6)]
    stream = suggest_texts(nlp, iter(texts), entity_labels=LABELS, batch_size=2)
    assert isinstance(stream, types.GeneratorType)
    for text, out in zip(texts, stream, strict=True):
        quotes = [s for s in out.spans if s.layer == "quote"]
        assert [text[q.start : q.end] for q in quotes] == [text[len("The mayor said ") : -1]]


def test_suggest_texts_is_lazy(nlp: Any) -> None:
    def texts() -> Any:
        yield "The mayor said the road would reopen."
        raise AssertionError("read past the first text")

    stream = suggest_texts(nlp, texts(), entity_labels=LABELS, batch_size=1)
    first = next(stream)
    assert any(s.layer == "quote" for s in first.spans)


def test_pipeline_without_parser_is_refused() -> None:
    import spacy

    blank = spacy.blank("en")
    with pytest.raises(ModelError) as info:
        suggest_texts(blank, ["Some text."], entity_labels=LABELS)
    assert info.value.code == "E204"
    with pytest.raises(ModelError) as info:
        suggest_doc(blank("Some text."), entity_labels=LABELS)
    assert info.value.code == "E205"
    assert "parser" in str(info.value)


@pytest.mark.slow
def test_two_processes_give_the_same_suggestions(nlp: Any, seeds: dict[str, str]) -> None:
    texts = list(seeds.values())
    one = list(suggest_texts(nlp, texts, entity_labels=LABELS, n_process=1))
    two = list(suggest_texts(nlp, texts, entity_labels=LABELS, n_process=2))
    assert one == two


def test_messy_texts_never_crash(nlp: Any, seeds: dict[str, str]) -> None:
    import random

    rng = random.Random(7)
    pieces = [*seeds["000"].split(), "“", "”", '"', "\n\n", "«", "»", "—", "said", "?", "’"]
    texts = ["", "“", "\n\n”\n\n", '"""', "“”", "said", "According to", "\r\n“a”\r\n"]
    texts += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 120))) for _ in range(40)]
    for text, out in zip(texts, suggest_texts(nlp, texts, entity_labels=LABELS), strict=True):
        for span in out.spans:
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start : span.end].strip() == text[span.start : span.end]
        keys = out.by_key()
        assert all(r.head in keys and r.tail in keys for r in out.relations)
