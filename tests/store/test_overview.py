"""The project overview: counted by the database, a page at a time, right at any page size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.core.records import DocSuggestions, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.project import Project
from annotate.store import Store
from tests.support.clirun import run_main


def _project(db_url: str, tmp_path: Path, n: int = 7) -> Project:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": f"d{i}", "text": f"Article number {i} says something.",
                    "title": None if i % 3 == 0 else f"Title {i}"}) + "\n"
        for i in range(n)
    ))
    store = Store(db_url)
    ingest(store, [corpus])
    store.add_annotator("bob", role="reviewer")
    store.set_status("d1", "done", annotator="alice")
    store.set_status("d2", "skipped", annotator="alice")
    store.set_status("d4", "done", annotator="alice")
    store.set_status("d4", "flagged", annotator="bob")
    # A model's suggestions make it an annotator of the store, not a person to report on.
    first = store.document("d0")
    suggestion = SpanSuggestion("e0", "entity", "ORG", 0, 7, {"reason": "test"})
    store.store_suggestions("spacy:test@1/suggest@1", [(first, DocSuggestions([suggestion]))])
    return Project(store)


def test_pages_of_any_size_give_the_documents_in_queue_order(db_url: str, tmp_path: Path) -> None:
    project = _project(db_url, tmp_path)
    whole = [
        row
        for page in project.store.iter_overview(["alice", "bob"], page=1000)
        for row in zip(page["doc_id"], page["s0"], page["s1"], strict=True)
    ]
    assert whole == [
        ("d0", None, None), ("d1", "done", None), ("d2", "skipped", None), ("d3", None, None),
        ("d4", "done", "flagged"), ("d5", None, None), ("d6", None, None),
    ]
    for size in (1, 2, 3):
        paged = [
            row
            for page in project.store.iter_overview(["alice", "bob"], page=size)
            for row in zip(page["doc_id"], page["s0"], page["s1"], strict=True)
        ]
        assert paged == whole
    limited = list(project.store.iter_overview(["alice"], page=2, limit=3))
    assert [doc for page in limited for doc in page["doc_id"]] == ["d0", "d1", "d2"]
    project.close()


def test_status_and_progress_count_people_only(db_url: str, tmp_path: Path) -> None:
    project = _project(db_url, tmp_path)
    assert project.annotator_names() == ["alice", "bob"]
    frame = project.status()
    assert list(frame.columns) == ["doc_id", "title", "published", "source", "n_chars", "alice",
                                   "bob"]
    assert frame["doc_id"].tolist() == [f"d{i}" for i in range(7)]
    assert frame.loc[4, "alice"] == "done" and frame.loc[4, "bob"] == "flagged"
    assert frame["alice"].isna().sum() == 4 and frame["title"].isna().tolist()[:2] == [True, False]
    assert frame["n_chars"].tolist() == [len(f"Article number {i} says something.")
                                         for i in range(7)]
    assert project.progress("alice") == {"done": 2, "skipped": 1, "flagged": 0, "total": 7}
    assert project.progress("bob") == {"done": 0, "skipped": 0, "flagged": 1, "total": 7}
    assert project.progress("carol") == {"done": 0, "skipped": 0, "flagged": 0, "total": 7}
    project.close()


def test_status_command_counts_the_annotators_it_lists(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "p.db")
    _project(db, tmp_path).close()
    status, output = run_main(["status", "--db", db, "--limit", "2"], capfd)
    assert status == 0, output
    # bob is a reviewer: counted among the people, and said so on his line.
    assert output.splitlines()[0] == "7 document(s), 2 annotator(s) (1 reviewer(s))"
    listed = [line for line in output.splitlines() if " done, " in line]
    assert listed == ["  alice: 2 done, 1 skipped, 0 flagged of 7",
                      "  bob: 0 done, 0 skipped, 1 flagged of 7 (reviewer)"]
    documents = [line for line in output.splitlines() if line.startswith("  d")]
    assert documents == ["  d0  (no title) Article number 0 says something.…",
                         "  d1  Title 1"]
    assert "... and 5 more" in output
    status, output = run_main(["status", "--db", db, "--limit", "0"], capfd)
    assert len([line for line in output.splitlines() if line.startswith("  d")]) == 7
    assert "more" not in output
