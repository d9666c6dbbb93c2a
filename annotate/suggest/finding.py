"""What a quote rule finds: offsets, content, cue and source, before keys are given."""

from __future__ import annotations

from dataclasses import dataclass, field

from .marks import MarkPair


@dataclass(slots=True, eq=False)
class QuoteFinding:
    """One suggested quote, before keys are given: offsets, content tokens, cue and source."""

    start: int  # character offsets of the quote span
    end: int
    label: str  # DIRECT | INDIRECT | MIXED, or the lexicon's thought label (THOUGHT)
    content: tuple[int, int]  # token range of what was said (inside the marks for DIRECT)
    cue: tuple[int, int] | None  # token range of the reporting expression
    cue_head: int | None  # the reporting verb, or "according"
    source_head: int | None  # head token of the source mention
    reason: str
    confidence: float
    inherit_from: QuoteFinding | None = None  # cue-less quotation continuing an earlier one
    fragments: list[MarkPair] = field(default_factory=list)
    cueless: bool = False
    prepositional: bool = False  # the cue is "according to", not a verb
