"""Suggestions that learn from the team: train a spaCy pipeline from a project's gold.

>>> result = project.train(name="spring")                       # doctest: +SKIP
>>> project.suggest(model="runs/spring")                        # doctest: +SKIP

:func:`train_project` writes a run folder (the pipeline, its config, the data it learnt from
and a model card with dev scores); :class:`TrainedSuggester` turns a run into suggestions
stored under its own model annotator (``trained:<name>@<hash>``), combined with the rules
where they scored higher; :func:`annotate.train.curve` draws how dev F1 grows with gold.
"""

from __future__ import annotations

from .config import Settings
from .runs import Run, is_run
from .suggester import ScoredSuggestions, TrainedSuggester, load_suggester
from .trainer import TrainResult, train_project

__all__ = [
    "Run",
    "ScoredSuggestions",
    "Settings",
    "TrainResult",
    "TrainedSuggester",
    "is_run",
    "load_suggester",
    "train_project",
]
