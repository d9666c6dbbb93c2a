"""Pre-annotating a project: cached per text hash, model and rule version; never over people."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotate.corpus.ingest import ingest
from annotate.store import Store
from annotate.suggest import pipeline
from annotate.suggest.model import load_model, model_annotator_name
from tests.support.paths import CORPUS


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_model()


def test_second_run_parses_nothing(seeded: Store, nlp: Any) -> None:
    first = pipeline.suggest_project(seeded, nlp=nlp, progress=False)
    assert first.parsed == 2 and first.spans > 100
    assert first.suggester == model_annotator_name(nlp)
    counts = seeded.counts()
    second = pipeline.suggest_project(seeded, nlp=nlp, progress=False)
    assert (second.parsed, second.cached, second.spans) == (0, 2, 0)
    assert seeded.counts() == counts
    layers = {s.layer for s in seeded.spans(annotator=first.suggester)}
    assert layers == {"entity", "quote", "source", "cue", "claim"}
    assert all("reason" in s.attrs for s in seeded.spans(annotator=first.suggester))


def test_changed_text_is_parsed_again_and_old_suggestions_stay(
    store: Store, nlp: Any, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "text": "Mr Smith said the plan would fail."}\n')
    ingest(store, [path])
    pipeline.suggest_project(store, nlp=nlp, progress=False)
    path.write_text('{"id": "a", "text": "Ms Jones said the plan would surely fail."}\n')
    ingest(store, [path], update=True)
    report = pipeline.suggest_project(store, nlp=nlp, progress=False)
    assert report.parsed == 1
    suggester = report.suggester
    hashes = {s.doc_sha256 for s in store.spans(annotator=suggester)}
    assert len(hashes) == 2  # both texts' suggestions, each tied to its own text
    current = store.document("a").text_sha256
    shown = store.open_suggestions("a", annotator="alice", suggester=suggester)
    assert shown and {s.doc_sha256 for s in shown} == {current}


def test_new_rule_version_is_stored_beside_the_old(
    seeded: Store, nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pipeline.suggest_project(seeded, nlp=nlp, progress=False)
    import annotate.suggest.model as model

    monkeypatch.setattr(model, "SUGGESTER_VERSION", model.SUGGESTER_VERSION + 1)
    second = pipeline.suggest_project(seeded, nlp=nlp, progress=False)
    assert second.suggester != first.suggester and second.parsed == 2
    assert set(seeded.suggesters()) == {first.suggester, second.suggester}


def test_suggestions_never_touch_human_work(seeded: Store, nlp: Any) -> None:
    doc_id = seeded.doc_ids()[0]
    mine = seeded.add_span(annotator="alice", doc_id=doc_id, layer="entity", label="ORG",
                           start=10, end=24)
    report = pipeline.suggest_project(seeded, nlp=nlp, progress=False)
    assert [s.span_id for s in seeded.spans(annotator="alice")] == [mine.span_id]
    assert seeded.spans(annotator="alice")[0].label == "ORG"
    # The model's PERSON suggestion on the same words is still offered for alice to decide.
    offered = seeded.open_suggestions(doc_id, annotator="alice", suggester=report.suggester,
                                      layer="entity")
    assert any((s.start, s.end, s.label) == (10, 24, "PERSON") for s in offered)


def test_documents_stream_in_pages(
    tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "p.db")
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(
        f'{{"id": "d{i}", "text": "Officials said {i} people were hurt."}}' for i in range(450)
    ))
    ingest(store, [CORPUS, path])
    pages: list[int] = []
    original_page = Store._documents_page
    original_iter = Store.iter_documents

    def spy(self: Store, doc_ids: list[str]) -> Any:
        pages.append(len(doc_ids))
        return original_page(self, doc_ids)

    def small_pages(self: Store, doc_ids: Any, *, page: int = 200) -> Iterator[Any]:
        return original_iter(self, doc_ids, page=100)

    monkeypatch.setattr(Store, "_documents_page", spy)
    monkeypatch.setattr(Store, "iter_documents", small_pages)
    report = pipeline.suggest_project(store, nlp=nlp, progress=False)
    # Documents are read a page at a time while spaCy works, never all at once.
    assert report.parsed == 452
    assert max(pages) == 100 and sum(pages) == 452
    store.close()


def _suggested(store: Store, suggester: str) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per document, the suggester's spans and relations by what they are (ids differ)."""
    import json

    spans = store.spans(annotator=suggester)
    what = {s.span_id: (s.layer, s.label, s.start, s.end) for s in spans}
    found: dict[str, tuple[list[Any], list[Any]]] = {}
    for span in spans:
        found.setdefault(span.doc_id, ([], []))[0].append(
            (*what[span.span_id], json.dumps(span.attrs, sort_keys=True)))
    for relation in store.relations(annotator=suggester):
        found.setdefault(relation.doc_id, ([], []))[1].append(
            (relation.type, what[relation.head_span_id], what[relation.tail_span_id]))
    return {doc: (sorted(s), sorted(r)) for doc, (s, r) in found.items()}


@pytest.mark.slow
def test_a_local_cluster_suggests_what_one_process_does(tmp_path: Path, nlp: Any) -> None:
    path = tmp_path / "more.jsonl"
    path.write_text("\n".join(
        f'{{"id": "d{i}", "text": "\\u201cWe will rebuild,\\u201d Mayor Ann Lee told '
        f'reporters in Kyiv on day {i}. Prices rose by {i} percent, officials said."}}'
        for i in range(7)
    ))
    alone, spread = Store(tmp_path / "alone.db"), Store(tmp_path / "spread.db")
    for store in (alone, spread):
        ingest(store, [CORPUS, path])
    one = pipeline.suggest_project(alone, nlp=nlp, progress=False)
    # Tasks of two documents over two worker processes: results come back in any order.
    two = pipeline.suggest_project(spread, cluster="local:2", task_docs=2, progress=False)
    assert (two.suggester, two.parsed, two.spans) == (one.suggester, 9, one.spans)
    assert _suggested(spread, two.suggester) == _suggested(alone, one.suggester)
    # The text-hash cache is the client's: a second run sends nothing to the cluster.
    again = pipeline.suggest_project(spread, cluster="local:1", progress=False)
    assert (again.parsed, again.cached, again.spans) == (0, 9, 0)
    alone.close()
    spread.close()


def test_a_cluster_address_that_is_none_is_refused(seeded: Store) -> None:
    from annotate.errors import ModelError

    for address in ("nonsense", "local:0", "http//host"):
        with pytest.raises(ModelError) as caught:
            pipeline.suggest_project(seeded, cluster=address, progress=False)
        assert caught.value.code == "E240", address
