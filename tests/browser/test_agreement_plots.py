"""The agreement notebook in a real JupyterLab: each layer's pairwise heatmap is drawn at a size
one can read, even when an annotator has a 44-character name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotate.project import open_project
from tests.support.labserver import ROOT, Lab, NotebookPage
from tests.support.tables import annotate_sample

pytestmark = pytest.mark.browser

LONG = "annotator-with-a-very-long-name-from-the-hub"  # 44 characters
NOTEBOOK = ROOT / "notebooks" / "agreement.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("agreement-lab")
    db = folder / "project.db"
    project = open_project(db)
    project.ingest(ROOT / "corpus")
    for name in ("alice", LONG):
        annotate_sample(project.store, name)
    project.close()
    started = Lab.start(folder, db=db, annotator="alice", notebook=NOTEBOOK)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def page(lab: Lab, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    try:
        NotebookPage(lab, opened).open()
        opened.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        yield opened
    finally:
        context.close()
        lab.shutdown_kernels()


def test_each_layers_heatmap_is_drawn_at_a_readable_size(page: Any) -> None:
    assert len(LONG) == 44
    cell = page.locator(".jp-CodeCell").filter(has_text="plot_pairwise")
    images = cell.locator(".jp-OutputArea-output img")
    # Every cell has run: the last one (the HTML report) shows its execution count.
    page.wait_for_function(
        """() => { const cells = [...document.querySelectorAll('.jp-CodeCell')];
                   return /\\[\\d+\\]/.test(cells[cells.length - 1]
                     .querySelector('.jp-InputPrompt').textContent); }"""
    )
    images.first.wait_for(state="visible")
    widths = images.evaluate_all("(all) => all.map((img) => img.getBoundingClientRect().width)")
    # One heatmap per layer, each drawn at least 300 px wide (side by side, five layers were
    # about 130 px each, and a long name squeezed the cells to nothing).
    assert len(widths) == 5 and min(widths) >= 300, widths


def test_a_long_name_leaves_the_cells_their_room(tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    from annotate.scoring.agreement import agreement
    from annotate.scoring.report import _pairwise_size, plot_pairwise

    project = open_project(tmp_path / "p.db")
    project.ingest(ROOT / "corpus")
    for name in ("alice", LONG):
        annotate_sample(project.store, name)
    report = agreement(project)
    project.close()
    figure = Figure(figsize=_pairwise_size(report, "entity"))
    ax = plot_pairwise(report, layer="entity", ax=figure.subplots())
    figure.tight_layout()
    box = ax.get_position()
    width, height = figure.get_size_inches()
    # The grid of cells keeps at least 1.2 in of each side, the names beside it.
    assert box.width * width >= 1.2 and box.height * height >= 1.2
    assert all(len(t.get_text()) <= 20 for t in ax.get_xticklabels())
