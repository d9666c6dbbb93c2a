"""Adjudication: merging annotators' work into units, accepting agreements, resolving the rest."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.errors import AnnotateError, PermissionDenied
from annotate.scoring.agreement_data import Mark
from annotate.store import Store
from annotate.workflow.adjudicate import (
    GOLD,
    META_KEY,
    Edit,
    Pick,
    Reject,
    Unit,
    auto_accept_agreements,
    group_units,
    merge,
    resolve,
)

PEOPLE = ["ana", "ben"]


def _find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


class Doc:
    """The first seed article, with a helper to annotate it."""

    def __init__(self, store: Store) -> None:
        document = store.documents()[0]
        self.store, self.doc_id, self.text = store, document.doc_id, document.text

    def add(self, who: str, layer: str, label: str, needle: str, nth: int = 0, **attrs: Any) -> str:
        start, end = _find(self.text, needle, nth)
        record = self.store.add_span(
            annotator=who, doc_id=self.doc_id, layer=layer, label=label, start=start, end=end,
            attrs=attrs or None,
        )  # fmt: skip
        return record.span_id


@pytest.fixture
def doc(seeded: Store) -> Doc:
    """ana and ben on the first seed article: agreements, a label, a boundary, a missing span,
    an attribute disagreement, and a quote both attribute to the same source."""
    seeded.add_annotator("lead", role="reviewer")
    d = Doc(seeded)
    for who in PEOPLE:
        d.add(who, "entity", "PERSON", "Vladimir Putin")
        quote = d.add(who, "quote", "DIRECT", "“Either we liberate these territories by force")
        source = d.add(who, "source", "SOURCE", "he told")
        seeded.add_relation("said_by", quote, source, annotator=who)
    d.add("ana", "entity", "GPE", "Donbas")
    d.add("ben", "entity", "LOC", "Donbas")
    d.add("ana", "entity", "PERSON", "Donald Trump")
    d.add("ben", "entity", "PERSON", "Trump")  # inside "Donald Trump"
    d.add("ana", "entity", "ORG", "India Today")
    d.add("ana", "claim", "QUANTITY", "Moscow controls around 85% of Donbas", checkworthy="yes")
    d.add("ben", "claim", "QUANTITY", "Moscow controls around 85% of Donbas", checkworthy="no")
    return d


def _by_text(units: list[Unit], text: str) -> Unit:
    (unit,) = [u for u in units if u.text == text]
    return unit


def test_merge_lists_agreements_and_disagreements_with_who_chose_what(doc: Doc) -> None:
    units = merge(doc.store, doc.doc_id, PEOPLE)
    kinds = {(u.layer, u.text): u.kind for u in units}
    assert kinds[("entity", "Vladimir Putin")] == "agreement"
    assert kinds[("source", "he told")] == "agreement"
    donbas = _by_text(units, "Donbas")
    assert (donbas.kind, donbas.reason) == ("disagreement", "label")
    assert {v.label: v.annotators for v in donbas.versions} == {"GPE": ("ana",), "LOC": ("ben",)}
    trump = _by_text(units, "Donald Trump")
    assert trump.reason == "boundaries" and len(trump.versions) == 2
    india = _by_text(units, "India Today")
    assert india.reason == "missing" and india.missing == ("ben",)
    assert india.choices() == {"ana": [india.versions[0]], "ben": []}
    claim = _by_text(units, "Moscow controls around 85% of Donbas")
    assert claim.reason == "attributes"
    assert [u.start for u in units] == sorted(u.start for u in units)
    again = merge(doc.store, doc.doc_id, PEOPLE)
    assert [u.unit_id for u in again] == [u.unit_id for u in units]  # stable ids
    assert units[0].to_json()["versions"][0]["annotators"]


def test_auto_accept_writes_agreements_and_agreed_relations_into_gold(doc: Doc) -> None:
    left = auto_accept_agreements(doc.store, doc.doc_id, reviewer="lead", annotators=PEOPLE)
    assert {u.text for u in left} == {
        "Donbas", "Donald Trump", "India Today", "Moscow controls around 85% of Donbas",
    }  # fmt: skip
    gold = doc.store.spans(doc_id=doc.doc_id, annotator=GOLD)
    assert sorted(s.text for s in gold) == sorted(
        ["Vladimir Putin", "“Either we liberate these territories by force", "he told"]
    )
    note = gold[0].attrs[META_KEY]
    assert note["decision"] == "agreed" and note["by"] == "lead"
    assert note["from"] == PEOPLE and set(note["span_ids"]) == set(PEOPLE)
    (relation,) = doc.store.relations(doc_id=doc.doc_id, annotator=GOLD)
    assert relation.type == "said_by"
    # One action: the spans, the link, a decision per unit, one event by the reviewer.
    [event] = doc.store.events(annotator=GOLD)
    assert (event.actor, event.action) == ("lead", "accept_agreements")
    decided = doc.store.adjudications(doc_id=doc.doc_id)
    assert sorted(d.decision for d in decided) == ["agreed"] * 3
    assert {d.reviewer for d in decided} == {"lead"}
    assert sorted(i for d in decided for i in d.span_ids) == sorted(s.span_id for s in gold)
    # Running it again writes nothing new.
    auto_accept_agreements(doc.store, doc.doc_id, reviewer="lead", annotators=PEOPLE)
    assert len(doc.store.spans(doc_id=doc.doc_id, annotator=GOLD)) == 3
    assert len(doc.store.events(annotator=GOLD)) == 1
    # Agreements are not a reviewer's decision to undo: rejecting one is (resolve, replace).
    with pytest.raises(AnnotateError) as caught:
        doc.store.undo(doc.doc_id, annotator=GOLD, actor="lead")
    assert caught.value.code == "E111"


def test_resolve_by_pick_edit_and_reject(doc: Doc) -> None:
    units = auto_accept_agreements(doc.store, doc.doc_id, reviewer="lead", annotators=PEOPLE)
    donbas = _by_text(units, "Donbas")
    (picked,) = resolve(doc.store, doc.doc_id, donbas, "ben", reviewer="lead")
    assert (picked.label, picked.text) == ("LOC", "Donbas")
    assert picked.attrs[META_KEY]["decision"] == "picked"
    assert picked.attrs[META_KEY]["chosen"] == "ben"
    # Deciding again replaces the earlier decision for the unit.
    (again,) = resolve(doc.store, doc.doc_id, donbas, Pick("ana"), reviewer="lead")
    labels = [
        s.label for s in doc.store.spans(doc_id=doc.doc_id, annotator=GOLD) if s.text == "Donbas"
    ]
    assert labels == ["GPE"] and again.label == "GPE"
    trump = _by_text(units, "Donald Trump")
    start, end = _find(doc.text, "Donald Trump")
    (edited,) = resolve(
        doc.store,
        doc.doc_id,
        trump,
        Edit("PERSON", start, end, {"note": "full name"}),
        reviewer="lead",
    )
    assert edited.attrs["note"] == "full name"
    assert edited.attrs[META_KEY]["decision"] == "edited"
    assert edited.attrs[META_KEY]["from"] == ["ana"]  # ana's version is the edited span
    india = _by_text(units, "India Today")
    assert resolve(doc.store, doc.doc_id, india, Reject(), reviewer="lead") == []
    assert resolve(doc.store, doc.doc_id, india, "reject", reviewer="lead") == []
    claim = _by_text(units, "Moscow controls around 85% of Donbas")
    (chosen,) = resolve(doc.store, doc.doc_id, claim, "ana", reviewer="lead")
    assert chosen.attrs["checkworthy"] == "yes"
    texts = sorted(s.text for s in doc.store.spans(doc_id=doc.doc_id, annotator=GOLD))
    assert "India Today" not in texts and "Donald Trump" in texts


def test_pick_carries_the_annotators_relations_to_spans_already_in_gold(seeded: Store) -> None:
    seeded.add_annotator("lead", role="reviewer")
    d = Doc(seeded)
    quotes = {}
    for who, mention in (("ana", "he told"), ("ben", "India Today")):
        quotes[who] = d.add(
            who, "quote", "DIRECT", "“Either we liberate these territories by force"
        )
        source = d.add(who, "source", "SOURCE", mention)
        seeded.add_relation("said_by", quotes[who], source, annotator=who)
    units = auto_accept_agreements(seeded, d.doc_id, reviewer="lead", annotators=PEOPLE)
    gold_quote = seeded.spans(doc_id=d.doc_id, annotator=GOLD)  # the quote both marked
    assert [s.layer for s in gold_quote] == ["quote"]
    assert seeded.relations(doc_id=d.doc_id, annotator=GOLD) == []  # they linked differently
    source_unit = next(
        u for u in units if u.layer == "source" and "ana" in u.choices() and u.choices()["ana"]
    )
    (source,) = resolve(seeded, d.doc_id, source_unit, "ana", reviewer="lead")
    (relation,) = seeded.relations(doc_id=d.doc_id, annotator=GOLD)
    assert (relation.head_span_id, relation.tail_span_id) == (gold_quote[0].span_id, source.span_id)


def test_refusals(doc: Doc) -> None:
    units = merge(doc.store, doc.doc_id, PEOPLE)
    donbas = _by_text(units, "Donbas")
    with pytest.raises(AnnotateError) as caught:
        resolve(doc.store, doc.doc_id, donbas, "zed", reviewer="lead")
    assert caught.value.code == "E421"
    with pytest.raises(AnnotateError) as caught:
        resolve(doc.store, doc.doc_id, donbas, [], reviewer="lead")
    assert caught.value.code == "E421"
    other = doc.store.documents()[1].doc_id
    with pytest.raises(AnnotateError) as caught:
        resolve(doc.store, other, donbas, "ana", reviewer="lead")
    assert caught.value.code == "E422"
    with pytest.raises(PermissionDenied):
        resolve(doc.store, doc.doc_id, donbas, "ana", reviewer="ana")
    with pytest.raises(AnnotateError) as caught:
        merge(doc.store, doc.doc_id, ["ana"])
    assert caught.value.code == "E416"


def test_group_units_is_pure_and_groups_chains() -> None:
    text = "abcdefghijklmnopqrstuvwxyz" * 2
    marks = [
        Mark("1", "a", "X", 0, 5, {}),
        Mark("2", "b", "X", 3, 8, {}),  # overlaps 1
        Mark("3", "c", "X", 7, 10, {}),  # overlaps 2: one chain, one unit
        Mark("4", "a", "Y", 20, 22, {}),
        Mark("5", "b", "Y", 20, 22, {}),
        Mark("6", "c", "Y", 20, 22, {}),
        Mark("7", "c", "Y", 20, 22, {}),  # the same span twice counts once
        Mark("8", "z", "Y", 30, 32, {}),  # not a merged annotator: ignored
        Mark("9", "a", "Z", 40, 44, {"checkworthy": "yes"}),
        Mark("10", "b", "Z", 40, 44, {"checkworthy": "yes", "_seen": True, "note": "?"}),
        Mark("11", "c", "Z", 40, 44, {}),
    ]
    units = group_units("d", "claim", marks, annotators=["a", "b", "c"], text=text,
                        defaults={"checkworthy": "unsure"})  # fmt: skip
    assert [(u.kind, u.start, u.end) for u in units] == [
        ("disagreement", 0, 10),
        ("agreement", 20, 22),
        ("disagreement", 40, 44),
    ]
    chain, agreed, attrs = units
    assert len(chain.versions) == 3 and chain.text == text[0:10]
    assert agreed.versions[0].span_ids == ("4", "5", "6")
    # "unsure" (c's default) differs from "yes"; notes and machine keys never count
    assert attrs.reason == "attributes"
    assert {v.annotators for v in attrs.versions} == {("a", "b"), ("c",)}


def test_two_reviewers_resolving_one_unit_never_leave_both_versions(doc: Doc) -> None:
    doc.store.add_annotator("lead2", role="reviewer")
    units = auto_accept_agreements(doc.store, doc.doc_id, reviewer="lead", annotators=PEOPLE)
    donbas = _by_text(units, "Donbas")
    resolve(doc.store, doc.doc_id, donbas, "ana", reviewer="lead")
    with pytest.raises(AnnotateError) as caught:
        resolve(doc.store, doc.doc_id, donbas, "ben", reviewer="lead2")
    assert caught.value.code == "E140" and "lead" in str(caught.value)
    labels = [s.label for s in doc.store.spans(doc_id=doc.doc_id, annotator=GOLD)
              if s.text == "Donbas"]  # fmt: skip
    assert labels == ["GPE"]
    # Overruling is explicit, and replaces: still one version of the unit in gold.
    resolve(doc.store, doc.doc_id, donbas, "ben", reviewer="lead2", replace=True)
    labels = [s.label for s in doc.store.spans(doc_id=doc.doc_id, annotator=GOLD)
              if s.text == "Donbas"]  # fmt: skip
    assert labels == ["LOC"]
    [decision] = [d for d in doc.store.adjudications(doc_id=doc.doc_id)
                  if d.unit_id == donbas.unit_id]  # fmt: skip
    assert (decision.reviewer, decision.chosen, decision.decision) == ("lead2", "ben", "picked")


def test_gold_cannot_hold_one_span_twice_even_bypassing_the_api(doc: Doc) -> None:
    from annotate.store import tables

    auto_accept_agreements(doc.store, doc.doc_id, reviewer="lead", annotators=PEOPLE)
    [putin] = [s for s in doc.store.spans(doc_id=doc.doc_id, annotator=GOLD)
               if s.text == "Vladimir Putin"]  # fmt: skip
    row = {**putin.to_json(), "span_id": "copy", "created_at": putin.created_at,
           "updated_at": putin.updated_at}  # fmt: skip
    # The unique index refuses it (reported as a coded store error, without parameters).
    with pytest.raises(AnnotateError) as caught, doc.store.engine.begin() as connection:
        connection.execute(tables.spans.insert().values(**row))
    assert caught.value.code == "E136" and "UNIQUE" in str(caught.value).upper()
    assert len([s for s in doc.store.spans(doc_id=doc.doc_id, annotator=GOLD)
                if s.text == "Vladimir Putin"]) == 1  # fmt: skip


def test_a_decision_on_spans_that_changed_since_is_refused(doc: Doc) -> None:
    units = merge(doc.store, doc.doc_id, PEOPLE)
    donbas = _by_text(units, "Donbas")
    [ben_span] = [v.span_ids[0] for v in donbas.versions if v.annotators == ("ben",)]
    doc.store.delete_span(ben_span, annotator="ben")
    with pytest.raises(AnnotateError) as caught:
        resolve(doc.store, doc.doc_id, donbas, "ben", reviewer="lead")
    assert caught.value.code == "E143"
    assert doc.store.adjudications(doc_id=doc.doc_id) == []
