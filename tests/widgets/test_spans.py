"""Span actions from the page: each is one store transaction, and the views follow the store."""

from __future__ import annotations

from annotate.store import Store
from tests.support.pages import Browser
from tests.support.seed import SUGGESTER


def _at(widget_text: str, needle: str) -> tuple[int, int]:
    start = widget_text.index(needle)
    return start, start + len(needle)


def test_opens_with_scheme_document_and_suggestions(alice: Browser, project: Store) -> None:
    w = alice.widget
    assert [layer["name"] for layer in w._scheme["layers"]] == [
        "entity",
        "quote",
        "source",
        "cue",
        "claim",
    ]
    assert w.layer == "entity" and w.annotator == "alice"
    doc = project.documents()[0]
    assert w.doc_id == doc.doc_id and w._doc["text"] == doc.text
    assert (w._doc["published"], w._doc["source"]) == ("2025-12-05", "BBC")
    assert len(w._doc["tokens"]) % 2 == 0 and w._doc["tokens"][:2] == [0, 9]  # "President"
    suggested = alice.spans(status="suggested")
    assert {s["layer"] for s in suggested} == {"entity", "quote", "source", "cue", "claim"}
    putin = alice.spans(text="Vladimir Putin")[0]
    assert putin["reason"] == "NER: PERSON (en_core_web_sm)" and putin["confidence"] == 0.8
    assert "reason" not in putin["attrs"]
    assert w._state["suggester"] == SUGGESTER and w._queue["progress"]["total"] == 3
    assert {r["type"] for r in w._relations} == {"said_by", "cue", "refers_to"}
    assert all(r["status"] == "suggested" for r in w._relations)


def test_selection_is_snapped_to_words_and_saved_at_once(alice: Browser, project: Store) -> None:
    text = alice.widget._doc["text"]
    start, end = _at(text, "Ukrainian troops")
    # A hurried drag: from inside "Ukrainian" to inside "troops".
    reply = alice.ok("add_span", layer="entity", label="NORP", start=start + 3, end=end - 2)
    [saved] = project.spans(annotator="alice")
    assert (saved.start, saved.end, saved.text) == (start, end, "Ukrainian troops")
    assert saved.span_id == reply["span_id"] and saved.origin == "manual"
    assert [e.action for e in project.events(annotator="alice")] == ["add_span"]
    [shown] = alice.spans(status="accepted")
    assert shown["id"] == saved.span_id and shown["label"] == "NORP"


def test_selection_without_words_is_refused(alice: Browser, project: Store) -> None:
    text = alice.widget._doc["text"]
    gap = text.index("  ") if "  " in text else text.index("\n\n")
    reply = alice("add_span", layer="entity", label="ORG", start=gap, end=gap + 1)
    assert reply["code"] == "E603" and "Select at least one word" in reply["error"]
    assert project.spans(annotator="alice") == []


def test_unknown_label_is_refused_with_the_schemes_labels(alice: Browser) -> None:
    reply = alice("add_span", layer="entity", label="DOG", start=0, end=9)
    assert reply["code"] == "E105" and "PERSON" in reply["error"]


def test_accept_reject_and_accept_all(alice: Browser, project: Store) -> None:
    doc_id = alice.widget.doc_id
    putin = alice.spans(text="Vladimir Putin")[0]
    accepted = alice.ok("accept", span_id=putin["id"])
    [mine] = project.spans(annotator="alice")
    assert mine.span_id == accepted["span_id"] and mine.origin == "suggested"
    assert alice.spans(text="Vladimir Putin") == [
        {
            **putin,
            "id": mine.span_id,
            "status": "accepted",
            "origin": "suggested",
            "reason": None,
            "confidence": None,
        }
    ]
    donbas = alice.spans(text="Donbas")[0]
    alice.ok("reject", span_id=donbas["id"])
    assert alice.spans(text="Donbas") == []
    assert project.decisions(doc_id, annotator="alice")[donbas["id"]] == ("rejected", None)
    result = alice.ok("accept_all", layer="entity")
    assert len(result["span_ids"]) == 2  # India and Moscow
    assert not alice.spans(layer="entity", status="suggested")
    assert {s.text for s in project.spans(annotator="alice")} == {
        "Vladimir Putin",
        "India",
        "Moscow",
    }
    assert [e.action for e in project.events(annotator="alice")] == [
        "accept_suggestion",
        "reject_suggestion",
        "accept_all",
    ]


def test_accept_all_takes_what_is_shown_not_what_ones_own_span_replaced(
    alice: Browser, project: Store
) -> None:
    """"India Today" marked as an ORG hides the suggested "India" it overlaps; accept-all
    then accepts the entities shown, and leaves "India" undecided rather than failing on it."""
    doc_id = alice.widget.doc_id
    text = project.document(doc_id).text
    start = text.index("India Today")
    india = alice.spans(text="India")[0]
    alice.ok("add_span", layer="entity", label="ORG", start=start, end=start + len("India Today"))
    assert alice.spans(text="India") == []
    result = alice.ok("accept_all", layer="entity")
    assert len(result["span_ids"]) == 3  # Vladimir Putin, Donbas, Moscow
    assert sorted(s.text for s in project.spans(annotator="alice")) == [
        "Donbas", "India Today", "Moscow", "Vladimir Putin",
    ]
    assert india["id"] not in project.decisions(doc_id, annotator="alice")
    alice.ok("undo")  # the accept-all, as one step
    assert [s.text for s in project.spans(annotator="alice")] == ["India Today"]


def test_marking_exactly_a_suggestion_accepts_it(alice: Browser, project: Store) -> None:
    donbas = alice.spans(text="Donbas")[0]
    alice.ok("add_span", layer="entity", label="GPE", start=donbas["start"], end=donbas["end"])
    [mine] = project.spans(annotator="alice")
    assert (mine.label, mine.origin, mine.source_span_id) == ("GPE", "edited", donbas["id"])
    assert alice.spans(text="Donbas") == [
        {
            **donbas,
            "id": mine.span_id,
            "label": "GPE",
            "status": "accepted",
            "origin": "edited",
            "reason": None,
            "confidence": None,
        }
    ]


def test_relabel_resize_and_attributes(alice: Browser, project: Store) -> None:
    text = alice.widget._doc["text"]
    claim = alice.spans(layer="claim")[0]
    # Changing a suggestion accepts it as edited.
    own = alice.ok("relabel", span_id=claim["id"], label="CHANGE")["span_id"]
    assert project.spans(annotator="alice")[0].origin == "edited"
    alice.ok("set_attrs", span_id=own, attrs={"checkworthy": "yes", "hedged": True, "note": "x"})
    start, end = _at(text, "Moscow controls around")
    alice.ok("resize", span_id=own, start=start + 1, end=end - 1)  # snapped back out
    [saved] = project.spans(annotator="alice")
    assert (saved.label, saved.start, saved.end) == ("CHANGE", start, end)
    assert saved.attrs == {"checkworthy": "yes", "hedged": True, "note": "x"}
    alice.ok("set_attrs", span_id=own, attrs={"note": None})
    assert project.spans(annotator="alice")[0].attrs == {"checkworthy": "yes", "hedged": True}
    bad = alice("set_attrs", span_id=own, attrs={"checkworthy": "perhaps"})
    assert bad["code"] == "E118"


def test_delete_own_span(alice: Browser, project: Store) -> None:
    own = alice.ok("add_span", layer="entity", label="ORG", start=0, end=9)["span_id"]
    alice.ok("reject", span_id=own)  # x on one's own span deletes it
    assert project.spans(annotator="alice") == [] and alice.spans(status="accepted") == []


def test_accepting_quote_source_and_cue_carries_the_suggested_links(
    alice: Browser, project: Store
) -> None:
    for layer in ("quote", "source", "cue"):
        alice.ok("accept", span_id=alice.spans(layer=layer)[0]["id"])
    mine = {r.type for r in project.relations(annotator="alice")}
    assert mine == {"said_by", "cue"}
    shown = {(r["type"], r["status"]) for r in alice.widget._relations}
    # refers_to still waits for "Vladimir Putin" to be accepted: shown as a suggestion.
    assert shown == {("said_by", "accepted"), ("cue", "accepted"), ("refers_to", "suggested")}


def test_link_infers_the_relation_and_its_direction(alice: Browser, project: Store) -> None:
    text = alice.widget._doc["text"]
    quote_start, quote_end = _at(text, "“That’s why we had to go over every point")
    quote = alice.ok("add_span", layer="quote", label="DIRECT", start=quote_start, end=quote_end)[
        "span_id"
    ]
    leader = alice.ok(
        "add_span",
        layer="source",
        label="SOURCE",
        **dict(zip(("start", "end"), _at(text, "the Kremlin leader"), strict=True)),
    )
    said = alice.ok(
        "add_span",
        layer="cue",
        label="CUE",
        **dict(zip(("start", "end"), _at(text, "leader said"), strict=True)),
    )
    # Picked source first, quote second: the scheme says quote -said_by-> source.
    linked = alice.ok("link", first=leader["span_id"], second=quote)
    assert linked["type"] == "said_by"
    assert alice.ok("link", first=quote, second=said["span_id"])["type"] == "cue"
    relations = {
        (r.type, r.head_span_id, r.tail_span_id) for r in project.relations(annotator="alice")
    }
    assert relations == {("said_by", quote, leader["span_id"]), ("cue", quote, said["span_id"])}
    alice.ok("unlink", relation_id=linked["relation_id"])
    assert {r.type for r in project.relations(annotator="alice")} == {"cue"}


def test_link_refusals(alice: Browser) -> None:
    he = alice.spans(layer="source")[0]["id"]
    quote = alice.ok("accept", span_id=alice.spans(layer="quote")[0]["id"])["span_id"]
    refused = alice("link", first=quote, second=he)
    assert refused["code"] == "E604" and "accept it first" in refused["error"]
    a = alice.ok("add_span", layer="entity", label="ORG", start=0, end=9)["span_id"]
    b = alice.ok("accept", span_id=alice.spans(text="Moscow", layer="entity")[0]["id"])
    refused = alice("link", first=a, second=b["span_id"])
    assert refused["code"] == "E605" and "quote -said_by-> source" in refused["error"]


def test_undo_and_redo_every_kind_of_action(alice: Browser, project: Store) -> None:
    putin = alice.spans(text="Vladimir Putin")[0]["id"]
    alice.ok("accept", span_id=putin)
    alice.ok("accept_all", layer="entity")
    assert len(project.spans(annotator="alice")) == 4
    assert alice.widget._state["can_undo"] and not alice.widget._state["can_redo"]
    alice.ok("undo")  # the whole accept-all at once
    assert [s.text for s in project.spans(annotator="alice")] == ["Vladimir Putin"]
    assert len(alice.spans(layer="entity", status="suggested")) == 3
    alice.ok("undo")
    assert project.spans(annotator="alice") == []
    assert alice.widget._state["can_redo"] and not alice.widget._state["can_undo"]
    alice.ok("redo")
    assert [s.text for s in project.spans(annotator="alice")] == ["Vladimir Putin"]
    alice.ok("undo")
    nothing = alice("undo")
    assert nothing["code"] == "E111"


def test_spans_of_others_are_never_shown_nor_changed(alice: Browser, project: Store) -> None:
    doc_id = alice.widget.doc_id
    bobs = project.add_span(
        annotator="bob", doc_id=doc_id, layer="entity", label="ORG", start=0, end=9
    )
    alice.ok("goto", to="next")
    alice.ok("goto", to="previous")  # re-read the document
    assert all(s["id"] != bobs.span_id for s in alice.widget._spans)
    refused = alice("reject", span_id=bobs.span_id)
    assert refused["code"] == "E610"
    assert [s.span_id for s in project.spans(annotator="bob")] == [bobs.span_id]


def test_a_discontinuous_span_reaches_the_page_with_its_pieces(project: Store) -> None:
    """An imported brat span in two pieces: the page draws each piece, not the gap."""
    from annotate.widgets import Annotator

    doc = project.documents()[0]
    first, second = _at(doc.text, "Vladimir Putin"), _at(doc.text, "Ukrainian")
    if first > second:
        first, second = second, first
    pieces = [list(first), list(second)]
    span = project.add_span(annotator="alice", doc_id=doc.doc_id, layer="entity",
                            label="PERSON", start=first[0], end=second[1], fragments=pieces)
    page = Browser(Annotator(project, annotator="alice"))
    (shown,) = [s for s in page.widget._spans if s["id"] == span.span_id]
    assert (shown["start"], shown["end"], shown["fragments"]) == (first[0], second[1], pieces)
    one_piece = [s for s in page.widget._spans if s["id"] != span.span_id]
    assert all(s["fragments"] is None for s in one_piece)
