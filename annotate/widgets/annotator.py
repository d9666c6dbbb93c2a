"""The annotator widget: read an article, accept or fix suggestions, add spans and links.

>>> import annotate
>>> from annotate.widgets import Annotator
>>> Annotator(annotate.open_project())          # doctest: +SKIP

Everything lives in one anywidget rather than a box of ipywidgets: the keyboard map needs one
focus scope that sees every key (and tells JupyterLab to keep its shortcuts off), the toolbar,
progress and side panel all redraw from the same state, and one message channel keeps every
action's reply, error and redraw in order.
"""

from __future__ import annotations

import os
from typing import Any

import traitlets

from ..core.names import check_person_name
from ..project import Project, open_project
from ..store import Store
from .base import SessionWidget, browser_files
from .guidelines import guidelines_view
from .identity import remember_annotator, resolve_annotator
from .messages import DOC, NOTHING, Outcome, dispatch, require, run_message
from .session import Session, WidgetError


class Annotator(SessionWidget):
    """Annotate a project's documents in JupyterLab, saving every action as it is made.

    ``annotator`` is the name the work is saved under; by default ``$JUPYTERHUB_USER``, else
    the name typed into the widget (asked once, then remembered). ``suggester`` is the model
    annotator whose suggestions are shown (default: the newest one that has suggestions).
    ``doc_id`` opens that document; by default the one the annotator was last on.
    """

    _esm, _css = browser_files("annotator")

    annotator = traitlets.Unicode("").tag(sync=True)
    doc_id = traitlets.Unicode("").tag(sync=True)
    # The active layer is the page's own state (the browser writes it); kept here so a second
    # view of the widget and the notebook see the same one.
    layer = traitlets.Unicode("").tag(sync=True)

    _scheme = traitlets.Dict().tag(sync=True)
    _doc = traitlets.Dict().tag(sync=True)
    _spans: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _relations: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _state = traitlets.Dict().tag(sync=True)
    # The documents around the open one and the progress; apart from _state so that it is sent
    # only when a status changes or the page moves, not with every action. Never the corpus.
    _queue = traitlets.Dict().tag(sync=True)
    # The project's guidelines cut into parts per layer and label (see guidelines.py).
    _guidelines = traitlets.Dict().tag(sync=True)
    # The open document's other versions; empty (not "ready") until the page asks for them.
    _versions = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        project_or_store: Project | Store | str | os.PathLike[str] | None = None,
        *,
        annotator: str | None = None,
        suggester: str | None = None,
        doc_id: str | None = None,
    ) -> None:
        store = store_of(project_or_store)
        self._session = Session(
            store, annotator=resolve_annotator(annotator), suggester=suggester, doc_id=doc_id
        )
        scheme = store.scheme.to_dict()
        super().__init__(
            _scheme=scheme,
            layer=scheme["layers"][0]["name"],
            _guidelines=guidelines_view(store, store.scheme),
            **self._views(DOC),
        )
        self._listen()

    @property
    def session(self) -> Session:
        return self._session

    @property
    def store(self) -> Store:
        return self._session.store

    # --- messages from the browser: see SessionWidget.handle ---------------------------------
    def _dispatch(self, message: Any) -> Outcome:
        if isinstance(message, dict) and message.get("kind") == "switch_hint":
            return run_message(self, message, _OWN, refused=NOTHING)
        return dispatch(self._session, message)

    def switch_hint(self, name: str) -> dict[str, Any]:
        """The line that switches who annotates, for the page to show (it never switches).

        Who annotates is decided by code run in the notebook, never by a message from the page:
        on JupyterHub the page is a person's own browser, and letting a click or a stray key
        put work under another name would split one person's work in two, or let anyone write
        as anyone (a reviewer's gold included). So the page offers the switch as this line,
        with the widget's own variable name, to run in a cell.
        """
        name = name.strip()
        if not name:
            raise WidgetError("E601")
        check_person_name(name)
        if name == self._session.annotator:
            raise WidgetError("E629", name=name)
        variable = _variable_name(self) or "widget"
        return {"name": name, "call": f"{variable}.switch_annotator({name!r})"}

    def _views(self, parts: frozenset[str]) -> dict[str, Any]:
        session = self._session
        values: dict[str, Any] = {}
        if "doc" in parts:
            values["_doc"] = session.document_view()
            values["doc_id"] = session.doc_id
            values["annotator"] = session.annotator or ""
        if "spans" in parts:
            values["_spans"] = session.spans_view()
        if "relations" in parts:
            values["_relations"] = session.relations_view()
        if "state" in parts:
            values["_state"] = session.state_view()
        if "docs" in parts:
            values["_queue"] = session.queue_view()
        if "versions" in parts:
            values["_versions"] = session.versions_view()
        return values

    # --- the notebook side -------------------------------------------------------------------
    def switch_annotator(self, name: str) -> None:
        """Annotate as ``name`` from now on (the page itself cannot change who annotates)."""
        self._session.switch_annotator(name)
        remember_annotator(name.strip())
        with self.hold_sync():
            for trait, value in self._views(DOC).items():
                setattr(self, trait, value)

    @traitlets.validate("annotator")
    def _annotator_is_the_sessions(self, proposal: dict[str, Any]) -> str:
        # The trait is synced with the page, which must not change who annotates: whatever
        # the page writes, the trait says the session's annotator.
        session = getattr(self, "_session", None)
        return (session.annotator or "") if session is not None else str(proposal["value"])

    @traitlets.validate("layer")
    def _valid_layer(self, proposal: dict[str, Any]) -> str:
        # A layer the scheme does not have keeps the one there was.
        names = [layer["name"] for layer in self._scheme.get("layers", [])]
        value = str(proposal["value"])
        if not names or value in names:
            return value
        return self.layer if self.layer in names else names[0]

    @traitlets.observe("doc_id")
    def _doc_id_set(self, change: dict[str, Any]) -> None:
        # Setting ``widget.doc_id = "..."`` in the notebook opens that document.
        if change["new"] and change["new"] != self._session.doc_id:
            try:
                self._session.goto(change["new"])
            except Exception:
                self.set_trait("doc_id", self._session.doc_id)
                raise
            with self.hold_sync():
                for name, value in self._views(DOC).items():
                    setattr(self, name, value)


_OWN = {
    "switch_hint": (
        lambda w, m: w.switch_hint(require(m, "name", str, "a name")),
        NOTHING,
    ),
}


def _variable_name(widget: Annotator) -> str | None:
    """The notebook's name for the widget, if the kernel is IPython and it has one."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - anywidget needs IPython
        return None
    shell = get_ipython()
    if shell is None:
        return None
    for name, value in shell.user_ns.items():
        if value is widget and name.isidentifier() and not name.startswith("_"):
            return str(name)
    return None


def store_of(source: Project | Store | str | os.PathLike[str] | None) -> Store:
    """The store behind a project, a store, a path or URL, or the default project."""
    if isinstance(source, Store):
        return source
    if isinstance(source, Project):
        return source.store
    return open_project(source).store
