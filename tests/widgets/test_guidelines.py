"""Guidelines attached to a project, cut into the parts the help shows per layer and label."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.core.scheme import Scheme
from annotate.errors import AnnotateError
from annotate.store import Store
from annotate.widgets import Annotator
from annotate.widgets.guidelines import set_guidelines, split_guidelines

GUIDE = """# News annotation

Read the whole article first.

## Entity

Mark names as written.

### ORG

Companies and media, e.g. *India Today*.

### PERSON

People, not their titles.

## quote

What was said. Include the quotation marks.

### DIRECT
Verbatim, in quotation marks.

## Appendix

Not a layer: its text is not the quote layer's.
"""


def test_headings_that_name_layers_and_labels_cut_the_parts() -> None:
    parts = split_guidelines(GUIDE, Scheme.default())
    assert parts["intro"].startswith("# News annotation\n\nRead the whole article first.")
    assert "Not a layer" in parts["intro"]
    entity = parts["layers"]["entity"]
    assert entity["text"] == "Mark names as written."
    assert entity["labels"] == {
        "ORG": "Companies and media, e.g. *India Today*.",
        "PERSON": "People, not their titles.",
    }
    quote = parts["layers"]["quote"]
    assert quote["text"] == "What was said. Include the quotation marks."
    assert quote["labels"] == {"DIRECT": "Verbatim, in quotation marks."}


def test_a_project_attaches_guidelines_from_a_file(project: Store, tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(GUIDE, encoding="utf-8")
    set_guidelines(project, path)
    widget = Annotator(project, annotator="alice")
    assert widget._guidelines["layers"]["entity"]["labels"]["PERSON"] == (
        "People, not their titles."
    )
    with pytest.raises(AnnotateError) as caught:
        set_guidelines(project, tmp_path / "missing.md")
    assert caught.value.code == "E628"
    with pytest.raises(AnnotateError) as caught:
        set_guidelines(project, "x" * 200_001)
    assert caught.value.code == "E627"


def test_no_guidelines_is_an_empty_view(alice: object) -> None:
    widget = alice.widget  # type: ignore[attr-defined]
    assert widget._guidelines == {"intro": "", "layers": {}}
