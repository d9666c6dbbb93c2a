"""Gold to train on, for the training tests and the browser test of a trained suggester.

Every project here is built the way a team's is: documents and gold imported from a file a
reviewer brings in (a DocBin in annotate's own format, or Prodigy's JSONL), so training reads
what ``project.tables(annotator="gold", status="done")`` gives.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from annotate import open_project
from annotate.formats.docbin import write_docbin
from annotate.project import Project
from annotate.train.config import Settings
from annotate.train.synthetic import Article, generate, tables

ROOT = Path(__file__).resolve().parents[2]
PEER = ROOT.parent / "shared" / "peer-data" / "prodigy"
FASHION = PEER / "ner_manual_fashion_brands_eval.jsonl"
REVIEWER = "lead"
# Small and quick: a test trains for seconds, not minutes.
QUICK = Settings(max_epochs=8, max_words=None)


def gold_project(path: Path, frames: dict[str, Any]) -> Project:
    """A project at ``path`` holding ``frames`` as gold, imported by a reviewer."""
    project = open_project(str(path))
    project.store.add_annotator(REVIEWER, role="reviewer")
    folder = path.parent / f"{path.stem}-gold"
    write_docbin(frames, folder)
    project.import_file(folder / "annotations.spacy", format="spacy", annotator="gold",
                        reviewer=REVIEWER)  # fmt: skip
    return project


def news_articles(n: int, *, seed: int = 1) -> list[Article]:
    return list(generate(n, seed=seed, sentences=(4, 9)))


def news_project(path: Path, n: int = 40, *, seed: int = 1) -> Project:
    """``n`` generated news articles with gold entities, quotes, sources, cues and claims."""
    return gold_project(path, tables(news_articles(n, seed=seed)))


def fashion_project(path: Path, rows: int) -> Project:
    """The first ``rows`` answers of Prodigy's fashion-brands set as gold (brands as ORG)."""
    part = path.parent / f"{path.stem}-fashion.jsonl"
    with FASHION.open(encoding="utf-8") as source:
        part.write_text("".join(itertools.islice(source, rows)), encoding="utf-8")
    project = open_project(str(path))
    project.store.add_annotator(REVIEWER, role="reviewer")
    project.import_file(part, format="prodigy", annotator="gold", reviewer=REVIEWER,
                        label_map={"FASHION_BRAND": "ORG"})  # fmt: skip
    return project
