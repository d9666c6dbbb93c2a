"""Running a notebook headless with nbclient and talking to the widget it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient


def notebook_client(nb: Any, folder: Path) -> NotebookClient:
    return NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )


def widget_model_id(nb: Any) -> str:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                return str(output["data"][WIDGET_VIEW]["model_id"])
    raise AssertionError("the notebook shows no widget")


def run_in_kernel(client: NotebookClient, nb: Any, source: str) -> str:
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.append(cell)
    client.execute_cell(cell, len(nb.cells) - 1)
    return "".join(o.get("text", "") for o in cell.outputs)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
