"""What the annotator and review widgets share: answering the page's messages.

The page sends ``{kind, id, ...}``; the widget's session acts on it and says which views
changed. Those views are pushed to the page first, in one update, so the page has redrawn by
the time the reply arrives and tells it what to select.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget

from .messages import Outcome

STATIC = Path(__file__).parent / "static"


def browser_module(name: str) -> str:
    """The ES module anywidget loads for a widget: the shared pieces in common.js, then the
    widget's own file. anywidget loads one module and nothing is bundled, so the two are
    joined here."""
    common = (STATIC / "common.js").read_text(encoding="utf-8")
    return common + "\n" + (STATIC / name).read_text(encoding="utf-8")


class SessionWidget(anywidget.AnyWidget):
    """An anywidget whose browser messages are answered by a session object."""

    def _dispatch(self, message: Any) -> Outcome:
        raise NotImplementedError

    def _views(self, parts: frozenset[str]) -> dict[str, Any]:
        raise NotImplementedError

    def _listen(self) -> None:
        self.on_msg(self._on_custom_msg)

    def handle(self, message: Any) -> dict[str, Any] | None:
        """Act on one message from the browser and return the reply (``None``: ignored)."""
        outcome = self._dispatch(message)
        if outcome.changed:
            with self.hold_sync():
                for name, value in self._views(outcome.changed).items():
                    setattr(self, name, value)
        return outcome.reply

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        reply = self.handle(content)
        if reply is not None:
            self.send(reply)
