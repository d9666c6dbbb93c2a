"""Entity suggestions: spaCy's named entities, relabelled to the project's entity labels."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: The small English pipelines give no per-entity scores; this is a fixed prior, lower for
#: labels the lexicon renames (the mapping is coarser than the model's own label).
CONFIDENCE = 0.7
CONFIDENCE_MAPPED = 0.5


@dataclass(frozen=True, slots=True)
class EntityFinding:
    start: int  # character offsets
    end: int
    label: str  # the project's label
    model_label: str  # what spaCy said
    start_token: int
    end_token: int  # exclusive
    reason: str
    confidence: float


def find_entities(
    doc: Doc, *, entity_labels: Collection[str], lexicon: Lexicon
) -> list[EntityFinding]:
    """Every entity of ``doc.ents`` whose label, after ``lexicon.entity_label_map``, is one of
    ``entity_labels``; the others are dropped."""
    wanted = frozenset(entity_labels)
    found: list[EntityFinding] = []
    for ent in doc.ents:
        model_label = ent.label_
        label = lexicon.entity_label_map.get(model_label, model_label)
        if label not in wanted:
            continue
        text = ent.text
        # spaCy sometimes starts an entity at a possessive or quote mark; trim what is not name.
        lead = len(text) - len(text.lstrip("“”\"'‘’ "))
        tail = len(text) - len(text.rstrip("“”\"'‘’ "))
        start, end = ent.start_char + lead, ent.end_char - tail
        if start >= end:
            continue
        mapped = label != model_label
        reason = f"spaCy NER: {model_label}, mapped to {label}" if mapped else f"spaCy NER: {label}"
        found.append(
            EntityFinding(
                start=start,
                end=end,
                label=label,
                model_label=model_label,
                start_token=ent.start,
                end_token=ent.end,
                reason=reason,
                confidence=CONFIDENCE_MAPPED if mapped else CONFIDENCE,
            )
        )
    return found
