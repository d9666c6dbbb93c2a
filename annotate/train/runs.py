"""Run folders: where a trained pipeline lives, and how one is written without a half-way state.

A run is a folder ``runs/<name>/`` holding ``model/`` (the spaCy pipeline, loadable with
``spacy.load``), ``config.cfg`` (the training config), ``corpus/`` (the train and dev DocBins
it learnt from), ``card.json`` and ``README.md`` (the model card) and, after a learning
curve, ``curve.json`` and ``curve.png``.

:func:`staging` trains into a hidden folder beside the destination and renames it into place
only when everything is written; an error or Ctrl-C removes it, so ``runs/<name>`` is either a
whole run or not there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AnnotateError

CARD = "card.json"
MODEL = "model"
KIND = "annotate-trained-pipeline"
CARD_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_name(name: str) -> str:
    """``name`` if it can name a run (a folder and part of an annotator name), else E224."""
    if not isinstance(name, str) or not _NAME.match(name):
        detail = "it has other characters" if isinstance(name, str) else "it is not text"
        raise AnnotateError("E224", name=name, detail=detail)
    return name


def is_run(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder a training run wrote (cheap: reads no model)."""
    folder = Path(path)
    return (folder / CARD).is_file() and (folder / MODEL).is_dir()


def digest(folder: Path) -> str:
    """A SHA-256 over every file of ``folder`` (relative paths and bytes), for the name a
    run's suggestions are stored under: new weights, new name."""
    sha = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        sha.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    return sha.hexdigest()


@dataclass(frozen=True, slots=True)
class Run:
    """A finished run folder and its model card."""

    path: Path
    card: dict[str, Any]

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Run:
        folder = Path(path)
        if not folder.is_dir():
            raise AnnotateError("E223", path=str(folder), detail="there is no such folder")
        if not is_run(folder):
            raise AnnotateError("E223", path=str(folder), detail=f"it has no {CARD} and {MODEL}/")
        try:
            card = json.loads((folder / CARD).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AnnotateError("E223", path=str(folder), detail=f"{CARD}: {exc}") from exc
        if not isinstance(card, dict) or card.get("kind") != KIND:
            raise AnnotateError("E223", path=str(folder), detail=f"{CARD} is not a model card")
        return cls(folder, card)

    @property
    def name(self) -> str:
        return str(self.card["name"])

    @property
    def model_path(self) -> Path:
        return self.path / MODEL

    @property
    def short_hash(self) -> str:
        return str(self.card["model_sha256"])[:12]

    def suggester_name(self, mode: str = "auto") -> str:
        """The model annotator its suggestions are stored under: ``trained:<name>@<hash>``
        (``/model`` added for the model's spans alone)."""
        base = f"trained:{self.name}@{self.short_hash}"
        return base if mode == "auto" else f"{base}/{mode}"

    def load_nlp(self) -> Any:
        """The trained spaCy pipeline (E226 if it cannot be loaded)."""
        import spacy


        try:
            return spacy.load(self.model_path)
        except Exception as exc:  # spaCy raises OSError, ValueError, KeyError, config errors
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise AnnotateError("E226", path=str(self.model_path), detail=detail) from exc


@contextlib.contextmanager
def staging(out: Path, name: str, *, force: bool = False) -> Iterator[Path]:
    """A hidden folder to write the run into, renamed to ``out/name`` when the block ends
    without an error; removed (with everything in it) on any error or interrupt.

    ``out/name`` existing is E222 unless ``force``, which replaces it only once the new run is
    complete.
    """
    check_name(name)
    final = out / name
    if final.exists() and not force:
        raise AnnotateError("E222", path=str(final))
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=out))
    try:
        yield work
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}.replaced-", dir=out))
            os.replace(final, old / name)
            os.replace(work, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
