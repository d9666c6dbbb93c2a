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
from functools import cache, lru_cache
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
    return _empty_template(name).copy()


@cache
def _empty_template(name: str) -> pd.DataFrame:
    # Made once: coercing even an empty frame costs milliseconds, and a chunked read needs
    # an empty table for every chunk without claims.
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
        column: coerce_column(name, column, dtype, df[column].reset_index(drop=True), nullable)
        for column, dtype in spec.items()
        if dtype != "fragments"
    }
    if "fragments" in spec:
        data["fragments"] = _fragments_column(name, data["start"], data["end"], df["fragments"])
    return pd.DataFrame(data, index=pd.RangeIndex(len(df)))


def fail(name: str, column: str, dtype: str, detail: str) -> FormatError:
    return FormatError("E305", name=name, column=column, dtype=dtype, detail=detail)


def coerce_column(
    name: str, column: str, dtype: str, values: pd.Series, nullable: frozenset[str]
) -> pd.Series:
    if dtype == "dict":
        return pd.Series([_as_dict(name, column, v) for v in values], dtype=object)
    if column not in nullable and dtype != "dict" and len(values) and values.isna().any():
        row = int(values.isna().to_numpy().nonzero()[0][0])
        raise fail(name, column, dtype, f"row {row} has no value, and the column needs one")
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
        raise fail(name, column, dtype, str(exc)) from exc
    raise AssertionError(f"no rule for dtype {dtype}")  # pragma: no cover - spec is static


def _fragments_column(
    name: str, starts: pd.Series, ends: pd.Series, values: pd.Series
) -> pd.Series:
    """Every span's pieces as a list of [start, end]: one piece where the span has no
    fragments; JSON text (Parquet, CSV) and arrays (pyarrow) read as lists."""
    return pd.Series(
        [
            fragment_pieces(name, row, int(start), int(end), value)
            for row, (start, end, value) in enumerate(
                zip(starts.tolist(), ends.tolist(), values.tolist(), strict=True)
            )
        ],
        dtype=object,
    )


def fragment_pieces(name: str, row: int, start: int, end: int, value: Any) -> list[Any]:
    """One span's pieces from its ``fragments`` cell (None, a list, an array or JSON text);
    a cell that does not fit the span's offsets raises E305 naming ``row``."""
    given = _as_list(value)
    if given is None:
        return [[start, end]]
    found = fragments.problem(start, end, given)
    if found is not None:
        raise fail(name, "fragments", "list of [start, end]", f"row {row}: {found}")
    return fragments.pieces(start, end, fragments.normalise(given))


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
            raise fail(name, column, "dict", f"{value[:40]!r} is not JSON ({exc})") from exc
        if isinstance(parsed, dict):
            return parsed
    raise fail(name, column, "dict", f"{value!r} is not a dict")


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
        categories = values.cat.categories
        if categories.dtype != STR and all(isinstance(c, str) for c in categories):
            # An empty dictionary (or one read from an older file) has object categories.
            values = values.cat.set_categories(categories.astype(STR))
        if fixed is None or list(values.cat.categories) == list(fixed):
            return values
        values = values.astype(object)
    text = values.astype(STR)
    if fixed is None:
        return text.astype("category")
    unknown = sorted(set(text.dropna()) - set(fixed))
    if unknown:
        raise fail(name, column, "category", f"{unknown} not in {list(fixed)}")
    return text.astype(pd.CategoricalDtype(list(fixed)))


@lru_cache(maxsize=1)
def _default_scheme() -> Scheme:
    return Scheme.default()


def table_names(tables: Iterable[str]) -> list[str]:
    """``tables`` in contract order, checking every name."""
    names = set(tables)
    for name in names:
        _check_name(name)
    return [name for name in TABLES if name in names]
