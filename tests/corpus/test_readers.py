"""Reading articles: metadata recovery, formats, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.core.records import Document
from annotate.corpus import Problem, parse_txt_article, read_corpus
from tests.support.paths import CORPUS, SHARED


def _read(*paths: Path, **options: object) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    for item in read_corpus(paths, **options):  # type: ignore[arg-type]
        (documents if isinstance(item, Document) else problems).append(item)
    return documents, problems


def test_seed_with_date_prefix_and_trailer() -> None:
    path = CORPUS / "000_c96a03224ae27d3d.txt"
    (document,), problems = _read(path)
    # Each line read as metadata is a notice naming its line, and nothing else is said.
    assert [(p.code, p.level) for p in problems] == [
        ("W003", "notice"),
        ("W005", "notice"),
        ("W006", "notice"),
    ]
    assert [p.message.split(":")[0] for p in problems] == [
        f"{path}, line 1",
        f"{path}, line 67",
        f"{path}, line 69",
    ]
    assert "'date 2025-12-05'" in problems[0].message
    assert "'Source: BBC'" in problems[1].message and "'--Agencies'" in problems[2].message
    assert document.published == "2025-12-05"
    assert document.text.startswith("President Vladimir Putin has warned again")
    assert document.source == "BBC"
    assert document.byline == "Agencies"
    assert document.title is None
    assert document.text.endswith("heavy combat casualties.")
    raw = path.read_text(encoding="utf-8")
    offset = document.meta["offset_in_file"]
    # Provenance: the kept text sits exactly at the recorded place in the original file.
    assert raw[offset : offset + len(document.text)] == document.text
    assert document.meta["line"] == 1


def test_seed_with_headline() -> None:
    path = CORPUS / "001_b2d94b789626c3bb.txt"
    (document,), (notice,) = _read(path)
    assert notice.code == "W004" and notice.message.startswith(f"{path}, line 1: 'Putin says")
    assert (
        document.title
        == "Putin says Russia will take Donbas by force or Ukraine’s troops will withdraw"
    )
    assert document.text.startswith("President Vladimir Putin has said")
    assert document.published is None and document.source is None
    assert document.meta["line"] == 3
    raw = path.read_text(encoding="utf-8")
    offset = document.meta["offset_in_file"]
    assert raw[offset : offset + len(document.text)] == document.text


def test_ids_are_stable_content_hashes() -> None:
    first, _ = _read(CORPUS)
    second, _ = _read(CORPUS)
    assert [d.doc_id for d in first] == [d.doc_id for d in second]
    assert len({d.doc_id for d in first}) == 2
    assert all(len(d.doc_id) == 16 for d in first)


def test_first_sentence_is_not_a_title() -> None:
    document = parse_txt_article("The minister resigned on Monday.\n\nMore text follows here.")
    assert document.title is None
    assert document.text.startswith("The minister resigned")


def test_trailer_lines_in_any_order_and_crlf() -> None:
    raw = "Headline here\r\n\r\nBody text.\r\n\r\n--Reuters\r\nSource: AP\r\n"
    document = parse_txt_article(raw)
    assert document.title == "Headline here"
    assert document.text == "Body text."
    assert (document.source, document.byline) == ("AP", "Reuters")


def test_jsonl_and_csv_rows(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    rows = [
        {
            "id": "x1",
            "text": "First article.",
            "title": "One",
            "date": "2024-01-02",
            "section": "w",
        },
        {"text": "Second article.", "source": "AFP"},
    ]
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    csv_file = tmp_path / "b.csv"
    csv_file.write_text('doc,body\nc1,"A body, with a comma\nand a newline."\nc2,Another.\n')
    documents, problems = _read(jsonl)
    assert problems == []
    assert documents[0].doc_id == "x1" and documents[0].published == "2024-01-02"
    assert documents[0].meta["section"] == "w" and documents[0].meta["line"] == 1
    assert documents[1].source == "AFP" and len(documents[1].doc_id) == 16
    documents, problems = _read(csv_file, text_field="body", id_field="doc")
    assert problems == []
    assert [d.doc_id for d in documents] == ["c1", "c2"]
    assert documents[0].text == "A body, with a comma\nand a newline."
    assert [d.meta["line"] for d in documents] == [2, 4]


def test_undecodable_bytes_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Line one.\nLine two \xff\xfe broken.\n")
    _, (problem,) = _read(path)
    assert problem.fatal
    assert "bad.txt, line 2" in problem.message and "UTF-8" in problem.message


def test_latin1_with_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café au lait.".encode("latin-1"))
    (document,), problems = _read(path, encoding="latin-1")
    assert problems == [] and document.text == "Café au lait."


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _, (problem,) = _read(path)
    assert problem.fatal and "binary" in problem.message and "image.txt" in problem.message


def test_empty_and_whitespace_articles_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("  \n\t\n")
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text('{"text": "ok"}\n{"text": "   "}\n')
    documents, problems = _read(tmp_path)
    assert [d.text for d in documents] == ["ok"]
    assert len(problems) == 3 and not any(p.fatal for p in problems)
    assert any("rows.jsonl, line 2" in p.message for p in problems)


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,body\n1,hello\n")
    _, (problem,) = _read(path)
    assert problem.fatal and "'text'" in problem.message and "id, body" in problem.message


def test_malformed_json_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "good"}\n{"text": broken}\n[1, 2]\n')
    documents, problems = _read(path)
    assert len(documents) == 1
    assert [p.message.split(":")[0] for p in problems] == [f"{path}, line 2", f"{path}, line 3"]


def test_missing_file_and_unsupported_type(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# hi")
    _, problems = _read(tmp_path / "nope.txt", tmp_path / "notes.md")
    assert len(problems) == 2
    assert "not found" in problems[0].message and "unsupported" in problems[1].message


def test_oversized_article_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * 4_200_000)  # 21 MB
    _, (problem,) = _read(path)
    assert problem.fatal and "huge.txt" in problem.message and "max_chars" in problem.message


def test_twenty_megabyte_jsonl_streams(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "A sentence about the economy. " * 160}) + "\n"
    with path.open("w") as handle:
        for i in range(4_300):
            handle.write(line.replace("economy", f"economy {i}"))
    assert path.stat().st_size > 20_000_000
    documents, problems = _read(path)
    assert problems == [] and len(documents) == 4_300


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl"])
def test_hostile_markup_is_kept_verbatim(tmp_path: Path, name: str) -> None:
    text = 'Attack <script>alert("x")</script> and <img src=x onerror=alert(1)> end.'
    path = tmp_path / name
    path.write_text(json.dumps({"text": text}) if name.endswith("jsonl") else text)
    (document,), _ = _read(path)
    assert document.text == text


# --- .txt metadata: taken only where it reads as metadata, and always said -------------------

SEED_DOCUMENTS = {
    # file name -> (doc_id, title, published, source, byline): as the seeds were always read.
    "000_c96a03224ae27d3d.txt": ("384a15b6b5dbf696", None, "2025-12-05", "BBC", "Agencies"),
    "001_b2d94b789626c3bb.txt": (
        "6e2f5a79d01a0de2",
        "Putin says Russia will take Donbas by force or Ukraine’s troops will withdraw",
        None,
        None,
        None,
    ),
}


@pytest.mark.parametrize("folder", [CORPUS, SHARED / "seeds"], ids=["corpus", "seeds"])
def test_seeds_keep_their_ids_titles_dates_and_sources(folder: Path) -> None:
    documents, problems = _read(folder)
    assert not any(p.fatal for p in problems)
    found = {
        Path(d.meta["path"]).name: (d.doc_id, d.title, d.published, d.source, d.byline)
        for d in documents
    }
    assert found == SEED_DOCUMENTS
    assert [p.code for p in problems] == ["W003", "W005", "W006", "W004"]


@pytest.mark.parametrize(
    "article",
    [
        "Date 2024-05-01 was when the bridge first closed.\n\nIt has not reopened.",
        "date 2025-13-45 President Putin spoke on Monday.",  # no such day
        "The bridge closed.\n\nSource: a senior official, who said…",
        "The bridge closed, a spokesman said.\n\n-- and that, officials said…",
        "The bridge closed.\nSource: the ministry said the repairs would take weeks",
        # An unpunctuated lede of 20 words: longer than a headline.
        "The council voted on Tuesday night to close the old bridge after engineers found "
        "cracks in two of its piers\n\n"
        "Repairs would have cost more than a new bridge.",
        # A file that punctuates nothing: an unpunctuated first line says nothing there.
        "Council closes the old bridge\n\nEngineers found cracks in two piers last month\n\n"
        "A new bridge will be built",
        "the bridge closed on Monday\n\nIt had stood for a century.",  # lower case: no headline
    ],
    ids=[
        "sentence-about-a-date",
        "impossible-date",
        "source-sentence",
        "dash-sentence",
        "source-clause",
        "long-unpunctuated-lede",
        "unpunctuated-file",
        "lower-case-first-line",
    ],
)
def test_lines_that_only_look_like_metadata_stay_text(tmp_path: Path, article: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(article, encoding="utf-8")
    (document,), problems = _read(path)
    assert problems == []
    assert document.text == article.strip()
    assert (document.title, document.published, document.source, document.byline) == (
        None,
        None,
        None,
        None,
    )


def test_lines_that_read_as_metadata_are_taken_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "Date: 2024-05-01\n\nCouncil closes the old bridge for good\n\n"
        "Engineers found cracks in two piers.\nThe bridge had stood for a century.\n\n"
        "Source: Ministry of Transport\n-- Jane Smith\n",
        encoding="utf-8",
    )
    (document,), problems = _read(path)
    assert document.published == "2024-05-01"
    assert document.title == "Council closes the old bridge for good"
    assert (document.source, document.byline) == ("Ministry of Transport", "Jane Smith")
    assert document.text == (
        "Engineers found cracks in two piers.\nThe bridge had stood for a century."
    )
    assert document.meta["line"] == 5
    assert [(p.code, p.message.split(":")[0]) for p in problems] == [
        ("W003", f"{path}, line 1"),
        ("W004", f"{path}, line 3"),
        ("W005", f"{path}, line 8"),
        ("W006", f"{path}, line 9"),
    ]


def test_a_headline_ending_in_a_quotation_is_a_title() -> None:
    document = parse_txt_article("Merz: ‘They are playing games’\n\nThe chancellor spoke.")
    assert document.title == "Merz: ‘They are playing games’"


def test_a_file_of_only_metadata_keeps_every_line_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("date 2025-12-05\nSource: BBC\n", encoding="utf-8")
    (document,), problems = _read(path)
    assert problems == [] and document.text == "date 2025-12-05\nSource: BBC"
    assert document.published is None and document.source is None


@pytest.mark.parametrize("name", sorted(SEED_DOCUMENTS))
def test_raw_keeps_every_character_as_text(name: str) -> None:
    path = CORPUS / name
    (document,), problems = _read(path, raw=True)
    assert problems == []
    assert document.text == path.read_text(encoding="utf-8")
    assert (document.title, document.published, document.source, document.byline) == (
        None,
        None,
        None,
        None,
    )
    assert document.meta["offset_in_file"] == 0 and document.meta["line"] == 1
    assert parse_txt_article(document.text, raw=True).text == document.text
