"""The review widget: adjudicate annotators' work on a document into one ``gold`` version.

>>> import annotate
>>> from annotate.widgets import Reviewer
>>> Reviewer(annotate.open_project(), reviewer="lead")    # doctest: +SKIP

Agreements go into gold when a document opens; each disagreement is drawn with every
annotator's version and decided with one key: a number takes that annotator's version, ``e``
edits, ``x`` rejects, ``u`` undoes. Only a registered reviewer may use it
(``project.store.add_annotator("lead", role="reviewer")``).

A separate widget and ES module rather than a mode of the annotator: its keys mean other things
(a number picks an annotator, not a label), it draws units and versions rather than spans and
suggestions, and branching each of the annotator's handlers on a mode would put the annotator's
tested behaviour at risk with every change here. What both do alike comes from the same
places: the document view and message dispatcher here, and in the browser the shared modules
of ``js/src/common`` (message channel, drawing, forms, keys, notices).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import traitlets

from ..project import Project
from ..store import Store
from .annotator import store_of
from .base import SessionWidget, browser_files
from .identity import remember_annotator, resolve_annotator
from .messages import Outcome
from .review_messages import DOC, dispatch
from .review_session import ReviewSession


class Reviewer(SessionWidget):
    """Adjudicate a project's documents into ``gold`` in JupyterLab.

    ``reviewer`` is who decides; by default ``$JUPYTERHUB_USER``, else the name typed into the
    widget (asked once, then remembered). It must be a registered reviewer. ``annotators``
    limits whose work is merged (default: every person with work in the project).
    ``doc_id`` opens that document; by default the one the reviewer was last on. Only documents
    with work from two or more annotators are listed, unless ``all_documents`` is true.
    """

    # The reviewer's stylesheet is the annotator's with additions (js/src/review/review.css).
    _esm, _css = browser_files("review")

    reviewer = traitlets.Unicode("").tag(sync=True)
    doc_id = traitlets.Unicode("").tag(sync=True)

    _scheme = traitlets.Dict().tag(sync=True)
    _doc = traitlets.Dict().tag(sync=True)
    _spans: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _units: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _relations: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _state = traitlets.Dict().tag(sync=True)
    _docs: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)

    def __init__(
        self,
        project_or_store: Project | Store | str | os.PathLike[str] | None = None,
        *,
        reviewer: str | None = None,
        annotators: Sequence[str] | None = None,
        doc_id: str | None = None,
        all_documents: bool = False,
    ) -> None:
        store = store_of(project_or_store)
        self._session = ReviewSession(
            store,
            reviewer=resolve_annotator(reviewer),
            annotators=annotators,
            doc_id=doc_id,
            all_documents=all_documents,
        )
        super().__init__(_scheme=store.scheme.to_dict(), **self._views(DOC))
        self._listen()

    @property
    def session(self) -> ReviewSession:
        return self._session

    @property
    def store(self) -> Store:
        return self._session.store

    # --- messages from the browser: see SessionWidget.handle ---------------------------------
    def _dispatch(self, message: Any) -> Outcome:
        return dispatch(self._session, message)

    def _views(self, parts: frozenset[str]) -> dict[str, Any]:
        session = self._session
        values: dict[str, Any] = {}
        if "doc" in parts:
            values["_doc"] = session.document_view()
            values["doc_id"] = session.doc_id
            values["reviewer"] = session.reviewer or ""
        if "spans" in parts:
            values["_spans"], values["_units"] = session.views()
        if "relations" in parts:
            values["_relations"] = session.relations_view()
        if "state" in parts:
            values["_state"] = session.state_view(values.get("_units"))
        if "docs" in parts:
            values["_docs"] = session.docs_view()
        return values

    # --- the notebook side -------------------------------------------------------------------
    def switch_reviewer(self, name: str) -> None:
        """Review as ``name`` from now on (the page itself cannot change who reviews)."""
        self._session.switch_reviewer(name)
        remember_annotator(name.strip())
        with self.hold_sync():
            for trait, value in self._views(DOC).items():
                setattr(self, trait, value)

    @traitlets.validate("reviewer")
    def _reviewer_is_the_sessions(self, proposal: dict[str, Any]) -> str:
        # Synced with the page, which must not change who reviews (see Annotator).
        session = getattr(self, "_session", None)
        return (session.reviewer or "") if session is not None else str(proposal["value"])

    @traitlets.observe("doc_id")
    def _doc_id_set(self, change: dict[str, Any]) -> None:
        # Setting ``reviewer.doc_id = "..."`` in the notebook opens that document.
        if change["new"] and change["new"] != self._session.doc_id:
            try:
                self._session.goto(change["new"])
            except Exception:
                self.set_trait("doc_id", self._session.doc_id)
                raise
            with self.hold_sync():
                for name, value in self._views(DOC).items():
                    setattr(self, name, value)
