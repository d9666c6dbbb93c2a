"""The data contract read from the store: columns, dtypes and filters."""

from __future__ import annotations

import pandas as pd

from annotate.formats.dataset import Filters, load_tables
from annotate.formats.tables import COLUMNS
from annotate.store import Store
from tests.support.tables import annotate_sample


def test_contract_columns_and_dtypes(seeded: Store) -> None:
    annotate_sample(seeded, "alice")
    tables = load_tables(seeded)
    for name, columns in COLUMNS.items():
        assert tuple(tables[name].columns) == columns, name
    spans = tables["spans"]
    assert spans["start"].dtype == "int64" and spans["end"].dtype == "int64"
    assert isinstance(spans["label"].dtype, pd.CategoricalDtype)
    assert str(spans["created_at"].dtype) == "datetime64[ns, UTC]"
    (quote,) = tables["quotes"].itertuples()
    assert (quote.quote_type, quote.cue_text, quote.source_text, quote.speaker) == (
        "DIRECT", "told", "he", "Vladimir Putin")
    (claim,) = tables["claims"].itertuples()
    assert (claim.claim_type, claim.hedged, claim.checkworthy, claim.claimant) == (
        "QUANTITY", True, "yes", "writer")
    (status,) = tables["doc_status"].itertuples()
    assert (status.status, status.seconds_spent) == ("done", 42.0)
    documents = tables["documents"]
    assert documents.loc[0, "meta"]["byline"] == "Agencies"
    assert documents.loc[0, "published"] == "2025-12-05"


def test_filters(seeded: Store) -> None:
    annotate_sample(seeded, "alice")
    annotate_sample(seeded, "bob")
    seeded.set_status(seeded.doc_ids()[0], "skipped", annotator="bob")
    assert set(load_tables(seeded, Filters.of(annotator="bob"))["spans"]["annotator"]) == {"bob"}
    done = load_tables(seeded, Filters.of(status="done"))
    assert set(done["spans"]["annotator"]) == {"alice"}
    quotes_only = load_tables(seeded, Filters.of(layer=["quote", "source"]))
    assert set(quotes_only["spans"]["layer"]) == {"quote", "source"}
    # Relations whose other end was filtered out are dropped with it.
    assert set(quotes_only["relations"]["type"]) == {"said_by"}
    persons = load_tables(seeded, Filters.of(label="PERSON"))
    assert list(persons["spans"]["text"]) == ["Vladimir Putin", "Vladimir Putin"]
    assert Filters.of(annotator="bob", status=["done"]).to_json() == {
        "annotators": ["bob"], "status": ["done"]}


def test_empty_project_gives_empty_tables_with_the_contract(store: Store) -> None:
    tables = load_tables(store)
    for name, columns in COLUMNS.items():
        assert tuple(tables[name].columns) == columns and tables[name].empty
