"""The import checks as pure functions: what is refused, and what leaving it out takes along."""

from __future__ import annotations

from pathlib import Path

from annotate.core.scheme import Scheme
from annotate.formats.batch import ImportBatch
from annotate.formats.builder import BatchBuilder
from annotate.formats.validate import ProjectView, check_batch, doc_ids, json_problem

TEXT = "Vladimir Putin said the economy grew 3% last year."


def _batch(annotator: str = "alice") -> tuple[ImportBatch, dict[str, str | None]]:
    builder = BatchBuilder(Path("file.jsonl"), "test")
    doc = builder.document(TEXT, doc_id="d1", line=1)
    assert doc is not None and builder.claim_unit(doc, annotator, line=1)
    claim = TEXT.index("the economy"), len(TEXT) - 1
    keys = {
        "person": builder.span(doc, annotator=annotator, label="PERSON", start=0, end=14, line=1),
        "source": builder.span(doc, annotator=annotator, label="source_SOURCE", start=0, end=14,
                               line=1),
        "inner": builder.span(doc, annotator=annotator, label="GPE", start=9, end=14, line=2),
        "claim": builder.span(doc, annotator=annotator, label="claim_QUANTITY", start=claim[0],
                              end=claim[1], attrs={"hedged": "very"}, line=3),
    }
    builder.relation(doc, annotator=annotator, type="claimed_by", head=keys["claim"],
                     tail=keys["source"], line=3)
    builder.relation(doc, annotator=annotator, type="refers_to", head=keys["source"],
                     tail=keys["person"], line=4)
    return builder.build(4), keys


def test_a_refused_span_takes_its_relations_along_and_nothing_else() -> None:
    batch, keys = _batch()
    verdict = check_batch(batch, Scheme.default(), ProjectView())
    assert verdict.spans == {keys["inner"], keys["claim"]}
    reasons = [str(item) for item in verdict.invalid]
    assert any(r.startswith("file.jsonl, line 2: ") and "overlaps PERSON [0, 14)" in r
               for r in reasons)
    assert any(r.startswith("file.jsonl, line 3: ") and "'hedged'" in r for r in reasons)
    assert any("'claimed_by': its head span was left out" in r for r in reasons)
    assert verdict.count == 3
    kept = verdict.prune(batch)
    assert {span.key for span in kept.spans} == {keys["person"], keys["source"]}
    assert [relation.type for relation in kept.relations] == ["refers_to"]
    assert kept.units == batch.units and [d.key for d in kept.documents] == ["d1"]


def test_spans_already_in_the_project_count_for_the_overlap_rule() -> None:
    batch, keys = _batch()
    same = ProjectView(spans={("d1", "alice", "entity"): [(0, 14, "PERSON")]})
    verdict = check_batch(batch, Scheme.default(), same)
    assert keys["person"] not in verdict.spans  # the same span again is not an overlap
    other = ProjectView(spans={("d1", "alice", "entity"): [(0, 8, "ORG")]})
    verdict = check_batch(batch, Scheme.default(), other)
    assert keys["person"] in verdict.spans
    assert any("which 'alice' already has in the project" in str(i) for i in verdict.invalid)


def test_a_document_with_another_text_in_the_project_takes_every_answer_along() -> None:
    batch, _ = _batch()
    verdict = check_batch(batch, Scheme.default(), ProjectView(texts={"d1": "0" * 64}))
    assert verdict.documents == {"d1"}
    assert "its 4 span(s) with it" in str(verdict.invalid[0])
    kept = verdict.prune(batch)
    assert (kept.documents, kept.spans, kept.relations, kept.units) == ([], [], [], [])


def test_gold_needs_the_callers_word_and_other_reserved_names_never_pass() -> None:
    for name, gold_ok, refused in [
        ("gold", False, True),
        ("gold", True, False),
        ("spacy:en_core_web_sm", True, True),
        ("Ann O'Neill", False, False),
    ]:
        batch, _ = _batch(annotator=name)
        verdict = check_batch(batch, Scheme.default(), ProjectView(), gold_ok=gold_ok)
        named = [item for item in verdict.invalid if item.name is not None]
        assert bool(named) == refused, name
        if refused:
            assert verdict.error("file.jsonl").code == "E328"
            assert verdict.prune(batch).spans == []


def test_ids_and_json_values_the_store_cannot_hold() -> None:
    batch, _ = _batch()
    assert doc_ids(batch) == {"d1": "d1"}
    assert json_problem({"a": [1, {"b": float("nan")}]}) is not None
    assert json_problem({"a": "nul\x00"}) is not None
    assert json_problem({"a": [1.5, "<script>", {"b": None}]}) is None
    deep: object = "leaf"
    for _ in range(40):
        deep = [deep]
    assert json_problem(deep) == "are nested too deeply"
