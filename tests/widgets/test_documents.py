"""Document status, navigation, time and coming back after a kernel restart."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from annotate.project import open_project
from annotate.store import Store
from annotate.widgets import Annotator
from tests.support.pages import Browser
from tests.support.seed import XSS_ID


def test_done_skip_flag_and_progress(alice: Browser, project: Store) -> None:
    first, second, third = project.doc_ids()
    reply = alice.ok("status", status="done", advance=True, undecided="reject")
    assert reply == {
        "kind": "status",
        "id": reply["id"],
        "status": "done",
        "rejected": 8,
        "doc_id": second,
        "moved": True,
    }
    assert alice.widget.doc_id == second and alice.widget._doc["doc_id"] == second
    alice.ok("status", status="skipped", advance=True)
    assert alice.widget.doc_id == third
    alice.ok("status", status="flagged", comment="the source line is garbled")
    state = alice.widget._state
    assert state["status"] == "flagged" and state["comment"] == "the source line is garbled"
    queue = alice.widget._queue
    assert queue["progress"] == {"done": 1, "skipped": 1, "flagged": 1, "total": 3}
    assert [d["status"] for d in queue["items"]] == ["done", "skipped", "flagged"]
    alice.ok("undo")  # the flag
    assert [d["status"] for d in alice.widget._queue["items"]] == ["done", "skipped", None]
    alice.ok("redo")
    recorded = {s.doc_id: (s.status, s.comment) for s in project.statuses(annotator="alice")}
    assert recorded == {
        first: ("done", None),
        second: ("skipped", None),
        third: ("flagged", "the source line is garbled"),
    }
    assert open_project(project.url).progress("alice") == {
        "done": 1,
        "skipped": 1,
        "flagged": 1,
        "total": 3,
    }
    # Every document has a status: "done and go on" stays put and says so.
    alice.ok("status", status="done", advance=True, undecided="accept")
    assert alice.widget.doc_id == third
    alice.ok("status", status=None)  # reopen
    assert alice.widget._state["status"] is None


def test_next_previous_and_jump(alice: Browser, project: Store) -> None:
    first, second, third = project.doc_ids()
    assert alice.ok("goto", to="previous")["moved"] is False
    assert alice.ok("goto", to="next")["doc_id"] == second
    assert alice.ok("goto", to=third)["doc_id"] == third
    assert alice.widget._doc["index"] == 2 and alice.widget._doc["count"] == 3
    assert alice.ok("goto", to="next")["moved"] is False
    unknown = alice("goto", to="nope")
    assert unknown["code"] == "E101" and alice.widget.doc_id == third
    alice.widget.doc_id = first  # from the notebook
    assert alice.widget._doc["doc_id"] == first
    with pytest.raises(Exception, match="E101"):
        alice.widget.doc_id = "nope"
    assert alice.widget.doc_id == first


def test_time_is_added_per_document(alice: Browser, project: Store) -> None:
    doc_id = alice.widget.doc_id
    alice.ok("time", doc_id=doc_id, seconds=20)
    alice.ok("time", doc_id=doc_id, seconds=5.5)
    assert project.seconds_spent(annotator="alice") == {(doc_id, "alice"): 25.5}
    assert alice.widget._state["seconds_doc"] == 25.5
    assert alice.widget._state["seconds_total"] == 25.5
    for bad in (-1, math.nan, True, "10"):
        assert alice("time", doc_id=doc_id, seconds=bad)["code"] == "E602"
    assert project.seconds_spent(annotator="alice") == {(doc_id, "alice"): 25.5}


def test_a_new_kernel_finds_everything_where_it_was_left(project: Store) -> None:
    first = Browser(Annotator(project, annotator="alice"))
    first.ok("goto", to=XSS_ID)
    added = first.ok("add_span", layer="entity", label="ORG", start=0, end=9)["span_id"]
    first.ok("status", status="flagged", comment="check")
    # Another process (a restarted kernel) opens the same file.
    again = Store(project.url)
    try:
        w = Annotator(again, annotator="alice")
        assert w.doc_id == XSS_ID
        assert [s["id"] for s in w._spans if s["status"] == "accepted"] == [added]
        assert w._state["status"] == "flagged" and w._state["can_undo"]
    finally:
        again.close()


def test_first_visit_opens_the_first_document_without_status(project: Store) -> None:
    first, second, _ = project.doc_ids()
    project.set_status(first, "done", annotator="carol")
    assert Annotator(project, annotator="carol").doc_id == second
    assert Annotator(project, annotator="dave").doc_id == first
    assert Annotator(project, annotator="dave", doc_id=XSS_ID).doc_id == XSS_ID


def test_empty_project_says_how_to_add_documents(tmp_path: Path) -> None:
    store = Store(tmp_path / "empty.db")
    with pytest.raises(Exception, match=r"E607.*annotate ingest"):
        Annotator(store, annotator="alice")


def test_same_work_on_sqlite_and_postgresql(db_url: str) -> None:
    from tests.support.seed import seed_project

    store = seed_project(db_url, hostile=False)
    try:
        page = Browser(Annotator(store, annotator="alice"))
        quote = page.ok("accept", span_id=page.spans(layer="quote")[0]["id"])["span_id"]
        source = page.ok("accept", span_id=page.spans(layer="source")[0]["id"])["span_id"]
        page.ok("status", status="done", advance=True, undecided="reject")
        again = Annotator(Store(store.url), annotator="alice")
        assert again.doc_id == page.widget.doc_id != store.doc_ids()[0]
        assert [
            (r.type, r.head_span_id, r.tail_span_id) for r in store.relations(annotator="alice")
        ] == [("said_by", quote, source)]
        again.store.close()
    finally:
        store.close()


def test_done_with_suggestions_shown_asks_and_decides_them_in_one_step(
    alice: Browser, project: Store
) -> None:
    doc_id = alice.widget.doc_id
    shown = [s["id"] for s in alice.widget._spans if s["status"] == "suggested"]
    assert len(shown) == 8
    assert alice.widget._state["undecided_default"] == "accept"  # Prodigy's ner.correct
    refused = alice("status", status="done", advance=True)
    assert refused["code"] == "E626"
    assert "8 undecided" in refused["error"] and "4 entity, 1 quote" in refused["error"]
    assert alice.widget.doc_id == doc_id and project.statuses(annotator="alice") == []
    assert alice("status", status="done", undecided="maybe")["code"] == "E602"

    reply = alice.ok("status", status="done", advance=True, undecided="accept")
    assert reply["accepted"] == 8 and reply["moved"] is True
    mine = project.spans(doc_id=doc_id, annotator="alice")
    assert len(mine) == 8 and {s.origin for s in mine} == {"suggested"}
    # The suggester's links came along with the spans they join.
    assert len(project.relations(doc_id=doc_id, annotator="alice")) == 3
    assert [(s.doc_id, s.status) for s in project.statuses(annotator="alice")] == [
        (doc_id, "done")
    ]
    # One transaction, one event: one undo takes the status and the eight spans back.
    alice.ok("goto", to=doc_id)
    alice.ok("undo")
    assert project.spans(doc_id=doc_id, annotator="alice") == []
    assert [s.status for s in project.statuses(annotator="alice")] == []
    assert len([s for s in alice.widget._spans if s["status"] == "suggested"]) == 8

    project.set_setting("widgets.annotator.undecided_on_done", "reject")
    alice.ok("goto", to="next")
    assert alice.widget._state["undecided_default"] == "reject"
    shown = [s for s in alice.widget._spans if s["status"] == "suggested"]
    reply = alice.ok("status", status="done", undecided="reject")
    assert reply["rejected"] == len(shown) > 0
    assert [s for s in alice.widget._spans if s["status"] == "suggested"] == []
    # Skipping and flagging leave the suggestions for later, without asking.
    alice.ok("goto", to=doc_id)
    alice.ok("status", status="skipped")


def test_a_span_of_ones_own_hides_the_suggestions_it_overlaps(
    alice: Browser, project: Store
) -> None:
    text = alice.widget._doc["text"]
    start = text.index("India Today")
    suggested = alice.spans(layer="entity", text="India")
    assert suggested and suggested[0]["status"] == "suggested"
    alice.ok("add_span", layer="entity", label="ORG", start=start, end=start + 11)
    # Entities may not overlap: "India" (suggested GPE) can no longer be accepted, so it goes.
    assert alice.spans(layer="entity", text="India") == []
    assert [s["text"] for s in alice.spans(layer="entity", label="ORG")] == ["India Today"]
    # Quotes nest: a suggested quote that a quote of one's own overlaps stays.
    quote = alice.spans(layer="quote")[0]
    alice.ok("add_span", layer="quote", label="INDIRECT", start=quote["start"] + 1,
             end=quote["end"] - 1)
    assert [s["status"] for s in alice.spans(layer="quote")].count("suggested") == 1
    alice.ok("undo")
    alice.ok("undo")
    assert alice.spans(layer="entity", text="India")[0]["status"] == "suggested"
