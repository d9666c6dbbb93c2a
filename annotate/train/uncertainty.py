"""How unsure a trained suggester was about each document, kept in the project for queues.

``annotate suggest --model runs/NAME`` measures every document's uncertainty (see
:mod:`annotate.train.predict`) while it stores the suggestions; it is kept as the project
setting ``train.uncertainty:<digest of the suggester's name>``: the suggester's name and, per
document, the text hash it was measured on and the value. A document whose text changed since
has no uncertainty until it is suggested again.

This module imports nothing heavy: :mod:`annotate.assign` reads it to order queues.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..corpus import Document
    from ..store import Store


def setting_key(suggester: str) -> str:
    # Settings keys are short; a suggester's name may not be.
    return "train.uncertainty:" + hashlib.sha256(suggester.encode("utf-8")).hexdigest()[:24]


def record(store: Store, suggester: str, items: Iterable[tuple[Document, Any]]) -> int:
    """Keep the uncertainty of each ``(document, suggestions)`` whose suggestions carry one;
    returns how many were kept."""
    found = {
        document.doc_id: [document.text_sha256, float(suggestions.uncertainty)]
        for document, suggestions in items
        if getattr(suggestions, "uncertainty", None) is not None
    }
    if not found:
        return 0
    key = setting_key(suggester)
    current = store.get_setting(key) or {}
    docs = dict(current.get("docs") or {})
    docs.update(found)
    store.set_setting(key, {"suggester": suggester, "docs": docs})
    return len(found)


def uncertainties(store: Store, suggester: str) -> dict[str, float]:
    """doc_id -> uncertainty, for documents whose text is the one it was measured on."""
    current = store.get_setting(setting_key(suggester)) or {}
    hashes = store.document_hashes()
    return {
        doc_id: float(value)
        for doc_id, (sha, value) in (current.get("docs") or {}).items()
        if hashes.get(doc_id) == sha
    }
