"""brat files that are wrong, or say what annotate has no place for: each problem names its file
and line under a coded error, and the project is left exactly as it was.

Every case is a good attribution file with one line changed, so the line the error names is the
line that is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.errors import FormatError
from annotate.formats.brat_read import read_brat
from annotate.project import Project, open_project

TEXT = "Flynn says Trump was right. Mook said as much, arguing that Trump erred.\n"
GOOD = [
    "T1\tSource 0 5\tFlynn",
    "T2\tCue 6 10\tsays",
    "T3\tContent 11 26\tTrump was right",
    "T4\tAttribution 6 10\tsays",
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    "T5\tSource 28 32\tMook",
    "T6\tCue 33 37\tsaid",
    "T7\tContent 38 45\tas much",
    "T8\tAttribution 33 37\tsaid",
    "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5",
]

# name -> (line number, its new text, code, what the message says of it)
CASES: dict[str, tuple[int, str, str, str]] = {
    "piece ending before it starts": (3, "T3\tContent 26 11\tTrump was right", "E327",
                                      "is empty or ends before it starts"),
    "empty piece": (2, "T2\tCue 6 6;6 10\tsays", "E327", "[6, 6) does not fit: the piece is empty"),
    "offsets beyond the text": (7, "T6\tCue 33 370\tsaid", "E327", "does not fit a text"),
    "pieces that overlap": (3, "T3\tContent 11 20;15 26\tTrump was right", "E327",
                            "its pieces overlap"),
    "text that is not at the offsets": (1, "T1\tSource 0 5\tMook", "E327", "should read 'Mook'"),
    "argument missing from the file": (5, "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T99",
                                       "E327", "T99 is not a span or event of this file"),
    "role the mapping does not know": (5, "E1\tAttribution:T4 Content:T3 Cue:T2 Speaker:T1",
                                       "E327", "the role 'Speaker'"),
    "mapped event whose argument is an event": (
        10, "E2\tAttribution:T8 Content:T7 Cue:T6 Source:E1", "E327", "is the event E1"),
    "mapped event without its head": (5, "E1\tAttribution:T4 Cue:T2 Source:T1", "E327",
                                      "needs one Content argument"),
    "trigger missing": (5, "E1\tAttribution:T40 Content:T3 Cue:T2 Source:T1", "E327",
                        "trigger T40 does not mark"),
    "attribute on a missing span": (10, "A1\tFactuality T30 Asserted", "E327",
                                    "A1 is on T30, which is not a span or event"),
    "note on a missing event": (10, "#1\tAnnotatorNotes E9\ta note", "E327",
                                "#1 is on E9, which is not a span or event"),
    "equivalence naming a missing span": (10, "*\tAlias T1 T50", "E327", "names T50"),
    "equivalence of one span": (10, "*\tAlias T1 T1", "E327", "has one member"),
    "mapped event naming a missing event": (
        10, "E2\tAttribution:T8 Content:T7 Cue:T6 Source:E9", "E327",
        "E9 is not a span or event of this file"),
    "not a brat line": (6, "T5 Source 28 32 Mook", "E308", "not a brat standoff line"),
}


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    opened = open_project(tmp_path / "project.db")
    yield opened
    opened.close()


def _write(folder: Path, stem: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_text(TEXT, encoding="utf-8")
    path = folder / f"{stem}.ann"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _counts(project: Project) -> tuple[dict[str, int], str]:
    return project.store.counts(), project.scheme.source_toml


@pytest.mark.parametrize("case", list(CASES))
def test_a_wrong_line_is_a_coded_error_naming_file_and_line_and_nothing_is_imported(
    project: Project, tmp_path: Path, case: str
) -> None:
    number, line, code, expect = CASES[case]
    lines = list(GOOD)
    if number <= len(lines):
        lines[number - 1] = line
    else:
        lines.append(line)
    # A good file beside the bad one: it is not imported either.
    _write(tmp_path / "corpus" / "alice", "good", GOOD)
    bad = _write(tmp_path / "corpus" / "alice", "bad", lines)
    before = _counts(project)
    with pytest.raises(FormatError) as info:
        project.import_file(tmp_path / "corpus", format="brat", extend_scheme=True)
    assert info.value.code == code
    message = str(info.value)
    assert any(f"{bad}, line {number}" in row and expect in row for row in message.splitlines()), (
        message
    )
    assert "good.ann" not in message
    assert _counts(project) == before


def test_a_relation_to_a_span_of_another_file_is_not_followed(tmp_path: Path) -> None:
    """T ids are a file's own: R1 in b.ann cannot reach T7 of a.ann."""
    folder = tmp_path / "corpus" / "alice"
    _write(folder, "a", GOOD)
    other = _write(folder, "b", [*GOOD[:3], "R1\tsaid_by Arg1:T3 Arg2:T7"])
    batch = read_brat(tmp_path / "corpus")
    (problem,) = [p for p in batch.problems if p.invalid]
    assert problem.kind == "dangling-relation" and problem.line == 4
    assert problem.path == str(other) and "T7" in problem.detail


def test_fragments_in_any_order_are_one_span(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "alice"
    path = _write(folder, "doc", ["T1\tContent 38 45;0 5\tas much Flynn",
                                  "T2\tContent 0 5;38 45\tFlynn as much"])
    batch = read_brat(path)
    assert [(s.start, s.end, s.fragments) for s in batch.spans] == [(0, 45, [[0, 5], [38, 45]])]
    (duplicate,) = batch.problems
    assert duplicate.kind == "duplicate-span" and duplicate.line == 2


def test_problems_are_counted_per_file_not_across_files(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "alice"
    for stem in ("a", "b"):
        _write(folder, stem, [*GOOD[:2], "T3\tContent 11 260\tTrump was right"])
    problems = [p for p in read_brat(tmp_path / "corpus").problems if p.kind == "offsets"]
    assert sorted((Path(p.path).name, p.line, p.count) for p in problems) == [
        ("a.ann", 3, 1), ("b.ann", 3, 1)]


def test_a_bad_event_mapping_is_refused_with_what_is_wrong(tmp_path: Path) -> None:
    _write(tmp_path / "corpus" / "alice", "doc", GOOD)
    mapping = tmp_path / "events.toml"
    mapping.write_text('[[events]]\ntype = "Attribution"\nhead = "Content"\n', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_brat(tmp_path / "corpus", events=mapping)
    assert info.value.code == "E352" and "needs 'trigger'" in str(info.value)


def test_a_bad_annotation_conf_line_is_named(tmp_path: Path) -> None:
    from annotate.formats.propose import propose_scheme

    conf = tmp_path / "annotation.conf"
    conf.write_text("[entities]\nPerson\n[relations]\nFamily Arg1:Person\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        propose_scheme(conf, fmt="brat")
    assert info.value.code == "E355" and f"{conf}, line 4" in str(info.value)


def test_an_ann_file_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "alice"
    path = _write(folder, "doc", GOOD[:2])
    path.write_bytes(path.read_bytes() + b"T3\tContent 11 26\tTrump \xff\n")
    with pytest.raises(FormatError) as info:
        read_brat(tmp_path / "corpus")
    assert info.value.code == "E308" and f"{path}, line 3" in str(info.value)
