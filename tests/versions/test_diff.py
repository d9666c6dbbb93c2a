"""The diff view's segments."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.versions import diff_segments

CASES = [
    ("", ""),
    ("", "Only in the target."),
    ("Only in the source.", ""),
    ("Same text. Twice the same.", "Same text. Twice the same."),
    ("Putin said no. Talks end.", "Putin said yes. Talks end."),
    ("Alpha beta gamma.", "Completely different words here, nothing shared."),
    ("One.\n\nTwo.\n\nThree.", "Zero.\n\nOne.\n\nThree.\n\nFour."),
]


def check_tiling(source: str, target: str, segments: list[dict[str, Any]]) -> None:
    s_pos = t_pos = 0
    for seg in segments:
        assert seg["source_start"] == s_pos and seg["target_start"] == t_pos
        s_pos, t_pos = seg["source_end"], seg["target_end"]
        assert seg["source_text"] == source[seg["source_start"] : s_pos]
        assert seg["target_text"] == target[seg["target_start"] : t_pos]
        if seg["op"] == "equal":
            assert seg["source_text"] == seg["target_text"]
        elif seg["op"] == "insert":
            assert seg["source_text"] == "" and seg["target_text"]
        elif seg["op"] == "delete":
            assert seg["target_text"] == "" and seg["source_text"]
        else:
            assert seg["op"] == "replace" and seg["source_text"] != seg["target_text"]
    assert (s_pos, t_pos) == (len(source), len(target))


@pytest.mark.parametrize(("source", "target"), CASES)
def test_segments_tile_both_texts(source: str, target: str) -> None:
    check_tiling(source, target, diff_segments(source, target))


def test_seed_segments_tile_both_texts(original: str, rewrite: str) -> None:
    segments = diff_segments(original, rewrite)
    check_tiling(original, rewrite, segments)
    ops = {seg["op"] for seg in segments}
    assert ops == {"equal", "insert", "delete", "replace"}
    # a sentence the rewrite kept is shown unchanged
    kept = "“At times we said that yes, we can discuss this, but to that we can’t agree,”"
    assert any(kept in seg["source_text"] for seg in segments if seg["op"] == "equal")


def test_changed_words_stand_alone() -> None:
    segments = diff_segments("Putin said no. Talks end.", "Putin said yes. Talks end.")
    assert [(s["op"], s["source_text"], s["target_text"]) for s in segments] == [
        ("equal", "Putin said ", "Putin said "),
        ("replace", "no", "yes"),
        ("equal", ". Talks end.", ". Talks end."),
    ]


def test_identical_texts_are_one_equal_segment() -> None:
    text = "One sentence.\n\nAnother paragraph, same in both."
    assert [s["op"] for s in diff_segments(text, text)] == ["equal"]


def test_unrelated_long_texts_do_not_stall() -> None:
    source = " ".join(f"a{i}" for i in range(20_000))
    target = " ".join(f"b{i}" for i in range(20_000))
    segments = diff_segments(source, target)
    check_tiling(source, target, segments)
    assert [s["op"] for s in segments] == ["replace"]
