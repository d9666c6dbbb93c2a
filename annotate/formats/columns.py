"""Contract tables from columns given as lists (or Arrow arrays), built through Arrow.

Strings, numbers, categories and timestamps go into Arrow arrays, a column in one call each,
and become DataFrame columns from there: letting pandas infer and convert a column of Python
strings, or build a categorical from one, cost several times the database read that gave
them. Only the columns that hold Python objects by contract (``attrs``, ``meta``,
``fragments``) are built value by value, and a JSON text repeated across rows (a suggester's
attributes) is decoded once.

The values are trusted to fit (they come from the store, or from code that made them); a
category outside the contract's fixed values is still refused (E305), never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from .jsonio import JSONObject, dumps
from .tables import (
    DTYPES,
    FIXED_CATEGORIES,
    NULLABLE,
    coerce_column,
    empty_table,
    fail,
    fragment_pieces,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# A column is a list, or an Arrow array (the documents' text columns as the store may read them).
Columns = dict[str, Any]


def contract_frame(name: str, columns: Columns, *, copy_dicts: bool = False) -> pd.DataFrame:
    """Table ``name`` from its columns as lists, with the contract's columns in its order and
    its dtypes. A column not given is empty (all null). ``copy_dicts`` gives every row its own
    dict where rows share one (a repeated JSON text is decoded once)."""
    import pandas as pd
    import pyarrow as pa

    spec = DTYPES[name]
    n = column_length(columns)
    arrays: dict[str, pa.Array] = {}
    objects: dict[str, Any] = {}
    for column, dtype in spec.items():
        values = columns.get(column, [None] * n)
        if dtype == "dict":
            objects[column] = dicts(values, copy=copy_dicts)
        elif dtype == "fragments":
            objects[column] = _fragments(name, columns["start"], columns["end"], values)
        elif dtype in ("Int64", "boolean"):
            objects[column] = _nullable(name, column, dtype, values)
        else:
            arrays[column] = _array(name, column, dtype, values)
    frame = pa.table(arrays).to_pandas() if arrays else pd.DataFrame(index=pd.RangeIndex(n))
    for column, values in objects.items():
        frame[column] = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    for column, dtype in spec.items():
        categories = frame[column].cat.categories if dtype == "category" else None
        if categories is not None and categories.dtype != "str":
            # Arrow gives an empty dictionary object categories; every chunk must match.
            frame[column] = frame[column].cat.set_categories(categories.astype("str"))
    return frame[list(spec)]


def contract_arrow(name: str, columns: Columns) -> pa.Table:
    """Table ``name`` as a file holds it (see :mod:`.files`), straight from its columns as
    lists: the dict columns and ``fragments`` as JSON text, everything else as
    :func:`contract_frame` types it."""
    import pyarrow as pa

    spec = DTYPES[name]
    n = column_length(columns)
    arrays: list[pa.Array] = []
    for column, dtype in spec.items():
        values = columns.get(column, [None] * n)
        if dtype == "dict":
            arrays.append(pa.array(_dict_texts(values), pa.large_string()))
        elif dtype == "fragments":
            texts = _fragment_texts(
                name, columns.get("start", []), columns.get("end", []), values
            )
            arrays.append(pa.array(texts, pa.large_string()))
        elif dtype == "str":
            arrays.append(arrow_column(values, pa.large_string()))  # as pandas' strings are
        elif dtype in ("Int64", "boolean"):
            arrow_type = pa.int64() if dtype == "Int64" else pa.bool_()
            try:
                arrays.append(pa.array(values, arrow_type))
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # text or floats standing for them
                arrays.append(pa.array(_nullable(name, column, dtype, values), arrow_type))
        else:
            arrays.append(_array(name, column, dtype, values))
    table = pa.Table.from_arrays(arrays, names=list(spec))
    # pandas' description of the columns, as a file written from a DataFrame carries it, so
    # pandas reads either file back the same.
    return table.replace_schema_metadata(_pandas_metadata(name))


@cache
def _pandas_metadata(name: str) -> dict[bytes, bytes]:
    import pyarrow as pa

    from .files import json_text

    schema = pa.Schema.from_pandas(json_text(empty_table(name), name), preserve_index=False)
    return dict(schema.metadata or {})


def column_length(columns: Columns) -> int:
    """The number of rows in ``columns`` (0 for no columns)."""
    return len(next(iter(columns.values()), []))


def _array(name: str, column: str, dtype: str, values: list[Any]) -> pa.Array:
    import pyarrow as pa

    if dtype == "category":
        return _categories(name, column, values)
    if dtype.startswith("datetime64"):
        return _timestamps(values)
    if dtype == "str":
        return arrow_column(values, pa.string())
    return arrow_column(values, _ARROW_NUMBERS[dtype])


def arrow_column(values: Any, arrow_type: Any) -> pa.Array:
    """A column of ``arrow_type`` from a list (or an Arrow array, cast where it differs)."""
    import pyarrow as pa

    if isinstance(values, pa.Array):
        return values if values.type == arrow_type else values.cast(arrow_type)
    return pa.array(values, arrow_type)


def _dict_texts(values: Sequence[Any]) -> list[str]:
    """Each dict's JSON text as the files write it (:func:`.jsonio.dumps`): stored text in
    that form is kept as it is, other stored text is rewritten once per distinct text, a dict
    once per object (rows share decoded dicts)."""
    by_text: dict[str, str] = {}
    by_object: dict[int, str] = {}
    out: list[str] = []
    for value in values:
        if isinstance(value, str):
            text = by_text.get(value)
            if text is None:
                text = by_text[value] = value if _compact_object(value) else _rewritten(value)
        elif isinstance(value, dict):
            text = by_object.get(id(value))
            if text is None:
                text = by_object[id(value)] = dumps(value)
        else:
            text = "{}"
        out.append(text)
    return out


def _compact_object(text: str) -> bool:
    """Whether ``text`` is an object as the store writes JSON now (compact, see
    :mod:`annotate.core.jsonform`), which is how the files write it. Text the store
    wrote before that has a ``": "`` after every key; compact text has one only inside a
    string, where it is merely rewritten to the same."""
    return text.startswith("{") and '": ' not in text


def _rewritten(text: str) -> str:
    parsed = json.loads(text) if text else {}
    return dumps(JSONObject(parsed) if isinstance(parsed, dict) else {})


def _fragment_texts(
    name: str, starts: Sequence[int], ends: Sequence[int], values: Sequence[Any]
) -> list[str]:
    return [
        f"[[{start},{end}]]" if value is None
        else dumps(fragment_pieces(name, row, start, end, value))
        for row, (start, end, value) in enumerate(zip(starts, ends, values, strict=True))
    ]


_ARROW_NUMBERS = {"int64": "int64", "float64": "float64"}


def _nullable(name: str, column: str, dtype: str, values: list[Any]) -> pd.Series:
    """A column of nullable numbers or truth values; anything else that may stand for one
    (text, floats) goes through the contract's own rules."""
    import pandas as pd

    try:
        return pd.Series(pd.array(cast(Any, values), dtype=cast(Any, dtype)))
    except (TypeError, ValueError):
        return coerce_column(name, column, dtype, pd.Series(values, dtype=object), NULLABLE[name])


def _categories(name: str, column: str, values: list[Any]) -> pa.Array:
    """A dictionary array whose dictionary is sorted (as ``pd.Categorical`` sorts it) or the
    contract's fixed values, so the categories match however the chunk's rows came."""
    import numpy as np
    import pyarrow as pa

    encoded = pa.array(values, pa.string()).dictionary_encode()
    found = encoded.dictionary.to_pylist()
    fixed = FIXED_CATEGORIES.get((name, column))
    if fixed is not None:
        unknown = sorted(set(found) - set(fixed))
        if unknown:
            raise fail(name, column, "category", f"{unknown} not in {list(fixed)}")
        order = list(fixed)
    else:
        order = sorted(found)
    where = {value: index for index, value in enumerate(order)}
    remap = np.array([where[value] for value in found], dtype=np.int32)
    codes = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    mapped = remap[codes] if len(remap) else np.zeros(len(codes), dtype=np.int32)
    nulls = encoded.is_null().to_numpy(zero_copy_only=False) if encoded.null_count else None
    indices = pa.array(mapped, pa.int32(), mask=nulls)
    return pa.DictionaryArray.from_arrays(indices, pa.array(order, pa.string()))


def _timestamps(values: list[Any]) -> pa.Array:
    """UTC timestamps from SQLite's ISO text or a driver's datetimes (naive ones are UTC)."""
    import pandas as pd
    import pyarrow as pa

    utc = pa.timestamp("ns", tz="UTC")
    try:
        if any(isinstance(value, str) for value in values[:1]):
            return pa.array(values, pa.string()).cast(pa.timestamp("ns")).cast(utc)
        return pa.array(values).cast(utc)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # Text with an offset, or mixed forms: pandas reads any ISO 8601.
        parsed = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
        return pa.array(parsed.dt.as_unit("ns"), utc)


def dicts(values: Sequence[Any], *, copy: bool) -> list[dict[str, Any]]:
    """JSON objects from their text (each distinct text decoded once) or from a driver that
    decodes JSON itself; NULL is an empty dict.

    With ``copy``, every row gets a plain dict of its own. Without, rows with the same text
    share one :class:`.jsonio.JSONObject`, which a writer encodes again without checking it.
    """
    decoded: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for value in values:
        if isinstance(value, str):
            found = decoded.get(value)
            if found is None:
                parsed = json.loads(value) if value else {}
                found = decoded[value] = JSONObject(parsed if isinstance(parsed, dict) else {})
            out.append(dict(found) if copy else found)
        elif isinstance(value, dict):
            out.append(dict(value) if copy else value)
        else:
            out.append({} if copy else _EMPTY)
    return out


_EMPTY = JSONObject()  # NULL's dict, shared by the rows of tables nobody changes


def _fragments(
    name: str, starts: Sequence[int], ends: Sequence[int], values: Sequence[Any]
) -> list[Any]:
    """Every span's pieces: ``[[start, end]]`` for the (usual) span of one piece."""
    return [
        [[start, end]] if value is None else fragment_pieces(name, row, start, end, value)
        for row, (start, end, value) in enumerate(zip(starts, ends, values, strict=True))
    ]
