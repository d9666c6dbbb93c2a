"""The message format: unknown kinds ignored, bad fields refused, failures shown, never lost."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.errors import StoreError
from annotate.store import Store
from tests.support.pages import Browser


def test_unknown_kinds_and_non_messages_are_ignored(alice: Browser) -> None:
    for message in ({"kind": "launch_rockets", "id": "1"}, "hello", None, [1, 2], {"id": "2"}):
        alice.widget._on_custom_msg(alice.widget, message, [])
    assert alice.sent == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"layer": "entity", "label": "ORG", "start": "0", "end": 9}, "start"),
        ({"layer": "entity", "label": "ORG", "start": 0, "end": True}, "end"),
        ({"layer": "", "label": "ORG", "start": 0, "end": 9}, "layer"),
        ({"label": "ORG", "start": 0, "end": 9}, "layer"),
    ],
)
def test_malformed_fields_are_refused(
    alice: Browser, project: Store, fields: dict[str, Any], field: str
) -> None:
    reply = alice("add_span", **fields)
    assert reply["code"] == "E602" and repr(field) in reply["error"]
    assert project.spans(annotator="alice") == []


def test_a_failed_save_is_answered_with_its_message(
    alice: Browser, project: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(**_: Any) -> None:
        raise StoreError("E119", seconds=5)

    monkeypatch.setattr(project, "add_span", busy)
    reply = alice("add_span", layer="entity", label="ORG", start=0, end=9)
    assert reply["code"] == "E119" and "Nothing was lost; try the action again" in reply["error"]


def test_an_unexpected_failure_is_answered_too(
    alice: Browser, project: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(project, "accept_suggestion", broken)
    reply = alice("accept", span_id=alice.spans(status="suggested")[0]["id"])
    assert reply["code"] == "E608" and "RuntimeError: disk on fire" in reply["error"]


def test_ping_is_answered_without_touching_the_store(alice: Browser, project: Store) -> None:
    before = project.counts()
    assert alice.ok("ping") == {"kind": "ping", "id": "t-1"}
    assert project.counts() == before


def test_the_page_may_set_the_active_layer_but_only_to_a_real_one(alice: Browser) -> None:
    alice.widget.layer = "quote"
    assert alice.widget.layer == "quote"
    alice.widget.layer = "topic"
    assert alice.widget.layer == "quote"


def test_spacy_stays_out_of_the_widget_import() -> None:
    import subprocess
    import sys

    code = "import sys, annotate.widgets; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_document_list_is_sent_only_when_it_changes(alice: Browser) -> None:
    sent: list[str] = []
    alice.widget.observe(lambda change: sent.append(change["name"]), names=["_queue", "_state"])
    alice.ok("add_span", layer="entity", label="ORG", start=0, end=9)
    assert sent == ["_state"]  # can_undo changed; the list of documents did not
    alice.ok("status", status="done", undecided="accept")
    assert sent[1:] == ["_state", "_queue"]
