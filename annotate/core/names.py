"""Who may be named what: people, the adjudicated ``gold``, and machine annotators.

A name decides whose work a row is and what may change it, so the store checks every name it
registers. People get short names of letters, digits and a few separators; ``gold`` is the
reviewers' shared work; a name with a colon (``spacy:en_core_web_sm@3.8.0/suggest@1``,
``projected:alice``) belongs to a machine. No person, widget message or import file can take
one of the reserved names, so nothing can write gold or a model's suggestions by calling
itself that.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import StoreError

GOLD = "gold"
MAX_PERSON_NAME = 64
# Letters and digits of any script, then also spaces and . _ - @ + ' (e-mail-like logins,
# "Anna-Lena O'Neill"). No colon or slash: those mark machine annotators.
_PERSON = re.compile(r"^[^\W_][\w .@+'-]*$")


def is_machine_name(name: str) -> bool:
    """Model and projection annotators carry a ``kind:`` prefix."""
    return ":" in name


def check_characters(name: str) -> None:
    """E125 for a name no annotator can have (control characters, over the column's width):
    checked before the name is even looked up, so every back end answers alike."""
    if len(name) > 200 or any(unicodedata.category(ch).startswith("C") for ch in name):
        detail = "it is too long or holds control or invisible characters"
        raise StoreError("E125", name=name[:80], detail=detail)


def check_person_name(name: object) -> str:
    """``name`` if a person may use it, else E125 (malformed) or E126 (reserved)."""
    if not isinstance(name, str):
        raise StoreError("E125", name=name, detail=f"it is {type(name).__name__}, not text")
    if not name or name != name.strip():
        raise StoreError("E125", name=name, detail="it is empty or has spaces around it")
    if len(name) > MAX_PERSON_NAME:
        detail = f"it has {len(name)} characters, more than {MAX_PERSON_NAME}"
        raise StoreError("E125", name=name[:80], detail=detail)
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise StoreError("E125", name=name, detail="it holds control or invisible characters")
    if name.casefold() == GOLD or is_machine_name(name):
        raise StoreError("E126", name=name)
    if not _PERSON.match(name):
        raise StoreError(
            "E125",
            name=name,
            detail="use letters, digits, spaces and . _ - @ + ' (starting with a letter or digit)",
        )
    return name


def check_machine_name(name: object) -> str:
    """``name`` if a model or projection may use it (``kind:identifier``), else E125."""
    if not isinstance(name, str) or not is_machine_name(name) or name != name.strip():
        detail = "a machine annotator's name is 'kind:identifier'"
        raise StoreError("E125", name=name, detail=detail)
    check_characters(name)
    return name
