"""Reading brat standoff: every kind of line brat writes, into annotate's spans and relations.

Where the files are: a ``.ann`` file, the ``.txt`` beside it, or a folder of them (searched
below). The text of ``<stem>.ann`` is ``<stem>.txt`` beside it or in ``text_dir``; where there
is none, an ``.ann`` named ``<stem>_<annotator>.ann`` is that annotator's work on
``<stem>.txt``. Whose work: ``annotator`` if given, else the name in the file name, else the
name of the folder holding the ``.ann`` (the layout the brat export writes).

What becomes what:

- ``T``: a span. A discontinuous span keeps its pieces as ``fragments`` (listed in any order);
  pieces cut only at line breaks, as brat must cut a span across lines, are one piece again;
- ``R``: a relation, Arg1 its head; ``*``: relations of kind ``equivalence`` from the set's
  first span (by position) to each other one;
- ``E``: relations, by the event mapping (:mod:`.brat_events`);
- ``A``/``M``: attributes (a binary one is ``true``); ``#``: the ``note`` attribute
  (``AnnotatorNotes``), or another attribute of that name; ``N``: the ``norm`` attribute,
  ``{type: {"DB:ID": text}}``. On an event they go to its trigger (or its head, mapped); on a
  relation only a note is kept.

What cannot be mapped (an event without the role its mapping needs, an argument that is not in
the file, an attribute on a relation, pieces that overlap, a text that is not where the offsets
point) is a problem of an invalid kind, with the file and line: the import then takes nothing
of the file unless told to leave such records out.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..core import fragments as pieces_of
from ..core.scheme import Scheme
from ..errors import FormatError
from . import brat_ann as ann_
from .batch import ImportBatch
from .brat_events import EventMapping, load_events, role_base
from .builder import BatchBuilder, Unknown
from .jsonio import read_text
from .naming import from_file_name

FORMAT = "brat"
NOTE = "AnnotatorNotes"
NORM = "norm"
JSON_SUFFIX = ":json"
_LINE_BREAKS = re.compile(r"[\r\n]+")


@dataclass(frozen=True, slots=True)
class AnnFile:
    ann: Path
    txt: Path
    annotator: str | None  # from the file name (<stem>_<annotator>.ann)


def find_files(path: Path, text_dir: Path | None) -> list[AnnFile]:
    """The ``.ann`` files under ``path`` with the text each annotates; E353 where there is
    none."""
    if path.is_dir():
        anns = sorted(path.rglob("*.ann"))
        if not anns:
            raise FormatError("E316", path=str(path), what="brat .ann files")
    elif path.suffix in (".ann", ".txt"):
        anns = [path.with_suffix(".ann")]
        if not anns[0].exists():
            raise FormatError("E307", path=str(anns[0]))
    else:
        raise FormatError("E314", path=str(path), detail="not a brat .ann or .txt file")
    if text_dir is not None and not text_dir.is_dir():
        raise FormatError("E307", path=str(text_dir))
    return [_text_of(ann, text_dir) for ann in anns]


def _text_of(ann: Path, text_dir: Path | None) -> AnnFile:
    folders = [ann.parent] + ([text_dir] if text_dir is not None else [])
    tried = []
    for folder in folders:
        candidate = folder / f"{ann.stem}.txt"
        tried.append(str(candidate))
        if candidate.is_file():
            return AnnFile(ann, candidate, None)
    stem, sep, annotator = ann.stem.rpartition("_")
    if sep and stem and annotator:
        for folder in folders:
            candidate = folder / f"{stem}.txt"
            tried.append(str(candidate))
            if candidate.is_file():
                return AnnFile(ann, candidate, from_file_name(annotator))
    raise FormatError("E353", path=str(ann), tried="looked for " + ", ".join(tried))


def read_brat(
    path: str | Path,
    *,
    annotator: str | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
    text_dir: str | Path | None = None,
    events: str | Path | None = None,
) -> ImportBatch:
    """Read brat standoff: one ``.ann`` (with its text) or every one under a folder.

    See the module docstring for where texts and annotators come from and what each line
    becomes. ``events`` is the event mapping file (``"attribution"`` for the shipped one,
    which is also used by default where the scheme has the news layers). Problems name the
    ``.ann`` file and line.
    """
    path = Path(path)
    if not path.exists():
        raise FormatError("E307", path=str(path))
    probe = BatchBuilder(path, FORMAT, scheme=scheme, layer=layer)
    mapping = load_events(events, probe.scheme)
    builder = BatchBuilder(
        path, FORMAT, scheme=scheme, layer=layer,
        label_map={**mapping.types, **(label_map or {})}, unknown=unknown,
    )
    found = find_files(path, Path(text_dir) if text_dir is not None else None)
    # Read everything first: a file that cannot be read means no batch at all.
    parsed = [
        (item, read_text(item.txt, strip_bom=False), ann_.parse_ann(item.ann)) for item in found
    ]
    for item, text, ann in parsed:
        name = annotator or item.annotator or from_file_name(item.ann.parent.name)
        builder.path = str(item.ann)
        doc = builder.document(
            text, doc_id=from_file_name(item.txt.stem), meta={"path": str(item.txt)}, line=None
        )
        if doc is not None and builder.claim_unit(doc, name, line=None):
            _Reading(builder, mapping, doc, name, text, ann).run()
    builder.path = str(path)
    batch = builder.build(len(parsed))
    kinds: dict[str, str] = {}
    types: dict[str, str] = {}
    for _, _, ann in parsed:
        _hints(ann, mapping, kinds, types)
    batch.relation_kinds = kinds
    batch.attribute_types = types
    return batch


def _hints(ann: ann_.Ann, mapping: EventMapping, kinds: dict[str, str],
           types: dict[str, str]) -> None:
    """What the file says of its relation types and attributes beyond their names."""
    for event in ann.events:
        if mapping.rule(event.type) is None:
            for role, _ in event.args:
                kinds.setdefault(role_base(role), "role")
    for equivalence in ann.equivalences:
        kinds.setdefault(equivalence.type, "equivalence")
    for attribute in ann.attributes:
        types.setdefault(attribute.name, "bool" if attribute.value is None else "choice")
    for note in ann.notes:
        if not note.target.startswith("R"):
            types.setdefault(_note_key(note.type), "text")
    if ann.normalisations:
        types.setdefault(NORM, "text")


def _note_key(kind: str) -> str:
    key = kind.removesuffix(JSON_SUFFIX)
    return "note" if key == NOTE else key


@dataclass(slots=True)
class _Reading:
    """One ``.ann`` file read into the builder."""

    builder: BatchBuilder
    mapping: EventMapping
    doc: str
    annotator: str
    text: str
    ann: ann_.Ann
    texts: dict[str, ann_.Text] = field(default_factory=dict)
    # Where an id's attributes go: a T to itself, an E to its trigger (or mapped, its head).
    owner: dict[str, str] = field(default_factory=dict)
    consumed: set[str] = field(default_factory=set)  # triggers a mapped event repeats
    keys: dict[str, str | None] = field(default_factory=dict)  # T id -> span key
    dropped: set[str] = field(default_factory=set)  # left out on purpose (--drop-unknown)
    attrs: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    relation_attrs: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    extent: dict[str, tuple[int, int]] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)  # the file's event ids

    def problem(self, kind: str, detail: str, line: int) -> None:
        self.builder.problem(kind, detail, line=line)

    def run(self) -> None:
        self.texts = {record.id: record for record in self.ann.texts}
        self.events = {record.id for record in self.ann.events}
        self._events_first()
        self._attributes()
        self._spans()
        self._relations()
        self._mapped_events()
        self._generic_events()
        self._equivalences()

    # --- events: which triggers are spans, and where an event's attributes go ------------
    def _events_first(self) -> None:
        for record in self.ann.texts:
            self.owner[record.id] = record.id
        for event in self.ann.events:
            rule = self.mapping.rule(event.type)
            if rule is None:
                self.owner[event.id] = event.trigger
                continue
            head = [target for role, target in event.args if role_base(role) == rule.head]
            if len(head) == 1:
                self.owner[event.id] = head[0]
            trigger = self.texts.get(event.trigger)
            repeats = [
                self.texts.get(target)
                for role, target in event.args
                if role_base(role) == rule.trigger
            ]
            if trigger is not None and any(
                r is not None and _normal(r.pieces) == _normal(trigger.pieces) for r in repeats
            ):
                self.consumed.add(trigger.id)

    # --- attributes, notes, normalisations --------------------------------------------------
    def _attributes(self) -> None:
        declared = {a.name: a.type for a in self.builder.scheme.attributes}
        relation_ids = {record.id for record in self.ann.relations}
        for attribute in self.ann.attributes:
            if attribute.target in relation_ids:
                self.problem("unmappable", f"{attribute.id}: attribute {attribute.name!r} on "
                             f"relation {attribute.target}; a relation keeps only a note",
                             attribute.line)
                continue
            attrs = self._attrs_of(attribute.target, attribute.id, attribute.line)
            if attrs is None:
                continue
            if attribute.value is None:
                value: Any = True  # a binary attribute: present means true
            elif declared.get(attribute.name) == "bool" and attribute.value in ("true", "false"):
                value = attribute.value == "true"
            else:
                value = attribute.value
            attrs[attribute.name] = value
        for note in self.ann.notes:
            key = _note_key(note.type)
            value = note.text
            if note.type.endswith(JSON_SUFFIX):
                try:
                    value = json.loads(note.text)
                # ValueError: malformed JSON, numbers too long to read; RecursionError: nesting
                # deeper than the parser goes.
                except (ValueError, RecursionError):
                    self.problem("unmappable", f"{note.id}: {note.type!r} is not JSON",
                                 note.line)
                    continue
            if note.target in relation_ids:
                if key != "note":
                    self.problem("unmappable", f"{note.id}: {note.type!r} on relation "
                                 f"{note.target}; a relation keeps only a note", note.line)
                    continue
                _add_note(self.relation_attrs[note.target], value)
                continue
            attrs = self._attrs_of(note.target, note.id, note.line)
            if attrs is None:
                continue
            if key == "note" and isinstance(value, str):
                _add_note(attrs, value)
            else:
                attrs[key] = value
        for norm in self.ann.normalisations:
            attrs = self._attrs_of(norm.target, norm.id, norm.line)
            if attrs is not None:
                attrs.setdefault(NORM, {}).setdefault(norm.type, {})[norm.ref] = norm.text

    def _attrs_of(self, target: str, record: str, line: int) -> dict[str, Any] | None:
        owner = self.owner.get(target)
        if owner is None or owner not in self.texts:
            self.problem("dangling-relation", f"{record} is on {target}, which is not a span "
                         "or event of this file", line)
            return None
        return self.attrs[owner]

    # --- spans --------------------------------------------------------------------------------
    def _spans(self) -> None:
        seen: dict[tuple[Any, ...], tuple[str, str]] = {}
        for record in self.ann.texts:
            if record.id in self.consumed:
                if self.attrs.get(record.id):
                    self.problem("unmappable", f"{record.id} is the trigger of an event that "
                                 "becomes relations, so it is not kept; its attributes or notes "
                                 "have no span to go to", record.line)
                continue
            placed = self._pieces(record)
            if placed is None:
                self.keys[record.id] = None
                continue
            start, end, fragments = placed
            layer, label, known = self.builder.resolve(record.type)
            if not known and self.builder.unknown == "drop":
                self.dropped.add(record.id)
            identity = (layer, label, start, end)
            if identity in seen:
                first_id, first_key = seen[identity]
                self.keys[record.id] = first_key
                if self.attrs.get(record.id) and self.attrs.get(record.id) != self.attrs.get(
                    first_id
                ):
                    self.problem("unmappable", f"{record.id} marks what {first_id} marks, with "
                                 "other attributes; annotate keeps a span once", record.line)
                else:
                    self.problem("duplicate-span", f"{record.id} marks what {first_id} marks; "
                                 "kept once", record.line)
                continue
            key = self.builder.span(
                self.doc, annotator=self.annotator, label=record.type, start=start, end=end,
                attrs=self.attrs.get(record.id, {}), line=record.line, fragments=fragments,
            )
            self.keys[record.id] = key
            self.extent[record.id] = (start, end)
            if key is not None:
                seen[identity] = (record.id, key)

    def _pieces(self, record: ann_.Text) -> tuple[int, int, list[list[int]] | None] | None:
        """The span's extent and pieces; None (reported) where they cannot be its."""
        n_chars = len(self.text)
        for a, b in record.pieces:
            if a >= b:
                self.problem("offsets", f"{record.id} [{a}, {b}) does not fit: the piece is "
                             "empty or ends before it starts (pieces may come in any order, "
                             "each as start end)", record.line)
                return None
            if not 0 <= a < b <= n_chars:
                self.problem("offsets", f"{record.id} [{a}, {b}) does not fit a text of "
                             f"{n_chars} characters", record.line)
                return None
        ordered = sorted(record.pieces)
        for (_, end), (start, _) in pairwise(ordered):
            if start < end:
                self.problem("offsets", f"{record.id}: its pieces overlap "
                             f"({_listed(record.pieces)})", record.line)
                return None
        if record.text is not None:
            in_file_order = " ".join(self.text[a:b] for a, b in record.pieces)
            in_order = " ".join(self.text[a:b] for a, b in ordered)
            if record.text not in (in_file_order, in_order):
                self.problem("text-mismatch", f"{record.id} should read {record.text!r} but the "
                             f"text there is {in_order!r}", record.line)
                return None
        # Pieces apart only by line breaks are one piece that brat had to cut at them.
        joined: list[list[int]] = []
        for a, b in ordered:
            if joined and _LINE_BREAKS.fullmatch(self.text[joined[-1][1] : a]):
                joined[-1][1] = b
            else:
                joined.append([a, b])
        fragments = pieces_of.normalise(joined)
        return joined[0][0], joined[-1][1], fragments

    # --- relations ------------------------------------------------------------------------------
    def _span_key(self, target: str, record: str, line: int) -> str | bool | None:
        """The span key of a T id (an E id: its trigger, or mapped, its head); False where the
        span was left out on purpose (the relation goes with it), None (reported) where it is
        missing or was refused."""
        owner = self.owner.get(target)
        if owner is None or owner not in self.texts:
            self.problem("dangling-relation", f"{record} points at a span that was not "
                         f"imported: {target} is not a span or event of this file", line)
            return None
        if owner in self.consumed:
            self.problem("unmappable", f"{record} points at {target}, the trigger of an event "
                         "that becomes relations, which is not kept", line)
            return None
        if owner in self.dropped:
            return False
        return self.keys.get(owner)

    def _relation(self, type_: str, head: str, tail: str, record: str, line: int,
                  attrs: dict[str, Any] | None = None) -> None:
        head_key = self._span_key(head, record, line)
        tail_key = self._span_key(tail, record, line)
        if head_key is False or tail_key is False:
            self.problem("unknown-label", f"{record} ({type_}) left out with the span it links",
                         line)
            return
        if not isinstance(head_key, str) or not isinstance(tail_key, str):
            return  # reported: the span was refused, or is not in the file
        self.builder.relation(self.doc, annotator=self.annotator, type=type_, head=head_key,
                              tail=tail_key, line=line, attrs=attrs)

    def _relations(self) -> None:
        for relation in self.ann.relations:
            (_, head), (_, tail) = relation.args
            self._relation(relation.type, head, tail, relation.id, relation.line,
                           self.relation_attrs.get(relation.id))

    def _mapped_events(self) -> None:
        for event in self.ann.events:
            rule = self.mapping.rule(event.type)
            if rule is None:
                continue
            heads = [target for role, target in event.args if role_base(role) == rule.head]
            if len(heads) != 1:
                self.problem("unmappable", f"{event.id}: a {event.type!r} event needs one "
                             f"{rule.head} argument, which heads its relations; it has "
                             f"{len(heads)}", event.line)
                continue
            if event.trigger not in self.consumed:
                self.problem("unmappable", f"{event.id}: its trigger {event.trigger} does not "
                             f"mark the words of a {rule.trigger} argument, so the trigger would "
                             "be lost", event.line)
                continue
            for role, target in event.args:
                base = role_base(role)
                if base == rule.head:
                    continue
                if base not in rule.roles:
                    self.problem("unmappable", f"{event.id}: the role {role!r} of "
                                 f"{event.type!r} events is not in the event mapping "
                                 f"({self.mapping.origin})", event.line)
                    continue
                if target in self.events:
                    self.problem("unmappable", f"{event.id}: its {role} is the event {target}; "
                                 "a mapped event's arguments are spans", event.line)
                    continue
                self._relation(rule.roles[base], heads[0], target, event.id, event.line)

    def _generic_events(self) -> None:
        for event in self.ann.events:
            if self.mapping.rule(event.type) is not None:
                continue
            if event.trigger not in self.texts:
                self.problem("dangling-relation", f"{event.id}: its trigger {event.trigger} is "
                             "not in this file", event.line)
                continue
            trigger = self.texts[event.trigger]
            if trigger.type != event.type:
                self.problem("unmappable", f"{event.id} is a {event.type!r} event with a "
                             f"{trigger.type!r} trigger; brat gives both one type", event.line)
                continue
            for role, target in event.args:
                self._relation(role_base(role), event.trigger, target, event.id, event.line)

    def _equivalences(self) -> None:
        for equivalence in self.ann.equivalences:
            where = f"{equivalence.type} set"
            members: list[str] = []
            for member in equivalence.members:
                owner = self.owner.get(member)
                if owner is None or owner not in self.texts:
                    self.problem("dangling-relation", f"the {where} names {member}, which is "
                                 "not in this file", equivalence.line)
                    members = []
                    break
                if owner not in members:
                    members.append(owner)
            if len(members) < 2:
                self.problem("unmappable", f"the {where} has one member; a set links two or "
                             "more", equivalence.line)
                continue
            members.sort(key=lambda m: (*self.extent.get(m, (0, 0)), _number(m)))
            for member in members[1:]:
                self._relation(equivalence.type, members[0], member, f"the {where}",
                               equivalence.line)


def _add_note(attrs: dict[str, Any], text: str) -> None:
    earlier = attrs.get("note")
    attrs["note"] = text if not isinstance(earlier, str) else f"{earlier}\n{text}"


def _normal(pieces: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    return sorted(pieces)


def _listed(pieces: tuple[tuple[int, int], ...]) -> str:
    return ";".join(f"{a} {b}" for a, b in pieces)


def _number(record_id: str) -> int:
    digits = re.sub(r"\D", "", record_id)
    return int(digits) if digits else 0
