"""Fixtures for the widget tests: seeded SQLite projects and a clean identity environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotate.store import Store
from annotate.widgets import Annotator
from tests.widgets.seed import seed_project


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


class Browser:
    """Stands in for the page: sends messages the way annotator.js does, keeps the replies."""

    def __init__(self, widget: Annotator) -> None:
        self.widget = widget
        self.sent: list[dict[str, Any]] = []
        self.count = 0
        widget.send = self.sent.append  # what the kernel would send back over the comm

    def __call__(self, kind: str, **fields: Any) -> dict[str, Any]:
        self.count += 1
        message = {"kind": kind, "id": f"t-{self.count}", **fields}
        # The exact callback anywidget's on_msg runs for a message from the page.
        self.widget._on_custom_msg(self.widget, message, [])
        assert self.sent, f"no reply to {kind}"
        reply = self.sent.pop()
        assert reply["id"] == message["id"] and reply["kind"] == kind
        return reply

    def ok(self, kind: str, **fields: Any) -> dict[str, Any]:
        reply = self(kind, **fields)
        assert "error" not in reply, reply["error"]
        return reply

    def spans(self, **where: Any) -> list[dict[str, Any]]:
        return [s for s in self.widget._spans if all(s.get(k) == v for k, v in where.items())]


@pytest.fixture
def alice(project: Store) -> Browser:
    return Browser(Annotator(project, annotator="alice"))
