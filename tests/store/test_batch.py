"""Deciding many suggestions at once (accept-all, finishing a document) in a batch: the same
result, checks and undo as deciding them one at a time, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest

from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from annotate.errors import StoreError
from annotate.store import Store

MODEL = "spacy:test@1/suggest@1"
QUOTE = (
    "“Either we liberate these territories by force, or Ukrainian troops will "
    "leave these territories,”"
)


def _find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _suggest(store: Store) -> str:
    """Entity suggestions on every capitalised name of the first seed article (well over a
    hundred, none overlapping), and a quote linked to its speaker and cue; returns its id."""
    document = store.documents()[0]
    text = document.text
    quote, he = _find(text, QUOTE), _find(text, "he told")
    spans = [
        SpanSuggestion("q0", "quote", "DIRECT", *quote, {"reason": "paired quotes"}),
        SpanSuggestion("s0", "source", "SOURCE", he[0], he[0] + 2, {"speaker": "Putin"}),
        SpanSuggestion("c0", "cue", "CUE", he[0] + 3, he[1], {"reason": "verb"}),
    ]
    labels = ("PERSON", "ORG", "GPE")
    for n, match in enumerate(re.finditer(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*", text)):
        spans.append(
            SpanSuggestion(f"e{n}", "entity", labels[n % 3], match.start(), match.end(), {})
        )
    relations = [RelationSuggestion("said_by", "q0", "s0"), RelationSuggestion("cue", "q0", "c0")]
    store.store_suggestions(MODEL, [(document, DocSuggestions(spans=spans, relations=relations))])
    return document.doc_id


def _open(store: Store, doc_id: str, who: str, layer: str | None = None) -> list[str]:
    return [
        s.span_id
        for s in store.open_suggestions(doc_id, annotator=who, suggester=MODEL)
        if layer is None or s.layer == layer
    ]


def _work(store: Store, who: str) -> tuple[Any, ...]:
    """Everything of the annotator's, rows whole (ids and times too)."""
    doc_ids = [d.doc_id for d in store.documents()]
    return (
        sorted(store.spans(annotator=who), key=lambda s: s.span_id),
        sorted(store.relations(annotator=who), key=lambda r: r.relation_id),
        [store.decisions(doc_id, annotator=who) for doc_id in doc_ids],
        store.statuses(annotator=who),
    )


def _content(store: Store, who: str) -> tuple[Any, ...]:
    """The annotator's work as content, comparable between two annotators."""
    spans = store.spans(annotator=who)
    by_id = {s.span_id: s.source_span_id for s in spans}
    decisions = {
        suggestion: (decision, by_id.get(span_id) if span_id else None)
        for d in store.documents()
        for suggestion, (decision, span_id) in store.decisions(d.doc_id, annotator=who).items()
    }
    return (
        sorted((s.layer, s.label, s.start, s.end, s.origin, s.source_span_id, str(s.attrs))
               for s in spans),
        sorted((r.type, by_id[r.head_span_id], by_id[r.tail_span_id], r.origin)
               for r in store.relations(annotator=who)),
        decisions,
    )


def test_accept_all_is_what_accepting_one_by_one_is(seeded: Store) -> None:
    doc_id = _suggest(seeded)
    # The quote, its source and cue one by one (their links carried), then the entities.
    for layer in ("quote", "source", "cue"):
        for who in ("alice", "bob"):
            for suggestion_id in _open(seeded, doc_id, who, layer)[:1]:
                seeded.accept_suggestion(suggestion_id, annotator=who)
    entities = _open(seeded, doc_id, "alice", "entity")
    assert len(entities) > 100
    for suggestion_id in entities:
        seeded.accept_suggestion(suggestion_id, annotator="alice")
    accepted = seeded.accept_all(doc_id, annotator="bob", suggester=MODEL, layer="entity")
    assert [s.source_span_id for s in accepted] == entities
    assert _content(seeded, "alice") == _content(seeded, "bob")
    assert [e.action for e in seeded.events(annotator="bob")][-1] == "accept_all"


def test_accept_all_carries_the_links_between_suggestions_it_accepts(seeded: Store) -> None:
    doc_id = _suggest(seeded)
    for layer in ("quote", "source", "cue"):
        seeded.accept_all(doc_id, annotator="alice", suggester=MODEL, layer=layer)
    entities = _open(seeded, doc_id, "bob", "entity")
    for suggestion_id in _open(seeded, doc_id, "bob"):
        if suggestion_id not in entities:
            seeded.accept_suggestion(suggestion_id, annotator="bob")
    assert len(seeded.relations(annotator="alice")) == 2
    assert _content(seeded, "alice") == _content(seeded, "bob")


def test_undo_and_redo_of_a_batch_are_one_step_and_exact(seeded: Store) -> None:
    doc_id = _suggest(seeded)
    seeded.accept_suggestion(_open(seeded, doc_id, "alice", "quote")[0], annotator="alice")
    before = _work(seeded, "alice")
    seeded.accept_all(doc_id, annotator="alice", suggester=MODEL, layer="entity")
    seeded.accept_all(doc_id, annotator="alice", suggester=MODEL, layer="source")
    after = _work(seeded, "alice")
    seeded.undo(doc_id, annotator="alice")
    seeded.undo(doc_id, annotator="alice")
    assert _work(seeded, "alice") == before
    seeded.redo(doc_id, annotator="alice")
    seeded.redo(doc_id, annotator="alice")
    assert _work(seeded, "alice") == after
    # Finishing with decisions: the status and every decision, one step as well.
    cues, still_open = _open(seeded, doc_id, "alice", "cue"), _open(seeded, doc_id, "alice")
    seeded.finish_document(doc_id, "done", annotator="alice", accept=cues,
                           reject=[i for i in still_open if i not in cues])
    assert _open(seeded, doc_id, "alice") == []
    finished = _work(seeded, "alice")
    seeded.undo(doc_id, annotator="alice")
    assert _work(seeded, "alice") == after
    seeded.redo(doc_id, annotator="alice")
    assert _work(seeded, "alice") == finished


def test_a_batch_checks_what_the_single_action_checks(seeded: Store) -> None:
    doc_id = _suggest(seeded)
    first = seeded.open_suggestions(doc_id, annotator="alice", suggester=MODEL, layer="entity")[0]
    nothing = _work(seeded, "alice")
    # Overlap: a span of one's own where a suggestion is. Refused whole, nothing written.
    own = seeded.add_span(annotator="alice", doc_id=doc_id, layer="entity", label="ORG",
                          start=first.start, end=first.end)
    with pytest.raises(StoreError) as caught:
        seeded.finish_document(doc_id, "done", annotator="alice", accept=[first.span_id])
    assert caught.value.code == "E123"
    seeded.delete_span(own.span_id, annotator="alice")
    # The text changed since the page was drawn.
    for call in (
        lambda: seeded.accept_all(doc_id, annotator="alice", suggester=MODEL, layer="entity",
                                  doc_sha256="0" * 64),
        lambda: seeded.finish_document(doc_id, "done", annotator="alice", accept=[first.span_id],
                                       doc_sha256="0" * 64),
    ):
        with pytest.raises(StoreError) as caught:
            call()
        assert caught.value.code == "E103"
    # Only a model's suggestions on this document are decided: not a person's span, not
    # another document's suggestion, not an id that is none.
    bobs = seeded.add_span(annotator="bob", doc_id=doc_id, layer="entity", label="ORG",
                           start=first.start, end=first.end)
    other = seeded.documents()[1]
    seeded.store_suggestions(MODEL, [(other, DocSuggestions(
        spans=[SpanSuggestion("x0", "entity", "ORG", 0, 4, {})], relations=[]))])
    elsewhere = seeded.open_suggestions(other.doc_id, annotator="alice", suggester=MODEL)[0]
    for ids, code in (([bobs.span_id], "E121"), ([elsewhere.span_id], "E121"), (["nope"], "E106")):
        for keyword in ("accept", "reject"):
            with pytest.raises(StoreError) as caught:
                seeded.finish_document(doc_id, "done", annotator="alice",
                                       **{keyword: [first.span_id, *ids]})
            assert caught.value.code == code
    # Rejecting an accepted suggestion takes its span back, as the single action does.
    accepted = seeded.accept_suggestion(first.span_id, annotator="alice")
    seeded.finish_document(doc_id, "done", annotator="alice", reject=[first.span_id])
    assert accepted.span_id not in {s.span_id for s in seeded.spans(annotator="alice")}
    assert seeded.decisions(doc_id, annotator="alice")[first.span_id] == ("rejected", None)
    for _ in range(4):  # finish, accept, delete, add
        seeded.undo(doc_id, annotator="alice")
    assert _work(seeded, "alice") == nothing


def test_a_concurrent_writer_on_the_document_loses_and_duplicates_nothing(db_url: str) -> None:
    """One widget accepts all entities while the same person's other widget decides the quote
    and rejects some entities one by one: whatever the order, every suggestion ends decided
    once, with one span each accepted one, and the quote's links carried once."""
    from annotate.corpus.ingest import ingest
    from tests.support.paths import CORPUS

    setup = Store(db_url)
    ingest(setup, [CORPUS])
    doc_id = _suggest(setup)
    entities = _open(setup, doc_id, "alice", "entity")
    others = [i for i in _open(setup, doc_id, "alice") if i not in entities]
    rejected = entities[::7]
    setup.close()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def batch() -> None:
        store = Store(db_url)
        try:
            start.wait()
            for layer in ("entity", "source"):
                store.accept_all(doc_id, annotator="alice", suggester=MODEL, layer=layer)
        except BaseException as exc:  # reported below, with the other thread's
            errors.append(exc)
        finally:
            store.close()

    def singles() -> None:
        store = Store(db_url)
        try:
            start.wait()
            for suggestion_id in [*rejected, *others]:
                if suggestion_id in rejected:
                    store.reject_suggestion(suggestion_id, annotator="alice")
                else:
                    store.accept_suggestion(suggestion_id, annotator="alice")
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=batch), threading.Thread(target=singles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, [str(e) for e in errors]
    store = Store(db_url)
    spans = store.spans(annotator="alice")
    decisions = store.decisions(doc_id, annotator="alice")
    sources = [s.source_span_id for s in spans]
    assert len(sources) == len(set(sources))  # no suggestion taken twice
    assert set(decisions) == set(entities) | set(others)  # every one decided
    accepted = {i for i, (decision, _) in decisions.items() if decision == "accepted"}
    assert accepted == (set(entities) - set(rejected)) | set(others)
    assert set(sources) == accepted
    assert {span_id for _, span_id in decisions.values() if span_id} == {s.span_id for s in spans}
    links = sorted((r.type, r.head_span_id, r.tail_span_id) for r in store.relations())
    assert len(links) == len(set(links))
    assert sorted(r.type for r in store.relations(annotator="alice")) == ["cue", "said_by"]
    store.close()
