"""Tables and exports a chunk of documents at a time give what one read of everything gives."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotate.core.records import DocSuggestions, Document, RelationSuggestion, SpanSuggestion
from annotate.corpus.ingest import ingest
from annotate.formats.dataset import Filters, iter_tables, load_tables
from annotate.formats.exporting import export_chunks
from annotate.formats.files import read_tables
from annotate.formats.manifest import read_manifest
from annotate.formats.tables import COLUMNS, ORIGINS
from annotate.project import Project
from annotate.store import Store
from tests.support.tables import annotate_sample

MODEL = "spacy:test@1/suggest@1"
LABELS = ["PERSON", "ORG", "GPE", "DATE", "MONEY"]


def _fill(store: Store, tmp_path: Path, n: int = 9) -> None:
    """The seed articles plus ``n`` short ones: a model's spans and relations on each (with
    labels that differ from document to document), a person's work and statuses on some."""
    corpus = tmp_path / "more.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": f"x{i}", "text": f"Alice Smith said Acme paid {i} dollars in Paris."})
        + "\n" for i in range(n)
    ))
    ingest(store, [corpus])
    annotate_sample(store, "alice")
    annotate_sample(store, "bob")
    items: list[tuple[Document, DocSuggestions]] = []
    for i in range(n):
        document = store.document(f"x{i}")
        spans = [
            SpanSuggestion("e0", "entity", LABELS[i % len(LABELS)], 0, 11, {"reason": "r"}),
            SpanSuggestion("s0", "source", "SOURCE", 0, 11, {"speaker": "Alice Smith"}),
            SpanSuggestion("q0", "quote", "INDIRECT", 17, 36 + len(str(i)), {}),
            SpanSuggestion("l0", "claim", "QUANTITY", 22, 36 + len(str(i)),
                           {"checkworthy": "yes", "hedged": i % 2 == 0}),
        ]
        relations = [RelationSuggestion("said_by", "q0", "s0"),
                     RelationSuggestion("refers_to", "s0", "e0"),
                     RelationSuggestion("claimed_by", "l0", "s0")]
        items.append((document, DocSuggestions(spans, relations)))
    store.store_suggestions(MODEL, items)
    store.set_status("x1", "done", annotator="alice")
    store.set_status("x2", "skipped", annotator="bob")
    store.add_time("x3", 12.5, annotator="alice")


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    for name, columns in COLUMNS.items():
        assert tuple(left[name].columns) == columns
        pd.testing.assert_frame_equal(left[name], right[name], check_categorical=False)
        for column in columns:
            a, b = left[name][column], right[name][column]
            assert a.dtype == b.dtype or isinstance(a.dtype, pd.CategoricalDtype), (name, column)


@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_tables_in_chunks_equal_the_tables_in_one(
    seeded: Store, tmp_path: Path, chunk: int
) -> None:
    _fill(seeded, tmp_path)
    for filters in (Filters(), Filters.of(annotator=["alice", MODEL]),
                    Filters.of(status="done"), Filters.of(layer=["quote", "source", "entity"])):
        whole = load_tables(seeded, filters, chunk_docs=100_000)
        _same(load_tables(seeded, filters, chunk_docs=chunk), whole)
    chunks = list(iter_tables(seeded, chunk_docs=chunk))
    assert len(chunks) == -(-11 // chunk)
    seen: list[str] = []
    for part in chunks:
        ids = part["documents"]["doc_id"].tolist()
        assert len(ids) <= chunk
        # Each chunk holds its own documents' rows and nobody else's.
        for name in ("spans", "relations", "quotes", "claims", "doc_status"):
            assert set(part[name]["doc_id"]) <= set(ids), name
        seen += ids
    assert seen == seeded.doc_ids()  # queue order, each document once


def test_chunks_sized_by_their_rows_and_texts_equal_the_tables_in_one(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a chunk_docs, a chunk holds as many documents as the last one's rows and
    characters say make a chunk: fewer after documents with much work or long texts, more
    after short ones with little."""
    from annotate.store import contract

    _fill(seeded, tmp_path)
    whole = load_tables(seeded, chunk_docs=100_000)
    monkeypatch.setattr(contract, "FIRST_CHUNK_DOCS", 2)
    monkeypatch.setattr(contract, "MIN_CHUNK_DOCS", 1)
    # The seed articles hold two people's work (20 rows): then one document a chunk.
    monkeypatch.setattr(contract, "ROWS_A_CHUNK", 12)
    sizes = [len(chunk["documents"]) for chunk in iter_tables(seeded)]
    assert sizes == [2] + [1] * 9
    _same(load_tables(seeded), whole)
    # The seed articles are long and the others 48 characters or so: one, then two a chunk.
    monkeypatch.setattr(contract, "ROWS_A_CHUNK", 10**9)
    monkeypatch.setattr(contract, "CHARS_A_CHUNK", 100)
    sizes = [len(chunk["documents"]) for chunk in iter_tables(seeded)]
    assert sizes[:2] == [2, 1] and set(sizes[2:]) == {2} and sum(sizes) == 11
    _same(load_tables(seeded), whole)


def test_categories_unite_across_chunks(seeded: Store, tmp_path: Path) -> None:
    _fill(seeded, tmp_path)
    spans = load_tables(seeded, chunk_docs=1)["spans"]
    assert isinstance(spans["label"].dtype, pd.CategoricalDtype)
    assert list(spans["label"].cat.categories) == sorted(set(spans["label"].astype(str)))
    assert tuple(spans["origin"].cat.categories) == ORIGINS  # the contract's fixed order


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_in_chunks_writes_the_same_tables(
    seeded: Store, tmp_path: Path, fmt: str
) -> None:
    _fill(seeded, tmp_path)
    project = Project(seeded)
    one = project.export(tmp_path / "one", formats=fmt, chunk_docs=100_000)
    many = project.export(tmp_path / "many", formats=fmt, chunk_docs=3)
    _same(read_tables(tmp_path / "many", fmt=fmt), read_tables(tmp_path / "one", fmt=fmt))
    assert many.counts == one.counts and many.annotators == one.annotators
    assert one.counts["rows"]["spans"] == len(project.tables()["spans"])
    assert [f.path for f in many.files] == [f.path for f in one.files]


@pytest.mark.parametrize("split", [None, 0.5])
def test_docbin_in_chunks_holds_every_unit_once(
    seeded: Store, tmp_path: Path, split: float | None
) -> None:
    from spacy.tokens import DocBin

    from annotate.formats.tokens import blank_nlp

    _fill(seeded, tmp_path)
    project = Project(seeded)
    one = project.export(tmp_path / "one", formats="spacy", split=split, chunk_docs=100_000)
    many = project.export(tmp_path / "many", formats="spacy", split=split, chunk_docs=4)

    def units(folder: Path, manifest_files: list[str]) -> dict[tuple[str, str], object]:
        found: dict[tuple[str, str], object] = {}
        for name in manifest_files:
            docs = DocBin(store_user_data=True).from_disk(folder / name).get_docs(
                blank_nlp().vocab)
            for doc in docs:
                info = doc.user_data["annotate"]
                key = (info["doc_id"], info["annotator"])
                assert key not in found
                found[key] = (doc.text, info["spans"], [e.text for e in doc.ents])
        return found

    one_files = [f.path for f in one.files if f.path.endswith(".spacy")]
    many_files = [f.path for f in many.files if f.path.endswith(".spacy")]
    assert len(one_files) == (1 if split is None else 2)
    assert len(many_files) == 3 * len(one_files)  # 11 documents, 4 a chunk
    assert units(tmp_path / "many", many_files) == units(tmp_path / "one", one_files)
    if split is not None:
        assert many.split is not None and one.split is not None
        assert many.split["train_docs"] + many.split["dev_docs"] == (
            one.split["train_docs"] + one.split["dev_docs"])
        train = {d for f in many.files if f.path.startswith("spacy/train") for d in f.doc_ids or []}
        dev = {d for f in many.files if f.path.startswith("spacy/dev") for d in f.doc_ids or []}
        assert train and dev and not train & dev
    assert read_manifest(tmp_path / "many").files == many.files


@pytest.mark.parametrize("fmt", ["prodigy", "conll", "brat", "label-studio", "doccano"])
def test_per_document_files_written_a_chunk_at_a_time_equal_those_written_at_once(
    seeded: Store, tmp_path: Path, fmt: str
) -> None:
    """Each chunk's documents are appended to the files as they come (memory holds one
    chunk); the files are byte for byte those of an export in one chunk."""
    _fill_awkward(seeded, tmp_path)
    project = Project(seeded)
    many = project.export(tmp_path / "many", formats=fmt, chunk_docs=2)
    one = project.export(tmp_path / "one", formats=fmt, chunk_docs=100_000)
    assert len(many.files) >= (2 if fmt in ("conll", "doccano") else 1)
    assert [(f.path, f.sha256, f.doc_ids) for f in many.files] == [
        (f.path, f.sha256, f.doc_ids) for f in one.files]
    assert sorted(map(str, many.notes)) == sorted(map(str, one.notes))
    assert many.counts == one.counts


def test_notes_of_a_kind_past_the_limit_are_counted_not_listed(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note a span (doccano holds no attributes) would make a large export hold, and its
    manifest list, millions of notes: past the limit, each kind is counted instead."""
    from annotate.formats import manifest as manifest_module

    _fill(seeded, tmp_path)
    project = Project(seeded)
    listed = [n for n in project.export(tmp_path / "all", formats="doccano").notes
              if n.kind == "attributes-left-out"]
    assert len(listed) > 5
    monkeypatch.setattr(manifest_module, "NOTES_KEPT", 3)
    capped = project.export(tmp_path / "capped", formats=["doccano", "spacy"], chunk_docs=2)
    mine = [n for n in capped.notes if n.kind == "attributes-left-out"]
    assert mine[:3] == listed[:3]
    assert len(mine) == 4 and mine[3].doc_id == "" and mine[3].item_id is None
    assert mine[3].detail.startswith(f"{len(listed) - 3:,} more notes of this kind")
    assert read_manifest(tmp_path / "capped").notes == capped.notes


def test_flattened_tables_equal_those_made_from_every_span(seeded: Store, tmp_path: Path) -> None:
    from annotate.formats.flatten import flatten_claims, flatten_quotes

    _fill(seeded, tmp_path)
    tables = load_tables(seeded)
    assert len(tables["quotes"]) == 11 and len(tables["claims"]) == 11
    pd.testing.assert_frame_equal(
        tables["quotes"], flatten_quotes(tables["spans"], tables["relations"]))
    pd.testing.assert_frame_equal(
        tables["claims"], flatten_claims(tables["spans"], tables["relations"]))


def _fill_awkward(store: Store, tmp_path: Path) -> None:
    """``_fill`` and what only some rows carry: a byline and non-ASCII metadata, a span in two
    pieces, a span's note, a relation between a person's spans, and a claim whose hedging is
    left to the scheme."""
    _fill(store, tmp_path)
    text = '"We will not attack," Putin said, "nobody in Europe." Über alles — 🙂'
    store.add_documents([Document(doc_id="w", text=text, byline="Zoë Ünal",
                                  meta={"desk": "Außenpolitik", "tags": ["a", 1, None]})])
    quote = store.add_span(annotator="alice", doc_id="w", layer="quote", label="DIRECT",
                           start=0, end=53, fragments=[[0, 21], [34, 53]])
    source = store.add_span(annotator="alice", doc_id="w", layer="source", label="SOURCE",
                            start=22, end=27, attrs={"note": "ça va"})
    store.add_relation("said_by", quote.span_id, source.span_id, annotator="alice")
    store.add_span(annotator="alice", doc_id="w", layer="claim", label="QUANTITY",
                   start=1, end=20, attrs={"checkworthy": "no"})


def _export_from_frames(project: Project, out: Path, formats: list[str], **filters: str) -> Any:
    """The export as it is written from the contract's DataFrames (as for any per-document
    format), whatever the formats."""
    chosen = Filters.of(**filters)
    return export_chunks(
        iter_tables(project.store, chosen, chunk_docs=3, shared_attrs=True), out,
        formats=formats, filters=chosen.to_json(), coerced=True,
    )


@pytest.mark.parametrize("filters", [{}, {"status": "done"}, {"annotator": "alice"},
                                     {"layer": ["quote", "claim"]}])
def test_table_files_are_written_from_arrow_as_the_dataframes_write_them(
    seeded: Store, tmp_path: Path, filters: dict[str, str]
) -> None:
    """An export is made from the store's rows without DataFrames: Arrow tables for the table
    files, units for the per-document formats. Made from the contract's DataFrames instead,
    every file but Parquet comes out byte for byte the same, and Parquet reads back the same,
    in annotate and in plain pandas."""
    _fill_awkward(seeded, tmp_path)
    project = Project(seeded)
    formats = ["parquet", "csv", "jsonl", "spacy", "prodigy", "conll", "brat", "label-studio",
               "doccano"]
    arrow = project.export(tmp_path / "arrow", formats=formats, chunk_docs=3, **filters)
    frames = _export_from_frames(project, tmp_path / "frames", formats, **filters)
    assert arrow.counts == frames.counts and arrow.annotators == frames.annotators
    assert arrow.notes == frames.notes
    written = {f.path: f.sha256 for f in arrow.files if not f.path.endswith(".parquet")}
    assert len(written) > 20
    assert written == {f.path: f.sha256 for f in frames.files if not f.path.endswith(".parquet")}
    # Without table files, the quotes and claims are counted without being made.
    alone = project.export(tmp_path / "alone", formats=["spacy", "brat"], chunk_docs=3,
                           **filters)
    assert alone.counts == frames.counts and alone.annotators == frames.annotators
    assert gc.isenabled()  # paused for each chunk's writing only
    assert {f.path: f.sha256 for f in alone.files} == {
        path: sha for path, sha in written.items() if path.startswith(("spacy/", "brat/"))}
    for name in COLUMNS:
        for fmt in ("csv", "jsonl"):
            written = (tmp_path / "arrow" / f"{name}.{fmt}").read_bytes()
            assert written == (tmp_path / "frames" / f"{name}.{fmt}").read_bytes(), (name, fmt)
        plain = pd.read_parquet(tmp_path / "arrow" / f"{name}.parquet")
        if len(plain):  # an empty categorical has no values to type its categories by
            pd.testing.assert_frame_equal(
                plain, pd.read_parquet(tmp_path / "frames" / f"{name}.parquet"))
    for fmt in ("parquet", "csv", "jsonl"):
        _same(read_tables(tmp_path / "arrow", fmt=fmt),  # type: ignore[arg-type]
              read_tables(tmp_path / "frames", fmt=fmt))  # type: ignore[arg-type]
    tables = read_tables(tmp_path / "arrow", fmt="jsonl")
    if not filters:
        spans = tables["spans"]
        mine = spans[spans["doc_id"] == "w"].set_index("layer")
        assert mine.loc["quote", "fragments"] == [[0, 21], [34, 53]]
        assert mine.loc["source", "attrs"] == {"note": "ça va"}
        meta = tables["documents"].set_index("doc_id").loc["w", "meta"]
        assert meta == {"desk": "Außenpolitik", "tags": ["a", 1, None], "byline": "Zoë Ünal"}


def test_metadata_stored_compact_or_as_before_is_written_compact_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store keeps JSON compact, as the files write it, so a Parquet export copies a
    document's stored metadata as it is; metadata the store wrote before (spaced, non-ASCII
    escaped) is rewritten. Either way both export paths write the same text."""
    import sqlite3

    from annotate.formats import columns

    store = Store(tmp_path / "p.db")
    store.add_documents([
        Document(doc_id="new", text="Written now.", meta={"desk": "Außen", "n": 1.5,
                                                         "said": 'he said": "no"'}),
        Document(doc_id="old", text="Written before.", meta={"desk": "Außen"}),
        Document(doc_id="none", text="No metadata."),
    ])
    raw = sqlite3.connect(tmp_path / "p.db")
    stored = dict(raw.execute("SELECT doc_id, meta FROM documents"))
    assert stored["new"] == '{"desk":"Außen","n":1.5,"said":"he said\\": \\"no\\""}'
    raw.execute("UPDATE documents SET meta = ? WHERE doc_id = 'old'",
                (json.dumps({"desk": "Außen", "tags": ["a", None]}),))
    raw.commit()
    raw.close()
    rewritten: list[str] = []
    rewrite = columns._rewritten
    monkeypatch.setattr(columns, "_rewritten", lambda text: rewritten.append(text) or rewrite(text))
    project = Project(store)
    project.export(tmp_path / "arrow", formats="parquet")
    _export_from_frames(project, tmp_path / "frames", ["parquet"])
    texts = {
        path: pd.read_parquet(tmp_path / path / "documents.parquet").set_index("doc_id")["meta"]
        for path in ("arrow", "frames")
    }
    pd.testing.assert_series_equal(texts["arrow"], texts["frames"])
    assert texts["arrow"].to_dict() == {
        "new": stored["new"], "old": '{"desk":"Außen","tags":["a",null]}', "none": "{}"}
    # Of the stored texts only the one written before was rewritten, and the compact one with
    # ": " in a string, which is not told apart from spaced text (rewritten to the same).
    before = '{"desk": "Au\\u00dfen", "tags": ["a", null]}'
    assert sorted(rewritten) == sorted([stored["new"], before])
    assert read_tables(tmp_path / "arrow")["documents"].set_index("doc_id")["meta"].to_dict() == {
        "new": {"desk": "Außen", "n": 1.5, "said": 'he said": "no"'},
        "old": {"desk": "Außen", "tags": ["a", None]}, "none": {}}
    store.close()
