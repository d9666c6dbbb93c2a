"""spaCy tokenisation shared by the token-based formats (DocBin, Prodigy, CoNLL).

Every token-based export uses ``spacy.blank("en")``, so a span's token ids mean the same in all of
them and no trained pipeline is needed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..core.records import SpanRecord
from .docs import AnnotatedDoc
from .manifest import ExportNote


@lru_cache(maxsize=2)
def blank_nlp(*, sentences: bool = False) -> Any:
    import spacy

    nlp = spacy.blank("en")
    if sentences:
        # CoNLL separates sentences by blank lines; a rule-based splitter needs no model.
        nlp.add_pipe("sentencizer")
    return nlp


class Boundaries:
    """Where a tokenised text's tokens start and end, by character offset: a span on token
    boundaries is found with two lookups, where ``Doc.char_span`` makes a Token object of
    every token it passes (most of a DocBin export of many spans). Good for every copy of the
    Doc, as copies keep the tokens."""

    def __init__(self, doc: Any) -> None:
        from spacy.attrs import IDX, LENGTH

        offsets = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        self.starts = {idx: i for i, (idx, _) in enumerate(offsets)}
        self.ends = {idx + length: i + 1 for i, (idx, length) in enumerate(offsets)}


def align(
    doc: Any, start: int, end: int, label: str, *, span_id: str | int, boundaries: Boundaries
) -> tuple[Any, bool]:
    """The token span for characters ``[start, end)`` and whether it is exact.

    Spans not on token boundaries are widened to the tokens they touch (``expand``), so
    nothing is silently dropped; the caller reports the widening. ``None`` only when not even
    a widened span exists (offsets outside the text).
    """
    from spacy.tokens import Span

    first, last = boundaries.starts.get(start), boundaries.ends.get(end)
    if first is not None and last is not None and first < last:
        return Span(doc, first, last, label=label, span_id=span_id), True
    widened = doc.char_span(start, end, label=label, span_id=span_id, alignment_mode="expand")
    return widened, False


def place_spans(
    doc: Any, unit: AnnotatedDoc, spans: list[SpanRecord], *, fmt: str,
    boundaries: Boundaries | None = None, with_ids: bool = False,
) -> tuple[list[tuple[SpanRecord, Any]], list[ExportNote]]:
    """Each span with its token span in ``doc``, labelled (and ``with_ids``, carrying the
    span's id); widened or unplaceable spans are reported. ``boundaries`` are ``doc``'s, when
    the caller has them."""
    placed: list[tuple[SpanRecord, Any]] = []
    notes: list[ExportNote] = []
    known = boundaries or Boundaries(doc)
    for record in spans:
        span, exact = align(doc, record.start, record.end, record.label,
                            span_id=record.span_id if with_ids else 0, boundaries=known)
        if span is None:
            notes.append(
                ExportNote(
                    fmt,
                    "unplaceable",
                    unit.doc_id,
                    unit.annotator,
                    record.span_id,
                    f"[{record.start}, {record.end}) lies outside the text "
                    f"({len(unit.text)} characters); left out",
                )
            )
            continue
        if not exact:
            notes.append(
                ExportNote(
                    fmt,
                    "misaligned",
                    unit.doc_id,
                    unit.annotator,
                    record.span_id,
                    f"{record.layer} {record.label} [{record.start}, {record.end}) "
                    f"{record.text!r} is not on token boundaries; widened to "
                    f"[{span.start_char}, {span.end_char}) {span.text!r}",
                )
            )
        placed.append((record, span))
    return placed, notes


def choose_ents(
    placed: list[tuple[SpanRecord, Any]], unit: AnnotatedDoc, *, fmt: str, fallback: str
) -> tuple[list[Any], list[ExportNote]]:
    """The non-overlapping entities for ``doc.ents``: longest first, then leftmost.

    The same rule as ``spacy.util.filter_spans``, but it says which entities it left out.
    """
    order = sorted(
        range(len(placed)),
        key=lambda i: (-(placed[i][1].end - placed[i][1].start), placed[i][1].start),
    )
    taken: set[int] = set()
    kept: list[int] = []
    notes: list[ExportNote] = []
    for i in order:
        record, span = placed[i]
        tokens = set(range(span.start, span.end))
        clash = tokens & taken
        if clash:
            winner = next(
                placed[j][0]
                for j in kept
                if set(range(placed[j][1].start, placed[j][1].end)) & clash
            )
            notes.append(
                ExportNote(
                    fmt,
                    "left-out-of-ents",
                    unit.doc_id,
                    unit.annotator,
                    record.span_id,
                    f"{record.label} {record.text!r} overlaps {winner.label} {winner.text!r} "
                    f"({winner.span_id}); {fallback}",
                )
            )
            continue
        taken |= tokens
        kept.append(i)
    return [placed[i][1] for i in sorted(kept, key=lambda i: placed[i][1].start)], notes
