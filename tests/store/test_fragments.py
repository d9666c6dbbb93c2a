"""Discontinuous spans in the store: their pieces kept beside their outer extent, through
edits, undo, adjudication, the contract tables and the migration that added them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from annotate.errors import StoreError
from annotate.formats.dataset import load_tables
from annotate.store import Store
from annotate.store import tables as t
from annotate.store.engine import create_engine, normalise_url
from annotate.store.migrations import migrate
from annotate.workflow.adjudicate import auto_accept_agreements

TEXT = '"We will not attack," Putin said, "nobody in Europe."'
QUOTE = [[0, 21], [34, 53]]  # the two quoted pieces around "Putin said,"


def _document(store: Store) -> str:
    from annotate.core.records import Document

    store.add_documents([Document(doc_id="d", text=TEXT)])
    return "d"


def _quote(store: Store, annotator: str = "alice") -> str:
    span = store.add_span(annotator=annotator, doc_id="d", layer="quote", label="DIRECT",
                          start=0, end=53, fragments=QUOTE)
    return span.span_id


def test_a_discontinuous_span_keeps_its_pieces_and_its_outer_extent(store: Store) -> None:
    _document(store)
    span_id = _quote(store)
    (span,) = store.spans(annotator="alice")
    assert (span.span_id, span.start, span.end, span.fragments) == (span_id, 0, 53, QUOTE)
    assert span.text == TEXT  # the contract's text stays text[start:end]
    tables = load_tables(store)
    assert tables["spans"]["fragments"].tolist() == [QUOTE]
    plain = store.add_span(annotator="alice", doc_id="d", layer="source", label="SOURCE",
                           start=22, end=27)
    assert plain.fragments is None
    by_id = dict(zip(load_tables(store)["spans"]["span_id"],
                     load_tables(store)["spans"]["fragments"], strict=True))
    assert by_id[plain.span_id] == [[22, 27]]  # one piece, listed as such in the contract


@pytest.mark.parametrize(
    "fragments",
    [[[0, 21], [10, 53]], [[0, 21]], [[5, 21], [34, 53]], [[0, 21], [34, 40]], [[0, 0], [3, 53]]],
)
def test_pieces_that_do_not_make_the_span_are_refused(store: Store, fragments: list[list[int]]
                                                      ) -> None:
    _document(store)
    # Overlapping pieces, one piece short of the extent, pieces that start after or end
    # before the span, an empty piece.
    with pytest.raises(StoreError) as caught:
        store.add_span(annotator="alice", doc_id="d", layer="quote", label="DIRECT",
                       start=0, end=53, fragments=fragments)
    assert caught.value.code == "E358"
    assert store.spans() == []


def test_moving_a_boundary_keeps_the_pieces_inside_and_undo_brings_them_back(store: Store
                                                                            ) -> None:
    _document(store)
    span_id = _quote(store)
    moved = store.update_span(span_id, annotator="alice", end=45)
    assert moved.fragments == [[0, 21], [34, 45]]
    inside = store.update_span(span_id, annotator="alice", end=15)
    assert inside.fragments is None and (inside.start, inside.end) == (0, 15)
    store.undo("d", annotator="alice")
    store.undo("d", annotator="alice")
    (span,) = store.spans(annotator="alice")
    assert (span.end, span.fragments) == (53, QUOTE)


def test_gold_taken_from_agreeing_annotators_keeps_the_pieces(store: Store) -> None:
    _document(store)
    store.add_annotator("lead", role="reviewer")
    for name in ("alice", "bob"):
        _quote(store, name)
        store.set_status("d", "done", annotator=name)
    auto_accept_agreements(store, "d", reviewer="lead", annotators=["alice", "bob"])
    (gold,) = store.spans(annotator="gold")
    assert (gold.start, gold.end, gold.fragments) == (0, 53, QUOTE)


def test_version_5_database_gains_the_columns_and_keeps_its_rows(db_url: str) -> None:
    url = normalise_url(db_url)
    engine = create_engine(url)
    assert migrate(engine, url=url, target=5) == [1, 2, 3, 4, 5]
    now = t.utcnow()
    with engine.begin() as connection:
        connection.execute(t.documents.insert().values(
            doc_id="d", text=TEXT, text_sha256="x", n_chars=len(TEXT), meta={}, position=1,
            created_at=now, updated_at=now))
        connection.execute(t.annotators.insert().values(
            name="alice", kind="human", role="annotator", created_at=now))
        for span_id, start, end in (("q", 0, 21), ("s", 22, 27)):
            connection.execute(sa.text(
                'INSERT INTO spans (span_id, doc_id, annotator, layer, label, "start", "end", '
                "text, origin, attrs, doc_sha256, created_at, updated_at) VALUES (:id, 'd', "
                "'alice', 'quote', 'DIRECT', :start, :end, 'x', 'manual', '{}', 'x', :now, :now)"
            ), {"id": span_id, "start": start, "end": end, "now": now.replace(tzinfo=None)})
        connection.execute(sa.text(
            "INSERT INTO relations (relation_id, doc_id, annotator, type, head_span_id, "
            "tail_span_id, origin, created_at) VALUES ('r', 'd', 'alice', 'said_by', 'q', 's', "
            "'manual', :now)"
        ), {"now": now.replace(tzinfo=None)})
    engine.dispose()
    store = Store(db_url)
    spans = {span.span_id: span for span in store.spans()}
    assert {span_id: span.fragments for span_id, span in spans.items()} == {"q": None, "s": None}
    (relation,) = store.relations()
    assert (relation.relation_id, relation.attrs) == ("r", None)
    tables = load_tables(store)
    assert tables["relations"]["attrs"].tolist() == [{}]
    store.close()
