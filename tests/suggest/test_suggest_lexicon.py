"""The lexicon is data: the default loads, a broken file is reported, a custom one is used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotate.errors import AnnotateError
from annotate.suggest.engine import suggest_doc
from annotate.suggest.lexicon import load_lexicon, parse_lexicon

DEFAULT = Path(load_lexicon.__code__.co_filename).with_name("lexicon.toml")


def test_default_lexicon_loads() -> None:
    lexicon = load_lexicon()
    assert "say" in lexicon.reporting_verbs
    assert ("according", "to") in lexicon.prepositional_cues
    assert lexicon.object_complement["rule"] == frozenset({"out"})
    assert load_lexicon() is lexicon  # cached


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("not toml [", "Expected"),
        ("version = 1", "missing key"),
        (DEFAULT.read_text("utf-8").replace('verbs = [\n  "say"', "verbs = [\n  3"), "strings"),
        (DEFAULT.read_text("utf-8").replace('"OTHER"]', '"OTHER", "OTHER", "GUESS"]'), "priority"),
    ],
)
def test_invalid_lexicon_gives_e203(text: str, detail: str) -> None:
    with pytest.raises(AnnotateError) as info:
        parse_lexicon(text, origin="my.toml")
    assert info.value.code == "E203"
    assert "my.toml" in str(info.value) and detail in str(info.value)


def test_missing_lexicon_file_gives_e203(tmp_path: Path) -> None:
    with pytest.raises(AnnotateError) as info:
        load_lexicon(tmp_path / "nope.toml")
    assert info.value.code == "E203"


def test_custom_lexicon_changes_the_rules(nlp: Any, tmp_path: Path) -> None:
    text = "The mayor reckoned that the bridge would reopen in May."
    doc = nlp(text)
    assert not [s for s in suggest_doc(doc, entity_labels=()).spans if s.layer == "quote"]
    custom = tmp_path / "lexicon.toml"
    custom.write_text(
        DEFAULT.read_text("utf-8").replace('verbs = [\n  "say"', 'verbs = [\n  "reckon", "say"'),
        encoding="utf-8",
    )
    out = suggest_doc(doc, entity_labels=(), lexicon=load_lexicon(custom))
    quotes = [s for s in out.spans if s.layer == "quote"]
    assert [text[q.start : q.end] for q in quotes] == ["the bridge would reopen in May"]


def test_label_map_renames_before_filtering(nlp: Any) -> None:
    from spacy.tokens import Span

    text = "Crowds gathered outside the old palace in the rain."
    doc = nlp(text)
    doc.ents = [Span(doc, 4, 6, label="FAC"), Span(doc, 8, 9, label="TIME")]
    out = suggest_doc(doc, entity_labels=("LOC", "PERSON"))
    entities = [(text[s.start : s.end], s.label) for s in out.spans if s.layer == "entity"]
    # FAC is mapped to LOC by the default lexicon; TIME is neither mapped nor wanted.
    assert entities == [("old palace", "LOC")]
    assert "mapped to LOC" in out.spans[0].attrs["reason"]


def test_a_lexicon_from_before_the_optional_sections_still_loads() -> None:
    text = DEFAULT.read_text("utf-8")
    for section in ("[thought]", "[layout]", "[boilerplate]"):
        start = text.index(section)
        text = text[:start] + text[text.index("\n[", start + 1) + 1 :]
    lexicon = parse_lexicon(text)
    assert lexicon.thought_verbs == frozenset() and lexicon.thought_label == "THOUGHT"
    assert lexicon.dateline is None and lexicon.boilerplate_openers == ()


def test_a_broken_pattern_gives_e203() -> None:
    text = DEFAULT.read_text("utf-8").replace('credits = [\n  "', 'credits = [\n  "(unclosed", "')
    with pytest.raises(AnnotateError) as info:
        parse_lexicon(text, origin="my.toml")
    assert info.value.code == "E203" and "(unclosed" in str(info.value)


def test_boilerplate_rules_are_lexicon_data(nlp: Any) -> None:
    text = "The mayor said the pool would open.\n\nStaff notice: the clerk said it was sunny."
    doc = nlp(text)
    quotes = [s for s in suggest_doc(doc, entity_labels=()).spans if s.layer == "quote"]
    assert len(quotes) == 2
    custom = DEFAULT.read_text("utf-8").replace(
        "openers = [\n", 'openers = [\n  "staff notice:",\n'
    )
    out = suggest_doc(doc, entity_labels=(), lexicon=parse_lexicon(custom))
    assert [text[s.start : s.end] for s in out.spans if s.layer == "quote"] == [
        "the pool would open"
    ]
