"""brat standoff: ``<doc_id>.txt`` beside ``<doc_id>.ann``, one folder per annotator.

Layout: ``<out>/annotation.conf`` (so brat can show the files) and
``<out>/<annotator>/<doc_id>.txt|.ann``, names percent-encoded where they hold characters a
file name cannot. In the ``.ann`` file, as brat writes them:

- ``T`` lines: spans, typed ``<layer>_<LABEL>`` (``entity_PERSON``, ``quote_DIRECT``); a
  discontinuous span lists its pieces (``T3 quote_DIRECT 0 21;34 53``), and every piece
  crossing a line break is cut there, as brat requires;
- ``E`` lines: events. A quote with its cue is an ``Attribution`` event (``Content``, ``Cue``,
  ``Source``; its trigger a copy of the cue), as attribution corpora have them; a span heading
  relations of kind ``role`` is an event of its own type with those roles;
- ``*`` lines: the sets that relations of kind ``equivalence`` make;
- ``R`` lines: the other relations, ``Arg1`` the head and ``Arg2`` the tail;
- ``A`` lines: the scheme's choice attributes and booleans (``checkworthy T3 yes``,
  ``hedged T3 true``); on an event's trigger they go on the event, as brat has them;
- ``N`` lines: the ``norm`` attribute (``{type: {"DB:ID": text}}``);
- ``#`` lines: ``AnnotatorNotes`` for ``note`` (also on relations); any other attribute as
  ``#N <name> T3 <text>``, or ``<name>:json`` with a JSON value where the value is not one-line
  text.

brat keeps every layer, piece, relation, note and attribute; it loses span and relation ids,
origins and timestamps. :func:`read_brat` (:mod:`.brat_read`) reads this layout and brat files
from other projects, events and all.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import fragments as pieces_of
from ..core.records import SpanRecord
from ..core.scheme import Scheme
from .brat_conf import ConfTypes
from .brat_events import EventMapping, EventRule, load_events, numbered
from .brat_read import JSON_SUFFIX, NORM, NOTE, read_brat
from .docs import AnnotatedDoc, DocRelation, annotated_docs
from .manifest import ExportNote, WriteReport
from .naming import qualify, to_file_name
from .tables import _default_scheme

FORMAT = "brat"

__all__ = ["annotation_conf", "read_brat", "to_ann", "write_brat", "write_units"]


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks, empty pieces dropped."""
    pieces = []
    position = start
    for line in re.split(r"(\r\n|\r|\n)", text[start:end]):
        if line and line not in ("\n", "\r", "\r\n"):
            pieces.append((position, position + len(line)))
        position += len(line)
    return pieces or [(start, end)]


def _one_line(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not re.search(r"[\t\r\n]", value)


@dataclass(slots=True)
class _Writer:
    """One document's ``.ann`` lines, numbered as brat numbers them."""

    unit: AnnotatedDoc
    scheme: Scheme
    mapping: EventMapping
    conf: ConfTypes
    lines: list[str] = field(default_factory=list)
    notes: list[ExportNote] = field(default_factory=list)
    tid: dict[str, str] = field(default_factory=dict)  # span id -> T id
    eid: dict[str, str] = field(default_factory=dict)  # span id of a trigger -> E id
    types: dict[str, str] = field(default_factory=dict)  # span id -> brat type
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next_id(self, letter: str) -> str:
        self.counters[letter] += 1
        return f"{letter}{self.counters[letter]}"

    def note(self, kind: str, record: str, detail: str) -> None:
        self.notes.append(ExportNote(FORMAT, kind, self.unit.doc_id, self.unit.annotator, record,
                                     detail))

    def text_bound(self, type_: str, start: int, end: int, fragments: list[list[int]] | None,
                   record: str) -> str:
        tid = self.next_id("T")
        text = self.unit.text
        cut = [p for a, b in pieces_of.pieces(start, end, fragments) for p in _cut(text, a, b)]
        if cut[0][0] != start or cut[-1][1] != end:
            self.note("misaligned", record, "span starts or ends with a line break, which brat "
                      f"cannot mark; written as [{cut[0][0]}, {cut[-1][1]})")
        offsets = ";".join(f"{a} {b}" for a, b in cut)
        covered = " ".join(text[a:b] for a, b in cut)
        self.lines.append(f"{tid}\t{type_} {offsets}\t{covered}")
        return tid

    def run(self) -> None:
        spans = {span.span_id: span for span in self.unit.spans}
        for span in self.unit.spans:
            self.types[span.span_id] = qualify(span.layer, span.label, plain_layer=None)
            self.tid[span.span_id] = self.text_bound(
                self.types[span.span_id], span.start, span.end, span.fragments, span.span_id
            )
        kinds = {relation.name: relation.kind for relation in self.scheme.relations}
        rest = self.mapped_events(spans)
        roles = [r for r in rest if kinds.get(r.type) == "role"]
        sets = [r for r in rest if kinds.get(r.type) == "equivalence"]
        links = [r for r in rest if kinds.get(r.type, "link") == "link"]
        self.generic_events(spans, roles)
        self.equivalences(sets)
        for relation in links:
            rid = self.next_id("R")
            self.lines.append(f"{rid}\t{relation.type} Arg1:{self.tid[relation.head]} "
                              f"Arg2:{self.tid[relation.tail]}")
            self.conf.relation(relation.type, self.types[relation.head],
                               self.types[relation.tail])
            self.relation_note(relation, rid)
        for span in self.unit.spans:
            self.attributes(span, self.eid.get(span.span_id) or self.tid[span.span_id])
            if span.span_id not in self.eid:
                self.conf.entity(self.types[span.span_id])

    # --- events -----------------------------------------------------------------------------
    def mapped_events(self, spans: Mapping[str, SpanRecord]) -> list[DocRelation]:
        """Write the mapping's events (quotes with their cue); the relations left over."""
        mapped = {t for rule in self.mapping.events for t in rule.roles.values()}
        by_head: dict[str, list[DocRelation]] = defaultdict(list)
        for relation in self.unit.relations:
            if relation.type in mapped:
                by_head[relation.head].append(relation)
        used: set[str] = set()
        for head in sorted(by_head, key=lambda s: (spans[s].start, spans[s].end)):
            relations = by_head[head]
            rule = self.mapping.rule_for({r.type for r in relations})
            if rule is None:
                continue
            self.mapped_event(rule, head, relations, spans)
            used |= {r.relation_id for r in relations}
        return [r for r in self.unit.relations if r.relation_id not in used]

    def mapped_event(self, rule: EventRule, head: str, relations: list[DocRelation],
                     spans: Mapping[str, SpanRecord]) -> None:
        by_position = sorted(relations, key=lambda r: (spans[r.tail].start, spans[r.tail].end))
        trigger_type = rule.roles[rule.trigger]
        cue = spans[next(r.tail for r in by_position if r.type == trigger_type)]
        trigger = self.text_bound(rule.type, cue.start, cue.end, cue.fragments, cue.span_id)
        eid = self.next_id("E")
        args = [f"{rule.head}:{self.tid[head]}"]
        self.conf.event_arg(rule.type, rule.head, self.types[head])
        for role, type_ in rule.roles.items():
            for nth, relation in enumerate(r for r in by_position if r.type == type_):
                args.append(f"{numbered(role, nth)}:{self.tid[relation.tail]}")
                self.conf.event_arg(rule.type, role, self.types[relation.tail])
                self.relation_note(relation, None)
        self.lines.append(f"{eid}\t{rule.type}:{trigger} " + " ".join(args))

    def generic_events(self, spans: Mapping[str, SpanRecord], roles: list[DocRelation]) -> None:
        by_head: dict[str, list[DocRelation]] = defaultdict(list)
        for relation in sorted(roles, key=lambda r: (spans[r.tail].start, spans[r.tail].end)):
            by_head[relation.head].append(relation)
        order = sorted(by_head, key=lambda s: (spans[s].start, spans[s].end))
        for head in order:
            self.eid[head] = self.next_id("E")
        for head in order:
            type_ = self.types[head]
            seen: dict[str, int] = defaultdict(int)
            args = []
            for relation in by_head[head]:
                tail = self.eid.get(relation.tail) or self.tid[relation.tail]
                args.append(f"{numbered(relation.type, seen[relation.type])}:{tail}")
                seen[relation.type] += 1
                tail_type = "<EVENT>" if relation.tail in self.eid else self.types[relation.tail]
                self.conf.event_arg(type_, relation.type, tail_type)
                self.relation_note(relation, None)
            self.lines.append(f"{self.eid[head]}\t{type_}:{self.tid[head]} " + " ".join(args))

    def equivalences(self, sets: list[DocRelation]) -> None:
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(item: tuple[str, str]) -> tuple[str, str]:
            while parent.setdefault(item, item) != item:
                item = parent[item]
            return item

        for relation in sets:
            parent[find((relation.type, relation.tail))] = find((relation.type, relation.head))
            self.relation_note(relation, None)
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for item in list(parent):
            groups[find(item)].append(item[1])
        number = {span.span_id: n for n, span in enumerate(self.unit.spans)}
        for (type_, _), members in sorted(groups.items(), key=lambda g: min(number[m] for m in
                                                                              g[1])):
            ordered = sorted(set(members), key=number.__getitem__)
            self.lines.append(f"*\t{type_} " + " ".join(self.tid[m] for m in ordered))
            self.conf.equivalence(type_, [self.types[m] for m in ordered])

    def relation_note(self, relation: DocRelation, rid: str | None) -> None:
        note = relation.attrs.get("note") if relation.attrs else None
        if note is None:
            return
        if rid is None:
            self.note("lost-note", relation.relation_id, f"the note on {relation.type!r} is not "
                      "written: brat keeps notes on relations, not on an event's arguments")
            return
        self.note_line(NOTE, rid, note)

    # --- attributes, notes, normalisations --------------------------------------------------
    def note_line(self, kind: str, target: str, value: Any) -> None:
        nid = self.next_id("#")
        if _one_line(value) and value.strip() == value:
            self.lines.append(f"{nid}\t{kind} {target}\t{value}")
        else:
            as_json = json.dumps(value, ensure_ascii=False)
            self.lines.append(f"{nid}\t{kind}{JSON_SUFFIX} {target}\t{as_json}")

    def attributes(self, span: SpanRecord, target: str) -> None:
        declared = self.scheme.attributes_for(span.layer)
        for name, value in span.attrs.items():
            attribute = declared.get(name)
            if attribute is not None and attribute.type == "bool" and isinstance(value, bool):
                aid = self.next_id("A")
                self.lines.append(f"{aid}\t{name} {target} {'true' if value else 'false'}")
                self.conf.attribute(name, self.types[span.span_id], "true|false")
            elif (attribute is not None and attribute.type == "choice" and _one_line(value)
                  and " " not in value):
                aid = self.next_id("A")
                self.lines.append(f"{aid}\t{name} {target} {value}")
                self.conf.attribute(name, self.types[span.span_id], "|".join(attribute.values))
            elif name == NORM and _normalisations(value):
                for type_, refs in value.items():
                    for ref, text in refs.items():
                        nid = self.next_id("N")
                        self.lines.append(f"{nid}\t{type_} {target} {ref}\t{text}")
            else:
                self.note_line(NOTE if name == "note" else name, target, value)


def _normalisations(value: Any) -> bool:
    """Whether ``value`` is ``{type: {"DB:ID": text}}`` as N lines can hold it."""
    return isinstance(value, dict) and all(
        re.fullmatch(r"\S+", type_ or "") and isinstance(refs, dict) and all(
            isinstance(ref, str) and re.fullmatch(r"\S+", ref) and (text == "" or _one_line(text))
            for ref, text in refs.items()
        )
        for type_, refs in value.items()
    )


def to_ann(
    unit: AnnotatedDoc, scheme: Scheme, *, mapping: EventMapping | None = None,
    conf: ConfTypes | None = None,
) -> tuple[str, list[ExportNote]]:
    """The ``.ann`` text for ``unit``, and what could not be written as it is."""
    writer = _Writer(unit, scheme, mapping or load_events(None, scheme), conf or ConfTypes())
    writer.run()
    return "".join(line + "\n" for line in writer.lines), writer.notes


def annotation_conf(units: Sequence[AnnotatedDoc], scheme: Scheme) -> str:
    """brat's type configuration for ``units``: the scheme's types and what the data adds."""
    conf = ConfTypes()
    mapping = load_events(None, scheme)
    for unit in units:
        to_ann(unit, scheme, mapping=mapping, conf=conf)
    return conf.render(scheme)


class BratFiles:
    """A ``.txt`` and an ``.ann`` file a unit under ``<annotator>/``, written a chunk of units
    at a time (each :meth:`add`), so an export of any size holds one chunk; :meth:`close`
    writes ``annotation.conf`` with every type the units used and gives the report."""

    def __init__(self, out_dir: Path, *, scheme: Scheme | None = None) -> None:
        self.out = out_dir
        self.scheme = scheme or _default_scheme()
        self.mapping = load_events(None, self.scheme)
        self.report = WriteReport()
        self.conf = ConfTypes()
        self.written: list[Path] = []

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for unit in units:
            folder = self.out / to_file_name(unit.annotator)
            folder.mkdir(exist_ok=True)
            stem = to_file_name(unit.doc_id)
            ann, notes = to_ann(unit, self.scheme, mapping=self.mapping, conf=self.conf)
            self.report.notes.extend(notes)
            # newline="" keeps the text's own line breaks, so offsets count the same characters.
            with (folder / f"{stem}.txt").open("w", encoding="utf-8", newline="") as handle:
                handle.write(unit.text)
            with (folder / f"{stem}.ann").open("w", encoding="utf-8", newline="") as handle:
                handle.write(ann)
            self.written += [folder / f"{stem}.txt", folder / f"{stem}.ann"]

    def close(self) -> WriteReport:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / "annotation.conf"
        path.write_text(self.conf.render(self.scheme), encoding="utf-8")
        self.report.files += [path, *self.written]
        return self.report


def write_units(
    units: Sequence[AnnotatedDoc], out_dir: Path, *, scheme: Scheme | None = None
) -> WriteReport:
    files = BratFiles(out_dir, scheme=scheme)
    files.add(units)
    return files.close()


def write_brat(
    tables: Mapping[str, pd.DataFrame], out_dir: str | Path, *, scheme: Scheme | None = None
) -> WriteReport:
    """Write the brat layout described in the module docstring into ``out_dir``."""
    units, notes = annotated_docs(tables, fmt=FORMAT)
    report = write_units(units, Path(out_dir), scheme=scheme)
    report.notes[:0] = notes
    return report
