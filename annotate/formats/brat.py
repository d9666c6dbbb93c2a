"""brat standoff: ``<doc_id>.txt`` beside ``<doc_id>.ann``, one folder per annotator.

Layout: ``<out>/annotation.conf`` (so brat can show the files) and
``<out>/<annotator>/<doc_id>.txt|.ann``, names percent-encoded where they hold characters a
file name cannot. In the ``.ann`` file:

- ``T`` lines: spans, typed ``<layer>_<LABEL>`` (``entity_PERSON``, ``quote_DIRECT``). A span
  crossing a line break is written as fragments split there, as brat requires;
- ``R`` lines: relations, ``Arg1`` the head and ``Arg2`` the tail;
- ``A`` lines: the scheme's choice attributes and booleans (``checkworthy T3 yes``,
  ``hedged T3 true``);
- ``#`` lines: ``AnnotatorNotes`` for ``note``; any other attribute as ``#N <name> T3 <text>``,
  or ``<name>:json`` with a JSON value where the value is not one-line text.

brat keeps every layer, relation and attribute; it loses span and relation ids, origins and
timestamps. :func:`read_brat` reads this layout and brat files from other projects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.scheme import Scheme
from ..errors import FormatError
from .batch import ImportBatch
from .builder import BatchBuilder, Unknown
from .docs import AnnotatedDoc, annotated_docs
from .jsonio import lines as split_lines
from .jsonio import read_text
from .manifest import ExportNote, WriteReport
from .naming import from_file_name, qualify, to_file_name
from .tables import _default_scheme

FORMAT = "brat"
NOTE = "AnnotatorNotes"
JSON_SUFFIX = ":json"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
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


def to_ann(unit: AnnotatedDoc, scheme: Scheme) -> tuple[str, list[ExportNote]]:
    """The ``.ann`` text for ``unit``."""
    lines: list[str] = []
    notes: list[ExportNote] = []
    ids: dict[str, str] = {}
    n_attr = n_note = 0
    for n, span in enumerate(unit.spans, start=1):
        tid = ids[span.span_id] = f"T{n}"
        pieces = _fragments(unit.text, span.start, span.end)
        if pieces[0][0] != span.start or pieces[-1][1] != span.end:
            notes.append(
                ExportNote(
                    FORMAT,
                    "misaligned",
                    unit.doc_id,
                    unit.annotator,
                    span.span_id,
                    "span starts or ends with a line break, which brat cannot mark; written "
                    f"as [{pieces[0][0]}, {pieces[-1][1]})",
                )
            )
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        covered = " ".join(unit.text[a:b] for a, b in pieces)
        lines.append(
            f"{tid}\t{qualify(span.layer, span.label, plain_layer=None)} {offsets}\t{covered}"
        )
        declared = scheme.attributes_for(span.layer)
        for name, value in span.attrs.items():
            attribute = declared.get(name)
            if attribute is not None and attribute.type == "bool" and isinstance(value, bool):
                n_attr += 1
                lines.append(f"A{n_attr}\t{name} {tid} {'true' if value else 'false'}")
            elif (
                attribute is not None
                and attribute.type == "choice"
                and _one_line(value)
                and " " not in value
            ):
                n_attr += 1
                lines.append(f"A{n_attr}\t{name} {tid} {value}")
            else:
                n_note += 1
                kind = NOTE if name == "note" else name
                if _one_line(value) and value.strip() == value:
                    lines.append(f"#{n_note}\t{kind} {tid}\t{value}")
                else:
                    as_json = json.dumps(value, ensure_ascii=False)
                    lines.append(f"#{n_note}\t{kind}{JSON_SUFFIX} {tid}\t{as_json}")
    for n, relation in enumerate(unit.relations, start=1):
        lines.append(f"R{n}\t{relation.type} Arg1:{ids[relation.head]} Arg2:{ids[relation.tail]}")
    return "".join(line + "\n" for line in lines), notes


def annotation_conf(units: Sequence[AnnotatedDoc], scheme: Scheme) -> str:
    """brat's type configuration: the scheme's types plus any label the data adds."""
    types: dict[str, list[str]] = {
        layer.name: [qualify(layer.name, label, plain_layer=None) for label in layer.label_names]
        for layer in scheme.layers
    }
    relations = {r.name: (r.head, r.tail) for r in scheme.relations}
    for unit in units:
        layer_of = {s.span_id: s.layer for s in unit.spans}
        for span in unit.spans:
            name = qualify(span.layer, span.label, plain_layer=None)
            if name not in types.setdefault(span.layer, []):
                types[span.layer].append(name)
        for relation in unit.relations:
            relations.setdefault(relation.type, (layer_of[relation.head], layer_of[relation.tail]))
    lines = ["[entities]", *(name for names in types.values() for name in names), "", "[relations]"]
    for name, (head, tail) in relations.items():
        lines.append(
            f"{name}\tArg1:{'|'.join(types.get(head, ['<ENTITY>']))}, "
            f"Arg2:{'|'.join(types.get(tail, ['<ENTITY>']))}"
        )
    lines += [
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
    ]
    for attribute in scheme.attributes:
        layers = scheme.layer_names if attribute.layer == "*" else (attribute.layer,)
        targets = "|".join(name for layer in layers for name in types.get(layer, []))
        if attribute.type == "choice":
            lines.append(f"{attribute.name}\tArg:{targets}, Value:{'|'.join(attribute.values)}")
        elif attribute.type == "bool":
            lines.append(f"{attribute.name}\tArg:{targets}, Value:true|false")
    return "\n".join(lines) + "\n"


def write_units(
    units: Sequence[AnnotatedDoc], out_dir: Path, *, scheme: Scheme | None = None
) -> WriteReport:
    scheme = scheme or _default_scheme()
    out_dir.mkdir(parents=True, exist_ok=True)
    report = WriteReport()
    conf = out_dir / "annotation.conf"
    conf.write_text(annotation_conf(units, scheme), encoding="utf-8")
    report.files.append(conf)
    for unit in units:
        folder = out_dir / to_file_name(unit.annotator)
        folder.mkdir(exist_ok=True)
        stem = to_file_name(unit.doc_id)
        ann, notes = to_ann(unit, scheme)
        report.notes.extend(notes)
        # newline="" keeps the text's own line breaks, so offsets count the same characters.
        with (folder / f"{stem}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(unit.text)
        with (folder / f"{stem}.ann").open("w", encoding="utf-8", newline="") as handle:
            handle.write(ann)
        report.files += [folder / f"{stem}.txt", folder / f"{stem}.ann"]
    return report


def write_brat(
    tables: Mapping[str, pd.DataFrame], out_dir: str | Path, *, scheme: Scheme | None = None
) -> WriteReport:
    """Write the brat layout described in the module docstring into ``out_dir``."""
    units, notes = annotated_docs(tables, fmt=FORMAT)
    report = write_units(units, Path(out_dir), scheme=scheme)
    report.notes[:0] = notes
    return report


# --- import ------------------------------------------------------------------------------------

_T = re.compile(r"^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
_R = re.compile(r"^(R\S*)\t(\S+) (\w+):(\S+) (\w+):(\S+)\s*$")
_A = re.compile(r"^([AM]\S*)\t(\S+) (\S+)(?: (\S+))?\s*$")
_NOTE = re.compile(r"^(#\S*)\t(\S+) (\S+)\t?(.*)$")


def _ann_files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(path.rglob("*.ann"))
        if not found:
            raise FormatError("E316", path=str(path), what="brat .ann files")
        return found
    if path.suffix in (".ann", ".txt"):
        return [path.with_suffix(".ann")]
    raise FormatError("E314", path=str(path), detail="not a brat .ann or .txt file")


def read_brat(
    path: str | Path,
    *,
    annotator: str | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
) -> ImportBatch:
    """Read brat standoff: one ``.ann`` (with its ``.txt``) or every one under a folder.

    The document id is the file's stem; the annotator is ``annotator``, else the name of the
    folder holding the file (the layout :func:`write_brat` writes). Types named
    ``<layer>_<LABEL>`` go to that layer, others under ``layer``. Events, equivalences and
    normalisations have no place in the scheme and are reported; a discontinuous span (other
    than one cut at line breaks) is reported and left out. Problems name the ``.ann`` file.
    """
    path = Path(path)
    if not path.exists():
        raise FormatError("E307", path=str(path))
    builder = BatchBuilder(
        path, FORMAT, scheme=scheme, layer=layer, label_map=label_map, unknown=unknown
    )
    parsed = []
    for ann in _ann_files(path):  # read everything first: a bad file means no batch at all
        txt = ann.with_suffix(".txt")
        if not ann.exists():
            raise FormatError("E307", path=str(ann))
        if not txt.exists():
            raise FormatError("E314", path=str(ann), detail=f"no text file {txt.name} beside it")
        parsed.append((ann, read_text(txt, strip_bom=False), _parse_ann(ann)))
    for ann, text, records in parsed:
        name = annotator or from_file_name(ann.parent.name)
        builder.path = str(ann)
        doc = builder.document(text, doc_id=from_file_name(ann.stem), line=None)
        if doc is not None and builder.claim_unit(doc, name, line=None):
            _add(builder, doc, name, text, records)
    builder.path = str(path)
    return builder.build(len(parsed))


Record = tuple[int, str, tuple[Any, ...]]  # line, kind (T R A # E * N), regex groups
_PATTERNS = (("T", _T), ("R", _R), ("A", _A), ("M", _A), ("#", _NOTE))


def _parse_ann(ann: Path) -> list[Record]:
    records: list[Record] = []
    for number, line in enumerate(split_lines(read_text(ann)), start=1):
        if not line.strip():
            continue
        kind = line[0]
        if kind in "E*N":
            records.append((number, kind, ()))
            continue
        pattern = dict(_PATTERNS).get(kind)
        match = pattern.match(line) if pattern is not None else None
        if match is None:
            raise FormatError(
                "E308",
                path=str(ann),
                where=f"line {number}",
                detail=f"not a brat standoff line: {line[:60]!r}",
            )
        records.append((number, "A" if kind == "M" else kind, match.groups()))
    return records


_UNSUPPORTED = {"E": "events", "*": "equivalences", "N": "normalisations"}


def _attributes(
    builder: BatchBuilder, records: list[Record], spans: dict[str, dict[str, Any]]
) -> None:
    """Fold A and # lines into the attrs of the spans they name."""
    types = {a.name: a.type for a in builder.scheme.attributes}
    for number, kind, groups in records:
        if kind in _UNSUPPORTED:
            builder.problem(
                "unsupported",
                f"brat {_UNSUPPORTED[kind]} ({kind} lines) are not imported",
                line=number,
            )
            continue
        if kind not in ("A", "#"):
            continue
        _, name, target, value = groups
        if target not in spans:
            builder.problem(
                "unsupported", f"{name!r} on {target}, which is not a span; skipped", line=number
            )
            continue
        attrs = spans[target]["attrs"]
        if kind == "A":
            if value is None:
                attrs[name] = True  # a binary brat attribute: present means true
            elif types.get(name) == "bool" and value in ("true", "false"):
                attrs[name] = value == "true"
            else:
                attrs[name] = value
            continue
        key = name.removesuffix(JSON_SUFFIX)
        key = "note" if key == NOTE else key
        if name.endswith(JSON_SUFFIX):
            try:
                attrs[key] = json.loads(value)
            # ValueError covers malformed JSON and numbers too long to read; RecursionError,
            # nesting deeper than the parser goes.
            except (ValueError, RecursionError):
                builder.problem("unsupported", f"{name!r} is not JSON; kept as text", line=number)
                attrs[key] = value
        else:
            attrs[key] = value


def _add(builder: BatchBuilder, doc: str, annotator: str, text: str, records: list[Record]) -> None:
    spans: dict[str, dict[str, Any]] = {}
    for number, kind, groups in records:
        if kind == "T":
            tid, type_, offsets, covered = groups
            pieces = [tuple(map(int, piece.split())) for piece in offsets.split(";")]
            spans[tid] = {
                "type": type_,
                "pieces": pieces,
                "text": covered,
                "line": number,
                "attrs": {},
            }
    _attributes(builder, records, spans)
    keys: dict[str, str | None] = {}
    for tid, span in spans.items():
        pieces = span["pieces"]
        start, end = pieces[0][0], pieces[-1][1]
        if len(pieces) > 1:
            gaps = [text[a[1] : b[0]] for a, b in pairwise(pieces)]
            if any(gap.strip() for gap in gaps) or any(a >= b for a, b in pieces):
                builder.problem(
                    "unsupported",
                    f"{tid} is a discontinuous span; the scheme has none, so it is left out",
                    line=span["line"],
                )
                keys[tid] = None
                continue
            joined = " ".join(text[a:b] for a, b in pieces)
            if joined != span["text"] and 0 <= start < end <= len(text):
                builder.problem(
                    "text-mismatch",
                    f"{tid} should read {span['text']!r} but the text there is {joined!r}; "
                    "left out",
                    line=span["line"],
                )
                keys[tid] = None
                continue
        keys[tid] = builder.span(
            doc,
            annotator=annotator,
            label=span["type"],
            start=start,
            end=end,
            text=(span["text"] or None) if len(pieces) == 1 else None,
            attrs=span["attrs"],
            line=span["line"],
        )
    for number, kind, groups in records:
        if kind == "R":
            _, type_, _, head, _, tail = groups
            builder.relation(
                doc,
                annotator=annotator,
                type=type_,
                head=keys.get(head),
                tail=keys.get(tail),
                line=number,
            )
