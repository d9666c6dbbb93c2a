"""Versions of an article in the annotator: listed, compared, and the annotator's own work
carried over as suggestions that are accepted like any other."""

from __future__ import annotations

import pytest

from annotate.store import Store
from annotate.widgets import Annotator
from tests.support.pages import Browser
from tests.support.seed import XSS_ID

FIRST, SECOND = "384a15b6b5dbf696", "6e2f5a79d01a0de2"
PROJECTED = "projected:alice"
QUOTE = "“At times we said that yes, we can discuss this, but to that we can’t agree,”"
# Unchanged in the rewrite (carried), and a sentence the rewrite dropped (left out).
ALICE = [
    ("quote", "DIRECT", QUOTE),
    ("entity", "PERSON", "Yuri Ushakov"),
    ("claim", "QUANTITY", "Moscow controls around 85% of Donbas."),
]


@pytest.fixture
def second(project: Store) -> Browser:
    """Alice annotated the first version and opens the second."""
    text = project.document(FIRST).text
    for layer, label, words in ALICE:
        start = text.index(words)
        project.add_span(
            annotator="alice",
            doc_id=FIRST,
            layer=layer,
            label=label,
            start=start,
            end=start + len(words),
        )
    return Browser(Annotator(project, annotator="alice", doc_id=SECOND))


def test_versions_are_found_only_when_first_needed(second: Browser) -> None:
    assert second.widget._versions == {
        "doc_id": SECOND,
        "ready": False,
        "items": [],
        "default": None,
    }
    reply = second.ok("versions")
    assert reply["count"] == 1
    view = second.widget._versions
    assert view["ready"] and view["doc_id"] == SECOND and view["default"] == FIRST
    [first] = view["items"]
    assert first["doc_id"] == FIRST and first["title"].startswith("President Vladimir Putin")
    assert 0.4 <= first["similarity"] <= 0.7
    assert first["percent"] == round(100 * first["similarity"])
    assert (first["spans"], first["status"]) == (3, None)


def test_versions_are_computed_once_per_session(
    second: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    second.ok("versions")
    import annotate.versions

    def again(*_: object, **__: object) -> None:
        raise AssertionError("versions were looked for twice")

    monkeypatch.setattr(annotate.versions, "find_versions", again)
    second.ok("goto", to=FIRST)
    assert [v["doc_id"] for v in second.widget._versions["items"]] == [SECOND]
    second.ok("diff")
    second.ok("goto", to=SECOND)
    assert second.widget._versions["ready"]


def test_a_document_without_versions_says_so(project: Store) -> None:
    page = Browser(Annotator(project, annotator="alice", doc_id=XSS_ID))
    assert page.ok("versions")["count"] == 0
    assert page.widget._versions["items"] == [] and page.widget._versions["ready"]
    assert page("diff")["code"] == "E622"
    assert page("project_version")["code"] == "E622"


def test_diff_returns_segments_that_tile_the_document(second: Browser) -> None:
    reply = second.ok("diff", other=FIRST)
    assert (reply["other"], reply["doc_id"]) == (FIRST, SECOND)
    segments = reply["segments"]
    text = second.widget._doc["text"]
    assert "".join(s["target_text"] for s in segments) == text
    new = [s["target_text"] for s in segments if s["op"] in ("insert", "replace")]
    assert "take back" in new
    first_text = second.widget.store.document(FIRST).text
    assert any(len(piece) > 3 and piece not in first_text for piece in new)
    assert second("diff", other=XSS_ID)["code"] == "E623"
    assert second("diff", other=SECOND)["code"] == "E623"


def test_carrying_makes_suggestions_the_page_shows(second: Browser, project: Store) -> None:
    model_suggestions = len(second.spans(status="suggested"))
    reply = second.ok("project_version")
    assert reply["source"] == FIRST and reply["suggester"] == PROJECTED
    assert (reply["carried"], reply["left_out_count"]) == (2, 1)
    [left] = reply["left_out"]
    assert (left["layer"], left["text"], left["reason"]) == (
        "claim",
        "Moscow controls around 85% of Donbas.",
        "sentence_removed",
    )
    stored = project.spans(doc_id=SECOND, annotator=PROJECTED)
    assert {s.text for s in stored} == {QUOTE, "Yuri Ushakov"}
    assert all(s.origin == "projected" for s in stored)
    shown = second.spans(origin="projected")
    assert {(s["text"], s["status"]) for s in shown} == {
        (QUOTE, "suggested"),
        ("Yuri Ushakov", "suggested"),
    }
    assert all(s["reason"].startswith("your span on another version") for s in shown)
    # The model's suggestions are still there beside them.
    assert len(second.spans(status="suggested")) == model_suggestions + 2
    # Nothing is in alice's work until she accepts it.
    assert project.spans(doc_id=SECOND, annotator="alice") == []
    again = second.ok("project_version", source=FIRST)
    assert again["already_projected"] and len(project.spans(annotator=PROJECTED)) == 2


def test_accepting_a_carried_span_records_where_it_came_from(
    second: Browser, project: Store
) -> None:
    second.ok("project_version", source=FIRST)
    [ushakov] = second.spans(origin="projected", text="Yuri Ushakov")
    accepted = second.ok("accept", span_id=ushakov["id"])
    [span] = project.spans(doc_id=SECOND, annotator="alice")
    assert span.span_id == accepted["span_id"]
    assert (span.origin, span.source_span_id, span.text) == (
        "suggested",
        ushakov["id"],
        "Yuri Ushakov",
    )
    assert second.spans(text="Yuri Ushakov", status="accepted")
    assert not second.spans(text="Yuri Ushakov", status="suggested")
    # The strip now counts alice's work on the first version only; this one is not listed.
    assert [v["doc_id"] for v in second.widget._versions["items"]] == [FIRST]


def test_accept_all_takes_one_suggester_per_press(second: Browser, project: Store) -> None:
    second.ok("project_version")
    entities = second.spans(layer="entity", status="suggested")
    model = [s for s in entities if s["origin"] != "projected"]
    assert model and len(entities) == len(model) + 1
    # One press, one suggester, one step of undo: the model's first, then the carried ones.
    assert len(second.ok("accept_all", layer="entity")["span_ids"]) == len(model)
    assert len(second.ok("accept_all", layer="entity")["span_ids"]) == 1
    assert "Yuri Ushakov" in {s.text for s in project.spans(doc_id=SECOND, annotator="alice")}
    second.ok("undo")
    assert second.spans(layer="entity", status="suggested", text="Yuri Ushakov")
    assert len(project.spans(doc_id=SECOND, annotator="alice")) == len(model)


def test_nothing_to_carry_is_refused(project: Store) -> None:
    page = Browser(Annotator(project, annotator="bob", doc_id=SECOND))
    reply = page("project_version", source=FIRST)
    assert reply["code"] == "E624" and FIRST in reply["error"]
    assert project.spans(annotator="projected:bob") == []


def test_carried_work_never_becomes_the_default_suggester(second: Browser, project: Store) -> None:
    second.ok("project_version")
    reopened = Annotator(project, annotator="alice", doc_id=SECOND)
    assert reopened.session.suggester != PROJECTED
    assert reopened.session.suggesters()[-1] == PROJECTED
