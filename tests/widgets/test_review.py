"""The review widget's Python half on real SQLite projects with two or three annotators.

Messages go through the same callback anywidget runs for a message from the page; each test
checks what the widget shows and what the store holds (gold spans, their ``_adjudication``
record, events and their actor).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from annotate.core.records import SpanRecord
from annotate.errors import AnnotateError, StoreError
from annotate.store import Store, tables
from annotate.widgets import Reviewer
from annotate.workflow.adjudicate import GOLD, META_KEY
from tests.support.pages import Browser
from tests.support.review_seed import FIRST, LEAD, QUOTE, SECOND, TRUMP_QUOTE, find, seed_review
from tests.support.seed import XSS_ID, seed_project


class Page(Browser):
    """The review page as the tests drive it: messages, and what the widget shows."""

    widget: Reviewer

    def unit(self, text: str, layer: str = "entity") -> dict[str, Any]:
        [unit] = [u for u in self.widget._units if u["text"] == text and u["layer"] == layer]
        return unit

    def open_units(self) -> list[dict[str, Any]]:
        return [u for u in self.widget._units if u["state"] == "open"]


def gold(store: Store, **where: Any) -> list[SpanRecord]:
    return [
        s for s in store.spans(annotator=GOLD) if all(getattr(s, k) == v for k, v in where.items())
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """The review project (this module's own, in place of the shared empty store)."""
    store = seed_review(tmp_path / "review.db")
    yield store
    store.close()


@pytest.fixture
def lead(store: Store) -> Page:
    return Page(Reviewer(store, reviewer=LEAD, doc_id=FIRST))


# --- opening ------------------------------------------------------------------------------------


def test_opening_accepts_agreements_into_gold(lead: Page, store: Store) -> None:
    w = lead.widget
    assert w.doc_id == FIRST and w.reviewer == LEAD
    agreed = {(s.layer, s.text) for s in gold(store, doc_id=FIRST)}
    assert agreed == {
        ("entity", "Vladimir Putin"),
        ("quote", QUOTE),
        ("source", "he"),
        ("quote", TRUMP_QUOTE),
    }
    for span in gold(store, doc_id=FIRST):
        note = span.attrs[META_KEY]
        assert (note["decision"], note["by"], note["from"]) == ("agreed", LEAD, ["ana", "ben"])
    # The link both drew between agreed spans is in gold too.
    [link] = store.relations(doc_id=FIRST, annotator=GOLD)
    [quote] = gold(store, text=QUOTE)
    [he] = gold(store, layer="source")
    assert (link.type, link.head_span_id, link.tail_span_id) == (
        "said_by",
        quote.span_id,
        he.span_id,
    )
    assert {e.actor for e in store.events(annotator=GOLD)} == {LEAD}
    # The page: agreements drawn as such, each disagreement's versions as disputed.
    assert {s["text"] for s in lead.spans(status="agreed")} == {t for _, t in agreed}
    assert [r["type"] for r in w._relations] == ["said_by"]
    disputed = {
        (s["text"], s["label"], tuple(s["annotators"])) for s in lead.spans(status="disputed")
    }
    assert ("Donbas", "GPE", ("ana",)) in disputed and ("Donbas", "LOC", ("ben",)) in disputed
    assert ("India Today", "ORG", ("ana",)) in disputed
    assert lead.spans(text="Donbas", label="LOC")[0]["keys"] == [2]
    units = {(u["layer"], u["text"]): u["reason"] for u in w._units}
    assert units == {
        ("entity", "Donbas"): "label",
        ("entity", "Donald Trump"): "boundaries",
        ("entity", "India Today"): "missing",
        ("claim", "Moscow controls around 85% of Donbas"): "attributes",
        ("source", "President Donald Trump"): "boundaries",
    }
    assert w._state["annotators"] == [{"name": "ana", "key": 1}, {"name": "ben", "key": 2}]
    assert w._state["progress"] == {"open": 5, "disagreements": 5, "adjudicated": 0, "documents": 2}
    # Only documents two annotators worked on are listed (ana alone on the second one).
    assert [d["doc_id"] for d in w._docs] == [FIRST, XSS_ID]


def test_opening_again_writes_nothing_new(lead: Page, store: Store) -> None:
    before = store.counts()
    Reviewer(store, reviewer=LEAD, doc_id=FIRST)
    assert store.counts() == before


# --- decisions ----------------------------------------------------------------------------------


def test_picking_a_version_writes_it_with_its_attributes_and_record(
    lead: Page, store: Store
) -> None:
    claim = lead.unit("Moscow controls around 85% of Donbas", "claim")
    ben_span = next(v["span_id"] for v in claim["versions"] if v["annotators"] == ["ben"])
    reply = lead.ok("pick", unit_id=claim["unit_id"], number=2)
    [written] = gold(store, layer="claim")
    assert reply["span_ids"] == [written.span_id]
    assert written.attrs["checkworthy"] == "no" and written.label == "QUANTITY"
    note = written.attrs[META_KEY]
    assert note["decision"] == "picked" and note["by"] == LEAD and note["chosen"] == "ben"
    assert note["from"] == ["ben"] and note["span_ids"] == {"ben": ben_span}
    assert note["unit"] == claim["unit_id"]
    [event] = [e for e in store.events(annotator=GOLD) if e.action == "decide"][-1:]
    assert event.actor == LEAD and event.doc_id == FIRST
    # The page: the versions are gone, the gold span is drawn, the unit is decided.
    assert lead.spans(layer="claim", status="disputed") == []
    [drawn] = lead.spans(layer="claim")
    assert (drawn["id"], drawn["status"], drawn["chosen"]) == (written.span_id, "gold", "ben")
    decided = lead.unit("Moscow controls around 85% of Donbas", "claim")
    assert (decided["state"], decided["chosen"], decided["by"]) == ("picked", "ben", LEAD)
    assert lead.widget._state["progress"]["open"] == 4


def test_deciding_again_replaces_the_decision(lead: Page, store: Store) -> None:
    donbas = lead.unit("Donbas")["unit_id"]
    lead.ok("pick", unit_id=donbas, number=1)
    lead.ok("pick", unit_id=donbas, number=2)
    assert [(s.text, s.label) for s in gold(store, text="Donbas")] == [("Donbas", "LOC")]


def test_reject_writes_nothing_and_is_remembered(lead: Page, store: Store, tmp_path: Path) -> None:
    before = {s.span_id for s in gold(store)}
    unit = lead.unit("India Today")
    lead.ok("reject", unit_id=unit["unit_id"])
    assert {s.span_id for s in gold(store)} == before
    assert lead.spans(text="India Today") == []
    rejected = lead.unit("India Today")
    assert (rejected["state"], rejected["by"]) == ("rejected", LEAD)
    assert lead.widget._state["progress"]["open"] == 4
    # Another kernel sees the decision: the unit does not come back as open.
    again = Page(Reviewer(store, reviewer=LEAD, doc_id=FIRST))
    assert again.unit("India Today")["state"] == "rejected"


def test_picking_someone_who_marked_nothing_decides_the_unit(lead: Page, store: Store) -> None:
    unit = lead.unit("India Today")
    assert unit["missing"] == ["ben"]
    assert lead.ok("pick", unit_id=unit["unit_id"], number=2)["span_ids"] == []
    assert gold(store, text="India Today") == []
    decided = lead.unit("India Today")
    assert (decided["state"], decided["chosen"]) == ("picked", "ben")


def test_edit_writes_the_reviewers_own_span(lead: Page, store: Store) -> None:
    unit = lead.unit("Donald Trump")
    text = lead.widget._doc["text"]
    start, end = find(text, "Donald Trump")
    # A sloppy selection, snapped to words as in the annotator.
    lead.ok("edit", unit_id=unit["unit_id"], label="PERSON", start=start + 2, end=end - 1, base=2)
    [written] = gold(store, label="PERSON", text="Donald Trump")
    assert (written.start, written.end) == (start, end)
    note = written.attrs[META_KEY]
    assert note["decision"] == "edited" and note["by"] == LEAD
    assert note["from"] == ["ana"]  # the same span as ana's version
    assert lead.unit("Donald Trump")["state"] == "edited"
    refused = lead("edit", unit_id=unit["unit_id"], label="DOG", start=start, end=end)
    assert refused["code"] == "E105"


def test_gold_links_follow_the_picked_span(lead: Page, store: Store) -> None:
    """Picking ben's source of Trump's quote carries ben's link from the (agreed) quote."""
    unit = lead.unit("President Donald Trump", "source")
    reply = lead.ok("pick", unit_id=unit["unit_id"], number=2)
    [source] = gold(store, layer="source", text="Donald Trump")
    assert reply["span_ids"] == [source.span_id]
    [quote] = gold(store, text=TRUMP_QUOTE)
    links = {(r.type, r.head_span_id, r.tail_span_id) for r in store.relations(annotator=GOLD)}
    assert ("said_by", quote.span_id, source.span_id) in links
    shown = {(r["type"], r["head"], r["tail"]) for r in lead.widget._relations}
    assert shown == links


# --- undo ---------------------------------------------------------------------------------------


def test_undo_takes_back_the_whole_last_decision(lead: Page, store: Store) -> None:
    relations_before = len(store.relations(annotator=GOLD))
    unit = lead.unit("President Donald Trump", "source")
    lead.ok("pick", unit_id=unit["unit_id"], number=2)  # a span and a carried link: 1 event
    assert len(store.relations(annotator=GOLD)) == relations_before + 1
    assert lead.widget._state["can_undo"] is True
    reply = lead.ok("undo")
    assert (reply["undid"], reply["unit_id"]) == ("picked", unit["unit_id"])
    assert gold(store, layer="source", text="Donald Trump") == []
    assert len(store.relations(annotator=GOLD)) == relations_before
    assert lead.unit("President Donald Trump", "source")["state"] == "open"
    assert lead.widget._state["can_undo"] is False
    undo_events = [e for e in store.events(annotator=GOLD) if e.action == "undo"]
    assert len(undo_events) == 1 and {e.actor for e in undo_events} == {LEAD}
    assert lead("undo")["code"] == "E618"


def test_undo_a_rejection_and_a_changed_decision(lead: Page, store: Store) -> None:
    donbas = lead.unit("Donbas")["unit_id"]
    lead.ok("pick", unit_id=donbas, number=1)
    lead.ok("reject", unit_id=donbas)
    assert gold(store, text="Donbas") == []
    lead.ok("undo")  # back to ana's version, not to nothing
    assert [s.label for s in gold(store, text="Donbas")] == ["GPE"]
    assert lead.unit("Donbas")["state"] == "picked"
    lead.ok("undo")
    assert gold(store, text="Donbas") == [] and lead.unit("Donbas")["state"] == "open"


def test_undo_works_after_a_restart_and_stops_at_later_changes(lead: Page, store: Store) -> None:
    lead.ok("pick", unit_id=lead.unit("Donbas")["unit_id"], number=2)
    again = Page(Reviewer(store, reviewer=LEAD, doc_id=FIRST))
    assert again.widget._state["can_undo"] is True
    # Another reviewer changed the span since: undo must not take back somebody else's change.
    store.add_annotator("lead2", role="reviewer")
    [donbas] = gold(store, text="Donbas")
    store.update_span(donbas.span_id, annotator=GOLD, actor="lead2", attrs={"note": "checked"})
    refused = again("undo")
    assert refused["code"] == "E619"
    assert "update_span by lead2" in refused["error"]
    assert [s.label for s in gold(store, text="Donbas")] == ["LOC"]
    store.undo(FIRST, annotator=GOLD, actor="lead2")  # lead2 takes theirs back
    again.ok("undo")
    assert gold(store, text="Donbas") == []


# --- who may review -----------------------------------------------------------------------------


def test_non_reviewers_are_refused_with_how_to_grant_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, detail in (("ana", "role 'annotator'"), ("zed", "not registered")):
        with pytest.raises(AnnotateError) as caught:
            Reviewer(store, reviewer=name)
        assert caught.value.code == "E611"
        assert detail in str(caught.value)
        assert f'project.store.add_annotator({name!r}, role="reviewer")' in str(caught.value)
    monkeypatch.setenv("JUPYTERHUB_USER", "ben")
    with pytest.raises(AnnotateError, match="E611"):
        Reviewer(store)
    monkeypatch.setenv("JUPYTERHUB_USER", LEAD)
    assert Reviewer(store).reviewer == LEAD
    assert store.spans(annotator=GOLD)  # the hub user's review began


def test_a_typed_name_must_be_a_reviewer(store: Store) -> None:
    page = Page(Reviewer(store))
    assert page.widget.reviewer == "" and page.widget._state["reviewer"] == ""
    assert store.spans(annotator=GOLD) == []  # nothing is written before someone is known
    refused = page("pick", unit_id=page.widget._units[0]["unit_id"], number=1)
    assert refused["code"] == "E612"
    assert page("hello", name="ana")["code"] == "E611"
    assert page("hello", name=" ")["code"] == "E612"
    page.ok("hello", name=f" {LEAD} ")
    assert page.widget.reviewer == LEAD and gold(store, text="Vladimir Putin")
    assert Reviewer(store).reviewer == LEAD  # remembered, like the annotator's name


# --- documents, progress and status -------------------------------------------------------------


def test_done_needs_every_disagreement_decided_then_goes_on(lead: Page, store: Store) -> None:
    refused = lead("status", status="done", advance=True)
    assert refused["code"] == "E617" and "5 disagreement(s)" in refused["error"]
    for unit in lead.open_units():
        lead.ok("reject", unit_id=unit["unit_id"])
    reply = lead.ok("status", status="done", advance=True)
    assert (reply["status"], reply["doc_id"], reply["moved"]) == ("done", XSS_ID, True)
    [status] = store.statuses(annotator=GOLD)
    assert (status.doc_id, status.status) == (FIRST, "done")
    assert [e.actor for e in store.events(annotator=GOLD) if e.action == "set_status"] == [LEAD]
    w = lead.widget
    assert w.doc_id == XSS_ID and w._state["progress"]["adjudicated"] == 1
    assert [d["status"] for d in w._docs] == ["done", None]
    # A done document is not changed by opening it again.
    lead.ok("goto", to=FIRST)
    assert w._state["status"] == "done"


def test_navigation_lists_documents_two_annotators_worked_on(lead: Page, store: Store) -> None:
    assert lead.ok("goto", to="next")["doc_id"] == XSS_ID
    assert lead.ok("goto", to="next")["moved"] is False
    assert lead.ok("goto", to="previous")["doc_id"] == FIRST
    # Going to any document by id still works; with one annotator there is nothing to decide.
    lead.ok("goto", to=SECOND)
    w = lead.widget
    assert w._units == [] and w._state["note"].startswith("[E620]")
    assert lead.spans() == []
    everything = Reviewer(store, reviewer=LEAD, all_documents=True)
    assert [d["doc_id"] for d in everything._docs] == [FIRST, SECOND, XSS_ID]


def test_the_reviewer_comes_back_where_they_left(lead: Page, store: Store) -> None:
    lead.ok("goto", to=XSS_ID)
    assert Reviewer(store, reviewer=LEAD).doc_id == XSS_ID


def test_three_annotators_each_version_with_everyone_who_chose_it(tmp_path: Path) -> None:
    store = seed_review(tmp_path / "three.db", third=True)
    page = Page(Reviewer(store, reviewer=LEAD, doc_id=FIRST))
    keys = [(a["name"], a["key"]) for a in page.widget._state["annotators"]]
    assert keys == [("ana", 1), ("ben", 2), ("cy", 3)]
    donbas = page.unit("Donbas")
    versions = {(v["label"], tuple(v["annotators"]), tuple(v["keys"])) for v in donbas["versions"]}
    assert versions == {("GPE", ("ana",), (1,)), ("LOC", ("ben", "cy"), (2, 3))}
    page.ok("pick", unit_id=donbas["unit_id"], number=3)
    [written] = gold(store, text="Donbas")
    assert written.label == "LOC" and written.attrs[META_KEY]["from"] == ["ben", "cy"]
    # Agreement means all three: the India Today span of ana alone is a disagreement.
    assert page.unit("India Today")["missing"] == ["ben", "cy"]
    store.close()


def test_choosing_whose_work_is_merged(store: Store) -> None:
    store.add_annotator("cy")
    page = Page(Reviewer(store, reviewer=LEAD, annotators=["ben", "ana"], doc_id=FIRST))
    assert [a["name"] for a in page.widget._state["annotators"]] == ["ben", "ana"]
    for given, detail in ((["ana"], "two or more"), (["ana", "nobody"], "'nobody'")):
        with pytest.raises(AnnotateError) as caught:
            Reviewer(store, reviewer=LEAD, annotators=given)
        assert caught.value.code == "E613" and detail in str(caught.value)


def test_nothing_to_review_says_so(tmp_path: Path) -> None:
    store = seed_project(tmp_path / "alone.db")
    store.add_annotator(LEAD, role="reviewer")
    with pytest.raises(AnnotateError) as caught:
        Reviewer(store, reviewer=LEAD)
    assert caught.value.code == "E614" and "all_documents=True" in str(caught.value)
    store.close()


# --- messages -----------------------------------------------------------------------------------


def test_bad_requests_are_refused_and_shown(lead: Page, store: Store) -> None:
    unit = lead.unit("Donbas")["unit_id"]
    before = store.counts()
    out_of_range = lead("pick", unit_id=unit, number=3)
    assert out_of_range["code"] == "E616" and "1 ana, 2 ben" in out_of_range["error"]
    assert lead("pick", unit_id="entity:0-1:gone", number=1)["code"] == "E615"
    assert lead("pick", unit_id=unit, number="1")["code"] == "E602"
    assert lead("status", status="skipped")["code"] == "E602"
    lead.widget._on_custom_msg(lead.widget, {"kind": "add_span", "id": "x"}, [])
    assert lead.sent == []  # the annotator's kinds are not the reviewer's: ignored
    assert store.counts() == before


def test_a_failed_save_is_answered_and_leaves_no_decision(
    lead: Page, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*_: Any, **__: Any) -> None:
        raise StoreError("E119", seconds=5)

    monkeypatch.setattr(store, "decide", busy)
    reply = lead("pick", unit_id=lead.unit("Donbas")["unit_id"], number=1)
    assert reply["code"] == "E119" and "try the action again" in reply["error"]
    assert lead.unit("Donbas")["state"] == "open"
    assert lead.widget._state["can_undo"] is False


def test_setting_doc_id_in_the_notebook_opens_it(lead: Page) -> None:
    lead.widget.doc_id = XSS_ID
    assert lead.widget._doc["doc_id"] == XSS_ID
    assert [u["text"] for u in lead.widget._units] == ["Reuters staff"]


def test_a_refused_redecision_leaves_the_earlier_one(lead: Page, store: Store) -> None:
    """Deciding again deletes the earlier gold span first; when writing the new one is refused,
    the deletion is taken back too."""
    unit = lead.unit("Donbas")["unit_id"]
    lead.ok("pick", unit_id=unit, number=1)
    start, end = find(lead.widget._doc["text"], "President Vladimir Putin")
    refused = lead("edit", unit_id=unit, label="GPE", start=start, end=end)
    assert refused["code"] == "E123"  # over the agreed "Vladimir Putin"
    assert [(s.label, s.text) for s in gold(store, text="Donbas")] == [("GPE", "Donbas")]
    assert lead.unit("Donbas")["state"] == "picked"
    lead.ok("undo")  # the pick, the last decision that stands
    assert gold(store, text="Donbas") == []


# --- several reviewers --------------------------------------------------------------------------


def test_a_unit_another_reviewer_just_decided_is_refused_naming_them(
    lead: Page, store: Store
) -> None:
    store.add_annotator("lead2", role="reviewer")
    other = Page(Reviewer(store, reviewer="lead2", doc_id=FIRST))
    donbas = other.unit("Donbas")
    assert donbas["state"] == "open" and donbas["decision_id"] is None
    lead.ok("pick", unit_id=lead.unit("Donbas")["unit_id"], number=1)  # ana's GPE
    refused = other("pick", unit_id=donbas["unit_id"], number=2, seen=None)
    assert refused["code"] == "E140" and "lead" in refused["error"]
    assert [s.label for s in gold(store, text="Donbas")] == ["GPE"]
    # The refusal redrew the page: lead2 now sees lead's decision, and may overrule it.
    shown = other.unit("Donbas")
    assert (shown["state"], shown["by"], shown["chosen"]) == ("picked", LEAD, "ana")
    other.ok("pick", unit_id=shown["unit_id"], number=2, seen=shown["decision_id"])
    assert [s.label for s in gold(store, text="Donbas")] == ["LOC"]
    [decision] = [d for d in store.adjudications(doc_id=FIRST) if d.unit_id == shown["unit_id"]]
    assert (decision.reviewer, decision.chosen) == ("lead2", "ben")
    # lead's undo would take back what lead2 built on it: refused, naming lead2.
    refused = lead("undo")
    assert refused["code"] == "E619" and "lead2" in refused["error"]


def test_each_reviewers_undo_takes_back_their_own_decision(lead: Page, store: Store) -> None:
    store.add_annotator("lead2", role="reviewer")
    other = Page(Reviewer(store, reviewer="lead2", doc_id=FIRST))
    lead.ok("pick", unit_id=lead.unit("Donbas")["unit_id"], number=2)
    other.ok("reject", unit_id=other.unit("India Today")["unit_id"])
    assert lead.ok("undo")["undid"] == "picked"  # lead's, although lead2 decided later
    assert gold(store, text="Donbas") == []
    assert {d.reviewer for d in store.adjudications(doc_id=FIRST) if d.decision != "agreed"} == {
        "lead2"
    }
    assert other.ok("undo")["undid"] == "rejected"
    assert lead("undo")["code"] == "E618"


def test_decisions_are_rows_of_the_store_not_settings(lead: Page, store: Store) -> None:
    lead.ok("reject", unit_id=lead.unit("India Today")["unit_id"])
    lead.ok("pick", unit_id=lead.unit("Donbas")["unit_id"], number=2)
    assert not any(
        key.startswith("review:")
        for key in store.read(
            lambda c: [row.key for row in c.execute(sa.select(tables.settings.c.key))]
        )
    )
    states = {d.decision for d in store.adjudications(doc_id=FIRST)}
    assert states == {"agreed", "rejected", "picked"}


def test_the_page_cannot_change_who_reviews(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_annotator("lead2", role="reviewer")
    monkeypatch.setenv("JUPYTERHUB_USER", LEAD)
    page = Page(Reviewer(store, doc_id=FIRST))
    refused = page("hello", name="lead2")
    assert refused["code"] == "E625" and page.widget.reviewer == LEAD
    page.widget.reviewer = "lead2"  # the synced trait, as the page could write it
    assert page.widget.reviewer == LEAD
    page.ok("reject", unit_id=page.unit("India Today")["unit_id"])
    assert {d.reviewer for d in store.adjudications(doc_id=FIRST)} == {LEAD}
    page.widget.switch_reviewer("lead2")  # explicit, in Python
    assert page.widget.reviewer == "lead2" and page.widget._state["reviewer"] == "lead2"
