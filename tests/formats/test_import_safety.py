"""Imports cannot poison a project: each record meets the widget's rules, or nothing is written.

Every reader gets the same hostile answers (wrong offset types, offsets outside the text,
attribute values the scheme does not allow, ``<script>`` in a choice, overlaps in a layer that
does not nest, relations to missing spans, a document whose text differs from the project's,
duplicate answers, reserved annotator names). Without ``drop_invalid`` the file imports nothing
and the error names each record; with it, the rest imports and each refused record is listed.
Either way every export format and the agreement report still work afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.core.names import check_person_name
from annotate.errors import AnnotateError, FormatError, SchemeError, StoreError
from annotate.formats.exporting import FORMATS
from annotate.project import Project, open_project
from tests.support.hostile_files import OTHER_TEXT, TEXT, WRITERS, Answer, S, Written, at

NOT_BRAT = ("prodigy", "label-studio", "doccano", "spacy")  # brat's offsets are digits or nothing
WITH_ATTRS = ("prodigy", "label-studio", "brat", "spacy")  # doccano has no span attributes


@pytest.fixture
def project(db_url: str, tmp_path: Path) -> Iterator[Project]:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        json.dumps({"id": "d1", "text": TEXT}) + "\n" + json.dumps({"id": "d2", "text": OTHER_TEXT})
        + "\n",
        encoding="utf-8",
    )
    opened = open_project(db_url)
    opened.ingest(corpus)
    for name in ("alice", "bob", "carol"):
        opened.store.add_span(annotator=name, doc_id="d1", layer="entity", label="PERSON",
                              start=0, end=14)
        opened.store.set_status("d1", "done", annotator=name)
    yield opened
    opened.close()


def _copy(doc_id: str) -> str:
    """A text of its own for the file's document ``doc_id``: the project's article is found by
    its text whatever id the file gives it. Offsets into TEXT fit it."""
    return f"{TEXT} Copy {doc_id}."


def _good(fmt: str, doc_id: str = "v-good", annotator: str = "carol") -> Answer:
    putin, told, claim = at("Vladimir Putin"), at("told"), at("the economy grew 3% last year")
    attrs = fmt != "doccano"
    return Answer(
        "good", doc_id, annotator,
        [
            S("e1", "entity", "PERSON", *putin),
            S("s1", "source", "SOURCE", *putin),
            S("c1", "cue", "CUE", *told),
            S("q1", "quote", "INDIRECT", *claim,
              attrs={"addressee": "India Today"} if attrs else {}),
            # Markup in a free-text attribute is text: allowed, and harmless in every export.
            S("k1", "claim", "QUANTITY", *claim,
              attrs={"checkworthy": "yes", "hedged": True,
                     "note": "<script>alert(1)</script> is only text"} if attrs else {}),
        ],
        [("said_by", "q1", "s1"), ("cue", "q1", "c1"), ("refers_to", "s1", "e1"),
         ("claimed_by", "k1", "s1")],
        relations_ok=4,
        text=_copy(doc_id),
    )


def _hostile(fmt: str) -> list[Answer]:
    """One good answer, then one answer per way a record can be wrong (those ``fmt`` can say)."""
    india, claim = at("India Today"), at("the economy grew 3% last year")
    answers = [_good(fmt)]

    def bad_span(variant: str, span: S, expect: str, formats: tuple[str, ...]) -> None:
        if fmt in formats:
            span.ok = False
            answers.append(Answer(variant, f"v-{len(answers)}", "carol", [span], expect=expect))

    bad_span("string offset", S("x", "entity", "ORG", "20", india[1]), "not integers", NOT_BRAT)
    bad_span("bool offset", S("x", "entity", "ORG", True, india[1]), "not integers", NOT_BRAT)
    bad_span("float offset", S("x", "entity", "ORG", 20.0, india[1]), "not integers", NOT_BRAT)
    bad_span("null offset", S("x", "entity", "ORG", None, india[1]), "not integers", NOT_BRAT)
    bad_span("negative offset", S("x", "entity", "ORG", -3, india[1]), "does not fit", NOT_BRAT)
    bad_span("end before start", S("x", "entity", "ORG", india[1], india[0]), "does not fit",
             tuple(WRITERS))
    bad_span("past the text", S("x", "entity", "ORG", india[0], 500), "does not fit",
             tuple(WRITERS))
    for variant, attrs, expect in [
        ("bool attribute not a bool", {"hedged": "very"}, "'hedged' on layer 'claim' must be"),
        ("choice outside its values", {"checkworthy": "maybe"}, "'checkworthy' on layer 'claim'"),
        ("markup as a choice", {"checkworthy": "<script>alert(1)</script>"}, "<script>"),
        ("attribute not in the scheme", {"colour": "red"}, "'colour' is not defined"),
        ("number JSON cannot hold", {"confidence": float("inf")}, "NaN or infinity"),
    ]:
        bad_span(variant, S("x", "claim", "QUANTITY", *claim, attrs=attrs), expect, WITH_ATTRS)
    # msgpack cannot even write this one, so a DocBin never holds it.
    bad_span("number beyond 64 bits", S("x", "claim", "QUANTITY", *claim,
                                        attrs={"confidence": 10**20}),
             "beyond 64 bits", ("prodigy", "label-studio", "brat"))
    if fmt == "spacy":
        bad_span("layer not in the scheme", S("x", "bogus", "X", *india),
                 "layer 'bogus' is not in the scheme", ("spacy",))
    answers += [
        Answer("overlap in the file", "v-overlap", "carol",
               [S("a", "entity", "PERSON", 0, 14), S("b", "entity", "ORG", 9, 14, ok=False)],
               expect="overlaps PERSON [0, 14) at"),
        Answer("overlap with the project", "d1", "carol",
               [S("a", "entity", "ORG", 0, 8, ok=False)],
               expect="which 'carol' already has in the project"),
        Answer("relation to a missing span", "v-relation", "carol",
               [S("q", "quote", "DIRECT", *claim)], [("said_by", "q", "nowhere")],
               expect="points at a span that was not imported"),
        Answer("text differs from the project's", "d2", "carol",
               [S("a", "entity", "PERSON", 0, 14, ok=False)],
               expect="already in the project with a different text"),
        Answer("id longer than the store holds", "v" * 65, "carol",
               [S("a", "entity", "PERSON", 0, 14, ok=False)], expect="1 to 64 characters"),
        Answer("first answer", "v-dup", "carol", [S("a", "entity", "PERSON", 0, 14)]),
        Answer("second answer", "v-dup", "carol", [S("b", "entity", "ORG", *india, ok=False)],
               expect="answered this document already"),
    ]
    if fmt in ("brat", "spacy"):  # JSON readers refuse the whole file at parse time (E308)
        answers.append(
            Answer("NUL in the text", "v-nul", "carol",
                   [S("a", "entity", "PERSON", 0, 14, ok=False)],
                   text=TEXT.replace(" told", "\x00told"), expect="NUL"),
        )
    # A document of the file is the project's article with its text, whatever its id: each
    # answer but the one meant for d1 gets a text of its own (offsets into TEXT still fit).
    for answer in answers:
        if answer.doc_id != "d1" and answer.text == TEXT:
            answer.text = _copy(answer.doc_id)
    return answers


def _state(project: Project) -> dict[str, int]:
    return project.store.counts()


def _line_naming(message: str, where: str, expect: str) -> bool:
    return any(where in line and expect in line for line in message.splitlines())


def _check_invariants(project: Project) -> None:
    """What the widget guarantees holds for every span in the project."""
    scheme = project.scheme
    tables = project.tables()
    texts = dict(zip(tables["documents"]["doc_id"], tables["documents"]["text"], strict=True))
    seen: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for row in tables["spans"].itertuples():
        scheme.check_label(str(row.layer), str(row.label))
        scheme.check_attrs(str(row.layer), row.attrs)
        assert 0 <= row.start < row.end <= len(texts[row.doc_id])
        if not scheme.layer(str(row.layer)).nesting:
            group = seen.setdefault((row.doc_id, row.annotator, str(row.layer)), [])
            assert not any(s < row.end and e > row.start for s, e in group), row
            group.append((row.start, row.end))
    for annotator in project.store.annotators():
        if annotator["kind"] == "gold":
            assert annotator["name"] == "gold"
        else:
            assert annotator["kind"] == "human"
            check_person_name(annotator["name"])


def _everything_still_works(project: Project, out: Path) -> None:
    from annotate.scoring.report import format_summary, write_html

    _check_invariants(project)
    manifest = project.export(out, formats=list(FORMATS), split=0.5)
    assert manifest.files
    report = project.agreement()
    assert "carol" in format_summary(report)
    page = write_html(report, out / "agreement.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_hostile_records_import_nothing_or_are_left_out_and_listed(
    project: Project, tmp_path: Path, fmt: str
) -> None:
    answers = _hostile(fmt)
    written: Written = WRITERS[fmt](answers, tmp_path)
    before = _state(project)
    with pytest.raises(FormatError) as info:
        project.import_file(written.path, format=fmt)
    message = str(info.value)
    assert info.value.code == "E327", message
    refused = [(a, where) for a, where in zip(answers, written.where, strict=True) if a.expect]
    assert f"{len(refused)} invalid record(s)" in message
    for answer, where in refused:
        assert _line_naming(message, where, answer.expect), (answer.variant, message)
    assert "--drop-invalid" in message
    assert _state(project) == before

    report = project.import_file(written.path, format=fmt, drop_invalid=True)
    assert report.spans_added == sum(span.ok for a in answers for span in a.spans)
    assert report.relations_added == sum(a.relations_ok for a in answers)
    assert len(report.left_out) == len(refused)
    for answer, where in refused:
        assert any(where in item and answer.expect in item for item in report.left_out), (
            answer.variant, report.left_out)
    assert f"{len(refused)} invalid record(s) left out" in report.summary()
    assert "d2" not in {
        doc_id for doc_id in project.tables(annotator="carol")["spans"]["doc_id"]
    }
    _everything_still_works(project, tmp_path / "out")

    again = project.import_file(written.path, format=fmt, drop_invalid=True)
    assert (again.spans_added, again.relations_added, again.documents_added) == (0, 0, 0)


def test_the_reported_prodigy_span_is_refused_and_the_cli_can_leave_it_out(
    tmp_path: Path,
) -> None:
    # The report: these values imported with "0 problem(s) reported", after which every
    # export and agreement run of the whole project failed with E305.
    db = str(tmp_path / "p.db")
    claim = at("the economy grew 3% last year")
    spans = [
        {"start": claim[0], "end": claim[1], "label": "claim_QUANTITY",
         "attrs": {"checkworthy": "<script>alert('x')</script>", "hedged": "very"}},
        {"start": 0, "end": 14, "label": "PERSON"},
    ]
    rows = [
        {"text": TEXT, "meta": {"doc_id": "d1"}, "_annotator_id": "alice", "spans": spans},
        {"text": TEXT, "meta": {"doc_id": "d1"}, "_annotator_id": "bob",
         "spans": [{"start": 0, "end": 14, "label": "PERSON"},
                   {"start": 9, "end": 14, "label": "PERSON"}]},
    ]
    path = tmp_path / "session.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    command = [sys.executable, "-m", "annotate.cli", "import", str(path), "--format", "prodigy",
               "--db", db]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    assert process.returncode == 1 and "Traceback" not in process.stderr
    assert "[E327]" in process.stderr and "2 invalid record(s)" in process.stderr
    assert f"{path}, line 1: " in process.stderr and "'checkworthy'" in process.stderr
    assert f"{path}, line 2: " in process.stderr and "overlaps PERSON [0, 14)" in process.stderr

    runner = CliRunner()
    result = runner.invoke(app, ["import", str(path), "--format", "prodigy", "--db", db,
                                 "--drop-invalid"])
    assert result.exit_code == 0, result.output
    assert "left out:" in result.output and "2 invalid record(s) left out" in result.output
    result = runner.invoke(app, ["export", "--db", db, "--out", str(tmp_path / "out"),
                                 "--format", ",".join(FORMATS)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["agreement", "--db", db])
    assert result.exit_code == 0, result.output


NAMES = ["gold", "Gold", "model:x", "<script>", " carol"]


@pytest.mark.parametrize("fmt", list(WRITERS))
@pytest.mark.parametrize("name", NAMES)
def test_a_reserved_or_malformed_annotator_in_a_file_is_refused(
    project: Project, tmp_path: Path, fmt: str, name: str
) -> None:
    bad = _good(fmt, doc_id="v-named", annotator=name)
    answers = [bad] if fmt == "doccano" else [_good(fmt), bad]  # doccano: one user a file
    written = WRITERS[fmt](answers, tmp_path)
    before = _state(project)
    with pytest.raises(FormatError) as info:
        project.import_file(written.path, format=fmt)
    message = str(info.value)
    assert info.value.code == "E328", message
    assert written.where[-1] in message and repr(name) in message
    assert "--annotator NAME" in message
    assert _state(project) == before

    report = project.import_file(written.path, format=fmt, drop_invalid=True)
    assert any(repr(name) in item for item in report.left_out)
    assert name not in {a["name"] for a in project.store.annotators()}
    assert name not in report.annotators

    assert "v-named" not in project.store.doc_ids()  # no answer left on it: not added
    renamed = project.import_file(written.path, format=fmt, annotator="dave")
    assert renamed.annotators == ["dave"] and renamed.spans_added == 5 * len(answers)
    _everything_still_works(project, tmp_path / "out")


def test_importing_into_gold_takes_a_reviewer(project: Project, tmp_path: Path) -> None:
    written = WRITERS["prodigy"]([_good("prodigy", annotator="carol")], tmp_path)
    checks: list[tuple[dict[str, str], str]] = [
        ({"annotator": "gold"}, "E329"),
        ({"reviewer": "lead"}, "E329"),
        ({"annotator": "carol", "reviewer": "lead"}, "E329"),
        ({"annotator": "gold", "reviewer": "nobody"}, "E330"),
        ({"annotator": "gold", "reviewer": "alice"}, "E330"),  # an annotator, not a reviewer
        ({"annotator": "model:x"}, "E126"),
        ({"annotator": "<script>"}, "E125"),
    ]
    before = _state(project)
    for options, code in checks:
        with pytest.raises(AnnotateError) as info:
            project.import_file(written.path, format="prodigy", **options)
        assert info.value.code == code, (options, str(info.value))
        assert isinstance(info.value, (FormatError, StoreError))
    assert _state(project) == before

    project.store.add_annotator("lead", role="reviewer")
    report = project.import_file(written.path, format="prodigy", annotator="gold",
                                 reviewer="lead")
    assert report.annotators == ["gold"] and report.spans_added == 5
    assert "by reviewer lead" in report.summary()
    gold = project.tables(annotator="gold")
    assert len(gold["spans"]) == 5 and len(gold["relations"]) == 4
    events = project.store.events(annotator="gold")
    assert events and {event.actor for event in events} == {"lead"}
    assert {a["name"]: a["kind"] for a in project.store.annotators()}["gold"] == "gold"
    _everything_still_works(project, tmp_path / "out")


def test_gold_import_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    written = WRITERS["brat"]([_good("brat", annotator="gold")], tmp_path)
    runner = CliRunner()
    refused = subprocess.run(
        [sys.executable, "-m", "annotate.cli", "import", str(written.path), "--format", "brat",
         "--db", db],
        capture_output=True, text=True, check=False,
    )
    assert refused.returncode == 1 and "[E328]" in refused.stderr
    assert "Traceback" not in refused.stderr
    project = open_project(db)
    project.store.add_annotator("lead", role="reviewer")
    project.close()
    result = runner.invoke(app, ["import", str(written.path), "--format", "brat", "--db", db,
                                 "--annotator", "gold", "--reviewer", "lead"])
    assert result.exit_code == 0, result.output
    assert "for gold (by reviewer lead)" in result.output


@pytest.mark.parametrize(
    ("fmt", "content", "code"),
    [
        # Labels outside the scheme and relation types that do not link those layers have
        # their own fix (--label-map, --drop-unknown): --drop-invalid does not hide them.
        ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 14, "label": "PER SON"}]},
         "E350"),
        ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 14, "label": " PERSON"}]},
         "E350"),
        ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 14, "label": "PERSON"},
                                             {"start": 20, "end": 31, "label": "ORG"}],
                     "relations": [{"head_span": {"start": 0, "end": 14, "label": "PERSON"},
                                    "child_span": {"start": 20, "end": 31, "label": "ORG"},
                                    "label": "said_by"}]}, "E351"),
        ("prodigy", {"text": TEXT, "spans": 5}, "E308"),
        ("prodigy", {"text": TEXT.replace(" told", "\x00told"), "spans": []}, "E308"),
        ("label-studio", {"data": {"text": TEXT}, "annotations": [{"result": [
            {"id": "a", "type": "textarea", "from_name": "note",
             "value": {"text": ["\ud800"]}}]}]}, "E308"),
        ("prodigy", {"text": 5}, "E308"),
        ("brat", "T1\tentity_PERSON five 14\tVladimir Putin\n", "E308"),
        ("brat", "T1\tentity_PERSON -1 14\tVladimir Putin\n", "E308"),
        ("label-studio", {"data": {"text": TEXT}, "annotations": [{"result": "x"}]}, "E308"),
    ],
)
def test_unreadable_or_unmappable_files_are_coded_errors_with_or_without_drop_invalid(
    tmp_path: Path, fmt: str, content: object, code: str
) -> None:
    project = open_project(tmp_path / "p.db")
    if fmt == "brat":
        folder = tmp_path / "brat" / "alice"
        folder.mkdir(parents=True)
        (folder / "d1.txt").write_text(TEXT, encoding="utf-8")
        (folder / "d1.ann").write_text(str(content), encoding="utf-8")
        path = tmp_path / "brat"
    elif fmt == "label-studio":
        path = tmp_path / "tasks.json"
        path.write_text(json.dumps([content]), encoding="utf-8")
    else:
        path = tmp_path / "session.jsonl"
        path.write_text(json.dumps(content) + "\n", encoding="utf-8")
    for drop_invalid in (False, True):
        with pytest.raises((FormatError, SchemeError)) as info:
            project.import_file(path, format=fmt, drop_invalid=drop_invalid)
        assert info.value.code == code, str(info.value)
        assert str(path) in str(info.value)
    assert project.store.counts()["documents"] == 0
    project.close()


def test_a_span_given_twice_is_kept_once_and_reported(tmp_path: Path) -> None:
    project = open_project(tmp_path / "p.db")
    path = tmp_path / "session.jsonl"
    span = {"start": 0, "end": 14, "label": "PERSON"}
    path.write_text(json.dumps({"text": TEXT, "_annotator_id": "alice", "spans": [span, span]})
                    + "\n", encoding="utf-8")
    report = project.import_file(path, format="prodigy")
    assert report.spans_added == 1 and report.left_out == []
    assert any("twice; kept once" in problem for problem in report.problems)
    project.close()


def test_long_lists_of_invalid_records_are_cut(tmp_path: Path) -> None:
    project = open_project(tmp_path / "p.db")
    path = tmp_path / "session.jsonl"
    rows = [{"text": TEXT, "meta": {"doc_id": f"d{n}"}, "_annotator_id": "alice",
             "spans": [{"start": n, "end": 500, "label": "PERSON"}]} for n in range(25)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(FormatError) as info:
        project.import_file(path, format="prodigy")
    message = str(info.value)
    assert "25 invalid record(s)" in message and "... and 5 more" in message
    assert f"{path}, line 20: " in message and f"{path}, line 21: " not in message
    project.close()


def test_metadata_the_store_cannot_hold_in_its_columns_stays_in_meta(project: Project,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    meta = {"doc_id": "d-meta", "title": {"nested": True}, "source": 5, "published": "x" * 100}
    path.write_text(json.dumps({"text": _copy("d-meta"), "meta": meta, "_annotator_id": "carol",
                                "spans": [{"start": 0, "end": 14, "label": "PERSON"}]}) + "\n",
                    encoding="utf-8")
    report = project.import_file(path, format="prodigy")
    assert report.documents_added == 1 and report.spans_added == 1
    document = project.document("d-meta")
    assert (document.title, document.source, document.published) == (None, None, None)
    assert document.meta["title"] == {"nested": True} and document.meta["published"] == "x" * 100
    _everything_still_works(project, tmp_path / "out")
