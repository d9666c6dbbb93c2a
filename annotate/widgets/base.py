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

# How the browser code reaches the page. The sources are ES modules in js/src/ that import
# each other (common/ for what both widgets share, annotator/ and review/ for each widget's
# own); esbuild bundles each widget into one module and one stylesheet here, in static/. A
# bundler rather than files joined as text: the imports show what depends on what, esbuild
# refuses a name that is not exported, and the inline source map gives the browser's debugger
# the source files and their line numbers. The bundles are committed, so users never need Node
# (tests/widgets/test_bundles.py fails when one is stale). anywidget gets paths, not text, so
# with ANYWIDGET_HMR=1 and `npm run watch` in js/, the page follows each edit to the sources.
STATIC = Path(__file__).parent / "static"


def browser_files(name: str) -> tuple[Path, Path]:
    """The ES module and stylesheet anywidget loads for the widget ``name``."""
    return STATIC / f"{name}.js", STATIC / f"{name}.css"


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
