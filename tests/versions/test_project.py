"""Carrying annotations from seed 000 (BBC original) onto seed 001 (agency rewrite)."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.errors import AnnotateError
from annotate.versions import align_texts, project_spans
from annotate.versions.text import sentences
from tests.support.seed_annotations import RELATIONS, SPANS
from tests.support.seed_expectations import CARRIED, DROPPED, JUDGED_WRONG


def seed_spans() -> list[dict[str, Any]]:
    return [
        {"id": i, "layer": layer, "label": label, "start": s, "end": e, "text": t, "attrs": {}}
        for i, layer, label, s, e, t in SPANS
    ]


def seed_relations() -> list[dict[str, Any]]:
    return [
        {"id": f"r{k}", "type": t, "head": h, "tail": tail}
        for k, (t, h, tail) in enumerate(RELATIONS)
    ]


def locate(text: str, marked: str) -> tuple[int, int]:
    """Offsets of the ``[[...]]`` part of ``marked``, whose plain text occurs once in ``text``."""
    plain = marked.replace("[[", "").replace("]]", "")
    assert text.count(plain) == 1, marked
    start = text.find(plain) + marked.index("[[")
    return start, start + marked.index("]]") - marked.index("[[") - 2


@pytest.fixture(scope="module")
def projection(original: str, rewrite: str) -> Any:
    return project_spans(
        original, rewrite, seed_spans(), seed_relations(), source_doc_id="000", target_doc_id="001"
    )


def test_the_fixture_spans_match_the_original(original: str) -> None:
    for span_id, _, _, start, end, text in SPANS:
        assert original[start:end] == text, span_id
    assert len(SPANS) == 210


def test_every_span_in_an_identical_sentence_lands_exactly(
    original: str, rewrite: str, projection: Any
) -> None:
    carried = {s["id"]: s for s in projection.spans}
    checked = 0
    for span_id, _, _, start, end, text in SPANS:
        sent = next((a, b) for a, b in sentences(original) if a <= start < b)
        sentence = original[sent[0] : sent[1]]
        if end > sent[1] or rewrite.count(sentence) != 1:
            continue  # not in a sentence that 001 has verbatim
        expected = rewrite.find(sentence) + (start - sent[0])
        span = carried[span_id]
        assert (span["start"], span["end"]) == (expected, expected + len(text)), span_id
        assert rewrite[span["start"] : span["end"]] == text
        assert span["attrs"]["reason"] == "identical_sentence"
        assert span["attrs"]["confidence"] == 1.0
        checked += 1
    assert checked == 68


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Vladimir Putin", "President Vladimir Putin has said"),
        ("Volodymyr Zelensky", "Ukrainian President Volodymyr Zelensky has ruled out"),
        ("Steve Witkoff", "Trump’s envoy Steve Witkoff, who led"),
        (
            "“At times we said that yes, we can discuss this, but to that we can’t agree,”",
            "“At times we said that yes, we can discuss this, but to that we can’t agree,” Putin",
        ),
        ("Emmanuel Macron", "French President Emmanuel Macron reportedly said"),
        ("February 2022", "Ukraine in February 2022, and Moscow"),
        (
            "In recent weeks, Russian troops have been slowly advancing in south-east Ukraine, "
            "despite reported heavy combat casualties.",
            "\n\nIn recent weeks, Russian troops have been slowly advancing in south-east Ukraine, "
            "despite reported heavy combat casualties.",
        ),
    ],
)
def test_named_spans_land_where_str_find_says(
    rewrite: str, projection: Any, text: str, context: str
) -> None:
    (span,) = [s for s in projection.spans if s["text"] == text]
    assert rewrite.count(context) == 1
    assert span["start"] == rewrite.find(context) + context.find(text)
    assert rewrite[span["start"] : span["end"]] == span["text"]


def test_spans_in_edited_sentences_carried_where_checked(rewrite: str, projection: Any) -> None:
    carried = {s["id"]: s for s in projection.spans}
    for span_id, marked in CARRIED.items():
        span = carried[span_id]
        assert (span["start"], span["end"]) == locate(rewrite, marked), span_id
        assert span["attrs"]["reason"] != "identical_sentence"
    for span_id, (marked, reason) in JUDGED_WRONG.items():
        span = carried[span_id]
        assert (span["start"], span["end"]) == locate(rewrite, marked), span_id
        assert span["attrs"]["reason"] == reason
        assert span["attrs"]["confidence"] < 0.9


def test_spans_in_edited_sentences_dropped_where_checked(projection: Any) -> None:
    dropped = {d["id"]: d for d in projection.dropped}
    for span_id, reason in DROPPED.items():
        assert dropped[span_id]["reason"] == reason, span_id


def test_spans_in_removed_sentences_are_dropped_with_a_reason(
    original: str, rewrite: str, projection: Any
) -> None:
    alignment = align_texts(original, rewrite)
    paired = {p.source for p in alignment.pairs}
    removed = {
        span_id
        for span_id, _, _, start, _, _ in SPANS
        if alignment.source_sentence_at(start) not in paired
    }
    dropped = {d["id"]: d for d in projection.dropped}
    assert len(removed) == 26
    for span_id in removed:
        assert dropped[span_id]["reason"] == "sentence_removed"
        assert "no counterpart" in dropped[span_id]["detail"]
    # e.g. "Moscow controls around 85% of Donbas." has no counterpart in 001
    assert {"c1", "e10", "q23", "s23"} <= removed


def test_every_span_is_accounted_for(projection: Any) -> None:
    carried = {s["id"] for s in projection.spans}
    dropped = {d["id"] for d in projection.dropped}
    assert carried.isdisjoint(dropped)
    assert carried | dropped == {s[0] for s in SPANS}
    assert projection.summary()["carried"] == 68 + len(CARRIED) + len(JUDGED_WRONG)


def test_projected_spans_are_suggestions_that_know_their_source(projection: Any) -> None:
    for span in projection.spans:
        assert span["origin"] == "projected"
        assert span["doc_id"] == "001"
        source = span["attrs"]["projected_from"]
        assert source["doc_id"] == "000"
        assert source["span_id"] == span["id"]
        assert 0 < span["attrs"]["confidence"] <= 1
        assert span["attrs"]["reason"]


def test_relations_are_carried_when_both_ends_are(projection: Any) -> None:
    carried = {s["id"] for s in projection.spans}
    kept = {(r["type"], r["head"], r["tail"]) for r in projection.relations}
    for r in projection.relations:
        assert r["head"] in carried and r["tail"] in carried
        assert r["origin"] == "projected"
    for r in projection.dropped_relations:
        missing = {end for end in (r["head"], r["tail"]) if end not in carried}
        assert missing
        assert r["reason"] in ("head_dropped", "tail_dropped", "both_dropped")
    assert len(projection.relations) + len(projection.dropped_relations) == len(RELATIONS)
    # the verbatim quote keeps its speaker and cue; the rewritten one loses them
    assert ("said_by", "q10", "s10") in kept and ("cue", "q10", "k10") in kept
    assert not any(h == "q2" for _, h, _ in kept)


def test_text_deleted_in_the_target_is_dropped_with_a_reason(projection: Any) -> None:
    dropped = {d["id"]: d for d in projection.dropped}
    # "... in Geneva on 23 November." became "... in Geneva."
    assert dropped["e75"]["reason"] == "text_changed"
    assert dropped["e75"]["text"] == "23 November"
    # the rewritten quote comes with where to look in 001
    hint = dropped["q2"]["hint"]
    assert hint["text"].startswith("“Either we take back these territories by force")


# --- small and hostile inputs -----------------------------------------------------------------
SOURCE = "Putin said the talks were useful. Zelensky ruled out ceding territory. Trump agreed."
SPAN_LIST = [
    {"id": "p", "layer": "entity", "label": "PERSON", "start": 0, "end": 5},
    {"id": "z", "layer": "entity", "label": "PERSON", "start": 34, "end": 42},
    {"id": "t", "layer": "entity", "label": "PERSON", "start": 71, "end": 76},
]


def test_identical_texts_carry_everything_exactly() -> None:
    result = project_spans(SOURCE, SOURCE, SPAN_LIST, [{"type": "x", "head": "p", "tail": "z"}])
    assert [(s["start"], s["end"]) for s in result.spans] == [(0, 5), (34, 42), (71, 76)]
    assert {s["attrs"]["reason"] for s in result.spans} == {"identical_sentence"}
    assert len(result.relations) == 1 and not result.dropped


def test_completely_different_target_drops_everything() -> None:
    target = "Heavy rain is expected across the north of the country over the weekend."
    result = project_spans(SOURCE, target, SPAN_LIST)
    assert result.spans == []
    assert {d["reason"] for d in result.dropped} == {"sentence_removed"}


@pytest.mark.parametrize(("source", "target"), [("", ""), ("", SOURCE), (SOURCE, "")])
def test_empty_texts(source: str, target: str) -> None:
    spans = SPAN_LIST if source else []
    result = project_spans(source, target, spans)
    assert result.spans == []
    assert len(result.dropped) == len(spans)


def test_moved_sentence_is_carried() -> None:
    target = "Trump agreed. Putin said the talks were useful. Zelensky ruled out ceding territory."
    result = project_spans(SOURCE, target, SPAN_LIST)
    got = {s["id"]: target[s["start"] : s["end"]] for s in result.spans}
    assert got == {"p": "Putin", "z": "Zelensky", "t": "Trump"}


def test_a_word_that_only_moved_inside_its_sentence_is_found_if_distinctive() -> None:
    source = "On Tuesday the talks in Moscow ended without a deal, officials said."
    target = "The talks in Moscow ended without a deal on Tuesday, officials said."
    spans = [
        {"id": "d", "layer": "entity", "label": "DATE", "start": 3, "end": 10},
        {"id": "c", "layer": "cue", "label": "CUE", "start": 63, "end": 67},
    ]
    result = project_spans(source, target, spans)
    got = {s["id"]: (target[s["start"] : s["end"]], s["attrs"]["reason"]) for s in result.spans}
    assert got["d"] == ("Tuesday", "found_in_aligned_sentence")
    assert got["c"] == ("said", "unchanged_words")


def test_spans_inside_words_and_across_sentences() -> None:
    source = "The Kremlin’s view. The talks ended."
    target = "Intro line here. The Kremlin’s view. The talks ended."
    spans = [
        {"id": "part", "layer": "entity", "label": "ORG", "start": 4, "end": 11},
        {"id": "both", "layer": "claim", "label": "OTHER", "start": 4, "end": 35},
    ]
    result = project_spans(source, target, spans)
    got = {s["id"]: target[s["start"] : s["end"]] for s in result.spans}
    assert got == {"part": "Kremlin", "both": "Kremlin’s view. The talks ended"}


def test_whitespace_only_span_is_dropped() -> None:
    result = project_spans(
        "a  b", "a  b", [{"id": 1, "layer": "x", "label": "y", "start": 1, "end": 3}]
    )
    assert [d["reason"] for d in result.dropped] == ["no_words"]


def test_span_records_in_other_shapes_are_read() -> None:
    class Suggestion:
        def __init__(self) -> None:
            self.key, self.layer, self.label, self.start, self.end = "k1", "entity", "PERSON", 0, 5
            self.attrs = {"reason": "ner", "confidence": 0.8}

    export_row = {"span_id": 7, "layer": "entity", "label": "PERSON", "start": 71, "end": 76}
    result = project_spans(
        SOURCE,
        SOURCE,
        [Suggestion(), export_row],
        [{"type": "t", "head_span_id": "k1", "tail_span_id": 7}],
    )
    assert [s["id"] for s in result.spans] == ["k1", 7]
    # the projection's own reason and confidence replace the suggester's
    assert result.spans[0]["attrs"]["reason"] == "identical_sentence"
    assert result.relations[0]["head"] == "k1"


@pytest.mark.parametrize(
    ("span", "code"),
    [
        ({"id": "a", "layer": "x", "label": "y", "start": 5, "end": 5}, "E504"),
        ({"id": "a", "layer": "x", "label": "y", "start": -1, "end": 5}, "E504"),
        ({"id": "a", "layer": "x", "label": "y", "start": 0, "end": 999}, "E504"),
        ({"id": "a", "layer": "x", "label": "y", "start": 0, "end": 5, "text": "Trump"}, "E505"),
        ({"id": "a", "layer": "x", "label": "y", "start": "0", "end": 5}, "E502"),
        ({"id": "a", "layer": "x", "start": 0, "end": 5}, "E503"),
        ({"layer": "x", "label": "y", "start": 0, "end": 5}, "E503"),
    ],
)
def test_bad_spans_are_refused_with_a_message(span: dict[str, Any], code: str) -> None:
    with pytest.raises(AnnotateError) as err:
        project_spans(SOURCE, SOURCE, [span])
    assert err.value.code == code


def test_duplicate_span_ids_and_dangling_relations_are_refused() -> None:
    with pytest.raises(AnnotateError) as err:
        project_spans(SOURCE, SOURCE, [SPAN_LIST[0], SPAN_LIST[0]])
    assert err.value.code == "E506"
    with pytest.raises(AnnotateError) as err:
        project_spans(SOURCE, SOURCE, SPAN_LIST, [{"type": "said_by", "head": "p", "tail": "nope"}])
    assert err.value.code == "E507"
    assert "'nope'" in str(err.value)


def test_an_alignment_can_be_reused(original: str, rewrite: str) -> None:
    alignment = align_texts(original, rewrite)
    a = project_spans(original, rewrite, seed_spans()[:20], alignment=alignment)
    b = project_spans(original, rewrite, seed_spans()[:20])
    assert a == b
