"""Shared fixtures: real SQLite files in temp folders and a real PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.store import Store
from tests.support.paths import CORPUS, ROOT
from tests.support.pgserver import PostgresServer


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_project_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never touch a developer's real project database.
    monkeypatch.delenv("ANNOTATE_DB", raising=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database on each back end."""
    if request.param == "sqlite":
        return str(tmp_path / "project.db")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store(db_url)
    yield store
    store.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    """A store holding the two seed articles."""
    from annotate.corpus.ingest import ingest

    ingest(store, [CORPUS])
    return store


def pytest_report_header() -> list[str]:
    return [f"annotate tests, root {ROOT}, pid {os.getpid()}"]
