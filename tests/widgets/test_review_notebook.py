"""The review notebook, run headless by a real kernel (no browser): it opens the project from
ANNOTATE_DB as the JupyterHub user, shows the agreement summary, the widget and the gold table,
and a decision sent over the widget's comm, exactly as the page sends it, lands in gold."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from annotate.store import Store
from annotate.workflow.adjudicate import GOLD, META_KEY
from tests.support.notebooks import notebook_client, run_in_kernel, widget_model_id
from tests.support.review_seed import FIRST, LEAD, seed_review
from tests.support.seed import ROOT

NOTEBOOK = ROOT / "notebooks" / "review.ipynb"


@pytest.mark.slow
def test_review_notebook_runs_and_a_decision_from_the_page_lands_in_gold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "project.db"
    seed_review(db).close()
    monkeypatch.setenv("ANNOTATE_DB", str(db))
    monkeypatch.setenv("JUPYTERHUB_USER", LEAD)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = notebook_client(nb, tmp_path)
    with client.setup_kernel():
        for index, cell in enumerate(list(nb.cells)):
            client.execute_cell(cell, index)
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        assert [o for o in outputs if o["output_type"] == "error"] == []
        assert "Agreement of ana, ben" in "".join(o.get("text", "") for o in outputs)
        table = outputs[-1]["data"]["text/plain"]  # the gold table: the agreements already
        assert "Vladimir Putin" in table
        model_id = widget_model_id(nb)
        unit_id = run_in_kernel(
            client,
            nb,
            "print(next(u['unit_id'] for u in reviewer._units if u['text'] == 'Donbas'))",
        ).strip()
        custom = {
            "method": "custom",
            "content": {"kind": "pick", "id": "p-1", "unit_id": unit_id, "number": 2},
        }
        kc = client.kc
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": model_id, "data": custom}))
        store = Store(str(db))
        deadline = time.monotonic() + 20
        while not [s for s in store.spans(annotator=GOLD) if s.text == "Donbas"]:
            assert time.monotonic() < deadline, "the pick never reached the store"
            time.sleep(0.05)
        [span] = [s for s in store.spans(doc_id=FIRST, annotator=GOLD) if s.text == "Donbas"]
        assert span.label == "LOC" and span.attrs[META_KEY]["chosen"] == "ben"
        out = run_in_kernel(client, nb, "print(reviewer._state['progress']['open'])")
        assert out.strip() == "4"
        store.close()
