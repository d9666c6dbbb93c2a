from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotate.errors import FormatError, SchemeError
from annotate.formats.builder import BatchBuilder


def _builder(**kwargs: object) -> BatchBuilder:
    return BatchBuilder(Path("file.jsonl"), "test", **kwargs)  # type: ignore[arg-type]


def test_label_resolution_order() -> None:
    builder = _builder(label_map={"PER": "PERSON", "Claim": "claim:OTHER"})
    assert builder.resolve("PER") == ("entity", "PERSON", True)
    assert builder.resolve("Claim") == ("claim", "OTHER", True)
    assert builder.resolve("quote_DIRECT") == ("quote", "DIRECT", True)
    assert builder.resolve("DIRECT", "quote") == ("quote", "DIRECT", True)
    assert builder.resolve("Restaurant_Name") == ("entity", "Restaurant_Name", False)
    assert builder.resolve("GPE") == ("entity", "GPE", True)


def test_utf16_offsets_convert_only_when_the_text_says_so() -> None:
    builder = _builder()
    text = "🙂 Anna 🙂 met Bob"
    doc = builder.document(text, line=1)
    assert doc is not None
    # Browser offsets: each emoji counts two
    key = builder.span(doc, annotator="a", label="PERSON", start=3, end=7, text="Anna", line=1)
    assert key is not None
    assert builder.span(doc, annotator="a", label="PERSON", start=15, end=18, text="Bob", line=1)
    batch = builder.build(1)
    assert [text[s.start : s.end] for s in batch.spans] == ["Anna", "Bob"]
    assert batch.problems == []


def test_same_document_twice() -> None:
    builder = _builder()
    first = builder.document("Same text.", line=1)
    assert builder.document("Same text.", line=2) == first
    assert builder.document("One text.", doc_id="d1", line=3) == "d1"
    assert builder.document("Another text.", doc_id="d1", line=4) is None
    assert builder.claim_unit("d1", "ann", line=3)
    assert not builder.claim_unit("d1", "ann", line=5)
    batch = builder.build(5)
    assert len(batch.documents) == 2
    assert sorted((p.kind, p.line) for p in batch.problems) == [
        ("document-conflict", 4),
        ("duplicate-answer", 5),
    ]
    assert "line 3" in str(batch.problems[1]) or "line 3" in str(batch.problems[0])


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        (True, 3, "offsets"),
        ("0", 3, "offsets"),
        (3, 3, "offsets"),
        (-1, 2, "offsets"),
        (0, 99, "offsets"),
    ],
)
def test_offsets_that_do_not_fit(start: object, end: object, kind: str) -> None:
    builder = _builder()
    doc = builder.document("Short text.", line=1)
    assert doc is not None
    assert builder.span(doc, annotator="a", label="ORG", start=start, end=end, line=7) is None
    [problem] = builder.build(1).problems
    assert (problem.kind, problem.line) == (kind, 7)


def test_relations_between_layers_the_scheme_forbids() -> None:
    builder = _builder(unknown="drop")
    doc = builder.document("Anna said so.", line=1)
    assert doc is not None
    anna = builder.span(doc, annotator="a", label="PERSON", start=0, end=4, line=1)
    cue = builder.span(doc, annotator="a", label="cue_CUE", start=5, end=9, line=1)
    builder.relation(doc, annotator="a", type="said_by", head=anna, tail=cue, line=1)
    builder.relation(doc, annotator="a", type="said_by", head=anna, tail=None, line=1)
    batch = builder.build(1)
    assert batch.relations == []
    assert {p.kind for p in batch.problems} == {"unknown-relation", "dangling-relation"}
    assert "the scheme wants quote -> source" in str(batch.problems[0])


def test_bad_options() -> None:
    with pytest.raises(SchemeError) as scheme_info:
        _builder(layer="entities")
    assert scheme_info.value.code == "E104"
    with pytest.raises(FormatError) as info:
        _builder(unknown="ignore")
    assert info.value.code == "E317"


def test_importing_the_package_does_not_load_spacy() -> None:
    code = "import sys, annotate.formats; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
