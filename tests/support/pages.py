"""Standing in for a widget's page: messages sent as the browser sends them, replies kept."""

from __future__ import annotations

from typing import Any

from annotate.widgets import Annotator


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
