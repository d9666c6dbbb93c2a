"""Runs trained once per test session and shared: training takes seconds, not milliseconds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotate.project import Project
from annotate.train import TrainResult
from tests.support.training import QUICK, fashion_project, news_project


@dataclass
class Trained:
    project: Project
    result: TrainResult
    folder: Path

    @property
    def card(self) -> dict:  # type: ignore[type-arg]
        return self.result.card


@pytest.fixture(scope="session")
def news(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trained]:
    """Generated news gold (40 articles, every layer), trained with the rules measured too."""
    folder = tmp_path_factory.mktemp("news")
    project = news_project(folder / "news.db")
    result = project.train(name="news", out=folder / "runs", settings=QUICK, progress=False)
    yield Trained(project, result, folder)
    project.close()


@pytest.fixture(scope="session")
def fashion(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trained]:
    """Prodigy's fashion-brands answers (the first 250), entities only."""
    folder = tmp_path_factory.mktemp("fashion")
    project = fashion_project(folder / "fashion.db", 250)
    result = project.train(name="brands", out=folder / "runs", settings=QUICK, progress=False)
    yield Trained(project, result, folder)
    project.close()
