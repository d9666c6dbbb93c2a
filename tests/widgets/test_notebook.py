"""The annotation notebook, run headless by a real kernel (no browser): it opens the project
from ANNOTATE_DB, shows the widget, acts on a message sent over the widget's comm exactly as the
page sends it, and a second kernel finds the work again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

from annotate.store import Store
from tests.support.notebooks import notebook_client, run_in_kernel, widget_model_id
from tests.support.seed import ROOT, seed_project

NOTEBOOK = ROOT / "notebooks" / "annotate.ipynb"








@pytest.mark.slow
def test_notebook_runs_and_the_kernel_saves_what_the_page_sends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "project.db"
    seed_project(db).close()
    monkeypatch.setenv("ANNOTATE_DB", str(db))
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = notebook_client(nb, tmp_path)
    with client.setup_kernel():
        for index, cell in enumerate(list(nb.cells)):
            client.execute_cell(cell, index)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == []
        model_id = widget_model_id(nb)
        doc_id, start, end = json.loads(
            run_in_kernel(
                client,
                nb,
                "import json; t = widget._doc['text']; s = t.index('Zelensky');"
                "print(json.dumps([widget.doc_id, s, s + 8]))",
            )
        )
        # What model.send({...}) in annotator.js puts on the wire.
        custom = {
            "method": "custom",
            "content": {
                "kind": "add_span",
                "id": "p-1",
                "layer": "entity",
                "label": "PERSON",
                "start": start,
                "end": end,
            },
        }
        # What model.set("layer", ...) + model.save_changes() puts on the wire.
        update = {"method": "update", "state": {"layer": "quote"}, "buffer_paths": []}
        kc = client.kc
        for data in (custom, update):
            kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": model_id, "data": data}))
        store = Store(str(db))
        deadline = time.monotonic() + 20
        while not store.spans(annotator="alice") and time.monotonic() < deadline:
            time.sleep(0.05)
        [span] = store.spans(annotator="alice")
        assert (span.doc_id, span.text, span.label) == (doc_id, "Zelensky", "PERSON")
        out = run_in_kernel(
            client,
            nb,
            "print(widget.layer, [s['text'] for s in widget._spans if s['status'] == 'accepted'])",
        )
        assert out.strip() == "quote ['Zelensky']"

    # A new kernel running the notebook again opens the same document with the same work.
    again = nbformat.read(NOTEBOOK, as_version=4)
    client = notebook_client(again, tmp_path)
    with client.setup_kernel():
        for index, cell in enumerate(list(again.cells)):
            client.execute_cell(cell, index)
        out = run_in_kernel(
            client,
            again,
            "print(widget.doc_id, [s['text'] for s in widget._spans if s['status'] == 'accepted'])",
        )
    assert out.strip() == f"{doc_id} ['Zelensky']"
    store.close()
