"""A real JupyterLab and headless Chromium for the annotator's end-to-end tests.

One lab server, one browser and one open notebook per test module keep the suite fast: the
notebook is run once, each test goes to the document it needs, and the kernels are shut down
when the module is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.labserver import ANNOTATOR, CHROMIUM, Lab, NotebookPage, launch_chromium
from tests.support.seed import seed_project


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A missing browser is a failure, not a skip: ./test installs Chromium.
    if not Path(CHROMIUM).exists() and any("browser" in item.keywords for item in items):
        raise pytest.UsageError(
            f"no Chromium at {CHROMIUM}: run ./test (or scripts/setup --test), which installs it"
        )


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("lab")
    db = folder / "project.db"
    seed_project(db).close()
    started = Lab.start(folder, db=db, annotator=ANNOTATOR)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        chromium = launch_chromium(driver, tmp_path_factory.mktemp("chromium-home"))
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        driver.stop()


@pytest.fixture(scope="module")
def notebook(lab: Lab, browser: Any, request: pytest.FixtureRequest) -> Iterator[NotebookPage]:
    """The notebook open and run once per module; tests go to the document they need. A module
    about another widget names its root's test id in ``WIDGET_TESTID``."""
    testid = getattr(request.module, "WIDGET_TESTID", "annotator")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        opened = NotebookPage(lab, page, testid=testid).open()
        opened.run_all()
        yield opened
    finally:
        context.close()
        lab.shutdown_kernels()


@pytest.fixture
def nb(notebook: NotebookPage) -> NotebookPage:
    """The shared notebook with no link mode, selection or message left from a test before,
    and the entity layer active."""
    notebook.press("Escape", "e")
    return notebook
