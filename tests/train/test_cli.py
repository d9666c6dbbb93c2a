"""`annotate train` as a user runs it, Ctrl-C included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.clirun import one_error_line, run_main
from tests.support.training import fashion_project


@pytest.fixture
def db(tmp_path: Path) -> Path:
    fashion_project(tmp_path / "f.db", 80).close()
    return tmp_path / "f.db"


def test_train_writes_the_run_and_prints_its_dev_scores(
    db: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    runs = db.parent / "runs"
    code, output = run_main(["train", "--db", str(db), "--name", "brands", "--out", str(runs),
                             "--max-epochs", "2", "--no-rules"], capfd)  # fmt: skip
    assert code == 0, output
    assert "Training on 64 document(s), measuring on 16 (layers: entity)." in output
    assert f"Wrote {runs / 'brands'}" in output and "Dev F1 (strict):" in output
    assert "Suggestions as trained:brands@" in output
    assert (runs / "brands" / "model" / "meta.json").is_file()
    code, output = run_main(["train", "--db", str(db), "--name", "brands", "--out", str(runs)],
                            capfd)  # fmt: skip
    assert code == 1
    one_error_line(output, "E222")


def test_ctrl_c_stops_training_and_leaves_no_run_folder(db: Path) -> None:
    runs = db.parent / "runs"
    command = [sys.executable, "-m", "annotate.cli", "train", "--db", str(db), "--name", "cut",
               "--out", str(runs), "--max-epochs", "200", "--no-rules"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        # Interrupt once training has written its first checkpoint into the hidden folder.
        while not list(runs.glob(".cut.partial-*/model/meta.json")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "training did not start"
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, stderr
    assert "Training interrupted: nothing was written to" in stdout.decode()
    assert list(runs.iterdir()) == []
