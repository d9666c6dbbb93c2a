"""A large SQLite project's chunks read through ADBC into Arrow, in a process of its own, are
the rows SQLAlchemy reads, in one transaction a chunk, and anything ADBC would read
differently is read as before. The tests make every project large enough."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from annotate.core.records import Document, Filters
from annotate.corpus.ingest import ingest
from annotate.store import Store, arrow_reads, contract
from annotate.store.arrow_reads import open_arrow_reader
from tests.support.paths import CORPUS
from tests.support.tables import annotate_sample


@pytest.fixture(autouse=True)
def _every_project_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrow_reads, "WORKER_FROM_DOCUMENTS", 0)


AWKWARD = [
    "Ünïcödé, emoji 🙂🏳️‍🌈 and a combining e\u0301 in one line.",
    "Lines\r\nwith CRLF,\ttabs, a line separator\u2028and a paragraph one\u2029here.",
    "right-to-left \u202eevil\u202c and zero-width\u200bjoins",
    "<script>alert('x')</script> & \"quotes\" 'single' \\backslash\\",
    "A long article. " * 5000,
]


def _project(path: Path) -> Store:
    store = Store(path)
    ingest(store, [CORPUS])  # the two seed articles, annotated by alice below
    documents = [
        Document(doc_id=f"d{i}", text=text, title=f"Title {i} ✓" if i % 2 else None,
                 source="wire" if i % 3 else None, byline="Zoë Ünal" if i == 1 else None,
                 published="2026-11-30" if i % 2 == 0 else None,
                 meta={"desk": "Außenpolitik", "n": i, "tags": ["a", None]} if i % 2 else {})
        for i, text in enumerate(AWKWARD)
    ]
    store.add_documents(documents)
    annotate_sample(store, "alice")
    store.add_span(annotator="alice", doc_id="d0", layer="quote", label="DIRECT", start=0,
                   end=20, fragments=[[0, 7], [9, 20]], attrs={"note": "ça va"})
    store.set_status("d2", "flagged", annotator="alice", comment="why? ✓")
    store.add_time("d3", 12.5, annotator="alice")
    return store


def _as_lists(chunks: list[dict[str, dict[str, Any]]]) -> list[dict[str, dict[str, Any]]]:
    return [
        {table: {name: values.to_pylist() if isinstance(values, pa.Array) else list(values)
                 for name, values in columns.items()}
         for table, columns in chunk.items()}
        for chunk in chunks
    ]


def _by_sqlalchemy(store: Store, filters: Filters, chunk_docs: int) -> list[dict[str, Any]]:
    return list(contract.iter_contract_rows(store.read, filters, chunk_docs=chunk_docs))


@pytest.mark.parametrize("filters", [
    Filters(), Filters(annotators=("alice",)), Filters(layers=("quote", "entity")),
    Filters(doc_ids=("d4", "d0", "nowhere")), Filters(labels=("PERSON",)),
])
@pytest.mark.parametrize("chunk_docs", [1, 2, 100])
def test_chunks_through_arrow_are_the_rows_sqlalchemy_reads(
    tmp_path: Path, filters: Filters, chunk_docs: int
) -> None:
    store = _project(tmp_path / "p.db")
    fast = list(store.iter_contract_rows(filters, chunk_docs=chunk_docs))
    # The documents' texts came as Arrow, so this compares the two ways, not one with itself.
    assert all(isinstance(chunk["documents"]["text"], pa.Array) for chunk in fast)
    assert _as_lists(fast) == _as_lists(_by_sqlalchemy(store, filters, chunk_docs))
    texts = [text for chunk in _as_lists(fast) for text in chunk["documents"]["text"]]
    wanted = AWKWARD if filters.doc_ids is None else [AWKWARD[0], AWKWARD[4]]  # queue order
    assert [text for text in texts if text in AWKWARD] == wanted  # every character kept
    store.close()


@pytest.mark.parametrize("folder", ["with space", "what?#frag", "per%20cent", "Ünï 🙂"])
def test_a_project_in_a_folder_with_any_name_is_read_through_arrow(
    tmp_path: Path, folder: str
) -> None:
    (tmp_path / folder).mkdir()
    store = _project(tmp_path / folder / "p.db")
    fast = list(store.iter_contract_rows())
    assert isinstance(fast[0]["documents"]["text"], pa.Array)
    assert _as_lists(fast) == _as_lists(_by_sqlalchemy(store, Filters(), 2000))
    store.close()


def test_a_value_of_another_type_written_by_another_program_is_read_as_before(
    tmp_path: Path,
) -> None:
    """ADBC would make text of a number in a text column, or of text in a number column;
    from the chunk that holds one, the rows are read through SQLAlchemy, as they always were."""
    store = _project(tmp_path / "p.db")
    other = sqlite3.connect(tmp_path / "p.db")
    other.execute("UPDATE documents SET n_chars = 'many' WHERE doc_id = 'd3'")
    other.commit()
    other.close()
    fast = list(store.iter_contract_rows(chunk_docs=2))
    assert [isinstance(chunk["documents"]["text"], pa.Array) for chunk in fast] == [
        True, True, False, False]
    assert fast[2]["documents"]["doc_id"] == ["d2", "d3"]
    assert fast[2]["documents"]["n_chars"][1] == "many"
    assert _as_lists(fast) == _as_lists(_by_sqlalchemy(store, Filters(), 2))
    store.close()


def test_text_that_is_not_utf8_is_refused_with_a_coded_error_as_before(
    tmp_path: Path,
) -> None:
    """ADBC copies a text's bytes as they are; SQLAlchemy refuses bytes that are not UTF-8
    with E136, and so does the export through ADBC, before any chunk is half made."""
    from annotate.errors import StoreError

    store = _project(tmp_path / "p.db")
    other = sqlite3.connect(tmp_path / "p.db")
    other.execute("UPDATE documents SET title = CAST(X'41FF42' AS TEXT) WHERE doc_id = 'd3'")
    other.commit()
    other.close()
    for read in (lambda: list(store.iter_contract_rows()),
                 lambda: _by_sqlalchemy(store, Filters(), 2000)):
        with pytest.raises(StoreError) as caught:
            read()
        assert caught.value.code == "E136" and "title" in str(caught.value)
    store.close()


def test_a_chunk_is_one_snapshot_and_no_snapshot_is_held_between_chunks(
    tmp_path: Path,
) -> None:
    """A span written while a chunk is read is not half in it; once the chunk is read, the
    reader holds no transaction, so the next chunk sees it and a checkpoint is never kept
    waiting by a half-read export."""
    store = _project(tmp_path / "p.db")
    reader = open_arrow_reader(store.engine, store.document_count)
    assert reader is not None
    before = len(store.spans(annotator="alice", doc_id="d0"))

    d0 = Filters(doc_ids=("d0",))

    def work(select: Any) -> int:
        first = contract.chunk_rows(select, d0, None, 1)[0]
        store.add_span(annotator="alice", doc_id="d0", layer="entity", label="ORG", start=0,
                       end=3)
        second = contract.chunk_rows(select, d0, None, 1)[0]
        assert _as_lists([second]) == _as_lists([first])
        return len(first["spans"]["span_id"])

    assert reader.read(work) == before
    assert reader.read(lambda select: len(
        contract.chunk_rows(select, d0, None, 1)[0]["spans"]["span_id"])) == before + 1

    chunks = store.iter_contract_rows(chunk_docs=1)
    next(chunks)  # an export halfway through
    store.add_span(annotator="alice", doc_id="d4", layer="entity", label="ORG", start=0, end=1)
    checkpoint = sqlite3.connect(tmp_path / "p.db")
    busy, _, _ = checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    checkpoint.close()
    assert busy == 0
    assert sum(1 for _ in chunks) == 6  # the rest of the export
    reader.close()
    store.close()


def test_there_is_no_arrow_reader_where_there_is_no_file(tmp_path: Path) -> None:
    memory = Store("sqlite://")
    assert open_arrow_reader(memory.engine, memory.document_count) is None
    memory.add_documents([Document(doc_id="m", text="In memory only.")])
    [chunk] = list(memory.iter_contract_rows())
    assert chunk["documents"]["text"] == ["In memory only."]
    memory.close()


def test_the_worker_stopping_midway_leaves_the_rest_to_sqlalchemy_and_no_process_behind(
    tmp_path: Path,
) -> None:
    store = _project(tmp_path / "p.db")
    expected = _as_lists(_by_sqlalchemy(store, Filters(), 2))
    readers: list[Any] = []
    opened = arrow_reads.open_arrow_reader

    def remembered(*args: Any) -> Any:
        reader = opened(*args)
        readers.append(reader)
        return reader

    chunks = contract.iter_contract_rows(
        store.read, Filters(), chunk_docs=2,
        arrow_reader=lambda: remembered(store.engine, store.document_count),
    )
    got = [next(chunks)]
    [reader] = readers
    reader._process.kill()  # the worker dies between two chunks
    got += list(chunks)
    assert isinstance(got[0]["documents"]["text"], pa.Array)
    assert not isinstance(got[1]["documents"]["text"], pa.Array)
    assert _as_lists(got) == expected
    assert reader._process.poll() is not None

    # An export left halfway stops its worker when it is let go.
    halfway = store.iter_contract_rows(chunk_docs=1)
    next(halfway)
    processes = _workers()
    assert len(processes) == 1
    del halfway
    assert _workers() == []
    store.close()


def _workers() -> list[str]:
    import gc
    import subprocess

    gc.collect()
    found = subprocess.run(["pgrep", "-f", str(arrow_reads.WORKER)], capture_output=True,
                           text=True).stdout.split()
    return [pid for pid in found if pid]


def test_reading_through_the_worker_then_writing_while_another_process_writes_is_safe(
    tmp_path: Path,
) -> None:
    """The way ADBC in this process once broke sqlite3's locks: read through it, then another
    process opens the project and writes, then this process writes (it died of SIGBUS on the
    WAL's shared memory). The reading process must stay whole, and the database too."""
    import subprocess
    import sys

    db = tmp_path / "p.db"
    _project(db).close()
    other = (f"import sys; from annotate.store import Store; s = Store({str(db)!r}); "
             "n = int(sys.argv[1]); s.add_span(annotator='bob', doc_id='d1', layer='entity', "
             "label='ORG', start=3 * n, end=3 * n + 2); s.close()")
    script = f"""
import subprocess, sys
from annotate.store import Store, arrow_reads
arrow_reads.WORKER_FROM_DOCUMENTS = 0
store = Store({str(db)!r})
chunks = list(store.iter_contract_rows(chunk_docs=2))
assert type(chunks[0]["documents"]["text"]).__name__ == "StringArray"
for n in range(3):
    subprocess.run([sys.executable, "-c", {other!r}, str(n)], check=True)
    store.add_span(annotator="alice", doc_id="d2", layer="entity", label="ORG", start=3 * n,
                   end=3 * n + 2)
list(store.iter_contract_rows(chunk_docs=3))
store.close()
print("whole")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "whole"
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("SELECT count(*) FROM spans WHERE annotator = 'bob'").fetchone() == (3,)
    check.close()


def test_the_status_overview_through_the_worker_is_the_one_sqlalchemy_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from annotate.project import Project

    store = _project(tmp_path / "p.db")
    store.set_status("d1", "done", annotator="bob", comment=None)
    project = Project(store)
    pages = list(store.iter_document_columns(page=3))
    assert [len(page["doc_id"]) for page in pages] == [3, 3, 1]
    assert all(isinstance(page["title"], pa.Array) for page in pages)
    fast = project.status()
    monkeypatch.setattr(arrow_reads, "WORKER_FROM_DOCUMENTS", 10**9)
    assert not isinstance(next(store.iter_document_columns(page=3))["title"], pa.Array)
    pd.testing.assert_frame_equal(fast, project.status())
    assert fast.set_index("doc_id").loc["d1", "bob"] == "done"
    store.close()
