"""brat corpora as brat writes them, imported, exported and imported again, span by span.

brat's own tutorial corpora (``../shared/peer-data/brat/``: entities, relations, events whose
arguments are events, equivalence sets, attributes, normalisations, notes) and a small
attribution corpus (``fixtures/brat-attribution/``: texts and ``.ann`` files in separate
folders, ``<stem>_<annotator>.ann`` names, attribution events, discontinuous spans listed in
either order). Each count is checked against the lines of the files, so nothing is lost
quietly, and the second import must hold exactly what the first did.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from annotate.core.scheme import Scheme
from annotate.formats.propose import propose_scheme
from annotate.project import Project, open_project
from tests.formats.conftest import FIXTURES, PEER

TUTORIALS = PEER / "brat"
ATTRIBUTION = FIXTURES / "brat-attribution"
MAPPED = {"Attribution": "Content", "Attribution-no-source": "Content"}  # event -> head role

Identity = tuple[Any, ...]


def census(folder: Path, *, mapped: dict[str, str] | None = None) -> Counter[str]:
    """What the ``.ann`` files under ``folder`` hold, counted from their lines."""
    mapped = mapped or {}
    found: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.ann")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        triggers = set()
        links = set()
        for line in lines:
            fields = line.split("\t")
            kind = line[0]
            if kind == "E":
                type_, _, trigger = fields[1].split()[0].partition(":")
                args = fields[1].split()[1:]
                found["events"] += 1
                found["event arguments"] += len(args)
                if type_ in mapped:
                    triggers.add(trigger)
                    head = next(a for a in args if a.startswith(mapped[type_] + ":"))
                    links |= {(type_, head, a) for a in args if a != head}
                else:
                    links |= {(type_, trigger, a) for a in args}
            elif kind == "R":
                found["relations"] += 1
                links.add(tuple(fields[1].split()))
            elif kind == "*":
                members = fields[1].split()
                links |= {(members[0], members[1], m) for m in members[2:]}
                found["equivalence sets"] += 1
            elif kind in "AM":
                found["attributes"] += 1
            elif kind == "#":
                found["notes"] += 1
            elif kind == "N":
                found["normalisations"] += 1
        texts = [line for line in lines if line.startswith("T")]
        found["spans"] += sum(1 for line in texts if line.split("\t")[0] not in triggers)
        found["fragmented"] += sum(
            1 for line in texts if ";" in line.split("\t")[1] and line.split("\t")[0] not in
            triggers
        )
        found["links"] += len(links)
        found["files"] += 1
    return found


def state(project: Project) -> tuple[set[Identity], set[Identity]]:
    """Every span and relation, named by what they mark rather than by ids."""
    tables = project.tables()
    digest = {
        row.doc_id: hashlib.sha256(row.text.encode()).hexdigest()[:12]
        for row in tables["documents"].itertuples()
    }
    spans: dict[str, Identity] = {}
    for row in tables["spans"].itertuples():
        pieces = tuple(tuple(piece) for piece in row.fragments) if row.fragments else None
        spans[row.span_id] = (digest[row.doc_id], row.annotator, row.layer, row.label,
                              row.start, row.end, pieces, _canonical(row.attrs))
    relations = {
        (row.type, spans[row.head_span_id], spans[row.tail_span_id], _canonical(row.attrs))
        for row in tables["relations"].itertuples()
    }
    return set(spans.values()), relations


def _canonical(attrs: Any) -> str:
    return json.dumps(attrs or {}, sort_keys=True)


def held(spans: set[Identity]) -> Counter[str]:
    attrs = [json.loads(span[-1]) for span in spans]
    return Counter(
        spans=len(spans),
        fragmented=sum(1 for span in spans if span[6] is not None and len(span[6]) > 1),
        notes=sum(1 for a in attrs if "note" in a),
        normalisations=sum(len(refs) for a in attrs for refs in a.get("norm", {}).values()),
    )


def round_trip(source: Path, scheme: Scheme, tmp_path: Path, **options: Any) -> tuple[
    tuple[set[Identity], set[Identity]], tuple[set[Identity], set[Identity]]
]:
    first = open_project(tmp_path / "first.db", scheme=scheme)
    try:
        report = first.import_file(source, format="brat", **options)
        assert not report.problems and not report.left_out, report.problems
        before = state(first)
        first.export(tmp_path / "out", formats="brat")
        grown = first.scheme
    finally:
        first.close()
    second = open_project(tmp_path / "second.db", scheme=grown)
    try:
        report = second.import_file(tmp_path / "out" / "brat", format="brat")
        assert not report.problems and not report.left_out, report.problems
        return before, state(second)
    finally:
        second.close()


@pytest.mark.parametrize("corpus", ["news-tutorial", "bio-tutorial"])
def test_tutorial_corpus_round_trips_with_every_span_relation_note_and_attribute(
    corpus: str, tmp_path: Path
) -> None:
    folder = TUTORIALS / corpus
    scheme, _ = propose_scheme(folder, fmt="brat")
    before, after = round_trip(folder, scheme, tmp_path)
    counts = census(folder)
    spans, relations = before
    assert held(spans)["spans"] == counts["spans"]
    assert len(relations) == counts["links"]
    assert held(spans)["notes"] + sum(1 for r in relations if "note" in r[-1]) == counts["notes"]
    assert held(spans)["normalisations"] == counts["normalisations"]
    given = sum(len(json.loads(s[-1])) - ("note" in s[-1]) - ("norm" in s[-1]) for s in spans)
    assert given == counts["attributes"]
    assert after == before


def test_tutorial_events_become_role_relations_from_their_trigger(tmp_path: Path) -> None:
    folder = TUTORIALS / "news-tutorial"
    scheme, _ = propose_scheme(folder / "annotation.conf", fmt="brat")
    (_, relations), _ = round_trip(folder / "090-event_structures.ann", scheme, tmp_path)
    text = (folder / "090-event_structures.txt").read_text(encoding="utf-8")
    named = {(r[0], text[r[1][4] : r[1][5]], text[r[2][4] : r[2][5]]) for r in relations}
    # E2 Report:T5 Reporter-Arg:T4 Event-Arg:E1: an argument that is an event is its trigger.
    assert ("Event-Arg", "reported", "merged") in named
    assert ("Org-Arg", "merged", "Google") in named and ("Org-Arg", "merged", "YouTube") in named
    kinds = {r.name: r.kind for r in scheme.relations}
    assert kinds["Event-Arg"] == "role" and kinds["Alias"] == "equivalence"


def test_attribution_corpus_round_trips_with_events_and_fragments(tmp_path: Path) -> None:
    before, after = round_trip(ATTRIBUTION / "attributions", Scheme.default(), tmp_path,
                               text_dir=ATTRIBUTION / "text", extend_scheme=True)
    counts = census(ATTRIBUTION / "attributions", mapped=MAPPED)
    spans, relations = before
    assert held(spans)["spans"] == counts["spans"] == 36
    assert held(spans)["fragmented"] == counts["fragmented"] == 3
    assert len(relations) == counts["links"] == 25
    assert held(spans)["notes"] == counts["notes"] == 3
    assert held(spans)["normalisations"] == counts["normalisations"] == 1
    assert {s[1] for s in spans} == {"4b22", "d473"}  # <stem>_<annotator>.ann
    assert {r[0] for r in relations} == {"said_by", "cue"}
    assert after == before
    # T11 Content 179 210;142 166 lists its pieces in reverse: kept, sorted.
    (quote,) = [s for s in spans if s[6] == ((142, 166), (179, 210)) and s[1] == "4b22"]
    assert quote[2:6] == ("quote", "INDIRECT", 142, 210)
