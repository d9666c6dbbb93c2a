"""How unsure a trained suggester was: rows written with its suggestions, read for the queue."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from annotate.core.records import DocSuggestions, SpanSuggestion
from annotate.store import Store
from annotate.workflow.assign import order_documents, set_queue_order
from tests.support.paths import CORPUS

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


def test_suggestions_replace_their_runs_through_the_key_not_a_scan(tmp_path: Path) -> None:
    # Each batch replaces the run and uncertainty rows of its documents. Found through the
    # primary key, a batch costs the same on the millionth document as on the first; a scan
    # of the table would make suggesting a corpus quadratic. SQLite's plan says which.
    import sqlalchemy as sa

    from annotate.corpus.ingest import ingest

    seeded = Store(tmp_path / "project.db")
    ingest(seeded, [CORPUS])

    deletes: list[tuple[str, tuple[object, ...]]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: object,
               _context: object, _many: bool) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            deletes.append((statement, tuple(parameters)))  # type: ignore[arg-type]

    sa.event.listen(seeded.engine, "before_cursor_execute", record)
    try:
        seeded.store_suggestions(TRAINED, [
            (document, DocSuggestions(uncertainty=0.5)) for document in seeded.documents()
        ])  # fmt: skip
    finally:
        sa.event.remove(seeded.engine, "before_cursor_execute", record)
    tables = {"suggestion_runs", "suggestion_uncertainty"}
    assert {table for table in tables if any(table in s for s, _ in deletes)} == tables
    with seeded.engine.connect() as connection:
        for statement, parameters in deletes:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            steps = [str(row[-1]) for row in plan]
            assert not [step for step in steps if step.startswith("SCAN suggestion")], steps
            assert any(step.startswith("SEARCH suggestion") for step in steps), steps
    seeded.close()
