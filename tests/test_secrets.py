"""No command, error, warning, log line or repr shows a database password.

The test server gets a role that must log in with a password (scram-sha-256 on TCP), and every
`annotate` command runs against it with the password in --db and in ANNOTATE_DB: working, with a
wrong password, a database that does not exist, a port nobody listens on and mistyped URLs.
Everything the process prints (stdout and stderr at the file descriptors, every log record down
to DEBUG, every warning) is searched for the password as written and URL-encoded.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

import annotate.core
from annotate.errors import AnnotateError
from annotate.project import open_project
from annotate.store import Store
from annotate.store.redaction import passwords_in, redact, scrub
from tests.support.clirun import one_error_line, run_main
from tests.support.paths import CORPUS, ROOT
from tests.support.pgserver import PostgresServer, _free_port

pytestmark = pytest.mark.postgres

ROLE = "team_annotator"
PASSWORD = "Kx9-vault@Moon7"  # an '@' must be URL-encoded: both spellings must stay hidden
ENCODED = quote(PASSWORD, safe="")
SECRETS = (PASSWORD, ENCODED)


@pytest.fixture(scope="module")
def team_url(postgres: PostgresServer) -> str:
    """A project database on a server that asks this role for its password."""
    postgres.add_password_role(ROLE, PASSWORD)
    name = postgres.new_database(owner=ROLE).rsplit("/", 1)[1]
    return f"postgresql://{ROLE}:{ENCODED}@127.0.0.1:{postgres.port}/{name}"


class Observed:
    """Every log record of every library down to DEBUG (SQLAlchemy then logs statements, rows
    and connections) and every warning, while a test runs."""

    def __init__(self, caplog: pytest.LogCaptureFixture, warned: list[warnings.WarningMessage]):
        self.caplog = caplog
        self.warned = warned

    def text(self) -> str:
        records = "\n".join(r.getMessage() for r in self.caplog.records)
        return "\n".join([self.caplog.text, records, *(str(w.message) for w in self.warned)])


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[Observed]:
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy sets its own loggers to WARNING on import; open them all the way.
    for name in ("sqlalchemy", "psycopg"):
        caplog.set_level(logging.DEBUG, logger=name)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        yield Observed(caplog, warned)


def _assert_hidden(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"the password shows in:\n{text}"


def _commands() -> set[str]:
    import typer.main

    from annotate.cli import app

    return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _invocations(tmp_path: Path, pred_url: str) -> dict[str, list[list[str]]]:
    """Realistic arguments for every command, in an order that builds a project."""
    exports = tmp_path / "exports"
    scheme = Path(annotate.core.__file__).parent / "default_scheme.toml"
    return {
        "init": [["init", "--scheme", str(scheme)]],
        "ingest": [["ingest", str(CORPUS)]],
        "scheme": [["scheme", "show"]],
        "reviewer": [["reviewer", "add", "rita"]],
        "suggest": [["suggest"]],
        "status": [["status"]],
        "export": [["export", "--annotator", "alice", "--format", "parquet,prodigy",
                    "--out", str(exports)]],
        "import": [["import", str(exports / "prodigy" / "annotations.jsonl"), "--format",
                    "prodigy", "--annotator", "carol"]],
        "versions": [["versions"]],
        "agreement": [["agreement", "--annotators", "alice,bob", "--html",
                       str(tmp_path / "agreement.html")]],
        "evaluate": [["evaluate", "--pred", str(exports), "--gold-annotator", "bob"],
                     ["evaluate", "--pred", pred_url, "--gold-annotator", "bob",
                      "--pred-annotator", "alice"]],
        # The rules' suggestions are on both documents: enough to train on and measure.
        "train": [["train", "--annotator", _suggester(), "--status", "any", "--name", "s",
                   "--out", str(tmp_path / "runs"), "--max-epochs", "1", "--no-rules",
                   "--force"]],
    }


def _suggester() -> str:
    from annotate.suggest.model import load_model, model_annotator_name

    return model_annotator_name(load_model())


def _annotate_people(url: str) -> None:
    from tests.support.tables import annotate_sample

    store = Store(url)
    annotate_sample(store, "alice")
    annotate_sample(store, "bob")
    store.close()


def test_every_command_works_without_ever_showing_the_password(
    team_url: str,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    everything_logged: Observed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invocations = _invocations(tmp_path, team_url)
    assert set(invocations) == _commands()  # a new command must be added here
    for way in ("--db", "ANNOTATE_DB"):
        for command, runs in invocations.items():
            if command == "export" and way == "--db":
                _annotate_people(team_url)  # work to export, compare and score
            for args in runs:
                if way == "--db":
                    monkeypatch.delenv("ANNOTATE_DB", raising=False)
                    args = [*args, "--db", team_url]
                else:
                    monkeypatch.setenv("ANNOTATE_DB", team_url)
                status, output = run_main(args, capfd)
                assert status == 0, (way, args, output)
                _assert_hidden(output)
                if command == "ingest":
                    assert f"Ingested into postgresql+psycopg://{ROLE}:***@" in output
    assert "sqlalchemy" in everything_logged.text()  # the logs were really captured
    _assert_hidden(everything_logged.text())


def _failing_urls(team_url: str, postgres: PostgresServer) -> dict[str, tuple[str, str]]:
    """URLs holding the password that cannot work, with the code each must give."""
    wrong = team_url.replace(ENCODED, quote("Not-" + PASSWORD, safe=""))
    base, _name = team_url.rsplit("/", 1)
    unreachable = team_url.replace(f":{postgres.port}/", f":{_free_port()}/")
    rest = team_url.split("://", 1)[1]
    return {
        "wrong password": (wrong, "E134"),
        "unknown database": (f"{base}/no_such_database", "E135"),
        "unreachable port": (unreachable, "E120"),
        "mistyped scheme": (f"postgresq://{rest}", "E702"),
        "driver not installed": (f"mysql://{rest}", "E703"),
        "other driver not installed": (f"postgresql+psycopg2://{rest}", "E703"),
    }


def _failing_args(tmp_path: Path) -> dict[str, list[str]]:
    (tmp_path / "empty.jsonl").write_text("")
    return {
        "init": ["init"],
        "ingest": ["ingest", str(CORPUS)],
        "scheme": ["scheme", "show"],
        "reviewer": ["reviewer", "add", "rita"],
        "suggest": ["suggest"],
        "status": ["status"],
        "export": ["export", "--out", str(tmp_path / "exports")],
        "import": ["import", str(tmp_path / "empty.jsonl"), "--format", "prodigy"],
        "versions": ["versions"],
        "agreement": ["agreement"],
        "evaluate": ["evaluate", "--pred", str(tmp_path / "exports")],
        "train": ["train", "--out", str(tmp_path / "runs")],
    }


@pytest.mark.parametrize("way", ["--db", "ANNOTATE_DB"])
def test_every_command_that_cannot_connect_gives_one_coded_line_without_the_password(
    way: str,
    team_url: str,
    postgres: PostgresServer,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    everything_logged: Observed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commands = _failing_args(tmp_path)
    assert set(commands) == _commands()
    for case, (url, code) in _failing_urls(team_url, postgres).items():
        for args in commands.values():
            if way == "--db":
                args = [*args, "--db", url]
            else:
                monkeypatch.setenv("ANNOTATE_DB", url)
            status, output = run_main(args, capfd)
            assert status == 1, (case, args, output)
            one_error_line(output, code)
            _assert_hidden(output)
    assert "sqlalchemy" in everything_logged.text()  # the logs were really captured
    _assert_hidden(everything_logged.text())


@pytest.mark.parametrize("debug", ["--debug", "ANNOTATE_DEBUG=1"])
def test_debug_shows_the_traceback_with_the_password_masked(
    debug: str,
    team_url: str,
    postgres: PostgresServer,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for case, (url, code) in _failing_urls(team_url, postgres).items():
        args = ["status", "--db", url]
        if debug == "--debug":
            args.append("--debug")  # after the command, as people type it
        else:
            monkeypatch.setenv("ANNOTATE_DEBUG", "1")
        status, output = run_main(args, capfd)
        assert status == 1, (case, output)
        assert "Traceback (most recent call last)" in output, case
        assert output.rstrip().splitlines()[-1].startswith(f"error: [{code}]"), output
        _assert_hidden(output)


def test_the_real_command_hides_the_password_even_in_debug_output(
    team_url: str, postgres: PostgresServer
) -> None:
    wrong, code = _failing_urls(team_url, postgres)["wrong password"]
    for env in ({}, {"ANNOTATE_DEBUG": "1"}):
        process = subprocess.run(
            [sys.executable, "-m", "annotate.cli", "status"],
            env={**os.environ, "ANNOTATE_DB": wrong, **env},
            capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        )
        assert process.returncode == 1
        assert f"error: [{code}]" in process.stderr
        assert ("Traceback" in process.stderr) == bool(env)
        _assert_hidden(process.stdout, process.stderr)
    unreachable, code = _failing_urls(team_url, postgres)["unreachable port"]
    process = subprocess.run(
        [sys.executable, "-m", "annotate.cli", "versions", "--db", unreachable],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )
    assert process.returncode == 1 and process.stdout == ""
    # One line where there was a traceback of 146.
    assert process.stderr.count("\n") == 1 and f"error: [{code}]" in process.stderr
    _assert_hidden(process.stderr)


def test_python_api_errors_and_reprs_hide_the_password(
    team_url: str, postgres: PostgresServer, everything_logged: Observed
) -> None:
    project = open_project(team_url)
    shown = [repr(project), repr(project.store), str(project), repr(project.store.engine),
             str(project.store.engine.url)]
    _assert_hidden(*shown)
    assert f"{ROLE}:***@" in repr(project.store)
    project.close()
    for case, (url, code) in _failing_urls(team_url, postgres).items():
        with pytest.raises(AnnotateError) as caught:
            open_project(url)
        assert caught.value.code == code, case
        _assert_hidden(str(caught.value), repr(caught.value.fields), repr(caught.value.args))
        cause = caught.value.__cause__
        while cause is not None:  # what a traceback would show
            _assert_hidden(str(cause))
            cause = cause.__cause__
    assert "sqlalchemy" in everything_logged.text()  # the logs were really captured
    _assert_hidden(everything_logged.text())


def test_redaction_masks_passwords_in_every_spelling() -> None:
    url = "postgresql://ann:p%40ss:word@db.example:5432/gold?sslmode=require&password=q-secret"
    assert redact(url) == "postgresql://ann:***@db.example:5432/gold?sslmode=require&password=***"
    assert passwords_in(url) >= {"p%40ss:word", "p@ss:word", "q-secret"}
    assert redact("sqlite:////home/ann/p.db") == "sqlite:////home/ann/p.db"
    assert redact("postgresql://ann@db/gold") == "postgresql://ann@db/gold"
    text = "failed for p@ss:word and 'postgresql://x:other@h/db'"
    assert scrub(text, passwords_in(url)) == "failed for *** and 'postgresql://x:***@h/db'"
