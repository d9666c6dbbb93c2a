"""The checks every importer shares, so each reader only knows its file format.

A reader feeds documents, spans and relations to :class:`BatchBuilder`; the builder maps labels
onto the scheme, checks offsets against the text, drops duplicates and records a
:class:`~annotate.formats.batch.ImportProblem` for everything it could not take as is.

Label mapping, in order: ``label_map`` (``"LABEL"`` for the caller's layer or
``"layer:LABEL"``); the layer the file itself names (a DocBin span group, a Label Studio control
named like a layer); a layer-qualified label (``quote_DIRECT``); else the caller's ``layer``.
A label the scheme does not know is kept under that layer with one problem per label
(``unknown="keep"``), or dropped and reported (``unknown="drop"``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from ..core.scheme import Scheme
from ..errors import FormatError
from .batch import (
    ImportBatch,
    ImportedDocument,
    ImportedRelation,
    ImportedSpan,
    ImportProblem,
    Where,
)
from .jsonio import to_jsonable
from .naming import split_qualified
from .tables import _default_scheme

Unknown = Literal["keep", "drop"]


def resolve_label_map(
    label_map: Mapping[str, str] | None, scheme: Scheme, layer: str
) -> dict[str, tuple[str, str]]:
    """``label_map`` with every target as ``(layer, label)``; a bad layer raises FormatError."""
    resolved: dict[str, tuple[str, str]] = {}
    for source, target in (label_map or {}).items():
        target_layer, sep, target_label = target.partition(":")
        if not sep:
            target_layer, target_label = layer, target
        if target_layer not in scheme.layer_names:
            raise FormatError(
                "E313",
                label=source,
                target=target,
                layer=target_layer,
                layers=", ".join(scheme.layer_names),
            )
        resolved[source] = (target_layer, target_label)
    return resolved


class BatchBuilder:
    def __init__(
        self,
        path: Path,
        fmt: str,
        *,
        scheme: Scheme | None = None,
        layer: str = "entity",
        label_map: Mapping[str, str] | None = None,
        unknown: Unknown = "keep",
        unit: str = "line",
    ) -> None:
        self.path = str(path)
        self.fmt = fmt
        self.scheme = scheme or _default_scheme()
        self.scheme.layer(layer)  # an unknown layer is the caller's mistake: raise now
        if unknown not in ("keep", "drop"):
            raise FormatError("E317", value=unknown)
        self.layer = layer
        self.label_map = resolve_label_map(label_map, self.scheme, layer)
        self.unknown = unknown
        self.unit = unit
        self._labels = {
            name: set(self.scheme.layer(name).label_names) for name in self.scheme.layer_names
        }
        self._relation_types = {r.name: (r.head, r.tail) for r in self.scheme.relations}
        self._documents: dict[str, ImportedDocument] = {}
        self._units: dict[tuple[str, str], int | None] = {}
        self._spans: list[ImportedSpan] = []
        self._span_layer: dict[str, str] = {}
        self._span_seen: set[tuple[str, str, str, str, int, int]] = set()
        self._relations: list[ImportedRelation] = []
        self._relation_seen: set[tuple[str, str, str, str, str]] = set()
        self._problems: dict[tuple[str, str, str], ImportProblem] = {}
        self._utf16: dict[str, list[int] | None] = {}
        self._unit_where: dict[tuple[str, str], Where] = {}
        # The tool's own id of a record, by its number (Label Studio task ids), for messages.
        self.record_names: dict[int, str] = {}

    def where(self, line: int | None) -> Where:
        """The record being read, as messages name it."""
        name = self.record_names.get(line) if line is not None else None
        return Where(self.path, self.unit, line, name)

    # --- problems ----------------------------------------------------------------------------
    def problem(self, kind: str, detail: str, *, line: int | None) -> None:
        """Record a problem; the same kind and detail again in the same file only raises its
        count (readers of several files, such as brat's, report each file's own)."""
        key = (self.path, kind, detail)
        found = self._problems.get(key)
        if found is None:
            where = self.where(line)
            self._problems[key] = ImportProblem(
                self.path, line, kind, detail, 1, self.unit, where.name
            )
        else:
            self._problems[key] = replace(found, count=found.count + 1)

    def malformed(self, line: int | None, detail: str) -> FormatError:
        """The error for a record that cannot be read at all (the caller raises it)."""
        where = f"{self.unit} {line}" if line is not None else "the file"
        return FormatError("E308", path=self.path, where=where, detail=detail)

    # --- documents ---------------------------------------------------------------------------
    def document(
        self,
        text: str,
        *,
        doc_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
        line: int | None,
    ) -> str | None:
        """The key of the document with ``text``; the same text (or id) twice is one document.

        ``None`` where ``doc_id`` was seen before with another text: the annotations on this
        record cannot be placed and are reported, not guessed.
        """
        key = (
            doc_id
            if doc_id is not None
            else "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]
        )
        existing = self._documents.get(key)
        if existing is None:
            self._documents[key] = ImportedDocument(
                key, text, doc_id, to_jsonable(dict(meta or {})), self.where(line)
            )
            return key
        if existing.text != text:
            self.problem(
                "document-conflict",
                f"document {doc_id!r} appears again with a different text (first at "
                f"{self._place(existing.where)}); its annotations here cannot be placed",
                line=line,
            )
            return None
        return key

    def _place(self, where: Where | None) -> str:
        """``where`` short (``line 3``) within the file being read, else in full."""
        if where is None:
            return "an earlier record"
        if where.path == self.path and where.number is not None:
            return f"{where.unit} {where.number}"
        return str(where)

    def text_of(self, doc: str) -> str:
        return self._documents[doc].text

    def claim_unit(self, doc: str, annotator: str, *, line: int | None) -> bool:
        """Record that ``annotator`` answered ``doc``; False (reported) if they already had."""
        first = self._unit_where.get((doc, annotator))
        if first is not None:
            self.problem(
                "duplicate-answer",
                f"{annotator!r} answered this document already (at {self._place(first)}); a "
                "second answer cannot tell which one is meant",
                line=line,
            )
            return False
        self._units[(doc, annotator)] = line
        self._unit_where[(doc, annotator)] = self.where(line)
        return True

    # --- spans -------------------------------------------------------------------------------
    def resolve(self, label: str, layer: str | None = None) -> tuple[str, str, bool]:
        """``(layer, label, known)`` for a label as the file wrote it."""
        if label in self.label_map:
            target_layer, target_label = self.label_map[label]
        elif layer is not None:
            target_layer, target_label = layer, label
        else:
            named, rest = split_qualified(label, self.scheme.layer_names)
            target_layer, target_label = (named, rest) if named else (self.layer, label)
        known = target_label in self._labels.get(target_layer, set())
        return target_layer, target_label, known

    def span(
        self,
        doc: str,
        *,
        annotator: str,
        label: Any,
        start: Any,
        end: Any,
        line: int | None,
        layer: str | None = None,
        attrs: Mapping[str, Any] | None = None,
        text: Any = None,
        key: Any = None,
        fragments: list[list[int]] | None = None,
    ) -> str | None:
        """Add a span; its key, or ``None`` when it was reported and left out.

        ``fragments`` are a discontinuous span's pieces, sorted, from ``start`` to ``end``
        (see :mod:`annotate.core.fragments`); the reader has checked them.

        ``text`` is what the file says the span covers; where it disagrees with the offsets the
        span is left out (one of the two is wrong and the importer cannot tell which), except
        that UTF-16 offsets (as browsers count) are converted when that makes them agree.
        """
        if not isinstance(label, str) or not label:
            self.problem("no-label", "span without a label", line=line)
            return None
        if attrs is not None and not isinstance(attrs, Mapping):
            self.problem(
                "malformed-record",
                f"span {label!r} has attributes {attrs!r}, not an object",
                line=line,
            )
            return None
        doc_text = self.text_of(doc)
        if (
            isinstance(start, bool)
            or isinstance(end, bool)
            or not (isinstance(start, int) and isinstance(end, int))
        ):
            self.problem(
                "offsets",
                f"span {label!r} has offsets {start!r}..{end!r}, not integers",
                line=line,
            )
            return None
        fits = 0 <= start < end <= len(doc_text)
        if isinstance(text, str) and (not fits or doc_text[start:end] != text):
            converted = self._from_utf16(doc, start, end)
            if converted is not None and doc_text[converted[0] : converted[1]] == text:
                start, end = converted
                fits = True
            elif fits:
                self.problem(
                    "text-mismatch",
                    f"span {label!r} [{start}, {end}) should read {text!r} but the text there is "
                    f"{doc_text[start:end]!r}",
                    line=line,
                )
                return None
        if not fits:
            self.problem(
                "offsets",
                f"span {label!r} [{start}, {end}) does not fit a text of {len(doc_text)} "
                "characters",
                line=line,
            )
            return None
        target_layer, target_label, known = self.resolve(label, layer)
        if target_layer not in self._labels:
            self.problem(
                "unknown-layer",
                f"layer {target_layer!r} is not in the scheme ({', '.join(self._labels)}); "
                "map its labels onto a layer with label_map",
                line=line,
            )
            return None
        if not known:
            kept = self.unknown == "keep"
            self.problem(
                "unknown-label",
                f"label {target_label!r} is not in layer {target_layer!r} of the scheme; "
                + ("kept" if kept else "left out")
                + " (map it with label_map={...})",
                line=line,
            )
            if not kept:
                return None
        seen = (doc, annotator, target_layer, target_label, start, end)
        if seen in self._span_seen:
            self.problem(
                "duplicate-span",
                f"{annotator!r} marked {target_layer} {target_label!r} [{start}, {end}) twice; "
                "kept once",
                line=line,
            )
            return None
        self._span_seen.add(seen)
        span_key = str(key) if key is not None and str(key) not in self._span_layer else None
        span_key = span_key or f"s{len(self._spans) + 1}"
        while span_key in self._span_layer:  # a file's own id may look like a generated one
            span_key = f"{span_key}'"
        self._span_layer[span_key] = target_layer
        self._spans.append(
            ImportedSpan(
                span_key,
                doc,
                annotator,
                target_layer,
                target_label,
                start,
                end,
                to_jsonable(dict(attrs or {})),
                self.where(line),
                fragments,
            )
        )
        return span_key

    def _from_utf16(self, doc: str, start: int, end: int) -> tuple[int, int] | None:
        if doc not in self._utf16:
            text = self.text_of(doc)
            if all(ord(ch) <= 0xFFFF for ch in text):
                self._utf16[doc] = None
            else:
                positions: list[int] = []  # utf-16 position -> character position
                for position, ch in enumerate(text):
                    positions.extend([position] * (2 if ord(ch) > 0xFFFF else 1))
                positions.append(len(text))
                self._utf16[doc] = positions
        index = self._utf16[doc]
        if index is None or not 0 <= start < end < len(index):
            return None
        return index[start], index[end]

    # --- relations ---------------------------------------------------------------------------
    def relation(
        self,
        doc: str,
        *,
        annotator: str,
        type: Any,
        head: str | None,
        tail: str | None,
        line: int | None,
        attrs: Mapping[str, Any] | None = None,
    ) -> None:
        """Add a relation between two spans already added (by key); ``attrs`` holds its
        note, where the file gives one."""
        if not isinstance(type, str) or not type:
            self.problem("no-label", "relation without a type", line=line)
            return
        if head is None or tail is None:
            self.problem(
                "dangling-relation",
                f"relation {type!r} points at a span that was not imported",
                line=line,
            )
            return
        want = self._relation_types.get(type)
        ends = (self._span_layer[head], self._span_layer[tail])
        if want is None or want != ends:
            kept = self.unknown == "keep"
            detail = (
                f"relation type {type!r} is not in the scheme"
                if want is None
                else f"relation {type!r} links {ends[0]} -> {ends[1]}, the scheme wants "
                f"{want[0]} -> {want[1]}"
            )
            self.problem(
                "unknown-relation", detail + ("; kept" if kept else "; left out"), line=line
            )
            if not kept:
                return
        seen = (doc, annotator, type, head, tail)
        if seen in self._relation_seen:
            self.problem(
                "duplicate-relation", f"relation {type!r} given twice; kept once", line=line
            )
            return
        self._relation_seen.add(seen)
        self._relations.append(
            ImportedRelation(
                f"r{len(self._relations) + 1}", doc, annotator, type, head, tail,
                self.where(line), to_jsonable(dict(attrs or {})),
            )
        )

    # --- result ------------------------------------------------------------------------------
    def build(self, records: int) -> ImportBatch:
        return ImportBatch(
            path=self.path,
            format=self.fmt,
            records=records,
            documents=list(self._documents.values()),
            spans=self._spans,
            relations=self._relations,
            problems=list(self._problems.values()),
            units=list(self._units),
            unit_where=dict(self._unit_where),
        )
