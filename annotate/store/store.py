"""The Store: the only thing that touches the database.

Every user action is one transaction that writes the new state and an append-only event with
the rows before and after, so undo, audit, time-per-document and crash safety come from one log.

The Store's methods are grouped by job, one module each: the connection and transaction frame
(:mod:`.base`), documents and imports (:mod:`.api_documents`), user actions with undo and redo
(:mod:`.api_actions`), model suggestions (:mod:`.api_suggestions`), adjudication
(:mod:`.api_adjudication`), reads (:mod:`.api_reads`) and the annotator's queue
(:mod:`.api_queue`). The functions that run inside one
transaction live in the modules those call (:mod:`.actions`, :mod:`.adjudication`, ...).
"""

from __future__ import annotations

from .api_actions import UNDOABLE, ActionMethods
from .api_adjudication import AdjudicationMethods
from .api_documents import DocumentMethods
from .api_queue import QueueMethods
from .api_reads import ReadMethods
from .api_suggestions import SuggestionMethods

__all__ = ["UNDOABLE", "Store"]


class Store(
    ActionMethods,
    AdjudicationMethods,
    SuggestionMethods,
    DocumentMethods,
    ReadMethods,
    QueueMethods,
):
    """Annotations in a SQLite file (default) or any SQLAlchemy database URL (PostgreSQL).

    >>> store = Store("project.db")                       # doctest: +SKIP
    >>> store = Store("postgresql://user@host/annotate")  # doctest: +SKIP
    """
