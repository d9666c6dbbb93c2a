"""The JSON reading shared by the import readers: every bad line a coded error naming the file
and line, never a bare exception from the JSON parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.errors import FormatError
from annotate.formats.jsonio import iter_jsonl, parse_json

BAD_LINES = {
    # name: (the second line of a .jsonl file, expected code, a phrase of the message)
    "lone-surrogate": ('{"text": "a\\ud800b"}', "E308", "surrogate"),
    "lone-surrogate-in-a-span-label": (
        '{"text": "ab", "spans": [{"start": 0, "end": 1, "label": "\\udc00"}]}',
        "E308",
        "spans[0].label",
    ),
    "nul-in-text": ('{"text": "a\\u0000b"}', "E308", "NUL"),
    "nul-in-a-key": ('{"text": "ab", "me\\u0000ta": 1}', "E308", "key"),
    "5000-digit-offset": (
        '{"text": "ab", "spans": [{"start": ' + "1" * 5000 + ', "end": 2}]}',
        "E306",
        "4300 digits",
    ),
    "deeper-than-python": ('{"text": "ab", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                           "E306", "nested"),
    "deeper-than-the-limit": ('{"text": "ab", "x": ' + "[" * 60 + "]" * 60 + "}",
                              "E308", "nested"),
}


@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_bad_lines_are_coded_errors_naming_file_and_line(tmp_path: Path, name: str) -> None:
    line, code, phrase = BAD_LINES[name]
    path = tmp_path / "session.jsonl"
    path.write_text(json.dumps({"text": "fine"}) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        list(iter_jsonl(path))
    assert caught.value.code == code
    assert f"{path}, line 2" in str(caught.value) and phrase in str(caught.value)


def test_records_split_at_line_feeds_only(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    texts = ["a\u2028b\x85c", "d\u2029e"]
    path.write_text(
        "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts) + "\n",
        encoding="utf-8",
    )
    assert [(n, r["text"]) for n, r in iter_jsonl(path)] == [(1, texts[0]), (2, texts[1])]


def test_a_line_of_only_a_separator_is_an_error_not_a_blank(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_text('{"text": "a"}\n\u2028\n', encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        list(iter_jsonl(path))
    assert caught.value.code == "E306" and f"{path}, line 2" in str(caught.value)


def test_a_long_number_in_a_whole_file_names_its_line(tmp_path: Path) -> None:
    text = '[\n  {"data": {"text": "ab"}},\n  {"id": ' + "9" * 5000 + "}\n]"
    with pytest.raises(FormatError) as caught:
        parse_json(text, path=tmp_path / "export.json")
    assert caught.value.code == "E306" and "export.json, line 3" in str(caught.value)
