"""A project through the real Label Studio and back: `annotate export --format label-studio`,
a Label Studio project made from its config.xml, the tasks imported and exported by Label
Studio's own API, and `annotate import --format label-studio` of what it gave back.

Every span (layer, label, offsets, attributes), every relation and every finished document
must come back as it went out, under the same annotators.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from annotate.cli import main
from annotate.errors import FormatError
from annotate.formats.label_studio_writer import annotator_email
from annotate.project import open_project
from tests.support.clirun import one_error_line, run_main
from tests.support.interchange import EMOJI_TEXT, PEOPLE, Snapshot, build_project, figures, snapshot
from tests.support.toolservers import LabelStudio

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
    sent: list[dict[str, Any]]
    returned: list[dict[str, Any]]
    export: Path


@pytest.fixture(scope="module")
def round_trip(
    label_studio: LabelStudio, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RoundTrip]:
    folder = tmp_path_factory.mktemp("label-studio")
    source = build_project(folder)
    before = snapshot(source)
    source.close()
    out = folder / "out"
    cli("export", "--db", str(folder / "source.db"), "--format", "label-studio",
        "--annotator", "alice", "--annotator", "bob", "--out", str(out))
    for name in PEOPLE:  # Label Studio knows annotators as its users, by e-mail
        label_studio.add_user(annotator_email(name))
    project = label_studio.create_project(
        "annotate round trip", (out / "label-studio" / "config.xml").read_text("utf-8")
    )
    tasks = (out / "label-studio" / "tasks.json").read_bytes()
    answer = label_studio.import_tasks(project, tasks)
    assert (answer["task_count"], answer["annotation_count"]) == (3, 4), answer
    export = folder / "label-studio-export.json"
    export.write_bytes(label_studio.export_json(project))
    yield RoundTrip(folder, before, json.loads(tasks), json.loads(export.read_bytes()), export)


def test_everything_comes_back_from_label_studio(round_trip: RoundTrip) -> None:
    target = round_trip.folder / "target.db"
    cli("import", "--db", str(target), "--format", "label-studio", str(round_trip.export))
    project = open_project(target)
    after = snapshot(project)
    project.close()
    assert after == round_trip.before
    counts = figures(after)
    assert counts == {"documents": 3, "spans": 217, "relations": 76}
    print(f"\nLabel Studio round trip: out {figures(round_trip.before)}, back {counts}")


def test_label_studio_keeps_the_regions_as_written(round_trip: RoundTrip) -> None:
    """Label Studio stores the results as given: the export holds our region ids, UTF-16
    offsets and users, so what the reader undoes is exactly what the writer did."""
    by_doc = {task["data"]["doc_id"]: task for task in round_trip.returned}
    emoji = by_doc["emoji-1"]
    [answer] = emoji["annotations"]
    assert answer["completed_by"]["email"] == "bob@annotate.invalid"
    delhi = next(r for r in answer["result"] if r.get("value", {}).get("text") == "Delhi")
    start = EMOJI_TEXT.index("Delhi")
    assert (delhi["value"]["start"], delhi["value"]["end"]) == (start + 1, start + 6)
    sent = {task["data"]["doc_id"]: task for task in round_trip.sent}
    for doc_id, task in by_doc.items():
        ours = [a["result"] for a in sent[doc_id]["annotations"]]
        theirs = [a["result"] for a in task["annotations"]]
        assert sorted(map(json.dumps, theirs)) == sorted(map(json.dumps, ours))


def test_a_bad_record_in_label_studios_export_imports_nothing(
    round_trip: RoundTrip, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    tasks = json.loads(round_trip.export.read_bytes())
    broken = next(t for t in tasks if t["data"]["doc_id"] == "emoji-1")
    region = next(r for r in broken["annotations"][0]["result"] if r["type"] == "labels")
    region["value"]["end"] = 10_000  # past the end of the text
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    db = tmp_path / "target.db"
    status, output = run_main(["import", "--db", str(db), "--format", "label-studio",
                               str(path)], capfd)
    assert status == 1
    one_error_line(output, "E327")
    assert f"task {broken['id']}" in output and "does not fit a text" in output
    project = open_project(db)
    assert project.documents() == [] and len(project.tables()["spans"]) == 0
    project.close()


def test_label_studios_own_json_min_is_refused(
    round_trip: RoundTrip, tmp_path: Path
) -> None:
    rows = [{"text": task["data"]["text"], "id": task["id"]} for task in round_trip.returned]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    project = open_project(tmp_path / "target.db")
    with pytest.raises(FormatError) as info:
        project.import_file(path, format="label-studio")
    assert info.value.code == "E310"
    assert project.documents() == []
    project.close()
