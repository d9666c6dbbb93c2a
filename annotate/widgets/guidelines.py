"""Annotation guidelines: Markdown a project attaches, shown by `?` beside the keys.

The guidelines are one Markdown text kept as the project setting ``guidelines`` (so every
annotator's widget, on any machine, shows the same version). Headings that name a layer of
the scheme start that layer's part, and headings below it that name one of its labels start
that label's part; the widget's help shows the part for the active layer and the selected
span's label. Everything before the first layer heading is the introduction.

    # Our guidelines          <- introduction
    ## entity                 <- the entity layer
    Mark names as written.
    ### ORG                   <- the ORG label of the entity layer
    Companies, agencies, "India Today".

The page renders a small part of Markdown (paragraphs, lists, emphasis, code, links) from
text nodes only: guidelines are never inserted as markup.

>>> from annotate.widgets.guidelines import set_guidelines
>>> set_guidelines(project, "guidelines.md")   # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.scheme import Scheme
from ..errors import AnnotateError
from ..store import Store

if TYPE_CHECKING:
    from ..project import Project

SETTING = "guidelines"
MAX_CHARS = 200_000
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def set_guidelines(target: Project | Store, source: str | Path) -> None:
    """Attach guidelines to the project: ``source`` is a Markdown file's path or the text
    itself. The annotators' widgets show them from the next time they open."""
    store = target if isinstance(target, Store) else target.store
    text = _read(source)
    if len(text) > MAX_CHARS:
        raise AnnotateError("E627", length=len(text), limit=MAX_CHARS)
    store.set_setting(SETTING, text)


def guidelines_text(store: Store) -> str:
    value = store.get_setting(SETTING, "")
    return value if isinstance(value, str) else ""


def guidelines_view(store: Store, scheme: Scheme) -> dict[str, Any]:
    """The guidelines cut into parts: ``intro``, and per layer its ``text`` and ``labels``."""
    return split_guidelines(guidelines_text(store), scheme)


def split_guidelines(text: str, scheme: Scheme) -> dict[str, Any]:
    layers = {layer.name.lower(): layer for layer in scheme.layers}
    view: dict[str, Any] = {"intro": "", "layers": {}}
    current: list[str] = []
    where: tuple[str | None, str | None] = (None, None)
    layer_level = 0

    def close() -> None:
        body = "\n".join(current).strip("\n")
        layer, label = where
        if layer is None:
            view["intro"] = (view["intro"] + "\n\n" + body).strip("\n") if body else view["intro"]
            return
        part = view["layers"].setdefault(layer, {"text": "", "labels": {}})
        if label is None:
            part["text"] = (part["text"] + "\n\n" + body).strip("\n") if body else part["text"]
        else:
            before = part["labels"].get(label, "")
            part["labels"][label] = (before + "\n\n" + body).strip("\n") if body else before

    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            level, title = len(heading.group(1)), heading.group(2).strip()
            named = layers.get(title.lower())
            layer_now = where[0]
            labels = (
                {label.name.lower(): label.name for label in layers[layer_now].labels}
                if layer_now is not None and layer_now in layers
                else {}
            )
            if named is not None and (layer_now is None or level <= layer_level):
                close()
                current = []
                where = (named.name.lower(), None)
                layer_level = level
                continue
            if layer_now is not None and level > layer_level and title.lower() in labels:
                close()
                current = []
                where = (layer_now, labels[title.lower()])
                continue
            if layer_now is not None and level <= layer_level:
                # Another heading at the layer's level ends the layer's part.
                close()
                current = []
                where = (None, None)
        current.append(line)
    close()
    # Keyed by the scheme's own spelling of each layer name.
    view["layers"] = {
        layers[name].name: part for name, part in view["layers"].items() if name in layers
    }
    return view


def _read(source: str | Path) -> str:
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.endswith((".md", ".txt"))
    ):
        path = Path(source)
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AnnotateError(
                "E628", path=str(path), detail=exc.strerror or type(exc).__name__
            ) from exc
        except UnicodeDecodeError as exc:
            raise AnnotateError("E628", path=str(path), detail=f"not UTF-8 ({exc.reason})") from exc
    return str(source)
