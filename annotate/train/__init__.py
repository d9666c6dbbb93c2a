"""Suggestions that learn from the team: train a spaCy pipeline from a project's gold.

>>> result = project.train(name="spring")                       # doctest: +SKIP
>>> project.suggest(model="runs/spring")                        # doctest: +SKIP

:func:`train_project` writes a run folder (the pipeline, its config, the data it learnt from
and a model card with dev scores); :class:`TrainedSuggester` turns a run into suggestions
stored under its own model annotator (``trained:<name>@<hash>``), combined with the rules
where they scored higher. Names are imported on first use: spaCy loads only when needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import Settings
    from .runs import Run, is_run
    from .suggester import TrainedSuggester, load_suggester
    from .trainer import TrainResult, train_project

_WHERE = {
    "Settings": "config",
    "Run": "runs",
    "is_run": "runs",
    "TrainedSuggester": "suggester",
    "load_suggester": "suggester",
    "TrainResult": "trainer",
    "train_project": "trainer",
}

__all__ = [
    "Run",
    "Settings",
    "TrainResult",
    "TrainedSuggester",
    "is_run",
    "load_suggester",
    "train_project",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
