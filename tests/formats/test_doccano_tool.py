"""A project through the real doccano and back: `annotate export --format doccano` (one file
per annotator), a sequence-labelling project with relations whose span and relation types come
from the scheme, each file uploaded through doccano's import API and exported by its export
API ('JSONL(Relation)'), and `annotate import --format doccano --annotator NAME` of each.

doccano files the work of an import under the user who uploads it, one file a user, so each
annotator's file goes into a project of its own and comes back under their name. doccano keeps
no span attributes (the export's notes list what is left out); every span, relation and
finished document must come back.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotate.cli import main
from annotate.core.scheme import Scheme
from annotate.formats.doccano_writer import relation_types, span_types
from annotate.formats.manifest import read_manifest
from annotate.project import open_project
from tests.support.clirun import one_error_line, run_main
from tests.support.interchange import PEOPLE, Snapshot, build_project, figures, snapshot
from tests.support.toolservers import Doccano

pytestmark = pytest.mark.slow


def cli(*args: str) -> None:
    try:
        main(list(args))
    except SystemExit as exc:
        assert not exc.code, f"annotate {' '.join(args)} failed"


@dataclass
class RoundTrip:
    folder: Path
    before: Snapshot
    exports: dict[str, Path]  # annotator -> doccano's export of their project
    out: Path


@pytest.fixture(scope="module")
def round_trip(doccano: Doccano, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoundTrip]:
    folder = tmp_path_factory.mktemp("doccano")
    source = build_project(folder)
    before = snapshot(source, attrs=False)
    scheme = source.scheme
    source.close()
    out = folder / "out"
    cli("export", "--db", str(folder / "source.db"), "--format", "doccano",
        "--annotator", "alice", "--annotator", "bob", "--out", str(out))
    exports = {}
    for name in PEOPLE:
        project = doccano.create_project(f"annotate {name}", span_types(scheme),
                                         relation_types(scheme))
        result = doccano.import_jsonl(project, out / "doccano" / f"{name}.jsonl")
        assert result == {"error": []}, result
        with zipfile.ZipFile(io.BytesIO(doccano.export_zip(project))) as archive:
            [member] = archive.namelist()  # one file per project member: the admin
            exports[name] = folder / f"{name}-from-doccano.jsonl"
            exports[name].write_bytes(archive.read(member))
    yield RoundTrip(folder, before, exports, out)


def test_everything_but_attributes_comes_back_from_doccano(round_trip: RoundTrip) -> None:
    target = round_trip.folder / "target.db"
    for name, path in round_trip.exports.items():
        cli("import", "--db", str(target), "--format", "doccano", "--annotator", name, str(path))
    project = open_project(target)
    after = snapshot(project, attrs=False)
    project.close()
    assert after == round_trip.before
    counts = figures(after)
    assert counts == {"documents": 3, "spans": 217, "relations": 76}
    print(f"\ndoccano round trip: out {figures(round_trip.before)}, back {counts}")
    # What doccano cannot hold was said at export time, span by span.
    notes = [n for n in read_manifest(round_trip.out).notes if n.format == "doccano"]
    assert {n.kind for n in notes} == {"attributes-left-out"}
    assert {(n.annotator, n.detail.split(";")[1].strip()) for n in notes} == {
        ("bob", "addressee of quote DIRECT left out"),
        ("bob", "checkworthy, hedged of claim QUANTITY left out"),
        ("bob", "note of entity GPE left out"),
    }


def test_doccano_keeps_the_types_of_the_scheme(round_trip: RoundTrip, doccano: Doccano) -> None:
    projects = doccano.http.json("GET", "/v1/projects?limit=100")["results"]
    pid = next(p["id"] for p in projects if p["name"] == "annotate alice")
    got = doccano.http.json("GET", f"/v1/projects/{pid}/span-types")
    assert sorted(t["text"] for t in got) == sorted(t for t, _ in span_types(Scheme.default()))
    lines = [json.loads(line) for line in round_trip.exports["alice"].read_text().splitlines()]
    labels = {e["label"] for line in lines for e in line["entities"]}
    assert {"PERSON", "quote_DIRECT", "source_SOURCE", "cue_CUE", "claim_QUANTITY"} <= labels


def test_a_bad_record_in_doccanos_export_imports_nothing(
    round_trip: RoundTrip, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    lines = round_trip.exports["bob"].read_text("utf-8").splitlines()
    record = json.loads(lines[-1])
    record["entities"][0]["label"] = "quote_SHOUTED"  # not in the scheme
    record["entities"][1]["end_offset"] = len(record["text"]) + 5
    path = tmp_path / "bob.jsonl"
    path.write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n", encoding="utf-8")
    db = tmp_path / "target.db"
    status, output = run_main(["import", "--db", str(db), "--format", "doccano", str(path)],
                              capfd)
    assert status == 1
    one_error_line(output, "E350")
    assert "quote:SHOUTED" in output
    status, output = run_main(["import", "--db", str(db), "--format", "doccano",
                               "--drop-unknown", str(path)], capfd)
    assert status == 1
    one_error_line(output, "E327")
    assert f"line {len(lines)}" in output and "does not fit a text" in output
    project = open_project(db)
    assert project.documents() == [] and len(project.tables()["spans"]) == 0
    project.close()
