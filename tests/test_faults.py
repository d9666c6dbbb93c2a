"""Faults: a killed kernel loses at most the action in flight; an unreachable database is an
error the annotator sees, and the action can be retried."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.errors import StoreError
from annotate.ingest import ingest
from annotate.store import Store
from tests.conftest import CORPUS, ROOT
from tests.pgserver import PostgresServer
from tests.workload import actual_state, documents_of, expected_state, plan


@pytest.mark.slow
def test_sigkill_mid_stream_loses_at_most_the_action_in_flight(
    db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    ingest(store, [CORPUS])
    ack = tmp_path / "ack"
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.workload", db_url, "victim", "1000000", "7",
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
