"""Who annotates: argument, JupyterHub user, or a name typed once and remembered."""

from __future__ import annotations

import pytest

from annotate.errors import AnnotateError
from annotate.store import Store
from annotate.widgets import Annotator
from annotate.widgets.identity import remembered_path
from tests.support.pages import Browser
from tests.support.seed import SUGGESTER


def test_name_is_asked_once_then_remembered(project: Store) -> None:
    page = Browser(Annotator(project))
    assert page.widget.annotator == "" and page.widget._state["annotator"] == ""
    assert page.widget._spans == []
    refused = page("add_span", layer="entity", label="ORG", start=0, end=9)
    assert refused["code"] == "E601" and project.spans(annotator="") == []
    assert page("hello", name="   ")["code"] == "E601"
    page.ok("hello", name="  Zoë ")
    assert page.widget.annotator == "Zoë" and page.widget._state["annotator"] == "Zoë"
    assert page.spans(status="suggested")
    page.ok("add_span", layer="entity", label="ORG", start=0, end=9)
    assert [s.annotator for s in project.spans(annotator="Zoë")] == ["Zoë"]
    assert remembered_path().read_text(encoding="utf-8").strip() == "Zoë"
    assert Annotator(project).annotator == "Zoë"


def test_argument_then_jupyterhub_user(project: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert Annotator(project).annotator == "hubuser"
    assert Annotator(project, annotator="alice").annotator == "alice"


def test_suggester_default_and_choice(project: Store) -> None:
    assert Annotator(project, annotator="a").session.suggester == SUGGESTER
    newer = "spacy:other@1/suggest@1"
    doc = project.documents()[0]
    from tests.support.seed import suggestions_for

    project.store_suggestions(newer, [(doc, suggestions_for(doc.text))])
    assert Annotator(project, annotator="a").session.suggester == newer
    assert Annotator(project, annotator="a", suggester=SUGGESTER).session.suggester == SUGGESTER
    with pytest.raises(AnnotateError) as caught:
        Annotator(project, annotator="a", suggester="alice")
    assert caught.value.code == "E609" and SUGGESTER in str(caught.value)


def test_without_suggestions_accept_all_explains(tmp_path: object) -> None:
    from pathlib import Path

    from tests.support.seed import seed_project

    store = seed_project(Path(str(tmp_path)) / "bare.db", suggest=False)
    page = Browser(Annotator(store, annotator="alice"))
    assert page.widget._spans == [] and page.widget._state["suggester"] == ""
    assert page("accept_all", layer="entity")["code"] == "E606"
    store.close()


def test_opens_from_a_path_or_a_project(project: Store) -> None:
    from annotate.project import Project

    assert Annotator(project.url.removeprefix("sqlite:///"), annotator="a").doc_id
    assert Annotator(Project(project), annotator="a").store is project


def test_the_page_cannot_change_who_annotates(
    project: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With JUPYTERHUB_USER=alice, a crafted message used to switch the session to bob, who
    then lost spans, gained spans, a flag and hours he never made, all logged as his."""
    bob = Browser(Annotator(project, annotator="bob"))
    bob.ok("add_span", layer="entity", label="ORG", start=0, end=9)
    [bobs] = project.spans(annotator="bob")
    before = (project.spans(annotator="bob"), project.statuses(annotator="bob"),
              project.seconds_spent(annotator="bob"), len(project.events(annotator="bob")))
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    alice = Browser(Annotator(project))
    refused = alice("hello", name="bob")
    assert refused["code"] == "E625" and "'alice'" in refused["error"]
    assert alice.widget.annotator == "alice" and alice.widget.session.annotator == "alice"
    # The synced trait too: the page writing it changes nothing.
    alice.widget.annotator = "bob"
    assert alice.widget.annotator == "alice"
    # Everything alice does is hers; bob's work cannot even be reached.
    assert alice("reject", span_id=bobs.span_id)["code"] == "E610"
    alice.ok("add_span", layer="entity", label="ORG", start=0, end=9)
    alice.ok("status", status="flagged", comment="mine")
    alice.ok("time", doc_id=alice.widget.doc_id, seconds=3600)
    after = (project.spans(annotator="bob"), project.statuses(annotator="bob"),
             project.seconds_spent(annotator="bob"), len(project.events(annotator="bob")))
    assert after == before
    assert {e.actor for e in project.events(annotator="alice")} == {"alice"}
    # Switching person is explicit, in Python.
    alice.widget.switch_annotator("carol")
    assert alice.widget.annotator == "carol" and alice.widget._state["annotator"] == "carol"


@pytest.mark.parametrize(
    ("name", "code"),
    [("gold", "E126"), ("Gold", "E126"), ("spacy:en_core_web_sm@3.8.0/suggest@1", "E126"),
     ("projected:bob", "E126"), ("x" * 65, "E125"), ("al\x00ice", "E125"), ("al\u202eice", "E125"),
     ("<script>", "E125"), ("-dash", "E125")],
)
def test_reserved_and_malformed_names_are_refused_everywhere(
    project: Store, name: str, code: str
) -> None:
    page = Browser(Annotator(project))
    reply = page("hello", name=name)
    assert reply["code"] == code
    assert page.widget.annotator == ""
    with pytest.raises(AnnotateError) as caught:
        Annotator(project, annotator=name)
    assert caught.value.code == code
    with pytest.raises(AnnotateError) as caught:
        project.add_annotator(name)
    assert caught.value.code == code
    if name.casefold() != "gold":
        with pytest.raises(AnnotateError) as caught:
            project.add_span(annotator=name, doc_id=project.doc_ids()[0], layer="entity",
                             label="ORG", start=0, end=9)
        assert caught.value.code == code
    assert name not in {a["name"] for a in project.annotators()} or name == "gold"
