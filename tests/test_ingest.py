"""Ingesting a corpus into a store: all or nothing, idempotent, on both back ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.errors import CorpusError
from annotate.ingest import ingest
from annotate.store import Store
from tests.conftest import CORPUS


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
