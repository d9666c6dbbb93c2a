"""Run a trained pipeline over texts: its spans with a probability each, and how unsure it was.

The entity recogniser is run as a beam search over the greedy model (spaCy's ``beam_parse``),
which gives each entity a probability (the beam's share of parses that hold it); each span
categoriser scores every candidate. A document's **uncertainty** is the mean binary entropy
of everything the model weighed there: every entity the beam considered and every candidate
span scored at least :data:`CONSIDERED`. It is 0 where the model is sure of every decision
(or saw nothing worth weighing) and 1 where every decision was a coin toss, so ordering a
queue by it puts the documents the model would learn most from first.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .data import ENTITY

BEAM_WIDTH = 4
BEAM_DENSITY = 0.0001
CONSIDERED = 0.05  # probabilities below this are decisions the model was sure of


@dataclass(frozen=True, slots=True)
class ModelSpan:
    layer: str
    label: str
    start: int  # characters, end exclusive
    end: int
    p: float


@dataclass(slots=True)
class ModelOutput:
    spans: list[ModelSpan] = field(default_factory=list)
    uncertainty: float = 0.0


def entropy(p: float) -> float:
    """Binary entropy in bits: 0 for a sure decision, 1 for p = 0.5."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def predict(nlp: Any, texts: Iterable[str], *, batch_size: int = 16) -> Iterator[ModelOutput]:
    """Each text's spans and uncertainty, in order, a batch of documents at a time."""
    stream = iter(texts)
    while batch := list(itertools.islice(stream, batch_size)):
        yield from _predict_batch(nlp, batch)


def _predict_batch(nlp: Any, texts: list[str]) -> list[ModelOutput]:
    import numpy

    docs = [nlp.make_doc(text) for text in texts]
    weighed: list[list[float]] = [[] for _ in docs]
    entity_p: list[dict[tuple[int, int, str], float]] = [{} for _ in docs]
    spans_of: dict[str, str] = {}  # spancat component -> its layer
    for name, proc in nlp.pipeline:
        factory = nlp.get_pipe_meta(name).factory
        if factory in ("ner", "beam_ner"):
            beams = proc.beam_parse(docs, beam_width=BEAM_WIDTH, beam_density=BEAM_DENSITY)
            proc.set_annotations(docs, beams)
            for i, scored in enumerate(proc.scored_ents(beams)):
                entity_p[i] = {key: float(p) for key, p in scored.items()}
                weighed[i].extend(p for p in entity_p[i].values() if p >= CONSIDERED)
        elif factory == "spancat":
            indices, scores = proc.predict(docs)
            proc.set_annotations(docs, (indices, scores))
            spans_of[name] = proc.key
            offset = 0
            for i, length in enumerate(indices.lengths.tolist()):
                best = scores[offset : offset + length].max(axis=1) if length else []
                weighed[i].extend(float(p) for p in best if p >= CONSIDERED)
                offset += length
        elif hasattr(proc, "predict") and hasattr(proc, "set_annotations"):
            proc.set_annotations(docs, proc.predict(docs))
        else:
            docs = [proc(doc) for doc in docs]
    outputs = []
    for i, doc in enumerate(docs):
        out = ModelOutput()
        for ent in doc.ents:
            p = entity_p[i].get((ent.start, ent.end, ent.label_), 1.0)
            out.spans.append(ModelSpan(ENTITY, ent.label_, ent.start_char, ent.end_char, p))
        for layer in spans_of.values():
            group = doc.spans.get(layer)
            if group is None:
                continue
            found = group.attrs.get("scores")
            # One score per span (spaCy keeps them as a column).
            probs: list[float] = (
                numpy.asarray(found, dtype="float64").reshape(-1).tolist() if found is not None
                else []
            )
            for j, span in enumerate(group):
                p = float(probs[j]) if j < len(probs) else 1.0
                out.spans.append(ModelSpan(layer, span.label_, span.start_char, span.end_char, p))
        values = weighed[i]
        out.uncertainty = round(sum(map(entropy, values)) / len(values), 6) if values else 0.0
        outputs.append(out)
    return outputs
