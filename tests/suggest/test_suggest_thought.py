"""Thought and stance attributions: off in the default scheme, on when a project's scheme
has the THOUGHT label, and then stored apart from speech-only suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotate.core.scheme import Scheme
from annotate.corpus.ingest import ingest
from annotate.store import Store
from annotate.suggest import pipeline
from annotate.suggest.model import SUGGESTER_VERSION

TEXT = (
    "Forecasters expect the storm to weaken before it reaches the coast. The governor said "
    "schools would stay open."
)


def thought_scheme() -> Scheme:
    text = Scheme.default().source_toml
    switched = text.replace('  # { name = "THOUGHT"', '  { name = "THOUGHT"')
    assert switched != text, "the default scheme no longer carries the THOUGHT line to enable"
    return Scheme.from_toml(switched, origin="thought.toml")


def run(store: Store, tmp_path: Path, nlp: Any) -> pipeline.SuggestReport:
    path = tmp_path / "a.jsonl"
    path.write_text(f'{{"id": "a", "text": "{TEXT}"}}\n', encoding="utf-8")
    ingest(store, [path])
    return pipeline.suggest_project(store, nlp=nlp, progress=False)


def quotes(store: Store, suggester: str) -> dict[str, str]:
    return {
        TEXT[s.start : s.end]: s.label
        for s in store.spans(annotator=suggester)
        if s.layer == "quote"
    }


def test_the_default_scheme_gets_speech_only(tmp_path: Path, nlp: Any) -> None:
    store = Store(tmp_path / "speech.db")
    try:
        report = run(store, tmp_path, nlp)
        assert report.suggester.endswith(f"/suggest@{SUGGESTER_VERSION}")
        assert quotes(store, report.suggester) == {"schools would stay open": "INDIRECT"}
    finally:
        store.close()


def test_a_scheme_with_thought_gets_thought_attributions(tmp_path: Path, nlp: Any) -> None:
    store = Store(tmp_path / "thought.db", scheme=thought_scheme())
    try:
        report = run(store, tmp_path, nlp)
        assert report.suggester.endswith(f"/suggest@{SUGGESTER_VERSION}+thought")
        assert quotes(store, report.suggester) == {
            "the storm to weaken before it reaches the coast": "THOUGHT",
            "schools would stay open": "INDIRECT",
        }
        thought = next(s for s in store.spans(annotator=report.suggester) if s.label == "THOUGHT")
        relations = {
            r.type
            for r in store.relations(annotator=report.suggester)
            if r.head_span_id == thought.span_id
        }
        assert relations == {"said_by", "cue"}
    finally:
        store.close()
