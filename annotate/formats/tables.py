"""The data contract: the tables every export is made from, with their columns and dtypes.

The store returns exactly these DataFrames and the exporters read nothing else, so a consumer can
rely on the column names and dtypes below. A breaking change bumps :data:`SCHEMA_VERSION`, which
every export records in its manifest.

Offsets are character offsets into the document text, ``end`` exclusive; labels are
categorical; timestamps are UTC. ``meta`` and ``attrs`` hold plain JSON-like dicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Final, cast

import pandas as pd

from ..core import fragments
from ..core.scheme import Scheme
from ..errors import FormatError

SCHEMA_VERSION = 1

ORIGINS = ("suggested", "edited", "manual", "imported", "projected", "model")
STATUSES = ("done", "skipped", "flagged")
CHECKWORTHY = ("yes", "no", "unsure")

# dtype names as pandas spells them; "dict" columns hold Python dicts in an object column.
STR: Final = "str"
DTYPES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": STR,
        "title": STR,
        "source": STR,
        "published": STR,
        "text": STR,
        "text_sha256": STR,
        "n_chars": "int64",
        "meta": "dict",
    },
    "spans": {
        "doc_id": STR,
        "annotator": STR,
        "span_id": STR,
        "layer": "category",
        "label": "category",
        "start": "int64",
        "end": "int64",
        "text": STR,
        "origin": "category",
        "attrs": "dict",
        "created_at": "datetime64[ns, UTC]",
        "updated_at": "datetime64[ns, UTC]",
        "fragments": "fragments",
    },
    "relations": {
        "doc_id": STR,
        "annotator": STR,
        "relation_id": STR,
        "type": "category",
        "head_span_id": STR,
        "tail_span_id": STR,
        "attrs": "dict",
    },
    "quotes": {
        "doc_id": STR,
        "annotator": STR,
        "quote_id": STR,
        "start": "int64",
        "end": "int64",
        "text": STR,
        "quote_type": "category",
        "cue_start": "Int64",
        "cue_end": "Int64",
        "cue_text": STR,
        "source_start": "Int64",
        "source_end": "Int64",
        "source_text": STR,
        "speaker": STR,
        "speaker_span_id": STR,
    },
    "claims": {
        "doc_id": STR,
        "annotator": STR,
        "claim_id": STR,
        "start": "int64",
        "end": "int64",
        "text": STR,
        "claim_type": "category",
        "checkworthy": "category",
        "hedged": "boolean",
        "claimant": STR,
        "claimant_span_id": STR,
        "quote_id": STR,
    },
    "doc_status": {
        "doc_id": STR,
        "annotator": STR,
        "status": "category",
        "comment": STR,
        "seconds_spent": "float64",
    },
}

TABLES: tuple[str, ...] = tuple(DTYPES)
COLUMNS: dict[str, tuple[str, ...]] = {name: tuple(spec) for name, spec in DTYPES.items()}

# Columns that may hold no value (NaN/NA/None). All others must be filled.
NULLABLE: dict[str, frozenset[str]] = {
    "documents": frozenset({"title", "source", "published"}),
    "spans": frozenset({"created_at", "updated_at"}),
    "relations": frozenset(),
    "quotes": frozenset(
        {
            "cue_start",
            "cue_end",
            "cue_text",
            "source_start",
            "source_end",
            "source_text",
            "speaker",
            "speaker_span_id",
        }
    ),
    "claims": frozenset({"checkworthy", "hedged", "claimant_span_id", "quote_id"}),
    # No status: the annotator has opened the document (time is counted) but not finished it.
    "doc_status": frozenset({"status", "comment", "seconds_spent"}),
}

# Categorical columns whose values are fixed by the contract rather than by the scheme.
FIXED_CATEGORIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("spans", "origin"): ORIGINS,
    ("doc_status", "status"): STATUSES,
    ("claims", "checkworthy"): CHECKWORTHY,
}

# Columns whose dicts (and lists) are written as JSON text where the file format has no
# nested values.
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("meta",),
    "spans": ("attrs", "fragments"),
    "relations": ("attrs",),
}

# Columns added to the contract after tables were first written: a table without them (an
# older export, a DataFrame built by hand) gets them filled in, so it reads as it always did.
# spans.fragments: every piece of the span, [[start, end]] for a span of one piece.
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {"spans": ("fragments",), "relations": ("attrs",)}


def _check_name(name: str) -> dict[str, str]:
    try:
        return DTYPES[name]
    except KeyError:
        raise FormatError("E303", name=name, known=", ".join(TABLES)) from None


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of table ``name``."""
    spec = _check_name(name)
    return coerce(name, pd.DataFrame({column: [] for column in spec}))


def coerce(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the contract's columns, in order, with the contract's dtypes.

    Columns beyond the contract are dropped, so what is written is what is documented. Dict
    columns accept dicts, ``None`` (read as ``{}``) or JSON text (as Parquet and CSV files hold
    them). A missing column or a value that does not fit raises :class:`FormatError`.
    """
    spec = _check_name(name)
    added = [c for c in ADDED_COLUMNS.get(name, ()) if c not in df.columns]
    if added:
        df = df.assign(**{column: None for column in added})
    missing = [column for column in spec if column not in df.columns]
    if missing:
        raise FormatError(
            "E304", name=name, missing=", ".join(missing), columns=", ".join(map(str, df.columns))
        )
    nullable = NULLABLE[name]
    data = {
        column: _coerce_column(name, column, dtype, df[column].reset_index(drop=True), nullable)
        for column, dtype in spec.items()
        if dtype != "fragments"
    }
    if "fragments" in spec:
        data["fragments"] = _fragments_column(name, data["start"], data["end"], df["fragments"])
    return pd.DataFrame(data, index=pd.RangeIndex(len(df)))


def _fail(name: str, column: str, dtype: str, detail: str) -> FormatError:
    return FormatError("E305", name=name, column=column, dtype=dtype, detail=detail)


def _coerce_column(
    name: str, column: str, dtype: str, values: pd.Series, nullable: frozenset[str]
) -> pd.Series:
    if dtype == "dict":
        return pd.Series([_as_dict(name, column, v) for v in values], dtype=object)
    if column not in nullable and dtype != "dict" and len(values) and values.isna().any():
        row = int(values.isna().to_numpy().nonzero()[0][0])
        raise _fail(name, column, dtype, f"row {row} has no value, and the column needs one")
    try:
        if dtype == STR:
            return values.astype(STR)
        if dtype in ("int64", "Int64", "float64"):
            numbers = pd.to_numeric(values)
            if dtype == "int64" and len(numbers) and (numbers % 1 != 0).any():
                raise ValueError("some values are not whole numbers")
            return numbers.astype(cast(Any, dtype))
        if dtype == "boolean":
            return _as_boolean(values)
        if dtype == "category":
            return _as_category(name, column, values)
        if dtype.startswith("datetime64"):
            return pd.to_datetime(values, utc=True, format="ISO8601").dt.as_unit("ns")
    except FormatError:
        raise
    except (TypeError, ValueError) as exc:
        raise _fail(name, column, dtype, str(exc)) from exc
    raise AssertionError(f"no rule for dtype {dtype}")  # pragma: no cover - spec is static


def _fragments_column(
    name: str, starts: pd.Series, ends: pd.Series, values: pd.Series
) -> pd.Series:
    """Every span's pieces as a list of [start, end]: one piece where the span has no
    fragments; JSON text (Parquet, CSV) and arrays (pyarrow) read as lists."""
    out = []
    for row, (start, end, value) in enumerate(
        zip(starts.tolist(), ends.tolist(), values.tolist(), strict=True)
    ):
        given = _as_list(value)
        if given is None:
            out.append([[int(start), int(end)]])
            continue
        found = fragments.problem(int(start), int(end), given)
        if found is not None:
            raise _fail(name, "fragments", "list of [start, end]", f"row {row}: {found}")
        out.append(fragments.pieces(int(start), int(end), fragments.normalise(given)))
    return pd.Series(out, dtype=object)


def fragments_of(value: Any) -> list[Any] | None:
    """A ``fragments`` cell as a list of pieces (from a list, an array or JSON text); None
    where the span is one piece."""
    return _as_list(value)


def _as_list(value: Any) -> list[Any] | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        if not value:
            return None
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]  # not pairs: fragments.problem says so
    if hasattr(value, "tolist"):  # numpy arrays from pyarrow
        value = value.tolist()
    if isinstance(value, (list, tuple)) and not value:
        return None
    if isinstance(value, (list, tuple)):
        return [_as_list(piece) if not isinstance(piece, int) else piece for piece in value]
    return [value]


def _as_dict(name: str, column: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return {}
    if isinstance(value, str):
        try:
            parsed = json.loads(value) if value else {}
        except json.JSONDecodeError as exc:
            raise _fail(name, column, "dict", f"{value[:40]!r} is not JSON ({exc})") from exc
        if isinstance(parsed, dict):
            return parsed
    raise _fail(name, column, "dict", f"{value!r} is not a dict")


_TRUTH = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _as_boolean(values: pd.Series) -> pd.Series:
    # CSV hands booleans back as text; everything else arrives as bools or nulls.
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = pd.Series(
            [_TRUTH[v.lower()] if isinstance(v, str) else v for v in values], dtype=object
        )
    return values.astype("boolean")


def _as_category(name: str, column: str, values: pd.Series) -> pd.Series:
    fixed = FIXED_CATEGORIES.get((name, column))
    if isinstance(values.dtype, pd.CategoricalDtype):
        if fixed is None or list(values.dtype.categories) == list(fixed):
            return values
        values = values.astype(object)
    text = values.astype(STR)
    if fixed is None:
        return text.astype("category")
    unknown = sorted(set(text.dropna()) - set(fixed))
    if unknown:
        raise _fail(name, column, "category", f"{unknown} not in {list(fixed)}")
    return text.astype(pd.CategoricalDtype(list(fixed)))


# --- flattened views ---------------------------------------------------------------------------

_KEY = ["doc_id", "annotator"]


@lru_cache(maxsize=1)
def _default_scheme() -> Scheme:
    return Scheme.default()


def _attribute_default(scheme: Scheme, layer: str, name: str) -> Any:
    attribute = scheme.attributes_for(layer).get(name)
    return None if attribute is None else attribute.default


def _layer(spans: pd.DataFrame, layer: str) -> pd.DataFrame:
    return spans.loc[spans["layer"].astype(STR) == layer].reset_index(drop=True)


def _first_tail(
    heads: pd.DataFrame, spans: pd.DataFrame, relations: pd.DataFrame, type_: str, prefix: str
) -> pd.DataFrame:
    """For each row of ``heads``, the first (leftmost) span linked to it by ``type_``.

    A quote normally has one cue and one source; where an annotator linked several, the row
    keeps the leftmost so the table stays one row a quote, and the relations table keeps all.
    """
    rel = relations.loc[relations["type"].astype(STR) == type_]
    rel = rel[[*_KEY, "head_span_id", "tail_span_id"]]
    tails = spans[[*_KEY, "span_id", "start", "end", "text", "attrs"]].rename(
        columns={
            "span_id": "tail_span_id",
            "start": f"{prefix}_start",
            "end": f"{prefix}_end",
            "text": f"{prefix}_text",
            "attrs": f"{prefix}_attrs",
        }
    )
    linked = rel.merge(tails, on=[*_KEY, "tail_span_id"], how="inner")
    linked = linked.sort_values([f"{prefix}_start", f"{prefix}_end"], kind="stable")
    linked = linked.drop_duplicates([*_KEY, "head_span_id"], keep="first")
    linked = linked.rename(columns={"head_span_id": "span_id", "tail_span_id": f"{prefix}_span_id"})
    return heads.merge(linked, on=[*_KEY, "span_id"], how="left")


def _resolve_speakers(
    rows: pd.DataFrame, spans: pd.DataFrame, relations: pd.DataFrame, prefix: str
) -> tuple[list[Any], list[Any]]:
    """Name and span id of who speaks, for rows carrying a ``{prefix}_span_id`` source.

    The name is the text of the entity the source refers_to (so "he" reads "Vladimir Putin"),
    else the source's ``attrs["speaker"]``, else the source text as written.
    """
    entities = _first_tail(
        rows[[*_KEY, f"{prefix}_span_id"]].rename(columns={f"{prefix}_span_id": "span_id"}),
        spans,
        relations,
        "refers_to",
        "entity",
    )
    names: list[Any] = []
    ids: list[Any] = []
    for source_id, source_text, source_attrs, entity_id, entity_text in zip(
        rows[f"{prefix}_span_id"].tolist(),
        rows[f"{prefix}_text"].tolist(),
        rows[f"{prefix}_attrs"].tolist(),
        entities["entity_span_id"].tolist(),
        entities["entity_text"].tolist(),
        strict=True,
    ):
        if not isinstance(source_id, str):
            names.append(None)
            ids.append(None)
        elif isinstance(entity_id, str):
            names.append(entity_text)
            ids.append(entity_id)
        else:
            speaker = source_attrs.get("speaker") if isinstance(source_attrs, dict) else None
            names.append(speaker if isinstance(speaker, str) and speaker else source_text)
            ids.append(source_id)
    return names, ids


def flatten_quotes(spans: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """The ``quotes`` table: one row a quote span, with its cue, source and resolved speaker.

    ``speaker_span_id`` is the entity the speaker was resolved to, else the source span.
    """
    quotes = _layer(spans, "quote")
    if quotes.empty:
        return empty_table("quotes")
    rows = quotes[[*_KEY, "span_id", "start", "end", "text", "label"]]
    rows = _first_tail(rows, spans, relations, "cue", "cue")
    rows = _first_tail(rows, spans, relations, "said_by", "source")
    speaker, speaker_span_id = _resolve_speakers(rows, spans, relations, "source")
    out = pd.DataFrame(
        {
            "doc_id": rows["doc_id"],
            "annotator": rows["annotator"],
            "quote_id": rows["span_id"],
            "start": rows["start"],
            "end": rows["end"],
            "text": rows["text"],
            "quote_type": rows["label"].astype(STR),
            "cue_start": rows["cue_start"],
            "cue_end": rows["cue_end"],
            "cue_text": rows["cue_text"],
            "source_start": rows["source_start"],
            "source_end": rows["source_end"],
            "source_text": rows["source_text"],
            "speaker": pd.Series(speaker, dtype=object),
            "speaker_span_id": pd.Series(speaker_span_id, dtype=object),
        }
    )
    return coerce("quotes", out)


def flatten_claims(
    spans: pd.DataFrame, relations: pd.DataFrame, *, scheme: Scheme | None = None
) -> pd.DataFrame:
    """The ``claims`` table: one row a claim span, with claimant and the quote it sits in.

    ``checkworthy`` and ``hedged`` fall back to the scheme's defaults where the annotator left
    them unset. ``claimant`` is "writer" where no claimed_by source is linked (the outlet makes
    the claim). ``quote_id`` is the innermost quote of the same annotator containing the claim.
    """
    claims = _layer(spans, "claim")
    if claims.empty:
        return empty_table("claims")
    scheme = scheme or _default_scheme()
    rows = claims[[*_KEY, "span_id", "start", "end", "text", "label", "attrs"]]
    rows = _first_tail(rows, spans, relations, "claimed_by", "source")
    names, name_ids = _resolve_speakers(rows, spans, relations, "source")
    default_checkworthy = _attribute_default(scheme, "claim", "checkworthy")
    default_hedged = _attribute_default(scheme, "claim", "hedged")
    attrs: list[dict[str, Any]] = rows["attrs"].tolist()
    out = pd.DataFrame(
        {
            "doc_id": rows["doc_id"],
            "annotator": rows["annotator"],
            "claim_id": rows["span_id"],
            "start": rows["start"],
            "end": rows["end"],
            "text": rows["text"],
            "claim_type": rows["label"].astype(STR),
            "checkworthy": pd.Series(
                [a.get("checkworthy", default_checkworthy) for a in attrs], dtype=object
            ),
            "hedged": pd.Series([a.get("hedged", default_hedged) for a in attrs], dtype=object),
            "claimant": pd.Series(
                [name if isinstance(name, str) else "writer" for name in names], dtype=object
            ),
            "claimant_span_id": pd.Series(name_ids, dtype=object),
            "quote_id": _containing_quote(rows, _layer(spans, "quote")),
        }
    )
    return coerce("claims", out)


def _containing_quote(claims: pd.DataFrame, quotes: pd.DataFrame) -> pd.Series:
    if quotes.empty:
        return pd.Series([None] * len(claims), dtype=object)
    left = claims[[*_KEY, "span_id", "start", "end"]].reset_index(names="_row")
    right = quotes[[*_KEY, "span_id", "start", "end"]].rename(
        columns={"span_id": "quote_id", "start": "q_start", "end": "q_end"}
    )
    pairs = left.merge(right, on=_KEY, how="inner")
    inside = pairs.loc[(pairs["q_start"] <= pairs["start"]) & (pairs["end"] <= pairs["q_end"])]
    inside = inside.assign(_length=inside["q_end"] - inside["q_start"])
    inside = inside.sort_values(["_row", "_length", "q_start"], kind="stable")
    best = inside.drop_duplicates("_row", keep="first").set_index("_row")["quote_id"]
    return pd.Series([best.get(row) for row in range(len(claims))], dtype=object)


def table_names(tables: Iterable[str]) -> list[str]:
    """``tables`` in contract order, checking every name."""
    names = set(tables)
    for name in names:
        _check_name(name)
    return [name for name in TABLES if name in names]
