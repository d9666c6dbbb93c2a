"""CSV and JSON Lines text of a table in the file form (:func:`.columns.contract_arrow`),
made column by column in Arrow.

The text is byte for byte what :class:`.files.TableFiles` writes from the same table as a
DataFrame (pandas' ``to_csv``; a :func:`.jsonio.dumps` line a row), so which way an export
went never shows in its files. Building it a row at a time in Python cost several times the
read of the rows. Here every column becomes its cells' text in one call (only strings to be
escaped for JSON go value by value, through the json module's C escaper), and the cells are
joined into lines by Arrow; the lines' bytes are written as Arrow holds them.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C escaper of json.dumps(ensure_ascii=False)
from typing import TYPE_CHECKING, Any, BinaryIO

from ..core.jsonform import COMPACT

if TYPE_CHECKING:
    import pyarrow as pa

# Characters that make pandas' csv writer (QUOTE_MINIMAL) quote a cell.
_CSV_QUOTED = r'[,"\r\n]'


def write_csv(table: pa.Table, handle: BinaryIO, *, header: bool) -> None:
    """Append ``table``'s rows to ``handle`` as pandas' ``to_csv`` writes them (no index,
    timestamps as ``%Y-%m-%dT%H:%M:%S.%fZ``, NULL as an empty cell), with a header line
    first when ``header``."""
    if header:  # the contract's column names: nothing in them to quote
        handle.write((",".join(table.column_names) + "\n").encode())
    if table.num_rows:
        cells = [_csv_cells(_one_array(column)) for column in table.columns]
        _write_lines(_joined(cells, separator=","), handle)


def write_jsonl(table: pa.Table, handle: BinaryIO, *, json_columns: tuple[str, ...]) -> None:
    """Append ``table``'s rows to ``handle`` as JSON lines, a :func:`.jsonio.dumps` object a
    row; ``json_columns`` hold JSON text already (dicts and fragments), written as it is."""
    if not table.num_rows:
        return
    import pyarrow as pa

    parts: list[Any] = []
    for position, (name, column) in enumerate(zip(table.column_names, table.columns,
                                                  strict=True)):
        key = ("{" if position == 0 else ",") + encode_basestring(name) + ":"
        values = _one_array(column)
        parts += [_text(key), values.cast(pa.large_string()) if name in json_columns
                  else _json_values(values)]
    _write_lines(_joined([*parts, _text("}")], separator=""), handle)


def _one_array(column: Any) -> pa.Array:
    """A table's column as one array, a dictionary's values decoded."""
    import pyarrow as pa

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array


def _csv_cells(values: pa.Array) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = values.type
    if pa.types.is_timestamp(kind):
        cells = pc.binary_join_element_wise(_iso_text(values, "us"), _text("Z"), _text(""))
    elif pa.types.is_boolean(kind):
        cells = pc.if_else(values, _text("True"), _text("False"))
    elif pa.types.is_floating(kind):
        cells = pa.array([None if v is None else repr(v) for v in values.to_pylist()],
                         pa.large_string())
    elif pa.types.is_integer(kind):
        cells = values.cast(pa.large_string())
    else:
        cells = values.cast(pa.large_string())
        quoted = pc.match_substring_regex(cells, _CSV_QUOTED)
        if pc.any(quoted).as_py():
            cells = pc.if_else(quoted, pc.binary_join_element_wise(
                _text('"'), pc.replace_substring(cells, '"', '""'), _text('"'), _text("")
            ), cells)
    return pc.fill_null(cells, _text(""))


def _json_values(values: pa.Array) -> pa.Array:
    """Each value's JSON text; NULL is ``null``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = values.type
    if pa.types.is_timestamp(kind):
        # A pandas Timestamp's isoformat(): as many fraction digits as the value needs.
        iso = _iso_text(values, "auto")
        texts = pc.binary_join_element_wise(_text('"'), iso, _text('+00:00"'), _text(""))
    elif pa.types.is_boolean(kind):
        texts = pc.if_else(values, _text("true"), _text("false"))
    elif pa.types.is_floating(kind):
        texts = pa.array([None if v is None else COMPACT.encode(v) for v in values.to_pylist()],
                         pa.large_string())
    elif pa.types.is_integer(kind):
        texts = values.cast(pa.large_string())
    else:
        texts = _json_strings(values.cast(pa.large_string()))
    return pc.fill_null(texts, _text("null"))


# What JSON escapes in a string, and of that what Arrow escapes here: a backslash and a quote,
# then the control characters with a short escape (\n, \t, ...). The backslash goes first,
# so no escape is escaped again.
_JSON_ESCAPED = r'[\x00-\x1f"\\]'
_NO_SHORT_ESCAPE = r"[\x00-\x07\x0b\x0e-\x1f]"
_SHORT_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
                  ("\b", "\\b"), ("\f", "\\f"))


def _json_strings(values: pa.Array) -> pa.Array:
    """Each string as JSON text, as ``json.dumps(ensure_ascii=False)`` writes it. Most
    columns (ids, labels) hold nothing to escape, and texts mostly only line breaks and
    quotes: those are escaped by Arrow. A rarer control character (written as \\u00XX) sends
    the column through the json module's own escaper, a value at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.any(pc.match_substring_regex(values, _JSON_ESCAPED)).as_py():
        if pc.any(pc.match_substring_regex(values, _NO_SHORT_ESCAPE)).as_py():
            return pa.array([None if v is None else encode_basestring(v)
                             for v in values.to_pylist()], pa.large_string())
        for character, escape in _SHORT_ESCAPES:
            values = pc.replace_substring(values, character, escape)
    return pc.binary_join_element_wise(_text('"'), values, _text('"'), _text(""))


def _iso_text(values: pa.Array, digits: str) -> pa.Array:
    """UTC timestamps as ISO 8601 text without a zone: ``YYYY-MM-DDTHH:MM:SS.ffffff``, or with
    ``digits="auto"`` as a pandas Timestamp's isoformat() has it (no fraction for a whole
    second, nine digits where there are nanoseconds). Arrow formats a timestamp without a zone
    many times faster than one with it, and they hold the same UTC values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def text_in(unit: str) -> pa.Array:
        naive = values.cast(pa.timestamp(unit), safe=False)  # truncated, as strftime's %f is
        return pc.replace_substring(naive.cast(pa.large_string()), " ", "T", max_replacements=1)

    micro = text_in("us")
    if digits == "us":
        return micro
    as_ns = pa.timestamp("ns", tz="UTC")
    whole = pc.equal(values.cast(pa.timestamp("s", tz="UTC"), safe=False).cast(as_ns), values)
    finer = pc.not_equal(values.cast(pa.timestamp("us", tz="UTC"), safe=False).cast(as_ns),
                         values)
    if pc.any(whole).as_py():
        micro = pc.if_else(whole, text_in("s"), micro)
    if pc.any(finer).as_py():
        micro = pc.if_else(finer, text_in("ns"), micro)
    return micro


def _text(value: str) -> pa.Scalar:
    import pyarrow as pa

    return pa.scalar(value, pa.large_string())


def _joined(parts: list[Any], *, separator: str) -> pa.Array:
    """Each row's line: ``parts`` (arrays of text, or one text for every row) joined by
    ``separator``, ending in a newline."""
    import pyarrow.compute as pc

    lines = pc.binary_join_element_wise(*parts, _text(separator))
    return pc.binary_join_element_wise(lines, _text(""), _text("\n"))


def _write_lines(lines: pa.Array, handle: BinaryIO) -> None:
    """Write the lines' bytes straight from Arrow's buffer, where they lie one after another."""
    import numpy as np

    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    handle.write(memoryview(lines.buffers()[2])[first:last])
