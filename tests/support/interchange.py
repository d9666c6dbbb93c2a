"""A project worth sending through another tool, and what to compare when it comes back.

The seed article annotated in full (210 spans in every layer, quotes linked to their sources and
cues) by ``alice``, who also finished the rewrite with nothing in it; ``bob``'s sample work with
attributes (a choice, a boolean, a text); and an article with an emoji before its spans, where
a browser's offsets (UTF-16) and Python's (characters) differ.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from annotate.errors import StoreError
from annotate.project import Project, open_project
from tests.support.paths import CORPUS
from tests.support.seed_annotations import RELATIONS, SPANS
from tests.support.tables import annotate_sample

EMOJI_ID = "emoji-1"
EMOJI_TEXT = "Fans 😀 cheered as Narendra Modi met Vladimir Putin in Delhi 🇮🇳 on Friday."
PEOPLE = ("alice", "bob")


def build_project(folder: Path) -> Project:
    """The project at ``folder/source.db`` (see the module docstring)."""
    extra = folder / "emoji.jsonl"
    extra.write_text(
        json.dumps({"id": EMOJI_ID, "title": "Delhi", "text": EMOJI_TEXT}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    project = open_project(folder / "source.db")
    project.ingest(CORPUS, extra)
    store = project.store
    original, rewrite = sorted(d.doc_id for d in store.documents() if d.doc_id != EMOJI_ID)
    ids = {}
    for key, layer, label, start, end, _ in SPANS:
        if label not in project.scheme.layer(layer).label_names:
            continue  # spaCy labels outside the news subset (LANGUAGE)
        try:
            ids[key] = store.add_span(
                annotator="alice", doc_id=original, layer=layer, label=label, start=start,
                end=end,
            ).span_id
        except StoreError:
            continue  # a source marked twice in the seed, which the widget refuses too
    for type_, head, tail in RELATIONS:
        if head in ids and tail in ids:
            store.add_relation(type_, ids[head], ids[tail], annotator="alice")
    store.set_status(original, "done", annotator="alice")
    store.set_status(rewrite, "done", annotator="alice")  # finished: nothing in it
    annotate_sample(store, "bob")
    for phrase, label in (("Narendra Modi", "PERSON"), ("Vladimir Putin", "PERSON"),
                          ("Delhi", "GPE"), ("Friday", "DATE")):
        start = EMOJI_TEXT.index(phrase)
        store.add_span(annotator="bob", doc_id=EMOJI_ID, layer="entity", label=label,
                       start=start, end=start + len(phrase),
                       attrs={"note": "after an emoji"} if label == "GPE" else None)
    store.set_status(EMOJI_ID, "done", annotator="bob")
    return project


Snapshot = dict[str, Any]


def snapshot(project: Project, *, attrs: bool = True) -> Snapshot:
    """What must survive a round trip, keyed without the ids a tool gives anew."""
    tables = project.tables(annotator=list(PEOPLE))
    spans = tables["spans"]
    where = {
        row.span_id: (row.doc_id, row.annotator, row.layer, row.label, row.start, row.end)
        for row in spans.itertuples()
    }
    return {
        "spans": Counter(
            (*where[row.span_id], json.dumps(row.attrs, sort_keys=True) if attrs else "")
            for row in spans.itertuples()
        ),
        "relations": Counter(
            (row.type, where[row.head_span_id], where[row.tail_span_id])
            for row in tables["relations"].itertuples()
        ),
        "done": sorted(
            (row.doc_id, row.annotator)
            for row in tables["doc_status"].itertuples()
            if row.status == "done"
        ),
    }


def figures(shot: Snapshot) -> dict[str, int]:
    return {
        "documents": len({key[0] for key in shot["done"]} | {k[0] for k in shot["spans"]}),
        "spans": sum(shot["spans"].values()),
        "relations": sum(shot["relations"].values()),
    }
