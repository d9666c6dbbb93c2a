"""An ingest checks the whole corpus before it writes, then writes batch by batch: a crash
leaves whole batches, and running the same ingest again completes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotate.corpus.ingest import ingest
from annotate.errors import CorpusError
from annotate.store import Store


def _corpus(path: Path, n: int, *, first: int = 0, broken_last: bool = False) -> Path:
    lines = [json.dumps({"id": f"d{i:04d}", "text": f"Article {i} has some words."})
             for i in range(first, first + n)]
    if broken_last:
        lines.append('{"id": "bad", "text": ')  # not JSON: found only at the very end
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_problem_at_the_end_of_a_large_corpus_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", 250, broken_last=True)
    with pytest.raises(CorpusError) as caught:
        ingest(store, [corpus], batch_size=20)
    assert caught.value.code == "E011" and "E007" in str(caught.value)
    assert store.document_count() == 0


def test_each_batch_is_its_own_transaction_in_queue_order(store: Store, tmp_path: Path) -> None:
    report = ingest(store, [_corpus(tmp_path / "c.jsonl", 250)], batch_size=20)
    assert report.batches == 13 and len(report.added) == 250
    assert store.doc_ids() == [f"d{i:04d}" for i in range(250)]


def test_a_crash_half_way_leaves_whole_batches_and_running_again_completes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", 250)
    written = Store.add_documents
    calls = {"n": 0}

    def crash_on_the_fifth(self: Store, documents: Any, **options: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # the process is killed while the fifth batch is sent
        return written(self, documents, **options)

    monkeypatch.setattr(Store, "add_documents", crash_on_the_fifth)
    with pytest.raises(KeyboardInterrupt):
        ingest(store, [corpus], batch_size=20)
    assert store.doc_ids() == [f"d{i:04d}" for i in range(80)]  # four whole batches
    monkeypatch.setattr(Store, "add_documents", written)

    again = ingest(store, [corpus], batch_size=20)
    assert (len(again.added), len(again.unchanged)) == (170, 80)
    assert store.doc_ids() == [f"d{i:04d}" for i in range(250)]
    assert len(set(store.document_hashes())) == 250
    done = ingest(store, [corpus], batch_size=20)
    assert (len(done.added), len(done.unchanged), done.batches) == (0, 250, 0)


def test_an_id_added_with_another_text_while_the_ingest_runs_stops_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", 100)
    other = _corpus(tmp_path / "other.jsonl", 1, first=70)
    other.write_text(json.dumps({"id": "d0070", "text": "Somebody else's article."}) + "\n")
    written = Store.add_documents
    calls = {"n": 0}

    def someone_else_first(self: Store, documents: Any, **options: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            elsewhere = Store(self.url)  # another process, between the two passes
            ingest(elsewhere, [other])
            elsewhere.close()
        return written(self, documents, **options)

    monkeypatch.setattr(Store, "add_documents", someone_else_first)
    with pytest.raises(CorpusError) as caught:
        ingest(store, [corpus], batch_size=20)
    assert caught.value.code == "E145" and "'d0070'" in str(caught.value)
    # The batches before stay, and the rest of the batch that met the other text.
    assert store.document_count() == 80
    assert store.document("d0070").text == "Somebody else's article."
