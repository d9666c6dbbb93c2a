"""Eight annotator processes writing to one database at once lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotate.corpus.ingest import ingest
from annotate.store import Store
from tests.support.paths import CORPUS, ROOT
from tests.support.workload import actual_state, documents_of, expected_state, plan

PROCESSES = 8
ACTIONS = 2000


@pytest.mark.slow
def test_eight_annotators_two_thousand_actions_each(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ingest(store, [CORPUS])
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.workload", db_url, f"annotator{i}", str(ACTIONS),
             str(i), str(tmp_path / f"out{i}.json")],
            cwd=ROOT, stderr=subprocess.PIPE, text=True,
        )
        for i in range(PROCESSES)
    ]
    errors = [w.communicate(timeout=900)[1] for w in workers]
    for worker, stderr in zip(workers, errors, strict=True):
        # No "database is locked" or any other error reached an annotator.
        assert worker.returncode == 0, stderr[-3000:]
    documents = documents_of(store)
    for i in range(PROCESSES):
        assert len(json.loads((tmp_path / f"out{i}.json").read_text())["latencies"]) == ACTIONS
        # Each annotator's state is exactly what their own actions produce, events included.
        expected = expected_state(list(plan(i, documents, ACTIONS)))
        assert actual_state(store, f"annotator{i}") == expected
    store.close()
