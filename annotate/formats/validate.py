"""The checks an imported batch passes before it reaches a project: the widget's own rules.

A span made in the widget has a label of its layer, attributes of the types and values the
scheme allows, integer offsets inside the text, and, in a layer that does not nest, no overlap
with the annotator's other spans there (``annotate.store.checks.check_overlap``). An imported
span must meet the same rules, or one bad value in a file (``checkworthy="<script>"``,
``hedged="very"``) would sit in the project and break every later export and agreement report.
The checks here are pure: the caller passes what the project already holds (:class:`ProjectView`)
and gets a :class:`Verdict` listing each refused record with where it came from.

What is refused, and what leaving a record out takes with it:

- a document whose text is empty or holds characters no database stores (NUL, lone surrogates),
  whose text differs from the project's document of the same id or from the document ingested
  from the same file, or whose id or metadata the database cannot hold: with all answers on it;
- an answer under a name no person may have (``gold`` unless a reviewer imports into it, names
  with a colon, malformed names; see ``annotate.core.names``): with its spans and relations;
- a span breaking a rule above, or whose fragments are not sorted, separate pieces of it; a
  relation whose ends are missing or were left out, lie in another document or answer, whose
  type does not link those layers, or whose attributes are other than a text ``note``.

A file's document is the project's document with the same text, whatever id the file gives
it (:func:`resolve_doc_ids`): importing annotations of ingested articles never adds a second
copy of an article.
"""

from __future__ import annotations

import contextlib
import math
import os
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..core import fragments as pieces
from ..core.names import GOLD, check_person_name
from ..core.records import (
    ImportedDocument,
    ImportLookup,
    Interval,
    ProjectView,
    content_doc_id,
    text_sha256,
)
from ..core.scheme import Scheme
from ..core.textfile import MAX_JSON_DEPTH, bad_char
from ..errors import FormatError, SchemeError, StoreError
from .batch import ImportBatch, ImportedSpan, Where

MAX_LISTED = 20
MAX_DOC_ID = 64  # the store's id columns
MAX_PUBLISHED = 40  # the store's ``published`` column
_INT64 = (-(2**63), 2**63 - 1)



@dataclass(frozen=True, slots=True)
class Invalid:
    """One refused record: where it is, what is wrong, and whether it is an annotator name."""

    where: Where
    detail: str
    count: int = 1
    name: str | None = None  # the annotator name refused, for E328

    def __str__(self) -> str:
        times = f" ({self.count} times; first shown)" if self.count > 1 else ""
        return f"{self.where}: {self.detail}{times}"


@dataclass(slots=True)
class Verdict:
    invalid: list[Invalid] = field(default_factory=list)
    doc_ids: dict[str, str] = field(default_factory=dict)  # document key -> project id
    documents: set[str] = field(default_factory=set)  # document keys left out
    units: set[tuple[str, str]] = field(default_factory=set)  # (document key, annotator)
    spans: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return sum(item.count for item in self.invalid)

    def error(self, path: str) -> FormatError:
        """E328 where a name is the trouble (the fix differs), else E327 listing the records."""
        names = [item for item in self.invalid if item.name is not None]
        if names:
            first = names[0]
            others = len(names) - 1
            return FormatError(
                "E328",
                where=str(first.where),
                name=first.name,
                detail=first.detail,
                more=f" ({others} more record(s) name such annotators)" if others else "",
            )
        return FormatError("E327", path=path, count=self.count, records=listing(self.invalid))

    def prune(self, batch: ImportBatch) -> ImportBatch:
        """``batch`` without the refused records and everything that depends on them."""
        units = [
            unit
            for unit in batch.units
            if unit not in self.units and unit[0] not in self.documents
        ]
        kept_units = set(units)
        spans = [
            span
            for span in batch.spans
            if span.key not in self.spans and (span.doc, span.annotator) in kept_units
        ]
        kept_spans = {span.key for span in spans}
        relations = [
            relation
            for relation in batch.relations
            if relation.key not in self.relations
            and relation.head in kept_spans
            and relation.tail in kept_spans
        ]
        # A document whose every answer was left out is not added on its own.
        emptied = {doc for doc, _ in batch.units} - {doc for doc, _ in units}
        documents = [
            doc
            for doc in batch.documents
            if doc.key not in self.documents and doc.key not in emptied
        ]
        return replace(
            batch,
            documents=documents,
            spans=spans,
            relations=relations,
            units=units,
            unit_where={unit: batch.unit_where[unit] for unit in units if unit in batch.unit_where},
            problems=[problem for problem in batch.problems if not problem.invalid],
        )


def listing(items: Iterable[Invalid]) -> str:
    ordered = sorted(items, key=lambda item: item.where.key())
    lines = [f"  {item}" for item in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        rest = sum(item.count for item in ordered[MAX_LISTED:])
        lines.append(f"  ... and {rest} more")
    return "\n".join(lines)


def doc_ids(batch: ImportBatch) -> dict[str, str]:
    """The id each batch document has by itself: the file's id, else the content id."""
    return {doc.key: doc.doc_id or content_doc_id(_text(doc)) for doc in batch.documents}


def _text(doc: ImportedDocument) -> str:
    return doc.text if isinstance(doc.text, str) else ""


def lookup(batch: ImportBatch) -> ImportLookup:
    """What the checks need to know of the project: documents by id, by text, by file."""
    paths: set[str] = set()
    for doc in batch.documents:
        paths |= file_names(doc.meta.get("path"))
    return ImportLookup(
        doc_ids=tuple(sorted(set(doc_ids(batch).values()))),
        shas=tuple(sorted({text_sha256(_text(doc)) for doc in batch.documents})),
        paths=tuple(sorted(paths)),
    )


def file_names(path: Any) -> set[str]:
    """The ways a document's ``meta["path"]`` may have been written when it was ingested: as
    given, absolute, and relative to the current folder."""
    if not isinstance(path, str) or not path:
        return set()

    absolute = os.path.abspath(path)
    names = {path, absolute}
    with contextlib.suppress(ValueError):  # another drive on Windows has no relative path
        names.add(os.path.relpath(absolute))
    return names


def resolve_doc_ids(batch: ImportBatch, view: ProjectView) -> dict[str, str]:
    """The project document each batch document is: the project's document with its text
    (the one with the file's own id where several have it, else the first ingested), else
    the file's id, else the content id."""
    own = doc_ids(batch)
    resolved = {}
    for doc in batch.documents:
        found = view.by_text.get(text_sha256(_text(doc)), [])
        if own[doc.key] in found or not found:
            resolved[doc.key] = own[doc.key]
        else:
            resolved[doc.key] = found[0]
    return resolved


def check_batch(
    batch: ImportBatch, scheme: Scheme, view: ProjectView, *, gold_ok: bool = False
) -> Verdict:
    """Every record of ``batch`` that a project must not take, and what depends on it.

    ``gold_ok``: the caller imports into ``gold`` for a reviewer it has checked.
    """
    verdict = Verdict()
    here = Where(batch.path)
    for problem in batch.problems:  # refused by the reader already; listed, nothing to prune
        if problem.invalid:
            verdict.invalid.append(Invalid(problem.where, problem.detail, problem.count))
    ids = verdict.doc_ids = resolve_doc_ids(batch, view)
    _check_documents(batch, view, ids, verdict)
    answered: dict[tuple[str, str], Where] = {}
    for unit in batch.units:
        if unit[0] in verdict.documents:
            continue
        where = batch.unit_where.get(unit, here)
        reason = _name_problem(unit[1], gold_ok=gold_ok)
        if reason is not None:
            verdict.units.add(unit)
            verdict.invalid.append(Invalid(where, reason, name=unit[1]))
            continue
        first = answered.setdefault((ids[unit[0]], unit[1]), where)
        if first is not where:
            # Two of the file's documents are one article of the project (found by text).
            verdict.units.add(unit)
            verdict.invalid.append(Invalid(where, (
                f"{unit[1]!r} answered this article already (at {first}), under another id; "
                f"both are document {ids[unit[0]]!r} of the project, which has their text"
            )))
    live = {
        unit
        for unit in batch.units
        if unit not in verdict.units and unit[0] not in verdict.documents
    }
    texts = {doc.key: doc.text for doc in batch.documents}
    accepted: dict[tuple[str, str, str], list[tuple[int, int, str, Where]]] = defaultdict(list)
    by_key: dict[str, ImportedSpan] = {}
    for span in batch.spans:
        by_key[span.key] = span
        if (span.doc, span.annotator) not in live:
            continue  # left out with its document or answer
        where = span.where or here
        reason = _span_problem(span, texts.get(span.doc), scheme)
        if reason is None and not scheme.layer(span.layer).nesting:
            group = (ids[span.doc], span.annotator, span.layer)
            reason = _overlap(span, view.spans.get(group, []), accepted[group])
            if reason is None:
                accepted[group].append((span.start, span.end, span.label, where))
        if reason is not None:
            verdict.spans.add(span.key)
            verdict.invalid.append(Invalid(where, reason))
    for relation in batch.relations:
        if (relation.doc, relation.annotator) not in live:
            continue
        reason = _relation_problem(relation.type, relation.head, relation.tail, by_key, verdict)
        if reason is None:
            head, tail = by_key[relation.head], by_key[relation.tail]
            if {head.doc, tail.doc} != {relation.doc} or {head.annotator, tail.annotator} != {
                relation.annotator
            }:
                reason = (
                    f"relation {relation.type!r} links spans of another document or annotator; "
                    "left out"
                )
            else:
                try:
                    scheme.check_relation(relation.type, head.layer, tail.layer)
                except SchemeError as exc:
                    reason = f"relation {relation.type!r}: {_message(exc)}"
        if reason is not None:
            verdict.relations.add(relation.key)
            verdict.invalid.append(Invalid(relation.where or here, reason))
    return verdict


def _check_documents(
    batch: ImportBatch, view: ProjectView, ids: dict[str, str], verdict: Verdict
) -> None:
    seen: dict[str, str] = {}
    for doc in batch.documents:
        doc_id = ids[doc.key]
        sha = text_sha256(doc.text) if isinstance(doc.text, str) else ""
        reason = _document_problem(doc.text, doc_id, doc.meta)
        if reason is None and seen.get(doc_id, sha) != sha:
            reason = f"document {doc_id!r} appears twice in the file with different texts"
        if reason is None and view.texts.get(doc_id, sha) != sha:
            reason = (
                f"document {doc_id!r} is already in the project with a different text, so the "
                "file's offsets would point at the wrong words (give the file's documents their "
                "own ids, or import into another project)"
            )
        if reason is None and doc_id not in view.texts:
            reason = _ingested_elsewise(doc.meta.get("path"), view)
        seen.setdefault(doc_id, sha)
        if reason is not None:
            verdict.documents.add(doc.key)
            n_spans = sum(span.doc == doc.key for span in batch.spans)
            verdict.invalid.append(
                Invalid(doc.where or Where(batch.path), f"{reason}; its {n_spans} span(s) with it")
            )


def _ingested_elsewise(path: Any, view: ProjectView) -> str | None:
    """Why a new document is not new: the project holds the article ingested from the same
    file with another text (ingest read a title or source line out of it, say)."""
    for name in sorted(file_names(path)):
        if name in view.by_path:
            other, _ = view.by_path[name]
            return (
                f"the text differs from document {other!r}, ingested from the same file "
                f"{path!r}, so its offsets would not point at that article's words; ingest the "
                "file again with --raw (raw=True) so that every character stays text, or "
                "import into another project"
            )
    return None


def _relation_attrs_problem(type_: str, attrs: Any) -> str | None:
    if not attrs:
        return None
    if not isinstance(attrs, dict) or set(attrs) - {"note"}:
        names = ", ".join(map(repr, attrs)) if isinstance(attrs, dict) else repr(attrs)
        return (
            f"relation {type_!r} has attributes {names}; a relation keeps only a note, so "
            "leave the others out"
        )
    note = attrs["note"]
    if not isinstance(note, str):
        return f"relation {type_!r} has a note that is not text: {note!r}"
    bad = json_problem(note)
    return None if bad is None else f"relation {type_!r}: the note {bad}"


def _document_problem(text: Any, doc_id: str, meta: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return "the document's text is empty"
    bad = _unstorable(text)
    if bad is not None:
        return f"the document's text {bad}"
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > MAX_DOC_ID:
        return f"document id {str(doc_id)[:80]!r} must have 1 to {MAX_DOC_ID} characters"
    if _has_control(doc_id) or doc_id != doc_id.strip():
        return f"document id {doc_id!r} holds control characters or surrounding spaces"
    found = json_problem(meta)
    if found is not None:
        return f"the document's metadata {found}"
    return None


def _unstorable(text: str) -> str | None:
    """Why no database or UTF-8 file can hold ``text`` (NUL, a lone surrogate), or None."""
    found = bad_char(text)
    if found is None:
        return None
    kind, index, _ = found
    if kind == "nul":
        return f"holds a NUL character (U+0000) at character {index}, which cannot be stored"
    return f"holds half of a surrogate pair at character {index}, which is no character"


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


def _name_problem(name: str, *, gold_ok: bool) -> str | None:
    if name == GOLD:
        if gold_ok:
            return None
        return (
            "the answer is for 'gold', the reviewers' adjudicated work; import into it only "
            "with --annotator gold --reviewer NAME"
        )
    try:
        check_person_name(name)
    except StoreError as exc:
        return f"the annotator name {str(name)[:80]!r} cannot be used: {_reason(exc)}"
    return None


def _reason(exc: StoreError) -> str:
    if exc.code == "E126":
        return "it is reserved ('gold', or a machine's name with a colon)"
    return str(exc.fields.get("detail", exc))


def _span_problem(span: ImportedSpan, text: str | None, scheme: Scheme) -> str | None:
    label = f"span {span.layer} {span.label!r}"
    start, end = span.start, span.end
    if (
        isinstance(start, bool)
        or isinstance(end, bool)
        or not isinstance(start, int)
        or not isinstance(end, int)
    ):
        return f"{label} has offsets {start!r}..{end!r}, not integers"
    if text is None or not 0 <= start < end <= len(text):
        n_chars = len(text) if text is not None else 0
        return f"{label} [{start}, {end}) does not fit a text of {n_chars} characters"
    found = pieces.problem(start, end, span.fragments)
    if found is None and span.fragments is not None and pieces.normalise(span.fragments) is None:
        found = f"fragments {span.fragments!r} are one piece; give none"
    if found is not None:
        return f"{label} [{start}, {end}): {found}"
    try:
        scheme.check_label(span.layer, span.label)
    except SchemeError as exc:
        return f"{label}: {_message(exc)}"
    if not isinstance(span.attrs, dict):
        return f"{label} has attributes that are not an object"
    try:
        scheme.check_attrs(span.layer, span.attrs)
    except SchemeError as exc:
        hint = " (--extend-scheme adds it to the scheme)" if exc.code == "E117" else ""
        return f"{label} [{start}, {end}): {_message(exc)}{hint}"
    bad = json_problem(span.attrs)
    if bad is not None:
        return f"{label} [{start}, {end}): the attributes {bad}"
    return None


def _overlap(
    span: ImportedSpan,
    existing: list[Interval],
    accepted: list[tuple[int, int, str, Where]],
) -> str | None:
    """The widget's rule for a layer that does not nest, against the project and the file."""
    start, end = span.start, span.end
    if (start, end, span.label) in existing:
        return None  # the same span again: already there, nothing new
    rule = f"layer {span.layer!r} does not allow overlapping spans of one annotator"
    for other_start, other_end, other_label in existing:
        if other_start < end and other_end > start:
            return (
                f"span {span.layer} {span.label!r} [{start}, {end}) overlaps {other_label} "
                f"[{other_start}, {other_end}), which {span.annotator!r} already has in the "
                f"project, and {rule}; change or delete one of them"
            )
    for other_start, other_end, other_label, where in accepted:
        if other_start < end and other_end > start:
            return (
                f"span {span.layer} {span.label!r} [{start}, {end}) overlaps {other_label} "
                f"[{other_start}, {other_end}) at {where}, and {rule}; keep one of them"
            )
    return None


def _relation_problem(
    type_: Any, head: str, tail: str, spans: dict[str, ImportedSpan], verdict: Verdict
) -> str | None:
    for side, key in (("head", head), ("tail", tail)):
        if key not in spans:
            return f"relation {type_!r}: its {side} span {key!r} is not in the file"
        if key in verdict.spans:
            return f"relation {type_!r}: its {side} span was left out (listed too)"
    return None


def _message(exc: SchemeError) -> str:
    return str(exc).removeprefix(f"[{exc.code}] ")


def json_problem(value: Any, depth: int = 0) -> str | None:
    """Why ``value`` cannot be stored as JSON in every supported database, or None."""
    if depth > MAX_JSON_DEPTH:
        return "are nested too deeply"
    if isinstance(value, float) and not math.isfinite(value):
        return "hold a number JSON cannot store (NaN or infinity)"
    if type(value) is int and not _INT64[0] <= value <= _INT64[1]:
        # Parquet, DocBin (msgpack) and most readers stop at 64 bits: the export would fail.
        return "hold a whole number beyond 64 bits, which exports cannot hold (write it as text)"
    if isinstance(value, str) and bad_char(value) is not None:
        return f"hold a string that {_unstorable(value)}"
    if isinstance(value, dict):
        for key, item in value.items():
            found = json_problem(key, depth + 1) or json_problem(item, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for item in value:
            found = json_problem(item, depth + 1)
            if found is not None:
                return found
    return None


def meta_text(meta: dict[str, Any], key: str, *, limit: int | None = None) -> str | None:
    """A metadata value the store can keep in its own column: text, short enough, no NUL."""
    value = meta.get(key)
    if not isinstance(value, str) or (limit is not None and len(value) > limit):
        return None
    return value
