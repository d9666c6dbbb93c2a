"""Faults: a killed kernel loses at most the action in flight; an unreachable database is an
error the annotator sees, and the action can be retried; a read-only or full disk, a file that is
not a database and values a back end cannot hold are coded errors that leave the database whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotate.core.records import DocSuggestions, Document, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.errors import AnnotateError, StoreError
from annotate.project import open_project
from annotate.store import Store
from annotate.store import tables as t
from tests.support.clirun import one_error_line, run_main
from tests.support.faultfs import fill, read_only, run_as_nobody, shared_folder, small_disk
from tests.support.paths import CORPUS, ROOT
from tests.support.pgserver import PostgresServer
from tests.support.workload import actual_state, documents_of, expected_state, plan


@pytest.mark.slow
def test_sigkill_mid_stream_loses_at_most_the_action_in_flight(
    db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    ingest(store, [CORPUS])
    ack = tmp_path / "ack"
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.support.workload", db_url, "victim", "1000000", "7",
         str(tmp_path / "out.json"), str(ack)],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if ack.exists() and len(ack.read_text().splitlines()) >= 400:
            break
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    acknowledged = len(ack.read_text().splitlines())
    assert acknowledged >= 400

    reopened = Store(db_url)
    actual = actual_state(reopened, "victim")
    ops = list(plan(7, documents_of(reopened), acknowledged + 1))
    # Every acknowledged action is there; the one in flight is there whole or not at all.
    candidates = [expected_state(ops[:acknowledged]), expected_state(ops[: acknowledged + 1])]
    assert actual in candidates
    if reopened.backend == "sqlite":
        with reopened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # The annotator carries on where they stopped.
    doc_id = documents_of(reopened)[0][0]
    reopened.add_span(annotator="victim", doc_id=doc_id, layer="entity", label="PERSON",
                      start=10, end=24)
    reopened.close()
    store.close()


@pytest.mark.postgres
def test_unreachable_database_is_a_visible_error_then_retry_works() -> None:
    server = PostgresServer().start()
    try:
        url = server.new_database()
        store = Store(url)
        ingest(store, [CORPUS])
        doc_id = store.doc_ids()[0]
        server.stop_server()
        with pytest.raises(StoreError) as caught:
            store.add_span(annotator="a", doc_id=doc_id, layer="entity", label="PERSON",
                           start=10, end=24)
        assert caught.value.code == "E120"
        assert "password" not in str(caught.value) and "try again" in str(caught.value)
        server.start_server()
        span = store.add_span(annotator="a", doc_id=doc_id, layer="entity", label="PERSON",
                              start=10, end=24)
        assert [s.span_id for s in store.spans(annotator="a")] == [span.span_id]
        store.close()
    finally:
        server.stop()


def test_sqlite_file_in_a_missing_folder_is_created(tmp_path: Path) -> None:
    store = Store(tmp_path / "new" / "folder" / "p.db")
    assert store.counts()["documents"] == 0
    store.close()


def test_database_held_by_another_writer_is_e119_then_retry_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    monkeypatch.setenv("ANNOTATE_BUSY_TIMEOUT", "1")
    store = Store(tmp_path / "p.db")
    ingest(store, [CORPUS])
    doc_id = store.doc_ids()[0]
    other = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing and does not let go
    began = time.monotonic()
    with pytest.raises(StoreError) as caught:
        store.add_span(annotator="a", doc_id=doc_id, layer="entity", label="PERSON",
                       start=10, end=24)
    assert caught.value.code == "E119" and "Nothing was lost" in str(caught.value)
    assert 0.9 < time.monotonic() - began < 10
    other.execute("COMMIT")
    other.close()
    span = store.add_span(annotator="a", doc_id=doc_id, layer="entity", label="PERSON",
                          start=10, end=24)
    assert [s.span_id for s in store.spans(annotator="a")] == [span.span_id]
    assert [e.action for e in store.events(annotator="a")] == ["add_span"]
    store.close()


# --- the file system: read-only, full, not a database ------------------------------------------


def _project_with_work(folder: Path) -> Path:
    from tests.support.tables import annotate_sample

    db = folder / "p.db"
    store = Store(db)
    ingest(store, [CORPUS])
    annotate_sample(store, "alice")
    store.close()
    return db


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def _integrity(db: Path) -> str:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def test_read_only_mount_reads_everything_and_refuses_writes_with_e129(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    db = _project_with_work(folder)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "extra-1", "text": "A new article to add."}) + "\n")
    before = _digests(folder)
    with read_only(folder):
        status, output = run_main(["status", "--db", str(db)], capfd)
        assert status == 0, output
        assert "2 document(s), 1 annotator(s)" in output and "alice: 1 done" in output
        out = tmp_path / "exports"
        status, output = run_main(["export", "--db", str(db), "--annotator", "alice",
                                   "--out", str(out)], capfd)
        assert status == 0, output
        assert (out / "spans.parquet").exists()

        project = open_project(db)
        tables = project.tables(annotator="alice")
        assert len(tables["spans"]) == 5 and len(tables["documents"]) == 2
        doc_id = project.store.doc_ids()[0]
        with pytest.raises(StoreError) as caught:
            project.store.add_span(annotator="alice", doc_id=doc_id, layer="entity",
                                   label="PERSON", start=0, end=9)
        assert caught.value.code == "E129"
        assert "read-only file system" in str(caught.value) and str(db) in str(caught.value)
        assert "reading still works" in str(caught.value)
        project.close()

        status, output = run_main(["ingest", str(extra), "--db", str(db)], capfd)
        assert status == 1
        one_error_line(output, "E129")
    # Not a byte changed, and no -wal or -shm file was left beside it.
    assert _digests(folder) == before


def test_database_the_user_may_not_write_reads_and_refuses_writes_with_e129() -> None:
    with shared_folder() as folder:
        db = _project_with_work(folder)  # root's file in root's folder: nobody may not write
        out = folder / "out"
        out.mkdir(mode=0o777)
        out.chmod(0o777)
        before = _digests(folder)

        status = run_as_nobody(["-m", "annotate.cli", "status", "--db", str(db)], cwd=ROOT)
        assert status.returncode == 0, status.stderr
        assert "2 document(s), 1 annotator(s)" in status.stdout
        code = (f"import annotate; p = annotate.open_project({str(db)!r}); "
                "print(len(p.tables(annotator='alice')['spans'])); "
                f"p.export({str(out)!r}, formats='jsonl', annotator='alice')")
        tables = run_as_nobody(["-c", code], cwd=ROOT)
        assert tables.returncode == 0, tables.stderr
        assert tables.stdout.strip() == "5" and (out / "spans.jsonl").exists()

        written = run_as_nobody(["-m", "annotate.cli", "ingest", str(CORPUS), "--db", str(db)],
                                cwd=ROOT)
        assert written.returncode == 1
        one_error_line(written.stderr, "E129")
        assert "you may not write the file" in written.stderr
        assert _digests(folder) == before


def test_full_disk_during_a_write_is_e130_and_leaves_the_database_whole(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("w") as handle:
        for number in range(3):
            text = f"Article {number}. " + "Words of a long article. " * 12_000
            handle.write(json.dumps({"id": f"big-{number}", "text": text}) + "\n")
    with small_disk(tmp_path / "disk", kib=2048) as disk:
        db = disk / "p.db"
        store = Store(db)
        ingest(store, [CORPUS])
        doc_id = store.doc_ids()[0]
        store.add_span(annotator="alice", doc_id=doc_id, layer="entity", label="PERSON",
                       start=0, end=9)
        before = store.counts()
        filler = fill(disk)

        with pytest.raises(StoreError) as caught:
            store.add_span(annotator="alice", doc_id=doc_id, layer="entity", label="GPE",
                           start=10, end=24, attrs={"note": "n" * 400_000})
        assert caught.value.code == "E130" and "Free some space" in str(caught.value)
        with pytest.raises(StoreError) as caught:
            ingest(store, [big])
        assert caught.value.code == "E130"
        status, output = run_main(["ingest", str(big), "--db", str(db)], capfd)
        assert status == 1
        one_error_line(output, "E130")
        assert "Words of a long article" not in output

        # Nothing half-written: the same rows, a sound file, and the action works with room.
        assert store.counts() == before
        assert _integrity(db) == "ok"
        filler.unlink()
        span = store.add_span(annotator="alice", doc_id=doc_id, layer="entity", label="GPE",
                              start=10, end=24, attrs={"note": "n" * 400_000})
        assert span.span_id in {s.span_id for s in store.spans(annotator="alice")}
        assert len(ingest(store, [big]).added) == 3
        store.close()
        assert _integrity(db) == "ok"


def test_a_text_file_a_folder_and_an_uncreatable_path_are_coded_errors(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list: milk, eggs.\n")
    with pytest.raises(StoreError) as caught:
        Store(notes)
    assert caught.value.code == "E131"
    status, output = run_main(["status", "--db", str(notes)], capfd)
    assert status == 1
    one_error_line(output, "E131")
    assert notes.read_text() == "Shopping list: milk, eggs.\n"

    with pytest.raises(StoreError) as caught:
        Store(tmp_path)
    assert caught.value.code == "E132" and str(tmp_path / "annotate.db") in str(caught.value)
    status, output = run_main(["ingest", str(CORPUS), "--db", str(tmp_path)], capfd)
    assert status == 1
    one_error_line(output, "E132")

    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    with pytest.raises(StoreError) as caught:
        Store(in_the_way / "sub" / "p.db")
    assert caught.value.code == "E133" and "Not a directory" in str(caught.value)

    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        for path in (locked / "p.db", locked / "new" / "p.db"):
            with pytest.raises(StoreError) as caught:
                Store(path)
            assert caught.value.code == "E133", path
        status, output = run_main(["ingest", str(CORPUS), "--db", str(locked / "p.db")], capfd)
        assert status == 1
        one_error_line(output, "E133")
    assert list(locked.iterdir()) == []


# --- values one back end would store and the other refuse --------------------------------------

MARK = "ARTICLE-TEXT-MARK"


def _document_row(doc_id: str, text: str) -> dict[str, Any]:
    now = t.utcnow()
    return {"doc_id": doc_id, "text": text, "text_sha256": "0" * 64, "n_chars": len(text),
            "meta": {}, "position": 99, "created_at": now, "updated_at": now}


def _bad_calls(store: Store, tmp_path: Path) -> dict[str, Callable[[], object]]:
    document = store.document(store.doc_ids()[0])
    doc_id = document.doc_id

    def insert(row: dict[str, Any]) -> Callable[[], object]:
        return lambda: store.write(lambda c: c.execute(t.documents.insert().values(**row)))

    def suggestions(doc: Document, attrs: dict[str, Any]) -> Callable[[], object]:
        spans = [SpanSuggestion("s1", "entity", "PERSON", 0, 9, attrs)]
        return lambda: store.store_suggestions("spacy:test@1", [(doc, DocSuggestions(spans))])

    long_id = tmp_path / "long-id.jsonl"
    long_id.write_text(json.dumps({"id": "x" * 65, "text": f"{MARK} long id."}) + "\n")
    nul_text = tmp_path / "nul-text.jsonl"
    nul_text.write_text(json.dumps({"id": "nul", "text": f"{MARK}\u0000 nul."}) + "\n")
    return {
        "span note": lambda: store.add_span(annotator="alice", doc_id=doc_id, layer="entity",
                                            label="PERSON", start=0, end=9,
                                            attrs={"note": f"{MARK}\x00"}),
        "status comment": lambda: store.set_status(doc_id, "flagged", annotator="alice",
                                                   comment=f"{MARK}\x00"),
        "setting": lambda: store.set_setting("k", {"v": f"{MARK}\x00"}),
        "annotator": lambda: store.add_annotator("al\x00ice"),
        "suggestion attrs": suggestions(document, {"reason": f"{MARK}\x00"}),
        "lookup with nul": lambda: store.document("a\x00b"),
        "document text": insert(_document_row("nul-doc", f"{MARK}\x00")),
        "document id": insert(_document_row("d" * 65, MARK)),
        "setting key": lambda: store.set_setting("k" * 101, 1),
        "suggestions for a long id": suggestions(Document("e" * 65, document.text), {}),
        "duplicate document": insert(_document_row(doc_id, MARK)),
        "value json cannot hold": lambda: store.set_setting("k", {MARK, 1}),
        "lookup with long id": lambda: store.document("f" * 100),
        "ingest long id": lambda: ingest(store, [long_id]),
        "ingest nul text": lambda: ingest(store, [nul_text]),
        # Half a surrogate pair: UTF-8 cannot hold it, so neither database can.
        "document text with half a pair": lambda: store.add_documents(
            [Document("half-pair", f"{MARK} \ud83d alone.")]),
        "document title with half a pair": lambda: store.add_documents(
            [Document("half-title", f"{MARK} title.", title="Zo\udce9")]),
        "new text with half a pair": lambda: store.add_documents(
            [Document(doc_id, f"{MARK} \udfff")], update=True),
        "status comment with half a pair": lambda: store.set_status(
            doc_id, "flagged", annotator="alice", comment=f"{MARK} \ud800"),
    }


# The store's own codes; ingest may refuse earlier with its own (file and line), the same on
# both back ends.
EXPECTED = {
    "span note": "E127", "status comment": "E127", "setting": "E127",
    # A name is checked by the naming rules before it is looked up: the same on both.
    "annotator": "E125",
    "suggestion attrs": "E127", "lookup with nul": "E127", "document text": "E127",
    "document id": "E128", "setting key": "E128", "suggestions for a long id": "E128",
    "duplicate document": "E136", "value json cannot hold": "E136", "lookup with long id": "E101",
    "document text with half a pair": "E138", "document title with half a pair": "E138",
    "new text with half a pair": "E138", "status comment with half a pair": "E138",
}


@pytest.mark.postgres
def test_nul_bytes_and_overlong_values_are_refused_alike_on_sqlite_and_postgresql(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    codes: dict[str, dict[str, str]] = {}
    for url in (str(tmp_path / "p.db"), postgres.new_database()):
        store = Store(url)
        ingest(store, [CORPUS])
        before = store.counts()
        codes[store.backend] = {}
        for name, call in _bad_calls(store, tmp_path).items():
            with pytest.raises(AnnotateError) as caught:
                call()
            codes[store.backend][name] = caught.value.code
            message = str(caught.value)
            # The message names what was refused, never the value (article text).
            assert MARK not in message and "[parameters" not in message, (name, message)
            assert "Traceback" not in message
        assert store.counts() == before, store.backend
        store.close()
    assert codes["sqlite"] == codes["postgresql"]
    assert {name: codes["sqlite"][name] for name in EXPECTED} == EXPECTED


def test_refused_value_names_the_operation_and_the_column(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    ingest(store, [CORPUS])
    doc_id = store.doc_ids()[0]
    with pytest.raises(StoreError) as caught:
        store.add_span(annotator="alice", doc_id=doc_id, layer="entity", label="PERSON",
                       start=0, end=9, attrs={"note": "a\x00b"})
    assert caught.value.code == "E127"
    assert str(caught.value).startswith("[E127] Store.add_span: spans.attrs['note']")
    with pytest.raises(StoreError) as caught:
        store.write(lambda c: c.execute(t.documents.insert().values(
            **_document_row("d" * 65, "text"))))
    assert "documents.doc_id is 65 characters long, more than the 64" in str(caught.value)
    with pytest.raises(StoreError) as caught:
        store.add_documents([Document("half", "A text with half a pair \ud83d in it.")])
    assert str(caught.value).startswith(
        "[E138] Store.add_documents: documents.text holds \\ud83d, half of a UTF-16 "
        "surrogate pair without its other half, at character 24.")
    store.close()
