"""Prodigy JSONL, as ``ner.manual``, ``spans.manual``, ``rel.manual`` and ``review`` write it.

Export writes ``rel.manual``-style tasks, one a (document, annotator): ``text``, ``tokens``
(``spacy.blank("en")``), ``spans`` (character ``start``/``end``, inclusive
``token_start``/``token_end``, ``label``), ``relations`` (``head``/``child`` token ids — the last
token of each span, as Prodigy does — with ``head_span``/``child_span`` and ``label``), ``meta``
with ``doc_id``, ``_annotator_id``/``_session_id`` and ``answer: "accept"``. Entity labels stay
plain (``PERSON``) so ``prodigy train`` reads them; other layers are qualified
(``quote_DIRECT``). Each span also carries ``span_id`` and, where set, ``attrs``: Prodigy keeps
extra keys, and they make the round trip exact.

Import reads all four recipes' output. Rows whose ``answer`` is not in ``answers`` (``reject``,
``ignore`` by default) are skipped and reported: a rejected task says the example was wrong or
unusable, not that its spans are gold. Rows without ``answer`` count as accepted. ``review``
output (rows with ``versions``) gives each session of each version its own annotator, and the
reviewed result itself to ``review_annotator``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.scheme import Scheme
from .batch import ImportBatch
from .builder import BatchBuilder, Unknown
from .docs import AnnotatedDoc, annotated_docs
from .jsonio import dumps, iter_jsonl
from .manifest import ExportNote, WriteReport
from .naming import qualify
from .tokens import blank_nlp, place_spans

FORMAT = "prodigy"
FILE_NAME = "annotations.jsonl"


def to_task(tokenised: Any, unit: AnnotatedDoc) -> tuple[dict[str, Any], list[ExportNote]]:
    """One ``rel.manual`` task for ``unit``."""
    placed, notes = place_spans(tokenised, unit, unit.spans, fmt=FORMAT)
    spans = []
    by_id: dict[str, dict[str, Any]] = {}
    for record, span in placed:
        item: dict[str, Any] = {
            "start": record.start,
            "end": record.end,
            "token_start": span.start,
            "token_end": span.end - 1,
            "label": qualify(record.layer, record.label),
            "text": record.text,
            "span_id": record.span_id,
        }
        if record.attrs:
            item["attrs"] = record.attrs
        spans.append(item)
        by_id[record.span_id] = item
    relations = []
    for relation in unit.relations:
        head, child = by_id.get(relation.head), by_id.get(relation.tail)
        if head is None or child is None:
            continue  # an endpoint could not be placed; reported with the span
        relations.append(
            {
                "head": head["token_end"],
                "child": child["token_end"],
                "head_span": _endpoint(head),
                "child_span": _endpoint(child),
                "label": relation.type,
            }
        )
    task = {
        "text": unit.text,
        "tokens": [
            {
                "text": token.text,
                "start": token.idx,
                "end": token.idx + len(token.text),
                "id": token.i,
                "ws": bool(token.whitespace_),
            }
            for token in tokenised
        ],
        "spans": spans,
        "relations": relations,
        "meta": {"doc_id": unit.doc_id, **unit.header()},
        "_annotator_id": unit.annotator,
        "_session_id": unit.annotator,
        "_view_id": "relations",
        "answer": "accept",
    }
    return task, notes


def _endpoint(span: dict[str, Any]) -> dict[str, Any]:
    keys = ("start", "end", "token_start", "token_end", "label")
    return {k: span[k] for k in keys}


class ProdigyFile:
    """``annotations.jsonl`` written a chunk of units at a time (each :meth:`add` appends a
    task a unit), so an export of any size holds one chunk; :meth:`close` gives the report."""

    def __init__(self, out_dir: Path) -> None:
        self.out = out_dir
        self.path = out_dir / FILE_NAME
        self.report = WriteReport(files=[self.path])
        self._started = False

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        nlp = blank_nlp()
        tokenised: Any = None
        tokenised_text: str | None = None  # Doc.text is rebuilt from the tokens on every call
        with self.path.open("a" if self._started else "w", encoding="utf-8",
                            newline="\n") as handle:
            for unit in units:
                if tokenised_text != unit.text:
                    tokenised, tokenised_text = nlp.make_doc(unit.text), unit.text
                task, notes = to_task(tokenised, unit)
                self.report.notes.extend(notes)
                handle.write(dumps(task))
                handle.write("\n")
        self._started = True

    def close(self) -> WriteReport:
        if not self._started:
            self.add([])
        return self.report


def write_units(units: Sequence[AnnotatedDoc], out_dir: Path) -> WriteReport:
    file = ProdigyFile(out_dir)
    file.add(units)
    return file.close()


def write_prodigy(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> WriteReport:
    """Write ``out_dir/annotations.jsonl`` (see the module docstring)."""
    units, notes = annotated_docs(tables, fmt=FORMAT)
    report = write_units(units, Path(out_dir))
    report.notes[:0] = notes
    return report


# --- import ------------------------------------------------------------------------------------


def read_prodigy(
    path: str | Path,
    *,
    layer: str = "entity",
    annotator: str | None = None,
    label_map: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
    answers: Collection[str] = ("accept",),
    review_annotator: str | None = "review",
) -> ImportBatch:
    """Read a Prodigy JSONL file (``ner.manual``, ``spans.manual``, ``rel.manual``, ``review``).

    Labels go under ``layer`` unless ``label_map`` or a layer-qualified label (``quote_DIRECT``)
    says otherwise. The annotator of a row is ``annotator``, else its ``_annotator_id``, else its
    ``_session_id``, else the file's stem; rows with ``versions`` credit each version to every
    session in its ``sessions`` list and the reviewed answer to ``review_annotator`` (``None``
    leaves it out). The whole file is parsed before anything is built, so a malformed line
    raises :class:`~annotate.errors.FormatError` and no partial batch exists.
    """
    path = Path(path)
    rows = list(iter_jsonl(path))
    builder = BatchBuilder(
        path, FORMAT, scheme=scheme, layer=layer, label_map=label_map, unknown=unknown
    )
    accepted = set(answers)
    for line, row in rows:
        text = row.get("text")
        if not isinstance(text, str):
            raise builder.malformed(line, "the task has no 'text' string")
        versions = row.get("versions")
        if isinstance(versions, list):
            _read_review(builder, row, versions, line, accepted, review_annotator)
            continue
        if not _answer_ok(builder, row, line, accepted, "task"):
            continue
        name = annotator or _recorded_annotator(row) or path.stem
        doc = _document(builder, row, line)
        if doc is not None and builder.claim_unit(doc, name, line=line):
            _read_task(builder, doc, row, name, line)
    return builder.build(len(rows))


def _recorded_annotator(task: Mapping[str, Any]) -> str | None:
    for field in ("_annotator_id", "_session_id"):
        value = task.get(field)
        if isinstance(value, str) and value:
            return value
    return None


def _answer_ok(
    builder: BatchBuilder, task: Mapping[str, Any], line: int, accepted: set[str], what: str
) -> bool:
    answer = task.get("answer", "accept")
    if isinstance(answer, str) and answer in accepted:
        return True
    builder.problem(
        "skipped-answer",
        f"{what} answered {answer!r}; skipped (pass answers=(...) to import it)",
        line=line,
    )
    return False


def _document(builder: BatchBuilder, row: Mapping[str, Any], line: int) -> str | None:
    meta = dict(row["meta"]) if isinstance(row.get("meta"), dict) else {}
    doc_id = meta.pop("doc_id", None)
    return builder.document(
        row["text"], doc_id=str(doc_id) if doc_id is not None else None, meta=meta, line=line
    )


def _read_review(
    builder: BatchBuilder,
    row: Mapping[str, Any],
    versions: list[Any],
    line: int,
    accepted: set[str],
    review_annotator: str | None,
) -> None:
    doc = _document(builder, row, line)
    if doc is None:
        return
    for version in versions:
        if not isinstance(version, dict):
            raise builder.malformed(line, "a 'versions' entry is not a JSON object")
        if version.get("text", row["text"]) != row["text"]:
            builder.problem(
                "text-mismatch", "a version has another text than its task", line=line
            )
            continue
        if not _answer_ok(builder, version, line, accepted, "version"):
            continue
        sessions = version.get("sessions")
        if not isinstance(sessions, list) or not sessions:
            sessions = [_recorded_annotator(version) or "unknown-session"]
        for session in sessions:
            if builder.claim_unit(doc, str(session), line=line):
                _read_task(builder, doc, version, str(session), line)
    if (
        review_annotator is not None
        and _answer_ok(builder, row, line, accepted, "review")
        and builder.claim_unit(doc, review_annotator, line=line)
    ):
        _read_task(builder, doc, row, review_annotator, line)


def _read_task(
    builder: BatchBuilder, doc: str, task: Mapping[str, Any], annotator: str, line: int
) -> None:
    tokens: list[Any] = task["tokens"] if isinstance(task.get("tokens"), list) else []
    spans = task.get("spans") or []
    if not isinstance(spans, list):
        raise builder.malformed(line, "'spans' is not a list")
    keys: dict[tuple[Any, ...], str] = {}
    for span in spans:
        if not isinstance(span, dict):
            raise builder.malformed(line, "a span is not a JSON object")
        start, end = _offsets(span, tokens)
        attrs = span.get("attrs")  # anything but an object is reported by the builder
        key = builder.span(
            doc,
            annotator=annotator,
            label=span.get("label"),
            start=start,
            end=end,
            text=span.get("text"),
            attrs=attrs,
            key=span.get("span_id"),
            line=line,
        )
        if key is not None:
            keys.setdefault((start, end), key)
            keys[(start, end, span.get("label"))] = key
    relations = task.get("relations") or []
    if not isinstance(relations, list):
        raise builder.malformed(line, "'relations' is not a list")
    for relation in relations:
        if not isinstance(relation, dict):
            raise builder.malformed(line, "a relation is not a JSON object")
        ends: list[str | None] = []
        for side in ("head_span", "child_span"):
            endpoint = relation.get(side)
            if not isinstance(endpoint, dict):
                ends.append(None)
                continue
            start, end = _offsets(endpoint, tokens)
            label = endpoint.get("label")
            # Only plain values can name a span; a list or object here is a bad endpoint,
            # which builder.span below reports.
            plain = all(isinstance(v, (int, str, type(None))) for v in (start, end, label))
            found = (keys.get((start, end, label)) or keys.get((start, end))) if plain else None
            if found is None and label:
                # rel.manual links tokens that need not be in "spans"; the endpoint is a span.
                found = builder.span(
                    doc, annotator=annotator, label=label, start=start, end=end, line=line
                )
                if found is not None:
                    keys[(start, end)] = keys[(start, end, label)] = found
            ends.append(found)
        builder.relation(
            doc,
            annotator=annotator,
            type=relation.get("label"),
            head=ends[0],
            tail=ends[1],
            line=line,
        )


def _offsets(span: Mapping[str, Any], tokens: list[Any]) -> tuple[Any, Any]:
    """Character offsets, from the token ids where a span gives only those."""
    start, end = span.get("start"), span.get("end")
    if start is None or end is None:
        first, last = span.get("token_start"), span.get("token_end")
        if (
            isinstance(first, int)
            and isinstance(last, int)
            and 0 <= first <= last < len(tokens)
            and isinstance(tokens[first], dict)
            and isinstance(tokens[last], dict)
        ):
            start, end = tokens[first].get("start"), tokens[last].get("end")
    return start, end
