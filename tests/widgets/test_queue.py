"""Each annotator's widget follows the project's assignment of documents."""

from __future__ import annotations

import json

import pytest

from annotate.corpus.ingest import ingest
from annotate.errors import AnnotateError
from annotate.store import Store
from annotate.widgets import Annotator
from annotate.workflow.assign import queue, set_assignment
from tests.support.pages import Browser


@pytest.fixture
def many(project: Store, tmp_path: object) -> Store:
    path = tmp_path / "many.jsonl"  # type: ignore[operator]
    path.write_text("\n".join(
        json.dumps({"id": f"n{i:02d}", "text": f"Officials said {i} people were hurt."})
        for i in range(40)
    ))
    ingest(project, [path])
    set_assignment(project, annotators=["alice", "bob"], overlap_fraction=0.25, per_doc=2)
    return project


def test_widget_shows_only_the_annotators_queue(many: Store) -> None:
    for name in ("alice", "bob"):
        widget = Annotator(many, annotator=name)
        listed = [entry["doc_id"] for entry in widget._queue["items"]]
        assert listed == queue(many, name)
        assert [entry["index"] for entry in widget._queue["items"]] == list(range(len(listed)))
        assert widget._queue["progress"]["total"] == widget._queue["total"] == len(listed)
        assert widget.doc_id in listed
    both = set(queue(many, "alice")) & set(queue(many, "bob"))
    everything = set(many.doc_ids())
    assert both and set(queue(many, "alice")) | set(queue(many, "bob")) == everything


def test_next_walks_the_queue_only(many: Store) -> None:
    browser = Browser(Annotator(many, annotator="alice"))
    seen = {browser.widget.doc_id}
    for _ in range(len(queue(many, "alice")) + 2):
        browser.ok("goto", to="next")
        seen.add(browser.widget.doc_id)
    assert seen == set(queue(many, "alice"))


def test_someone_outside_the_assignment_is_told_why(many: Store) -> None:
    with pytest.raises(AnnotateError) as caught:
        Annotator(many, annotator="carol")
    assert caught.value.code == "E414" and "carol" in str(caught.value)


def test_search_finds_documents_of_the_queue_only(many: Store) -> None:
    browser = Browser(Annotator(many, annotator="alice"))
    mine = queue(many, "alice")
    found = browser.ok("search", text="n0")["results"]
    assert [r["doc_id"] for r in found] == [d for d in mine if d.startswith("n0")]
    assert all(r["index"] == mine.index(r["doc_id"]) for r in found)
    third = browser.ok("search", text="#3")["results"]
    assert [r["doc_id"] for r in third] == [mine[2]]
    assert browser.ok("search", text="#999")["results"] == []
