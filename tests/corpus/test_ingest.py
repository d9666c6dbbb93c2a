"""Ingesting a corpus into a store: all or nothing, idempotent, on both back ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.corpus.ingest import ingest
from annotate.errors import CorpusError
from annotate.store import Store
from tests.support.paths import CORPUS


def test_ingest_twice_changes_nothing(store: Store) -> None:
    first = ingest(store, [CORPUS])
    assert len(first.added) == 2
    counts = store.counts()
    second = ingest(store, [CORPUS])
    assert second.added == [] and len(second.unchanged) == 2
    assert store.counts() == counts
    documents = store.documents()
    assert documents[0].text.startswith("President Vladimir Putin")
    assert documents[0].published == "2025-12-05" and documents[0].source == "BBC"
    assert documents[1].title and documents[1].title.startswith("Putin says Russia")


def test_one_bad_file_ingests_nothing(store: Store, tmp_path: Path) -> None:
    (tmp_path / "good.jsonl").write_text(
        "\n".join(json.dumps({"id": f"g{i}", "text": f"Good article {i}."}) for i in range(1200))
    )
    (tmp_path / "zbad.jsonl").write_text('{"text": "fine"}\n{oops\n')
    with pytest.raises(CorpusError) as caught:
        ingest(store, [tmp_path])
    assert caught.value.code == "E011"
    assert "zbad.jsonl, line 2" in str(caught.value)
    assert store.counts()["documents"] == 0


def test_duplicate_ids_with_different_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n')
    with pytest.raises(CorpusError) as caught:
        ingest(store, [path])
    assert "'a'" in str(caught.value) and "line 2" in str(caught.value)
    assert "line 1" in str(caught.value)  # where the first one was
    assert store.counts()["documents"] == 0


def test_duplicate_identical_article_warns_once(store: Store, tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Same article text.")
    report = ingest(store, [tmp_path])
    assert len(report.added) == 1 and len(report.warnings) == 1
    assert "b.txt" in report.warnings[0]


def test_changed_text_for_known_id(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "text": "Original text."}\n')
    ingest(store, [path])
    store.add_span(annotator="ann", doc_id="a", layer="entity", label="ORG", start=0, end=8)
    path.write_text('{"id": "a", "text": "Changed text, longer now."}\n')
    with pytest.raises(CorpusError) as caught:
        ingest(store, [path])
    assert "--update" in str(caught.value)
    assert store.document("a").text == "Original text."
    report = ingest(store, [path], update=True)
    assert report.updated == ["a"]
    document = store.document("a")
    assert document.text.startswith("Changed")
    (span,) = store.spans(doc_id="a")
    # The old annotation is kept, and it is detectably stale.
    assert span.doc_sha256 != document.text_sha256


def test_report_lists_each_line_read_as_metadata(store: Store) -> None:
    report = ingest(store, [CORPUS])
    assert [n.split(" ", 1)[0] for n in report.notices] == ["[W003]", "[W005]", "[W006]", "[W004]"]
    assert "000_c96a03224ae27d3d.txt, line 67: 'Source: BBC'" in report.notices[1]
    assert report.warnings == []
    assert "4 line(s) read as metadata" in report.summary()


def test_raw_ingest_keeps_every_character(tmp_path: Path) -> None:
    from annotate.project import open_project

    project = open_project(tmp_path / "p.db")
    report = project.ingest(CORPUS / "000_c96a03224ae27d3d.txt", raw=True)
    assert report.notices == []
    (document,) = project.documents()
    assert document.text == (CORPUS / "000_c96a03224ae27d3d.txt").read_text(encoding="utf-8")
    assert document.published is None and document.source is None
    project.close()


def test_cli_prints_notices_and_takes_raw(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotate.cli import app

    runner = CliRunner()
    db = str(tmp_path / "p.db")
    result = runner.invoke(app, ["ingest", str(CORPUS), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.output.count("note: [W0") == 4
    assert "'--Agencies' read as the byline" in result.output
    result = runner.invoke(app, ["ingest", str(CORPUS), "--db", str(tmp_path / "raw.db"), "--raw"])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.output and "0 line(s) read as metadata" in result.output


# Separators str.splitlines() would cut at, stored and read back as they are.
TRICKY_TEXT = "One\u2028two\u2029three\x85four\x0cfive\x1c\x1d\x1esix “seven” 😀."


def test_unusual_characters_are_stored_exactly(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "j", "text": TRICKY_TEXT}) + "\n")
    (tmp_path / "b.csv").write_text(f'id,text\nc,"{TRICKY_TEXT}"\n', encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe" + TRICKY_TEXT.encode("utf-16-le"))
    report = ingest(store, [tmp_path])
    assert len(report.added) == 3
    assert [d.text for d in store.documents()] == [TRICKY_TEXT] * 3


BAD_RECORDS = {
    # name: (a line of a .jsonl file, expected code)
    "id-longer-than-the-column": (json.dumps({"id": "i" * 65, "text": "x"}), "E019"),
    "nul-in-text": (json.dumps({"id": "n", "text": "a\u0000b"}), "E015"),
    "lone-surrogate": ('{"id": "s", "text": "a\\udfffb"}', "E016"),
    "long-number": ('{"text": "x", "n": ' + "7" * 5000 + "}", "E018"),
    "deep": ('{"text": "x", "n": ' + "[" * 50_000 + "]" * 50_000 + "}", "E017"),
    "published-longer-than-the-column": (json.dumps({"text": "x", "date": "d" * 41}), "E023"),
}


@pytest.mark.parametrize("name", sorted(BAD_RECORDS))
def test_a_record_the_store_cannot_hold_ingests_nothing(
    store: Store, tmp_path: Path, name: str
) -> None:
    ingest(store, [CORPUS])
    before = store.counts()
    line, code = BAD_RECORDS[name]
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": "Fine."}) + "\n" + line + "\n")
    with pytest.raises(CorpusError) as caught:
        ingest(store, [path])
    assert caught.value.code == "E011"
    assert f"[{code}] {path}, line 2:" in str(caught.value)
    assert store.counts() == before  # the earlier corpus is intact, nothing new is added
