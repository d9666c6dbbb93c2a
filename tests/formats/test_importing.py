"""Importing other tools' files into a project, and round trips through every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.core.scheme import Scheme
from annotate.errors import FormatError, SchemeError
from annotate.project import open_project
from annotate.store import Store
from tests.support.paths import SHARED
from tests.support.tables import annotate_sample

PRODIGY = SHARED / "peer-data" / "prodigy"
GENIA_RELATIONS = ("Pos-Reg", "Reg", "Neg-Reg", "Binds", "No-rel")


def _scheme_with(labels: dict[str, list[str]]) -> Scheme:
    """The news scheme plus a layer per peer data set, to import it as it is."""
    base = Scheme.default().source_toml
    extra = "".join(
        f'\n[[layers]]\nname = "{layer}"\nlabels = ['
        + ", ".join(f'{{ name = "{label}", key = "{i + 1}", color = "#cccccc" }}'
                    for i, label in enumerate(names))
        + "]\n"
        for layer, names in labels.items()
    )
    relations = '\n[[relations]]\nname = "{0}"\nhead = "bio"\ntail = "bio"\n'
    bio_relations = "".join(relations.format(name) for name in GENIA_RELATIONS)
    return Scheme.from_toml(base + extra + (bio_relations if "bio" in labels else ""))


def test_prodigy_review_file_gives_both_sessions_on_every_row(tmp_path: Path) -> None:
    scheme = _scheme_with({"restaurant": ["Amenity", "Cuisine", "Dish", "Hours", "Location",
                                          "Price", "Rating", "Restaurant_Name"]})
    project = open_project(tmp_path / "p.db", scheme=scheme)
    report = project.import_file(PRODIGY / "ner_manual_restaurant_reviews_test.jsonl",
                                 format="prodigy", layer="restaurant")
    assert report.documents_added == 1521
    assert set(report.annotators) == {"ner_model", "original_annotations", "review"}
    statuses = project.store.statuses()
    for session in ("ner_model", "original_annotations"):
        assert sum(s.annotator == session and s.status == "done" for s in statuses) == 1521
    tables = project.tables(annotator=["ner_model", "original_annotations"])
    spans = tables["spans"]
    per_doc = {
        doc_id: {
            a: sorted(zip(g[g.annotator == a].label, g[g.annotator == a].start,
                          g[g.annotator == a].end, strict=True))
            for a in ("ner_model", "original_annotations")
        }
        for doc_id, g in spans.groupby("doc_id")
    }
    all_docs = list(tables["documents"]["doc_id"])
    same = sum(per_doc.get(d, {}).get("ner_model", []) == per_doc.get(d, {}).get(
        "original_annotations", []) for d in all_docs)
    assert (same, len(all_docs) - same) == (862, 659)
    project.close()


def test_fashion_and_genia_import_completely(tmp_path: Path) -> None:
    scheme = _scheme_with({"brand": ["FASHION_BRAND"], "bio": ["GGP"]})
    project = open_project(tmp_path / "p.db", scheme=scheme)
    fashion = project.import_file(PRODIGY / "ner_manual_fashion_brands_eval.jsonl",
                                  format="prodigy", layer="brand", annotator="fashion")
    assert (fashion.documents_added, fashion.spans_added) == (500, 238)
    genia = project.import_file(PRODIGY / "rel_manual_genia.jsonl", format="prodigy",
                                layer="bio", annotator="genia")
    assert genia.documents_added == 149 and genia.spans_added == 466
    # 267 relations in the file, four of them exact repeats.
    assert genia.relations_added == 263
    again = project.import_file(PRODIGY / "rel_manual_genia.jsonl", format="prodigy",
                                layer="bio", annotator="genia")
    assert (again.spans_added, again.relations_added, again.documents_added) == (0, 0, 0)
    project.close()


def test_unknown_labels_import_nothing(tmp_path: Path) -> None:
    project = open_project(tmp_path / "p.db")
    with pytest.raises(SchemeError) as caught:
        project.import_file(PRODIGY / "ner_manual_fashion_brands_eval.jsonl", format="prodigy")
    assert caught.value.code == "E350" and "FASHION_BRAND" in str(caught.value)
    assert project.store.counts()["documents"] == 0
    report = project.import_file(PRODIGY / "ner_manual_fashion_brands_eval.jsonl",
                                 format="prodigy", label_map={"FASHION_BRAND": "entity:ORG"})
    assert report.spans_added == 238
    project.close()


def test_malformed_file_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "spans": []}\n{"text": oops}\n')
    project = open_project(tmp_path / "p.db")
    with pytest.raises(FormatError) as caught:
        project.import_file(bad, format="prodigy")
    assert "line 2" in str(caught.value)
    assert project.store.counts()["documents"] == 0
    project.close()


@pytest.mark.parametrize(("fmt", "reader", "keeps_relations"), [
    ("prodigy", "prodigy", True),
    ("brat", "brat", True),
    ("spacy", "spacy", True),
])
def test_round_trip_through_each_format(
    seeded: Store, tmp_path: Path, fmt: str, reader: str, keeps_relations: bool
) -> None:
    annotate_sample(seeded, "alice")
    annotate_sample(seeded, "bob")
    source = open_project(seeded.url)
    out = tmp_path / "out"
    source.export(out, formats=[fmt], annotator=["alice", "bob"])
    target = open_project(tmp_path / "copy.db")
    files = sorted(p for p in (out / {"spacy": "spacy", "prodigy": "prodigy", "brat": "brat"}[fmt]
                               ).rglob("*") if p.suffix in (".jsonl", ".spacy"))
    path = out / "brat" if fmt == "brat" else files[0]
    target.import_file(path, format=reader)

    def snapshot(project: object) -> set[tuple[object, ...]]:
        tables = project.tables(annotator=["alice", "bob"])  # type: ignore[attr-defined]
        spans = tables["spans"]
        by_id = {row.span_id: (row.layer, row.label, row.start, row.end)
                 for row in spans.itertuples()}
        items: set[tuple[object, ...]] = {
            (row.annotator, row.layer, row.label, row.start, row.end,
             tuple(sorted(row.attrs.items())))
            for row in spans.itertuples()
        }
        if keeps_relations:
            items |= {(row.annotator, row.type, by_id[row.head_span_id], by_id[row.tail_span_id])
                      for row in tables["relations"].itertuples()}
        return items

    assert snapshot(target) == snapshot(source)
    target.close()
