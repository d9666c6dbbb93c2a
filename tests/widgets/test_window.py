"""The widget holds a window of the queue, never the corpus, and sees documents added while it
is open; who annotates changes only from the notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.core.records import DocSuggestions
from annotate.corpus.ingest import ingest
from annotate.store import Store
from annotate.widgets import Annotator
from annotate.workflow.assign import set_assignment, set_queue_order
from tests.support.pages import Browser


def add_documents(store: Store, folder: Path, names: list[str]) -> None:
    path = folder / f"{names[0]}.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": n, "title": f"Article {n}", "text": f"Officials in {n} said so."})
            for n in names
        )
    )
    ingest(store, [path])


@pytest.fixture
def big(project: Store, tmp_path: Path) -> Store:
    add_documents(project, tmp_path, [f"d{i:03d}" for i in range(200)])
    return project


def test_the_page_gets_a_window_around_the_open_document(
    big: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Neither opening nor moving reads every title or every status.
    for name in ("document_titles", "doc_ids", "documents"):
        monkeypatch.setattr(big, name, lambda *a, **k: pytest.fail("read the whole corpus"))
    monkeypatch.setattr(big, "statuses", lambda *a, **k: pytest.fail("read every status"))
    page = Browser(Annotator(big, annotator="alice", doc_id="d100"))
    queue = page.widget._queue
    assert queue["total"] == 203 and queue["index"] == 103
    items = queue["items"]
    assert len(items) == 50 and [i["index"] for i in items] == list(range(78, 128))
    assert items[25]["doc_id"] == "d100" and items[25]["title"] == "Article d100"
    page.ok("goto", to="next")
    assert page.widget.doc_id == "d101" and page.widget._doc["index"] == 104
    page.ok("goto", to="previous")
    page.ok("goto", to="previous")
    assert page.widget.doc_id == "d099"
    found = page.ok("search", text="article d19")["results"]
    assert [r["doc_id"] for r in found] == [f"d19{i}" for i in range(10)]
    assert page.ok("search", text="#1")["results"][0]["index"] == 0


def test_a_running_widget_sees_documents_added_meanwhile(project: Store, tmp_path: Path) -> None:
    page = Browser(Annotator(project, annotator="alice"))
    last = project.doc_ids()[-1]
    page.ok("goto", to=last)
    assert page.ok("goto", to="next")["moved"] is False
    add_documents(project, tmp_path, ["late1", "late2"])
    # The time worked, reported every few seconds, brings the new count and list.
    page.ok("time", doc_id=last, seconds=3)
    assert page.widget._queue["total"] == 5
    assert [i["doc_id"] for i in page.widget._queue["items"]][-2:] == ["late1", "late2"]
    assert page.ok("goto", to="next")["doc_id"] == "late1"
    assert page.ok("search", text="late2")["results"][0]["doc_id"] == "late2"
    assert page.ok("status", status="skipped", advance=True)["doc_id"] == "late2"


def test_an_untitled_article_is_shown_by_its_first_words(alice: Browser) -> None:
    doc = alice.widget._doc
    assert doc["title"] is None
    assert doc["lede"].startswith("President Vladimir Putin has warned again")


def test_switching_person_is_offered_as_a_line_for_the_notebook(alice: Browser) -> None:
    hint = alice.ok("switch_hint", name=" bob ")
    assert hint["call"] == "widget.switch_annotator('bob')"
    assert alice.widget.annotator == "alice"  # the page's request changed nobody
    assert alice("switch_hint", name="alice")["code"] == "E629"
    assert alice("switch_hint", name="gold")["code"].startswith("E")
    assert alice.widget.annotator == "alice"
    alice.widget.switch_annotator("bob")
    assert alice.widget.annotator == "bob" and alice.widget._state["annotator"] == "bob"


def test_an_assigned_queue_takes_in_documents_added_meanwhile(
    project: Store, tmp_path: Path
) -> None:
    set_assignment(project, annotators=["alice", "bob"], overlap_fraction=1.0, per_doc=2)
    page = Browser(Annotator(project, annotator="alice"))
    assert page.widget._queue["total"] == 3
    add_documents(project, tmp_path, ["late1", "late2"])
    page.ok("time", doc_id=page.widget.doc_id, seconds=3)
    assert page.widget._queue["total"] == 5
    assert page.ok("search", text="late2")["results"][0]["doc_id"] == "late2"
    page.ok("goto", to="late1")
    assert page.widget._doc["index"] == 3


def test_a_queue_ordered_by_uncertainty_takes_in_documents_added_meanwhile(
    project: Store, tmp_path: Path
) -> None:
    documents = project.documents()
    project.store_suggestions("trained:demo@0123456789ab", [
        (d, DocSuggestions(uncertainty=v)) for d, v in zip(documents, (0.1, 0.5, 0.9), strict=True)
    ])  # fmt: skip
    set_queue_order(project, "uncertainty")
    page = Browser(Annotator(project, annotator="alice"))
    assert [i["doc_id"] for i in page.widget._queue["items"]] == [
        d.doc_id for d in documents[::-1]
    ]
    add_documents(project, tmp_path, ["late1"])
    page.ok("time", doc_id=page.widget.doc_id, seconds=3)
    # Not measured yet: after the measured ones, in corpus order.
    assert [i["doc_id"] for i in page.widget._queue["items"]] == [
        *(d.doc_id for d in documents[::-1]), "late1",
    ]
