from __future__ import annotations

import pandas as pd
import pytest

from annotate.errors import FormatError
from annotate.formats.flatten import flatten_claims, flatten_quotes
from annotate.formats.tables import (
    COLUMNS,
    DTYPES,
    ORIGINS,
    SCHEMA_VERSION,
    TABLES,
    coerce,
    empty_table,
)


def test_schema_version_and_tables() -> None:
    assert SCHEMA_VERSION == 1
    assert TABLES == ("documents", "spans", "relations", "quotes", "claims", "doc_status")


@pytest.mark.parametrize("name", TABLES)
def test_empty_table_has_contract_columns_and_dtypes(name: str) -> None:
    frame = empty_table(name)
    assert tuple(frame.columns) == COLUMNS[name]
    for column, dtype in DTYPES[name].items():
        expected = "object" if dtype in ("dict", "fragments") else dtype
        assert str(frame[column].dtype) == expected, column


def test_spans_dtypes(tables: dict[str, pd.DataFrame]) -> None:
    spans = tables["spans"]
    assert isinstance(spans["layer"].dtype, pd.CategoricalDtype)
    assert isinstance(spans["label"].dtype, pd.CategoricalDtype)
    assert list(spans["origin"].cat.categories) == list(ORIGINS)
    assert {"suggested", "edited", "manual", "imported", "projected"} <= set(ORIGINS)
    assert spans["start"].dtype == "int64" and spans["end"].dtype == "int64"
    assert str(spans["created_at"].dtype) == "datetime64[ns, UTC]"
    assert all(isinstance(a, dict) for a in spans["attrs"])


def test_unknown_table_is_named() -> None:
    with pytest.raises(FormatError) as info:
        empty_table("span")
    assert info.value.code == "E303"
    assert "documents, spans" in str(info.value)


def test_missing_column_is_named(tables: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(FormatError) as info:
        coerce("spans", tables["spans"].drop(columns=["origin", "attrs"]))
    assert info.value.code == "E304"
    assert "origin, attrs" in str(info.value)


def test_extra_columns_are_dropped_and_index_reset(tables: dict[str, pd.DataFrame]) -> None:
    spans = tables["spans"].assign(extra=1).iloc[::-1]
    out = coerce("spans", spans)
    assert tuple(out.columns) == COLUMNS["spans"]
    assert list(out.index) == list(range(len(out)))
    assert out["span_id"].iloc[0] == spans["span_id"].iloc[0]


def test_dicts_from_json_text_and_none(tables: dict[str, pd.DataFrame]) -> None:
    spans = tables["spans"].head(3).copy()
    spans["attrs"] = ['{"note": "x"}', None, ""]
    out = coerce("spans", spans)
    assert out["attrs"].tolist() == [{"note": "x"}, {}, {}]


@pytest.mark.parametrize(
    ("column", "value", "detail"),
    [
        ("origin", "guessed", "guessed"),
        ("start", None, "row 0 has no value"),
        ("start", 1.5, "whole numbers"),
        ("attrs", "[1, 2]", "not a dict"),
        ("attrs", "{oops", "not JSON"),
        ("span_id", None, "row 0 has no value"),
    ],
)
def test_bad_values_are_refused(
    tables: dict[str, pd.DataFrame], column: str, value: object, detail: str
) -> None:
    spans = tables["spans"].head(2).astype({column: object})
    spans.loc[0, column] = value
    with pytest.raises(FormatError) as info:
        coerce("spans", spans)
    assert info.value.code == "E305"
    assert column in str(info.value) and detail in str(info.value)


def test_status_may_be_missing_but_not_unknown(tables: dict[str, pd.DataFrame]) -> None:
    status = tables["doc_status"]
    assert status["status"].isna().sum() == 1
    bad = status.astype({"status": object})
    bad.loc[0, "status"] = "finished"
    with pytest.raises(FormatError, match="finished"):
        coerce("doc_status", bad)


def test_csv_text_values_coerce() -> None:
    claims = pd.DataFrame(
        {
            "doc_id": ["d"],
            "annotator": ["a"],
            "claim_id": ["k"],
            "start": ["0"],
            "end": ["4"],
            "text": ["text"],
            "claim_type": ["OTHER"],
            "checkworthy": ["yes"],
            "hedged": ["True"],
            "claimant": ["writer"],
            "claimant_span_id": [None],
            "quote_id": [None],
        }
    )
    out = coerce("claims", claims)
    assert out["hedged"].tolist() == [True]
    assert out["start"].tolist() == [0]


# --- flattened views ---------------------------------------------------------------------------


def test_flatten_quotes(tables: dict[str, pd.DataFrame]) -> None:
    flat = flatten_quotes(tables["spans"], tables["relations"])
    assert tuple(flat.columns) == COLUMNS["quotes"]
    quotes = flat.set_index("quote_id")
    q1 = quotes.loc["q1"]
    assert (q1["quote_type"], q1["cue_text"], q1["source_text"]) == (
        "DIRECT",
        "told",
        "Vladimir Putin",
    )
    assert (q1["speaker"], q1["speaker_span_id"]) == ("Vladimir Putin", "e1")
    # "He" resolves to the entity it refers to
    assert (quotes.loc["q2", "source_text"], quotes.loc["q2", "speaker"]) == (
        "He",
        "Vladimir Putin",
    )
    # no entity: the source's speaker attribute names it
    assert (quotes.loc["q3", "speaker"], quotes.loc["q3", "speaker_span_id"]) == (
        "Kremlin aides",
        "s3",
    )
    # a quote without cue or source keeps nulls
    assert pd.isna(quotes.loc["b3", "cue_start"]) and pd.isna(quotes.loc["b3", "speaker"])
    assert str(quotes["cue_start"].dtype) == "Int64"
    assert len(quotes) == 5


def test_flatten_quotes_keeps_leftmost_of_several_cues(tables: dict[str, pd.DataFrame]) -> None:
    relations = pd.concat(
        [
            tables["relations"],
            pd.DataFrame(
                [("bbc-1", "alice", "rx", "cue", "q1", "c3", {})],
                columns=tables["relations"].columns,
            ),
        ]
    )
    quotes = flatten_quotes(tables["spans"], relations).set_index("quote_id")
    assert quotes.loc["q1", "cue_text"] == "told"
    assert len(quotes) == 5


def test_flatten_claims(tables: dict[str, pd.DataFrame]) -> None:
    flat = flatten_claims(tables["spans"], tables["relations"])
    assert tuple(flat.columns) == COLUMNS["claims"]
    claims = flat.set_index("claim_id")
    k1 = claims.loc["k1"]
    assert (k1["checkworthy"], bool(k1["hedged"]), k1["claimant"]) == (
        "yes",
        False,
        "Vladimir Putin",
    )
    assert k1["quote_id"] == "q2"  # the quote with the same span contains it
    assert (claims.loc["k2", "claimant"], bool(claims.loc["k2", "hedged"])) == (
        "Kremlin aides",
        True,
    )
    # no claimed_by: the writer; unset attributes take the scheme's defaults
    b4 = claims.loc["b4"]
    assert (b4["claimant"], b4["checkworthy"], bool(b4["hedged"])) == ("writer", "unsure", False)
    assert pd.isna(b4["claimant_span_id"]) and pd.isna(b4["quote_id"])
    assert claims.loc["m9", "quote_id"] == "m8"


def test_flatten_on_empty_tables() -> None:
    assert flatten_quotes(empty_table("spans"), empty_table("relations")).empty
    assert flatten_claims(empty_table("spans"), empty_table("relations")).empty
