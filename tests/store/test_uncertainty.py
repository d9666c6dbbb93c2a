"""How unsure a trained suggester was: rows written with its suggestions, read for the queue."""

from __future__ import annotations

import dataclasses

from annotate.core.records import DocSuggestions, SpanSuggestion
from annotate.store import Store
from annotate.workflow.assign import order_documents, set_queue_order

TRAINED = "trained:demo@0123456789ab"


def _entity(text: str) -> SpanSuggestion:
    return SpanSuggestion(
        key="e1", layer="entity", label="PERSON", start=0, end=len(text.split()[0])
    )


def test_uncertainty_is_stored_with_the_suggestions_and_only_for_the_text_it_measured(
    seeded: Store,
) -> None:
    first, second = seeded.documents()
    seeded.store_suggestions(TRAINED, [
        (first, DocSuggestions(spans=[_entity(first.text)], uncertainty=0.2)),
        (second, DocSuggestions(uncertainty=0.9)),
    ])  # fmt: skip
    assert seeded.uncertainties(TRAINED) == {first.doc_id: 0.2, second.doc_id: 0.9}
    assert seeded.unsure_suggesters() == [TRAINED]
    assert order_documents(seeded, [first.doc_id, second.doc_id]) == [
        first.doc_id, second.doc_id,
    ]  # corpus order until the project asks for another
    set_queue_order(seeded, "uncertainty")
    assert order_documents(seeded, [first.doc_id, second.doc_id]) == [
        second.doc_id, first.doc_id,
    ]

    # Suggested again on the same text: the new value replaces the old, one row.
    seeded.store_suggestions(TRAINED, [(first, DocSuggestions(uncertainty=0.95))])
    assert seeded.uncertainties(TRAINED)[first.doc_id] == 0.95

    # A new text has no uncertainty until the suggester parses it.
    changed = dataclasses.replace(first, text=first.text + " More.")
    seeded.add_documents([changed], update=True)
    assert seeded.uncertainties(TRAINED) == {second.doc_id: 0.9}
    assert order_documents(seeded, [first.doc_id, second.doc_id]) == [
        second.doc_id, first.doc_id,
    ]


def test_rule_suggestions_measure_no_uncertainty(seeded: Store) -> None:
    document = seeded.documents()[0]
    seeded.store_suggestions("spacy:en_rules@1/suggest@2", [(document, DocSuggestions())])
    assert seeded.uncertainties("spacy:en_rules@1/suggest@2") == {}
    assert seeded.unsure_suggesters() == []
