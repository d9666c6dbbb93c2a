"""tables -> each format -> import: what comes back, and what each format cannot hold.

| format  | spans                 | relations | attributes | ids  |
| ------- | --------------------- | --------- | ---------- | ---- |
| spacy   | all, exact offsets    | yes       | yes        | yes  |
| prodigy | all, exact offsets    | yes       | yes        | yes  |
| brat    | all, exact offsets    | yes       | yes        | no   |
| conll   | entities, one a token | no        | no         | no   |
| label-studio | all, exact offsets | yes       | the scheme's | yes |
| doccano | all, exact offsets    | yes       | no         | yes  |
| hf      | all (tags: one a token a layer) | yes | as JSON | yes |

Label Studio, doccano and hf are tested in their own modules, the first two through the real
tools (test_label_studio_tool.py, test_doccano_tool.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import spacy

from annotate.formats import ImportBatch, export, read_brat, read_conll, read_docbin, read_prodigy
from annotate.formats.manifest import Manifest

from .conftest import (
    MISALIGNED,
    OVERLAPPING,
    TEXTS,
    batch_relations,
    batch_spans,
    table_relations,
    table_spans,
)


def _read(fmt: str, out: Path, manifest: Manifest) -> list[ImportBatch]:
    if fmt == "spacy":
        return [read_docbin(out / "spacy" / "annotations.spacy")]
    if fmt == "prodigy":
        return [read_prodigy(out / "prodigy" / "annotations.jsonl")]
    if fmt == "brat":
        return [read_brat(out / "brat")]
    return [
        read_conll(out / entry.path, doc_ids=entry.doc_ids, texts=TEXTS)
        for entry in manifest.files
        if entry.path.startswith("conll/")
    ]


@pytest.mark.parametrize("fmt", ["spacy", "prodigy", "brat"])
def test_lossless_formats(tables: dict[str, pd.DataFrame], tmp_path: Path, fmt: str) -> None:
    manifest = export(tables, tmp_path, formats=[fmt], filters={})
    [batch] = _read(fmt, tmp_path, manifest)
    assert batch.problems == []
    assert batch_spans(batch) == table_spans(tables)
    assert batch_relations(batch) == table_relations(tables)
    # every (document, annotator) exported comes back, the one done with no spans included
    ids = {d.key: d.doc_id for d in batch.documents}
    assert {(ids[key], annotator) for key, annotator in batch.units} == {
        ("bbc-1", "alice"),
        ("bbc-1", "bob"),
        ("bbc-2/rewrite", "spacy:en_core_web_sm@3.8.0/suggest@1"),
        ("empty-done", "alice"),
    }


def test_conll_keeps_entities_only(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    manifest = export(tables, tmp_path, formats=["conll"], filters={})
    batches = _read("conll", tmp_path, manifest)
    got: set[tuple[str, ...]] = set()
    for batch in batches:
        assert batch.problems == []
        assert batch.relations == []
        got |= {k[:6] for k in batch_spans(batch, attrs=False)}  # type: ignore[misc]
    nlp = spacy.blank("en")
    expected = set()
    spans = tables["spans"]
    for row in spans[spans["layer"] == "entity"].itertuples():
        if row.span_id in OVERLAPPING:
            continue  # one entity a token: the longer one stays
        start, end = row.start, row.end
        if row.span_id in MISALIGNED:  # widened to whole tokens
            widened = nlp.make_doc(TEXTS[row.doc_id]).char_span(start, end, alignment_mode="expand")
            start, end = widened.start_char, widened.end_char
        expected.add((row.doc_id, row.annotator, "entity", str(row.label), start, end))
    assert got == expected
