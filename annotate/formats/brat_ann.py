"""brat's ``.ann`` lines as records, each with its line number (brat's standoff format).

    T1  Organization 0 4            Sony           text-bound: type, offsets, the text there
    T2  Content 256 377;463 616     "He's ..."     a discontinuous span: its pieces
    R1  Origin Arg1:T1 Arg2:T3                     a relation
    E1  Merge-org:T2 Org-Arg:T1 Org-Arg2:T3        an event: trigger and role:argument pairs
    *   Alias T1 T2 T3                             an equivalence set
    A1  Negation E1 / A2 Confidence E1 High        attributes (M, brat's older letter, too)
    N1  Reference T1 Wikipedia:534366   Obama      a normalisation
    #1  AnnotatorNotes T1   a free-text note       a note

A line that is none of these is E308, naming the file and the line: nothing of such a file is
guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import FormatError
from .jsonio import lines as split_lines
from .jsonio import read_text

_T = re.compile(r"^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$")
_R = re.compile(r"^(R\S*)\t(\S+) (\S+?):(\S+) (\S+?):(\S+)\s*$")
_E = re.compile(r"^(E\S*)\t(\S+?):(\S+)((?: +\S+?:\S+)*)\s*$")
_A = re.compile(r"^([AM]\S*)\t(\S+) (\S+)(?: (\S+))?\s*$")
_N = re.compile(r"^(N\S*)\t(\S+) (\S+) (\S+)(?:\t(.*))?$")
_EQUIV = re.compile(r"^\*\t(\S+)((?: +\S+)+)\s*$")
_NOTE = re.compile(r"^(#\S*)\t(\S+) (\S+)(?:\t(.*))?$")


@dataclass(frozen=True, slots=True)
class Text:
    id: str
    type: str
    pieces: tuple[tuple[int, int], ...]  # as the file lists them
    text: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Relation:
    id: str
    type: str
    args: tuple[tuple[str, str], ...]  # (role, id): Arg1, Arg2
    line: int


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]  # (role as written, id)
    line: int


@dataclass(frozen=True, slots=True)
class Equivalence:
    type: str
    members: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Attribute:
    id: str
    name: str
    target: str
    value: str | None  # None: a binary attribute, present
    line: int


@dataclass(frozen=True, slots=True)
class Normalisation:
    id: str
    type: str
    target: str
    ref: str  # DB:ID
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    type: str  # AnnotatorNotes, or an attribute written as a note
    target: str
    text: str
    line: int


Record = Text | Relation | Event | Equivalence | Attribute | Normalisation | Note


@dataclass(slots=True)
class Ann:
    """One ``.ann`` file's records, by kind, in file order."""

    path: Path
    texts: list[Text]
    relations: list[Relation]
    events: list[Event]
    equivalences: list[Equivalence]
    attributes: list[Attribute]
    normalisations: list[Normalisation]
    notes: list[Note]


def parse_ann(path: Path) -> Ann:
    """Every record of the ``.ann`` file at ``path``; E308 for the first line that is none."""
    ann = Ann(path, [], [], [], [], [], [], [])
    for number, line in enumerate(split_lines(read_text(path)), start=1):
        if not line.strip():
            continue
        record = _record(line, number)
        if record is None:
            raise FormatError(
                "E308",
                path=str(path),
                where=f"line {number}",
                detail=f"not a brat standoff line: {line[:60]!r}",
            )
        _file(ann, record)
    return ann


def _record(line: str, number: int) -> Record | None:
    kind = line[0]
    if kind == "T" and (match := _T.match(line)):
        tid, type_, offsets, text = match.groups()
        pieces = tuple(
            (int(a), int(b)) for a, b in (piece.split() for piece in offsets.split(";"))
        )
        return Text(tid, type_, pieces, text, number)
    if kind == "R" and (match := _R.match(line)):
        rid, type_, role1, arg1, role2, arg2 = match.groups()
        return Relation(rid, type_, ((role1, arg1), (role2, arg2)), number)
    if kind == "E" and (match := _E.match(line)):
        eid, type_, trigger, rest = match.groups()
        args = tuple(
            (role, target)
            for role, _, target in (item.partition(":") for item in rest.split())
        )
        return Event(eid, type_, trigger, args, number)
    if kind in "AM" and (match := _A.match(line)):
        aid, name, target, value = match.groups()
        return Attribute(aid, name, target, value, number)
    if kind == "N" and (match := _N.match(line)):
        nid, type_, target, ref, text = match.groups()
        return Normalisation(nid, type_, target, ref, text or "", number)
    if kind == "*" and (match := _EQUIV.match(line)):
        type_, members = match.groups()
        return Equivalence(type_, tuple(members.split()), number)
    if kind == "#" and (match := _NOTE.match(line)):
        nid, type_, target, text = match.groups()
        return Note(nid, type_, target, text or "", number)
    return None


def _file(ann: Ann, record: Record) -> None:
    if isinstance(record, Text):
        ann.texts.append(record)
    elif isinstance(record, Relation):
        ann.relations.append(record)
    elif isinstance(record, Event):
        ann.events.append(record)
    elif isinstance(record, Equivalence):
        ann.equivalences.append(record)
    elif isinstance(record, Attribute):
        ann.attributes.append(record)
    elif isinstance(record, Normalisation):
        ann.normalisations.append(record)
    else:
        ann.notes.append(record)
