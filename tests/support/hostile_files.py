"""Annotation files of every importable format, written from one neutral description.

A test describes answers (annotator, document, spans, relations) once, with any value it likes
in any field (``"start": "5"``, ``hedged="very"``), and writes them as Prodigy JSONL, Label
Studio JSON, doccano JSONL, brat standoff or a DocBin the way that tool would. Each writer also
says where each answer lands (line, task, .ann line, doc), as an import error must name it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.formats.naming import qualify, to_file_name

TEXT = "Vladimir Putin told India Today on Thursday that the economy grew 3% last year."
OTHER_TEXT = "A different article altogether, about the weather in Delhi."


def at(phrase: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@dataclass
class S:
    """A span as a file gives it; ``ok`` says whether a project should take it."""

    id: str
    layer: str
    label: str
    start: Any
    end: Any
    attrs: dict[str, Any] = field(default_factory=dict)
    ok: bool = True


@dataclass
class Answer:
    variant: str  # what is wrong with it ("good" for nothing)
    doc_id: str
    annotator: str
    spans: list[S]
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # type, head, tail
    text: str = TEXT
    expect: str = ""  # part of the reason an import gives for refusing it
    relations_ok: int = 0  # how many of ``relations`` a project should take


@dataclass
class Written:
    path: Path  # what to import
    where: list[str]  # per answer: how errors name its record


def _label(span: S) -> str:
    return qualify(span.layer, span.label) if isinstance(span.label, str) else span.label


# --- Prodigy ----------------------------------------------------------------------------------


def prodigy(answers: list[Answer], folder: Path) -> Written:
    path = folder / "session.jsonl"
    lines, where = [], []
    for number, answer in enumerate(answers, start=1):
        by_id = {span.id: span for span in answer.spans}
        spans = []
        for span in answer.spans:
            item: dict[str, Any] = {
                "start": span.start, "end": span.end, "label": _label(span), "span_id": span.id,
            }
            if span.attrs:
                item["attrs"] = span.attrs
            spans.append(item)
        relations = []
        for type_, head, tail in answer.relations:
            ends = []
            for key in (head, tail):
                found = by_id.get(key)
                # An endpoint without a label that no span has: Prodigy's dangling relation.
                ends.append(
                    {"start": found.start, "end": found.end, "label": _label(found)}
                    if found is not None
                    else {"start": 70, "end": 75}
                )
            relations.append({"head_span": ends[0], "child_span": ends[1], "label": type_})
        task = {
            "text": answer.text, "meta": {"doc_id": answer.doc_id},
            "_annotator_id": answer.annotator, "_session_id": answer.annotator,
            "spans": spans, "relations": relations, "answer": "accept",
        }
        lines.append(json.dumps(task))
        where.append(f"{path}, line {number}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Written(path, where)


# --- Label Studio -----------------------------------------------------------------------------

_TEXT_ATTRS = ("note", "addressee")


def label_studio(answers: list[Answer], folder: Path) -> Written:
    path = folder / "project.json"
    tasks, where = [], []
    for number, answer in enumerate(answers, start=1):
        result: list[dict[str, Any]] = []
        for span in answer.spans:
            result.append({
                "id": span.id, "type": "labels", "from_name": span.layer, "to_name": "text",
                "value": {"start": span.start, "end": span.end, "labels": [span.label]},
            })
            for name, value in span.attrs.items():
                kind, key = ("textarea", "text") if name in _TEXT_ATTRS else ("choices", "choices")
                result.append({
                    "id": span.id, "type": kind, "from_name": name, "to_name": "text",
                    "value": {key: [value]},
                })
        for type_, head, tail in answer.relations:
            result.append({"type": "relation", "from_id": head, "to_id": tail,
                           "labels": [type_], "direction": "right"})
        task_id = 100 + number
        tasks.append({
            "id": task_id, "data": {"text": answer.text, "doc_id": answer.doc_id},
            "annotations": [{"completed_by": {"email": answer.annotator}, "result": result}],
        })
        where.append(f"{path}, task {number} (id {task_id})")
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return Written(path, where)


# --- doccano ----------------------------------------------------------------------------------


def doccano(answers: list[Answer], folder: Path) -> Written:
    """doccano exports one file per user: the file is named after the first answer's user."""
    path = folder / f"{answers[0].annotator}.jsonl"
    lines, where = [], []
    for number, answer in enumerate(answers, start=1):
        entities = [
            {"id": span.id, "label": _label(span), "start_offset": span.start,
             "end_offset": span.end}
            for span in answer.spans
        ]
        relations = [
            {"id": n, "from_id": head, "to_id": tail, "type": type_}
            for n, (type_, head, tail) in enumerate(answer.relations)
        ]
        lines.append(json.dumps({"text": answer.text, "doc_id": answer.doc_id,
                                 "entities": entities, "relations": relations}))
        where.append(f"{path}, line {number}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Written(path, where)


# --- brat -------------------------------------------------------------------------------------


def brat(answers: list[Answer], folder: Path) -> Written:
    """One folder per annotator; a second answer for the same document goes one level down."""
    root = folder / "brat"
    where = []
    for answer in answers:
        folder_name = to_file_name(answer.annotator)  # as annotate's own brat export names it
        base = root / folder_name
        while (base / f"{answer.doc_id}.ann").exists():
            base = root / f"zz-again-{len(where)}" / folder_name  # read after the first
        base.mkdir(parents=True, exist_ok=True)
        (base / f"{answer.doc_id}.txt").write_text(answer.text, encoding="utf-8")
        lines: list[str] = []
        tids = {}
        for n, span in enumerate(answer.spans, start=1):
            tids[span.id] = f"T{n}"
            fits = (
                isinstance(span.start, int)
                and isinstance(span.end, int)
                and 0 <= span.start < span.end <= len(answer.text)
            )
            covered = answer.text[span.start : span.end] if fits else ""
            lines.append(f"T{n}\t{qualify(span.layer, span.label, plain_layer=None)} "
                         f"{span.start} {span.end}\t{covered}")
            for name, value in span.attrs.items():
                if name in _TEXT_ATTRS:
                    lines.append(f"#{len(lines)}\t{'AnnotatorNotes' if name == 'note' else name} "
                                 f"T{n}\t{value}")
                elif not isinstance(value, (str, bool)):
                    lines.append(f"#{len(lines)}\t{name}:json T{n}\t{json.dumps(value)}")
                else:
                    shown = str(value).lower() if isinstance(value, bool) else value
                    lines.append(f"A{len(lines)}\t{name} T{n} {shown}")
        for n, (type_, head, tail) in enumerate(answer.relations, start=1):
            lines.append(f"R{n}\t{type_} Arg1:{tids.get(head, 'T99')} Arg2:{tids.get(tail, 'T98')}")
        ann = base / f"{answer.doc_id}.ann"
        ann.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        # Spans and relations are named by their line; documents and answers by the file.
        where.append(f"{ann}")
    return Written(root, where)


# --- spaCy DocBin (the layout annotate writes, with user_data) ---------------------------------


def docbin(answers: list[Answer], folder: Path) -> Written:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    path = folder / "annotations.spacy"
    bin_ = DocBin(store_user_data=True)
    where = []
    for number, answer in enumerate(answers, start=1):
        doc = nlp.make_doc(answer.text)
        groups: dict[str, list[Any]] = {}
        records: dict[str, list[dict[str, Any]]] = {}
        for span in answer.spans:
            placed = None
            if (
                type(span.start) is int
                and type(span.end) is int
                and 0 <= span.start < span.end <= len(answer.text)
            ):
                placed = doc.char_span(span.start, span.end, label=span.label,
                                       alignment_mode="expand")
            if placed is None:
                placed = doc[0:1]
                placed.label_ = span.label
            groups.setdefault(span.layer, []).append(placed)
            records.setdefault(span.layer, []).append({
                "span_id": span.id, "label": span.label, "start": span.start, "end": span.end,
                "origin": "manual", "attrs": span.attrs,
            })
        for layer, spans in groups.items():
            doc.spans[layer] = spans
        doc.user_data["annotate"] = {
            "schema_version": 1, "doc_id": answer.doc_id, "annotator": answer.annotator,
            "meta": {}, "spans": records,
            "relations": [{"relation_id": f"r{n}", "type": type_, "head": head, "tail": tail}
                          for n, (type_, head, tail) in enumerate(answer.relations)],
        }
        bin_.add(doc)
        where.append(f"{path}, doc {number}")
    bin_.to_disk(path)
    return Written(path, where)


WRITERS: dict[str, Callable[[list[Answer], Path], Written]] = {
    "prodigy": prodigy,
    "label-studio": label_studio,
    "doccano": doccano,
    "brat": brat,
    "spacy": docbin,
}
