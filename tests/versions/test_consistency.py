"""Consistency between the annotations of two versions of one article."""

from __future__ import annotations

from typing import Any

from annotate.versions import consistency

A = "Putin met Trump in Alaska. The talks ended without a deal. Zelensky was not invited."
B = "Zelensky was not invited. Putin met Trump in Alaska. The meeting ended early."


def span(i: str, layer: str, label: str, text: str, where: str, *, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = where.find(text, start + 1)
    return {"id": i, "layer": layer, "label": label, "start": start, "end": start + len(text)}


def test_same_annotations_in_identical_sentences_are_consistent() -> None:
    spans_a = [
        span("a1", "entity", "PERSON", "Putin", A),
        span("a2", "entity", "PERSON", "Zelensky", A),
    ]
    spans_b = [
        span("b1", "entity", "PERSON", "Putin", B),
        span("b2", "entity", "PERSON", "Zelensky", B),
    ]
    assert consistency(A, spans_a, B, spans_b) == []


def test_differences_are_reported_by_kind() -> None:
    spans_a = [
        span("a1", "entity", "PERSON", "Putin", A),
        span("a2", "entity", "GPE", "Alaska", A),
        span("a3", "entity", "PERSON", "Trump", A),
        span("a4", "claim", "OTHER", "The talks ended without a deal.", A),  # edited sentence
    ]
    spans_b = [
        span("b1", "entity", "ORG", "Putin", B),  # label differs
        span("b2", "entity", "GPE", "Alaska.", B),  # boundary differs
        span("b3", "entity", "PERSON", "Zelensky", B),  # only in b
    ]
    issues = consistency(A, spans_a, B, spans_b)
    got = {(i["kind"], i["a_span_id"], i["b_span_id"]) for i in issues}
    assert got == {
        ("label_differs", "a1", "b1"),
        ("boundary_differs", "a2", "b2"),
        ("only_in_a", "a3", None),
        ("only_in_b", None, "b3"),
    }
    label = next(i for i in issues if i["kind"] == "label_differs")
    assert label["sentence_text"] == "Putin met Trump in Alaska."
    assert (label["a_label"], label["b_label"]) == ("PERSON", "ORG")
    assert B[label["b_start"] : label["b_end"]] == "Putin"
    assert B[label["b_sentence_start"] : label["b_sentence_end"]] == label["sentence_text"]


def test_seed_versions_with_a_relabelled_entity(original: str, rewrite: str) -> None:
    quote = "“They are playing games, both with you and with us,”"
    a = [
        span("q", "quote", "DIRECT", quote, original),
        span("m", "entity", "PERSON", "Merz", original, nth=1),
    ]
    b = [
        span("q", "quote", "DIRECT", quote, rewrite),
        span("m", "entity", "ORG", "Merz", rewrite, nth=1),
    ]
    issues = consistency(original, a, rewrite, b)
    assert [(i["kind"], i["a_text"], i["b_label"]) for i in issues] == [
        ("label_differs", "Merz", "ORG")
    ]


def test_empty_inputs() -> None:
    assert consistency("", [], "", []) == []
    assert consistency(A, [], B, []) == []
