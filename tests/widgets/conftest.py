"""Fixtures for the widget tests: seeded SQLite projects and a clean identity environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.store import Store
from annotate.widgets import Annotator
from tests.support.pages import Browser
from tests.support.seed import seed_project


@pytest.fixture(autouse=True)
def _no_identity_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Names come only from what a test sets; a remembered name goes to a temp folder.
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Store]:
    store = seed_project(tmp_path / "project.db")
    yield store
    store.close()




@pytest.fixture
def alice(project: Store) -> Browser:
    return Browser(Annotator(project, annotator="alice"))
