"""An annotator working while a large ingest runs loses nothing and is never refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.corpus.ingest import ingest
from annotate.store import Store
from tests.support.paths import CORPUS, ROOT
from tests.support.workload import actual_state, documents_of, expected_state, plan

ACTIONS = 150
PER_ROUND = 40_000
BATCH = 2000
# Far longer than one batch holds the write lock, far shorter than a whole round would.
BUSY_TIMEOUT_S = os.environ.get("TEST_INGEST_BUSY_TIMEOUT", "3")


@pytest.mark.slow
def test_annotator_writes_while_an_ingest_runs(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ingest(store, [CORPUS])
    documents = documents_of(store)  # the annotator works on the seed articles
    stop, ingest_out = tmp_path / "stop", tmp_path / "ingest.json"
    ingesting = subprocess.Popen(
        [sys.executable, "-m", "tests.support.ingest_loop", db_url, str(tmp_path), str(stop),
         str(ingest_out), str(PER_ROUND), os.environ.get("TEST_INGEST_BATCH", str(BATCH))],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    try:
        # The annotator starts once the ingest has committed its first batch ...
        while store.document_count() == len(documents):
            assert ingesting.poll() is None, ingesting.communicate()[1][-3000:]
            time.sleep(0.05)
        listed = tmp_path / "documents.json"
        listed.write_text(json.dumps(documents))
        annotator = subprocess.run(
            [sys.executable, "-m", "tests.support.workload", db_url, "alice", str(ACTIONS), "7",
             str(tmp_path / "alice.json")],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
            env={**os.environ, "WORKLOAD_DOCUMENTS": str(listed),
                 "ANNOTATE_BUSY_TIMEOUT": BUSY_TIMEOUT_S},
        )
    finally:
        # ... and the ingest is told to stop only after the annotator has finished.
        stop.touch()
        _, ingest_errors = ingesting.communicate(timeout=900)
    assert ingesting.returncode == 0, ingest_errors[-3000:]
    # Not one of the annotator's writes failed (a busy database would have ended it with E119).
    assert annotator.returncode == 0, annotator.stderr[-3000:]
    latencies = json.loads((tmp_path / "alice.json").read_text())["latencies"]
    assert len(latencies) == ACTIONS
    # The annotator's work is exactly what their actions make, events included ...
    assert actual_state(store, "alice") == expected_state(list(plan(7, documents, ACTIONS)))
    # ... and the ingest's is whole: every round complete, in batches.
    done = json.loads(ingest_out.read_text())
    assert done["rounds"] >= 1 and done["batches"] == done["rounds"] * PER_ROUND // BATCH
    assert done["added"] == done["rounds"] * PER_ROUND
    assert store.document_count() == len(documents) + done["added"]
    store.close()
