"""How layer-qualified labels and names become file names and back.

Formats with one flat label set (brat types, Prodigy labels) carry the layer in the label:
``quote_DIRECT``, ``claim_QUANTITY``. Entities stay plain in Prodigy and CoNLL (``PERSON``), as
NER training expects; brat qualifies every layer (``entity_PERSON``) so its type list reads as
the scheme. A label splits back at the first ``_`` only when the prefix is a layer of the
scheme, so labels such as ``Restaurant_Name`` survive.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

SEPARATOR = "_"


def qualify(layer: str, label: str, *, plain_layer: str | None = "entity") -> str:
    """The flat label for ``label`` of ``layer``; ``plain_layer`` keeps its labels bare."""
    return label if layer == plain_layer else f"{layer}{SEPARATOR}{label}"


def split_qualified(name: str, layers: tuple[str, ...]) -> tuple[str | None, str]:
    """``(layer, label)`` where ``name`` is ``<known layer>_<label>``, else ``(None, name)``."""
    prefix, sep, rest = name.partition(SEPARATOR)
    if sep and rest and prefix in layers:
        return prefix, rest
    return None, name


def to_file_name(name: str) -> str:
    """A file-system-safe, reversible stand-in for a document id or annotator name.

    Annotator names such as ``spacy:en_core_web_sm@3.8.0/suggest@1`` hold characters no file
    name may; percent-encoding keeps them readable and :func:`from_file_name` undoes it.
    """
    encoded = quote(name, safe="@+=,")
    # A leading dot would hide the file (and "." or ".." would name a folder).
    return "%2E" + encoded[1:] if encoded.startswith(".") else encoded


def from_file_name(stem: str) -> str:
    return unquote(stem)
