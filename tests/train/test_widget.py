"""Choosing whose suggestions the annotator widget shows, and following the uncertainty order."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.core.records import DocSuggestions, SpanSuggestion
from annotate.store import Store
from annotate.widgets import Annotator
from annotate.workflow.assign import set_queue_order
from tests.support.pages import Browser
from tests.support.seed import SUGGESTER, seed_project, span_of

TRAINED = "trained:demo@0123456789ab"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    project = seed_project(tmp_path / "project.db", hostile=False)
    items = []
    for document in project.documents():
        found = DocSuggestions()
        if "Donbas" in document.text:
            start, end = span_of(document.text, "Donbas")
            reason = {"reason": "trained pipeline demo: p=0.81", "confidence": 0.81}
            found.spans.append(SpanSuggestion("m0", "entity", "GPE", start, end, reason))
        items.append((document, found))
    project.store_suggestions(TRAINED, items)
    return project


def shown(browser: Browser, text: str = "Donbas") -> list[tuple[str, str]]:
    return [(s["label"], s["reason"]) for s in browser.spans(status="suggested")
            if s["text"] == text]  # fmt: skip


def test_the_page_lists_the_suggesters_and_switches_between_them(store: Store) -> None:
    browser = Browser(Annotator(store, annotator="alice"))
    state = browser.widget._state
    # The newest suggester is shown first; the page may pick any that has suggestions.
    assert state["suggester"] == TRAINED and state["suggesters"] == [TRAINED, SUGGESTER]
    assert shown(browser) == [("GPE", "trained pipeline demo: p=0.81")]
    browser.ok("suggester", name=SUGGESTER)
    assert browser.widget._state["suggester"] == SUGGESTER
    assert shown(browser) == [("PERSON", "NER: PERSON (en_core_web_sm)")]
    browser.ok("suggester", name=TRAINED)
    [donbas] = [s for s in browser.spans(status="suggested") if s["text"] == "Donbas"]
    browser.ok("accept", span_id=donbas["id"])
    assert [(s.label, s.origin) for s in store.spans(annotator="alice")] == [("GPE", "suggested")]


@pytest.mark.parametrize("name", ["projected:alice", "gold", "alice", "trained:other@1"])
def test_a_name_that_is_not_one_of_the_suggesters_is_refused(store: Store, name: str) -> None:
    browser = Browser(Annotator(store, annotator="alice"))
    reply = browser("suggester", name=name)
    assert reply["code"] == "E609" and TRAINED in reply["error"]
    assert browser.widget.session.suggester == TRAINED


def test_the_widget_opens_the_least_sure_document_first(store: Store) -> None:
    documents = store.documents()
    corpus = [d.doc_id for d in documents]
    assert [e["doc_id"] for e in Annotator(store, annotator="alice")._queue["items"]] == corpus
    store.store_suggestions(TRAINED, [
        (d, DocSuggestions(uncertainty=v)) for d, v in zip(documents, (0.1, 0.7), strict=True)
    ])
    set_queue_order(store, suggester=TRAINED)
    widget = Annotator(store, annotator="bob")
    assert [entry["doc_id"] for entry in widget._queue["items"]] == corpus[::-1]
    assert widget.doc_id == corpus[1]  # the first without a status, in the new order
