"""Bad and unusual corpus input: where rows split, how files decode, and values that cannot be
stored. Each gets a coded problem naming the file and line, never a traceback or lost text."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotate.core.records import Document
from annotate.corpus import Problem, read_corpus

# Characters str.splitlines() splits at but no corpus format does.
SEPARATORS = "\u2028\u2029\x85\x0c\x0b\x1c\x1d\x1e"


def _read(*paths: Path, **options: object) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    for item in read_corpus(paths, **options):  # type: ignore[arg-type]
        (documents if isinstance(item, Document) else problems).append(item)
    return documents, problems


def _only_problem(path: Path, **options: object) -> Problem:
    _, problems = _read(path, **options)
    errors = [p for p in problems if p.fatal]
    assert len(errors) == 1, problems
    return errors[0]


# --- rows split only where the format says ---------------------------------------------------


def test_csv_fields_keep_separator_characters(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    text = f"One article{SEPARATORS}still the same article."
    path.write_text(f'id,text\na1,"{text}"\na2,"Second."\r\na3,Third.\n', encoding="utf-8")
    documents, problems = _read(path)
    assert problems == []
    assert [d.doc_id for d in documents] == ["a1", "a2", "a3"]
    assert documents[0].text == text
    assert [d.meta["line"] for d in documents] == [2, 3, 4]


def test_csv_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\na1,"Two\r\nlines."\r\na2,"x\u2028y"\r\na3,\r\n', encoding="utf-8")
    documents, (warning,) = _read(path)
    assert [d.text for d in documents] == ["Two\nlines.", "x\u2028y"]
    assert [d.meta["line"] for d in documents] == [2, 4]
    assert warning.code == "W001" and f"{path}, line 5" in warning.message


def test_jsonl_splits_at_line_feeds_only(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    raw_ok = "\u2028\u2029\x85"  # JSON strings may hold these raw; C0 controls only escaped
    rows = [
        json.dumps({"id": "j1", "text": f"One{raw_ok}article."}, ensure_ascii=False),
        json.dumps({"id": "j2", "text": f"Escaped{SEPARATORS}too."}),
        "{broken",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    documents, (problem,) = _read(path)
    assert [d.text for d in documents] == [f"One{raw_ok}article.", f"Escaped{SEPARATORS}too."]
    assert [d.meta["line"] for d in documents] == [1, 2]
    assert problem.code == "E007" and problem.message.startswith(f"{path}, line 3:")


def test_jsonl_line_of_only_a_separator_is_not_skipped_as_blank(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "ok"}\n\u2028\n\n{"text": "also"}\n', encoding="utf-8")
    documents, (problem,) = _read(path)
    assert len(documents) == 2 and documents[1].meta["line"] == 4
    assert problem.code == "E007" and f"{path}, line 2" in problem.message


def test_txt_keeps_separator_characters(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    body = f"First part{SEPARATORS}second part.\n\nNext paragraph."
    path.write_text(f"A headline here\n\n{body}\n", encoding="utf-8")
    (document,), _ = _read(path)
    assert document.title == "A headline here"
    assert document.text == body and document.meta["line"] == 3


# --- encodings --------------------------------------------------------------------------------

ARTICLE = "Café headline\n\n“Quoted,” she said — in Zürich. 20°C.\n"


def _encoded(text: str, encoding: str) -> bytes:
    """``text`` with the byte-order mark that ``encoding`` files start with."""
    marks = {
        "utf-8-sig": b"",  # the codec writes its own
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }
    return marks[encoding] + text.encode(encoding)


def _rows(text: str) -> dict[str, str]:
    return {
        ".txt": text,
        ".jsonl": json.dumps({"id": "d1", "text": text}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "d2", "text": "Second."}) + "\n",
        ".csv": 'id,text\nd1,"' + text + '"\nd2,Second.\n',
    }


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv"])
@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
)
def test_byte_order_mark_decides_the_encoding(
    tmp_path: Path, suffix: str, encoding: str
) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(_encoded(_rows(ARTICLE)[suffix], encoding))
    documents, problems = _read(path)  # the default encoding is UTF-8: the mark wins
    assert not any(p.fatal for p in problems), problems
    first = documents[0]
    assert "\ufeff" not in first.text and first.text.startswith(("Café", "“Quoted"))
    if suffix == ".txt":
        assert first.title == "Café headline" and first.meta["line"] == 3
        assert first.text == ARTICLE.split("\n\n", 1)[1].strip()
    else:
        assert first.text == ARTICLE and [d.doc_id for d in documents] == ["d1", "d2"]
        # The CSV's quoted field spans lines 2-5, so the next row is on line 6.
        assert documents[1].meta["line"] == {".jsonl": 2, ".csv": 6}[suffix]


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_by_the_encoding_option(tmp_path: Path, suffix: str, encoding: str) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(_rows(ARTICLE)[suffix].encode(encoding))  # "utf-16" writes a mark
    documents, problems = _read(path, encoding=encoding)
    assert not any(p.fatal for p in problems), problems
    assert "\ufeff" not in documents[0].text and "Zürich" in documents[0].text


def test_utf16_without_a_mark_or_option_says_which_encoding_to_pass(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode("utf-16-le"))
    problem = _only_problem(path)
    assert problem.code == "E026" and "utf-16-le" in problem.message


def test_binary_file_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert _only_problem(path).code == "E003"


def test_undecodable_utf16_names_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    good = "Line one.\nLine two.\n".encode("utf-16-le")
    # A high surrogate followed by a letter: not UTF-16.
    path.write_bytes(codecs.BOM_UTF16_LE + good + b"\x00\xd8A\x00")
    problem = _only_problem(path)
    assert problem.code == "E002"
    offset = 2 + len(good)
    assert f"{path}, line 3" in problem.message and f"offset {offset}" in problem.message
    assert "utf-16-le" in problem.message


def test_undecodable_jsonl_byte_offset_is_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    first = b'{"text": "one"}\n{"text": "two"}\n'
    path.write_bytes(first + b'{"text": "th\xffree"}\n')
    problem = _only_problem(path)
    assert problem.code == "E002"
    assert f"{path}, line 3" in problem.message
    assert f"offset {len(first) + 12}" in problem.message


def test_unknown_encoding_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.")
    problem = _only_problem(path, encoding="no-such-codec")
    assert problem.code == "E014" and "'no-such-codec'" in problem.message


# --- values that cannot be stored ----------------------------------------------------------


def test_stray_nul_in_a_text_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Line one.\nLine\x00 two.\n")
    problem = _only_problem(path)
    assert problem.code == "E015" and problem.message.startswith(f"{path}, line 2:")


BAD_JSON_RECORDS = {
    # name: (line 2 of the .jsonl file, expected code, a phrase of the message)
    "lone-surrogate-in-text": ('{"text": "broken \\ud800 here"}', "E016", "\\ud800"),
    "lone-low-surrogate-in-title": ('{"text": "ok", "title": "x\\udc00"}', "E016", "'title'"),
    "surrogate-in-a-key": ('{"text": "ok", "k\\ud800": 1}', "E016", "key"),
    "nul-escape-in-text": ('{"text": "a\\u0000b"}', "E015", "'text'"),
    "nul-in-meta": ('{"text": "ok", "tags": ["a", "b\\u0000"]}', "E015", "tags[1]"),
    "deep-nesting": ('{"text": "ok", "x": ' + "[" * 100 + "]" * 100 + "}", "E017", "deep"),
    # The record and 32 arrays: one level more than the limit, with no escape in the line.
    "nesting-one-too-deep": ('{"text": "ok", "x": ' + "[" * 32 + "]" * 32 + "}", "E017", "deep"),
    "deeper-than-python": ('{"text": "ok", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                           "E017", "deep"),
    "5000-digit-offset": ('{"text": "ok", "offset": ' + "9" * 5000 + "}", "E018", "digits"),
    "5000-digit-id": ('{"id": ' + "1" * 5000 + ', "text": "ok"}', "E018", "digits"),
    "id-of-65-characters": ('{"id": "' + "x" * 65 + '", "text": "ok"}', "E019", "64"),
    "id-a-fraction": ('{"id": 1.5, "text": "ok"}', "E020", "'id'"),
    "id-a-boolean": ('{"id": true, "text": "ok"}', "E020", "boolean"),
    "id-a-list": ('{"id": ["a"], "text": "ok"}', "E020", "array"),
    "doc-id-an-object": ('{"doc_id": {"a": 1}, "text": "ok"}', "E020", "'doc_id'"),
    "nan": ('{"text": "ok", "score": NaN}', "E007", "NaN"),
    "published-too-long": ('{"text": "ok", "date": "' + "Tuesday " * 6 + '"}', "E023", "40"),
    "title-an-object": ('{"text": "ok", "title": {"en": "x"}}', "E027", "'title'"),
}


@pytest.mark.parametrize("name", sorted(BAD_JSON_RECORDS))
def test_bad_json_values_are_coded_errors_naming_file_and_line(
    tmp_path: Path, name: str
) -> None:
    line, code, phrase = BAD_JSON_RECORDS[name]
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n" + '{"text": "also fine"}\n')
    documents, problems = _read(path)
    assert [d.text for d in documents] == ["fine", "also fine"]
    (problem,) = problems
    assert problem.code == code, problem
    assert problem.message.startswith(f"{path}, line 2:")
    assert phrase in problem.message


def test_records_at_the_nesting_limit_and_escaped_backslashes_are_kept(tmp_path: Path) -> None:
    # A line without a \\u escape and with few brackets is not walked value by value: these
    # are the cases next to that shortcut that must still read as before.
    path = tmp_path / "a.jsonl"
    at_limit = '{"text": "one", "x": ' + "[" * 31 + "]" * 31 + "}"
    backslash_u = '{"text": "a\\\\u0000b", "k": ["c\\\\ud800"]}'  # a backslash, then "u"
    brackets_in_text = json.dumps({"text": "[" * 40 + "{" * 40})
    path.write_text("\n".join([at_limit, backslash_u, brackets_in_text]) + "\n")
    documents, problems = _read(path)
    assert problems == []
    assert [d.text for d in documents] == ["one", "a\\u0000b", "[" * 40 + "{" * 40]
    assert documents[1].meta["k"] == ["c\\ud800"]


def test_ids_of_64_characters_and_whole_numbers_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"id": "x" * 64, "text": "one"}) + "\n" + json.dumps({"id": 7, "text": "two"})
    )
    documents, problems = _read(path)
    assert problems == [] and [d.doc_id for d in documents] == ["x" * 64, "7"]


BAD_CSV = {
    # name: (the file, expected code, the line named)
    "nul-in-text": ('id,text\nc1,ok\nc2,"a\x00b"\n', "E015", 3),
    "id-of-65-characters": ("id,text\nc1,ok\n" + "y" * 65 + ",x\n", "E019", 3),
    "unquoted-comma-splits-the-text": ("id,text\nc1,ok\nc2,one, two\n", "E022", 3),
    "row-missing-a-field": ("id,text,title\nc1,ok,t\nc2,x\n", "E022", 3),
    "column-twice": ("text,id,text\nok,c1,other\n", "E025", 0),
}


@pytest.mark.parametrize("name", sorted(BAD_CSV))
def test_bad_csv_rows_are_coded_errors_naming_file_and_line(tmp_path: Path, name: str) -> None:
    content, code, line = BAD_CSV[name]
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    problem = _only_problem(path)
    assert problem.code == code, problem
    where = f"{path}, line {line}:" if line else f"{path}:"
    assert problem.message.startswith(where)


def test_csv_quote_left_open_is_a_coded_error_not_one_long_row(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\nc1,ok\nc2,"never closed\nc3,swallowed\nc4,too\n')
    problem = _only_problem(path)
    assert problem.code == "E021" and problem.message.startswith(f"{path}, line 3:")


def test_csv_stray_quote_after_a_quoted_field_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\nc1,"quoted"tail\n')
    problem = _only_problem(path)
    assert problem.code == "E021" and problem.message.startswith(f"{path}, line 2:")
