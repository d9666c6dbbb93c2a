"""The flattened views of the contract: ``quotes`` and ``claims``, one row a quote or claim
span with what is linked to it (cue, source, resolved speaker, claimant, containing quote).

Joined through dicts keyed by span id rather than DataFrame merges: a chunk of an export has
a few thousand quotes, where each merge's fixed cost was most of the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.scheme import Scheme
from .columns import Columns, contract_frame
from .tables import _default_scheme, empty_table

if TYPE_CHECKING:
    import pandas as pd


class _Spans:
    """The span columns the views read, as lists, with each span's row by its id."""

    def __init__(self, columns: Mapping[str, Sequence[Any]]) -> None:
        self.doc_id = columns["doc_id"]
        self.annotator = columns["annotator"]
        self.span_id = columns["span_id"]
        self.layer = columns["layer"]
        self.label = columns["label"]
        self.start = columns["start"]
        self.end = columns["end"]
        self.text = columns["text"]
        self.attrs = columns["attrs"]
        self.row: dict[Any, int] = {span_id: row for row, span_id in enumerate(self.span_id)}

    def of_layer(self, layer: str) -> list[int]:
        return [row for row, value in enumerate(self.layer) if value == layer]

    def key(self, row: int) -> tuple[Any, Any]:
        return self.doc_id[row], self.annotator[row]


class _Links:
    """Each head span's relations of each type, in the relations' order."""

    def __init__(self, columns: Mapping[str, Sequence[Any]]) -> None:
        self.tails: dict[tuple[Any, Any], list[tuple[Any, Any, Any]]] = {}
        for doc_id, annotator, type_, head, tail in zip(
            columns["doc_id"], columns["annotator"], columns["type"], columns["head_span_id"],
            columns["tail_span_id"], strict=True,
        ):
            self.tails.setdefault((type_, head), []).append((doc_id, annotator, tail))

    def first_tail(self, spans: _Spans, type_: str, head_row: int | None) -> int | None:
        """The row of the leftmost span (by start, then end; the first relation on a tie)
        linked to the span at ``head_row`` by ``type_``, of the same document and annotator.

        A quote normally has one cue and one source; where an annotator linked several, the
        view keeps the leftmost so it stays one row a quote, and the relations table keeps all.
        """
        if head_row is None:
            return None
        key = spans.key(head_row)
        best: int | None = None
        for doc_id, annotator, tail in self.tails.get((type_, spans.span_id[head_row]), ()):
            row = spans.row.get(tail)
            if row is None or (doc_id, annotator) != key or spans.key(row) != key:
                continue
            if best is None or (spans.start[row], spans.end[row]) < (
                spans.start[best], spans.end[best]
            ):
                best = row
        return best


def _speaker(spans: _Spans, links: _Links, source: int | None) -> tuple[Any, Any]:
    """Name and span id of who speaks through the source span at row ``source``.

    The name is the text of the entity the source refers_to (so "he" reads "Vladimir Putin"),
    else the source's ``attrs["speaker"]``, else the source text as written.
    """
    if source is None:
        return None, None
    entity = links.first_tail(spans, "refers_to", source)
    if entity is not None:
        return spans.text[entity], spans.span_id[entity]
    attrs = spans.attrs[source]
    speaker = attrs.get("speaker") if isinstance(attrs, dict) else None
    name = speaker if isinstance(speaker, str) and speaker else spans.text[source]
    return name, spans.span_id[source]


def _pick(values: Sequence[Any], rows: Iterable[int | None]) -> list[Any]:
    return [None if row is None else values[row] for row in rows]


def _columns_of(frame: pd.DataFrame, names: Iterable[str]) -> dict[str, list[Any]]:
    return {name: frame[name].tolist() for name in names}


_SPAN_COLUMNS = ("doc_id", "annotator", "span_id", "layer", "label", "start", "end", "text",
                 "attrs")
_RELATION_COLUMNS = ("doc_id", "annotator", "type", "head_span_id", "tail_span_id")


def flatten_quotes(spans: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """The ``quotes`` table: one row a quote span, with its cue, source and resolved speaker.

    ``speaker_span_id`` is the entity the speaker was resolved to, else the source span.
    """
    table = _Spans(_columns_of(spans, _SPAN_COLUMNS))
    return _frame("quotes", _quotes(table, _Links(_columns_of(relations, _RELATION_COLUMNS))))


def flatten_claims(
    spans: pd.DataFrame, relations: pd.DataFrame, *, scheme: Scheme | None = None
) -> pd.DataFrame:
    """The ``claims`` table: one row a claim span, with claimant and the quote it sits in.

    ``checkworthy`` and ``hedged`` fall back to the scheme's defaults where the annotator left
    them unset. ``claimant`` is "writer" where no claimed_by source is linked (the outlet makes
    the claim). ``quote_id`` is the innermost quote of the same annotator containing the claim.
    """
    table = _Spans(_columns_of(spans, _SPAN_COLUMNS))
    links = _Links(_columns_of(relations, _RELATION_COLUMNS))
    return _frame("claims", _claims(table, links, scheme=scheme))


def flattened(
    spans: Mapping[str, Sequence[Any]], relations: Mapping[str, Sequence[Any]]
) -> tuple[Columns, Columns]:
    """The ``quotes`` and ``claims`` tables' columns (lists) from spans and relations given
    as columns (``attrs`` as dicts), as :func:`flatten_quotes` and :func:`flatten_claims`
    make them; for :func:`.columns.contract_frame` or :func:`.columns.contract_arrow`."""
    table, links = _Spans(spans), _Links(relations)
    return _quotes(table, links), _claims(table, links)


def _frame(name: str, columns: Columns) -> pd.DataFrame:
    # The empty table is the contract's own, so its dtypes hold whatever the columns.
    return contract_frame(name, columns) if columns["doc_id"] else empty_table(name)


def _quotes(table: _Spans, links: _Links) -> Columns:
    quotes = table.of_layer("quote")
    cues = [links.first_tail(table, "cue", row) for row in quotes]
    sources = [links.first_tail(table, "said_by", row) for row in quotes]
    speakers = [_speaker(table, links, source) for source in sources]
    return {
        "doc_id": _pick(table.doc_id, quotes),
        "annotator": _pick(table.annotator, quotes),
        "quote_id": _pick(table.span_id, quotes),
        "start": _pick(table.start, quotes),
        "end": _pick(table.end, quotes),
        "text": _pick(table.text, quotes),
        "quote_type": [str(value) for value in _pick(table.label, quotes)],
        "cue_start": _pick(table.start, cues),
        "cue_end": _pick(table.end, cues),
        "cue_text": _pick(table.text, cues),
        "source_start": _pick(table.start, sources),
        "source_end": _pick(table.end, sources),
        "source_text": _pick(table.text, sources),
        "speaker": [name for name, _ in speakers],
        "speaker_span_id": [span_id for _, span_id in speakers],
    }


def _attribute_default(scheme: Scheme, layer: str, name: str) -> Any:
    attribute = scheme.attributes_for(layer).get(name)
    return None if attribute is None else attribute.default


def _claims(table: _Spans, links: _Links, *, scheme: Scheme | None = None) -> Columns:
    claims = table.of_layer("claim")
    scheme = scheme or _default_scheme()
    claimants = [
        _speaker(table, links, links.first_tail(table, "claimed_by", row)) for row in claims
    ]
    checkworthy = _attribute_default(scheme, "claim", "checkworthy")
    hedged = _attribute_default(scheme, "claim", "hedged")
    attrs = [value if isinstance(value, dict) else {} for value in _pick(table.attrs, claims)]
    return {
        "doc_id": _pick(table.doc_id, claims),
        "annotator": _pick(table.annotator, claims),
        "claim_id": _pick(table.span_id, claims),
        "start": _pick(table.start, claims),
        "end": _pick(table.end, claims),
        "text": _pick(table.text, claims),
        "claim_type": [str(value) for value in _pick(table.label, claims)],
        "checkworthy": [value.get("checkworthy", checkworthy) for value in attrs],
        "hedged": [value.get("hedged", hedged) for value in attrs],
        "claimant": [name if isinstance(name, str) else "writer" for name, _ in claimants],
        "claimant_span_id": [span_id for _, span_id in claimants],
        "quote_id": _containing_quotes(table, claims),
    }


def _containing_quotes(table: _Spans, claims: list[int]) -> list[Any]:
    """Each claim's innermost quote of the same document and annotator (the shortest that
    contains it; the leftmost, then the first, on a tie), or None."""
    quotes: dict[tuple[Any, Any], list[int]] = {}
    for row in table.of_layer("quote"):
        quotes.setdefault(table.key(row), []).append(row)
    found: list[Any] = []
    for claim in claims:
        start, end = table.start[claim], table.end[claim]
        best: tuple[Any, Any, int] | None = None
        for row in quotes.get(table.key(claim), ()):
            q_start, q_end = table.start[row], table.end[row]
            if q_start <= start and end <= q_end:
                rank = (q_end - q_start, q_start, row)
                best = rank if best is None or rank < best else best
        found.append(None if best is None else table.span_id[best[2]])
    return found
