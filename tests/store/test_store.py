"""Store operations on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import pytest

from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from annotate.errors import PermissionDenied, SchemeError, StoreError
from annotate.store import Store


def _doc(store: Store, index: int = 0) -> tuple[str, str, str]:
    document = store.documents()[index]
    return document.doc_id, document.text, document.text_sha256


def _find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_add_update_delete_span_with_events(seeded: Store) -> None:
    doc_id, text, sha = _doc(seeded)
    start, end = _find(text, "Vladimir Putin")
    span = seeded.add_span(
        annotator="alice",
        doc_id=doc_id,
        layer="entity",
        label="PERSON",
        start=start,
        end=end,
        doc_sha256=sha,
    )
    assert span.text == "Vladimir Putin" and span.origin == "manual"
    assert span.created_at.tzinfo is not None
    updated = seeded.update_span(
        span.span_id, annotator="alice", label="ORG", attrs={"note": "check"}
    )
    assert updated.label == "ORG" and updated.attrs == {"note": "check"}
    seeded.delete_span(span.span_id, annotator="alice")
    assert seeded.spans(annotator="alice") == []
    actions = [e.action for e in seeded.events(annotator="alice")]
    assert actions == ["add_span", "update_span", "delete_span"]
    assert all(e.doc_id == doc_id for e in seeded.events(annotator="alice"))


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (10, 2), (0, 10**6)])
def test_offsets_out_of_range(seeded: Store, start: int, end: int) -> None:
    doc_id, text, _ = _doc(seeded)
    with pytest.raises(StoreError) as caught:
        seeded.add_span(
            annotator="alice", doc_id=doc_id, layer="entity", label="PERSON", start=start, end=end
        )
    assert caught.value.code == "E102" and doc_id in str(caught.value)
    assert str(len(text)) in str(caught.value)
    assert seeded.counts()["spans"] == 0 and seeded.counts()["events"] == 0


def test_stale_text_hash_is_rejected(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    with pytest.raises(StoreError) as caught:
        seeded.add_span(
            annotator="alice",
            doc_id=doc_id,
            layer="entity",
            label="PERSON",
            start=0,
            end=9,
            doc_sha256="0" * 64,
        )
    assert caught.value.code == "E103"


def test_unknown_document_layer_label_attribute(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    with pytest.raises(StoreError, match="E101"):
        seeded.add_span(
            annotator="a", doc_id="nope", layer="entity", label="PERSON", start=0, end=1
        )
    with pytest.raises(SchemeError, match="E104"):
        seeded.add_span(annotator="a", doc_id=doc_id, layer="topic", label="X", start=0, end=1)
    with pytest.raises(SchemeError, match="E105"):
        seeded.add_span(annotator="a", doc_id=doc_id, layer="entity", label="DOG", start=0, end=1)
    with pytest.raises(SchemeError, match="E118"):
        seeded.add_span(
            annotator="a",
            doc_id=doc_id,
            layer="claim",
            label="QUANTITY",
            start=0,
            end=5,
            attrs={"checkworthy": "perhaps"},
        )
    with pytest.raises(SchemeError, match="E117"):
        seeded.add_span(
            annotator="a",
            doc_id=doc_id,
            layer="entity",
            label="ORG",
            start=0,
            end=5,
            attrs={"hedged": True},
        )


def test_entities_may_not_overlap_but_quotes_nest(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    seeded.add_span(annotator="a", doc_id=doc_id, layer="entity", label="PERSON", start=10, end=24)
    with pytest.raises(StoreError, match="E123"):
        seeded.add_span(annotator="a", doc_id=doc_id, layer="entity", label="ORG", start=20, end=30)
    # Another annotator's entity may overlap: each has their own version.
    seeded.add_span(annotator="b", doc_id=doc_id, layer="entity", label="ORG", start=20, end=30)
    seeded.add_span(annotator="a", doc_id=doc_id, layer="quote", label="INDIRECT", start=0, end=90)
    seeded.add_span(annotator="a", doc_id=doc_id, layer="quote", label="MIXED", start=5, end=50)


def test_relations_follow_the_scheme(seeded: Store) -> None:
    doc_id, text, _ = _doc(seeded)
    quote = seeded.add_span(
        annotator="a",
        doc_id=doc_id,
        layer="quote",
        label="DIRECT",
        start=text.index("“Either"),
        end=text.index(" he told"),
    )
    he = seeded.add_span(
        annotator="a",
        doc_id=doc_id,
        layer="source",
        label="SOURCE",
        start=text.index("he told"),
        end=text.index("he told") + 2,
    )
    relation = seeded.add_relation("said_by", quote.span_id, he.span_id, annotator="a")
    assert relation.doc_id == doc_id
    # The same relation twice is one relation.
    again = seeded.add_relation("said_by", quote.span_id, he.span_id, annotator="a")
    assert again.relation_id == relation.relation_id
    with pytest.raises(SchemeError, match="E109"):
        seeded.add_relation("said_by", he.span_id, quote.span_id, annotator="a")
    with pytest.raises(SchemeError, match="E108"):
        seeded.add_relation("likes", quote.span_id, he.span_id, annotator="a")
    # Deleting a span deletes its relations with it; undo brings both back.
    seeded.delete_span(he.span_id, annotator="a")
    assert seeded.relations(annotator="a") == []
    seeded.undo(doc_id, annotator="a")
    assert [r.relation_id for r in seeded.relations(annotator="a")] == [relation.relation_id]


def test_annotators_change_only_their_own_work(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    span = seeded.add_span(
        annotator="alice", doc_id=doc_id, layer="entity", label="PERSON", start=10, end=24
    )
    with pytest.raises(PermissionDenied):
        seeded.update_span(span.span_id, annotator="bob", label="ORG")
    with pytest.raises(PermissionDenied):
        seeded.delete_span(span.span_id, annotator="bob")
    with pytest.raises(PermissionDenied):
        seeded.add_span(
            annotator="alice",
            actor="bob",
            doc_id=doc_id,
            layer="entity",
            label="ORG",
            start=30,
            end=40,
        )
    # Gold is written only by a reviewer.
    with pytest.raises(PermissionDenied):
        seeded.add_span(
            annotator="gold",
            actor="bob",
            doc_id=doc_id,
            layer="entity",
            label="ORG",
            start=30,
            end=40,
        )
    seeded.add_annotator("lead", role="reviewer")
    gold = seeded.add_span(
        annotator="gold", actor="lead", doc_id=doc_id, layer="entity", label="ORG", start=30, end=40
    )
    assert gold.annotator == "gold"
    (event,) = seeded.events(annotator="gold")
    assert event.actor == "lead"
    assert seeded.spans(annotator="alice")[0].label == "PERSON"


def test_undo_redo_every_kind_of_action(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    span = seeded.add_span(
        annotator="a", doc_id=doc_id, layer="claim", label="QUANTITY", start=0, end=40
    )
    seeded.update_span(span.span_id, annotator="a", attrs={"hedged": True})
    seeded.set_status(doc_id, "flagged", annotator="a", comment="unsure about claim")

    def state() -> tuple[object, ...]:
        spans = [(s.label, s.start, s.end, s.attrs) for s in seeded.spans(annotator="a")]
        statuses = [(s.status, s.comment) for s in seeded.statuses(annotator="a")]
        return tuple(spans), tuple(statuses)

    states = [state()]
    seeded.undo(doc_id, annotator="a")  # status
    states.append(state())
    seeded.undo(doc_id, annotator="a")  # attrs
    states.append(state())
    seeded.undo(doc_id, annotator="a")  # the span
    assert state() == ((), ())
    with pytest.raises(StoreError, match="E111"):
        seeded.undo(doc_id, annotator="a")
    seeded.redo(doc_id, annotator="a")
    assert state() == states[2]
    seeded.redo(doc_id, annotator="a")
    assert state() == states[1]
    seeded.redo(doc_id, annotator="a")
    assert state() == states[0]
    with pytest.raises(StoreError, match="E112"):
        seeded.redo(doc_id, annotator="a")
    # A new action after an undo clears what could be redone.
    seeded.undo(doc_id, annotator="a")
    seeded.set_status(doc_id, "done", annotator="a")
    assert seeded.can_undo(doc_id, annotator="a") == (True, False)
    # Undo is an event, not a deletion: the log only grows.
    kinds = [e.action for e in seeded.events(annotator="a")]
    assert kinds.count("undo") == 4 and kinds.count("redo") == 3


def test_each_reviewer_undoes_only_their_own_gold_changes(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    seeded.add_annotator("lead", role="reviewer")
    seeded.add_annotator("lead2", role="reviewer")
    gold = seeded.add_span(
        annotator="gold", actor="lead", doc_id=doc_id, layer="entity", label="ORG", start=0, end=9
    )
    seeded.update_span(gold.span_id, annotator="gold", actor="lead", label="PERSON")
    seeded.update_span(gold.span_id, annotator="gold", actor="lead2", label="GPE")
    # lead's last change is under lead2's: lead's undo is refused, naming lead2.
    with pytest.raises(StoreError) as caught:
        seeded.undo(doc_id, annotator="gold", actor="lead")
    assert caught.value.code == "E141" and "lead2" in str(caught.value)
    assert seeded.spans(annotator="gold")[0].label == "GPE"
    assert seeded.can_undo(doc_id, annotator="gold", actor="lead2") == (True, False)
    seeded.undo(doc_id, annotator="gold", actor="lead2")  # lead2's own
    assert seeded.spans(annotator="gold")[0].label == "PERSON"
    seeded.undo(doc_id, annotator="gold", actor="lead")  # now lead's own is on top again
    assert seeded.spans(annotator="gold")[0].label == "ORG"
    assert [e.actor for e in seeded.events(annotator="gold")] == [
        "lead", "lead", "lead2", "lead2", "lead"
    ]


def test_undo_refuses_to_overwrite_a_change_it_did_not_log(seeded: Store) -> None:
    from annotate.store import tables

    doc_id, _, _ = _doc(seeded)
    span = seeded.add_span(
        annotator="a", doc_id=doc_id, layer="entity", label="ORG", start=0, end=9
    )
    seeded.update_span(span.span_id, annotator="a", label="PERSON")
    with seeded.engine.begin() as connection:  # a writer that bypasses the store
        connection.execute(
            tables.spans.update().where(tables.spans.c.span_id == span.span_id).values(label="GPE")
        )
    with pytest.raises(StoreError, match="E113"):
        seeded.undo(doc_id, annotator="a")
    assert seeded.spans(annotator="a")[0].label == "GPE"


def test_suggestions_accept_reject_and_carry_relations(seeded: Store) -> None:
    doc_id, text, _ = _doc(seeded)
    document = seeded.document(doc_id)
    q = _find(
        text,
        "“Either we liberate these territories by force, or Ukrainian troops will "
        "leave these territories,”",
    )
    he = _find(text, "he told")
    suggestions = DocSuggestions(
        spans=[
            SpanSuggestion(
                "q0", "quote", "DIRECT", *q, {"reason": "paired quotes", "addressee": "India Today"}
            ),
            SpanSuggestion("s0", "source", "SOURCE", he[0], he[0] + 2, {"speaker": "Putin"}),
            SpanSuggestion("c0", "cue", "CUE", he[0] + 3, he[1], {"reason": "verb"}),
            SpanSuggestion("e0", "entity", "PERSON", *_find(text, "Vladimir Putin"), {}),
        ],
        relations=[
            RelationSuggestion("said_by", "q0", "s0"),
            RelationSuggestion("cue", "q0", "c0"),
        ],
    )
    model = "spacy:test@1/suggest@1"
    assert seeded.store_suggestions(model, [(document, suggestions)]) == 4
    assert seeded.suggested_docs(model) == {(doc_id, document.text_sha256)}
    assert seeded.suggesters() == [model]
    open_ = seeded.open_suggestions(doc_id, annotator="alice", suggester=model)
    assert [s.layer for s in open_] == ["entity", "quote", "source", "cue"]
    by_layer = {s.layer: s for s in open_}
    quote = seeded.accept_suggestion(by_layer["quote"].span_id, annotator="alice")
    assert quote.origin == "suggested" and quote.attrs == {"addressee": "India Today"}
    source = seeded.accept_suggestion(by_layer["source"].span_id, annotator="alice", end=he[1])
    assert source.origin == "edited"
    (relation,) = seeded.relations(annotator="alice")
    assert (relation.type, relation.head_span_id, relation.tail_span_id) == (
        "said_by",
        quote.span_id,
        source.span_id,
    )
    seeded.reject_suggestion(by_layer["cue"].span_id, annotator="alice")
    accepted = seeded.accept_all(doc_id, annotator="alice", suggester=model, layer="entity")
    assert [s.text for s in accepted] == ["Vladimir Putin"]
    assert seeded.open_suggestions(doc_id, annotator="alice", suggester=model) == []
    # Suggestions never change: the model's spans are as stored.
    assert len(seeded.spans(annotator=model)) == 4
    # Undo of accept-all is one step.
    seeded.undo(doc_id, annotator="alice")
    assert [
        s.layer for s in seeded.open_suggestions(doc_id, annotator="alice", suggester=model)
    ] == ["entity"]
    # Deleting an accepted span turns its decision into a rejection.
    seeded.delete_span(quote.span_id, annotator="alice")
    assert seeded.decisions(doc_id, annotator="alice")[by_layer["quote"].span_id] == (
        "rejected",
        None,
    )
    with pytest.raises(StoreError, match="E121"):
        seeded.accept_suggestion(source.span_id, annotator="bob")


def test_time_spent_is_not_an_undoable_action(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    seeded.set_status(doc_id, "done", annotator="a")
    seeded.add_time(doc_id, 12.5, annotator="a")
    assert seeded.add_time(doc_id, 2.5, annotator="a") == 15.0
    seeded.undo(doc_id, annotator="a")
    assert seeded.statuses(annotator="a") == []
    assert seeded.seconds_spent(annotator="a") == {(doc_id, "a"): 15.0}


def test_bad_status_and_bad_annotator_name(seeded: Store) -> None:
    doc_id, _, _ = _doc(seeded)
    with pytest.raises(StoreError, match="E115"):
        seeded.set_status(doc_id, "finished", annotator="a")
    with pytest.raises(StoreError, match="E116"):
        seeded.set_status(doc_id, "done", annotator=" a")


def test_reopen_sees_everything(db_url: str) -> None:
    from annotate.corpus.ingest import ingest
    from tests.support.paths import CORPUS

    first = Store(db_url)
    ingest(first, [CORPUS])
    doc_id = first.doc_ids()[0]
    first.add_span(annotator="a", doc_id=doc_id, layer="entity", label="PERSON", start=10, end=24)
    first.close()
    second = Store(db_url)
    assert [s.text for s in second.spans(annotator="a")] == ["Vladimir Putin"]
    assert second.counts()["events"] == 1
    second.close()


def test_settings_written_at_once_by_many_writers_never_collide(db_url: str) -> None:
    """Two reviewers' first writes of one settings key used to collide on PostgreSQL (a raw
    UniqueViolation from delete-then-insert); the write is one upsert now."""
    import threading

    stores = [Store(db_url) for _ in range(6)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores))

    def write(store: Store, number: int) -> None:
        start.wait()
        try:
            for round_ in range(20):
                store.set_setting(f"shared:{round_}", {"by": number})
        except BaseException as exc:  # every failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(stores[0].get_setting(f"shared:{r}")["by"] in range(6) for r in range(20))
    for store in stores:
        store.close()


def test_metadata_is_stored_compact_and_a_lone_surrogate_in_it_escaped(store: Store) -> None:
    """JSON is stored compact with non-ASCII as it is (the form exports write); half a
    surrogate pair, which UTF-8 cannot hold, is escaped instead of failing the write."""
    from annotate.core.jsonform import compact_json
    from annotate.core.records import Document

    meta = {"desk": "Außen", "odd": "a\ud800b", "tags": [1, None]}
    assert compact_json({"desk": "Außen"}) == '{"desk":"Außen"}'
    assert compact_json(meta) == '{"desk":"Au\\u00dfen","odd":"a\\ud800b","tags":[1,null]}'
    store.add_documents([Document(doc_id="m", text="Some text.", meta=meta)])
    assert store.document("m").meta == meta
