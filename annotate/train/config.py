"""The spaCy training config of a run, generated from the gold it learns from.

The base is what ``spacy init config --pipeline ner,spancat --optimize efficiency`` writes for
English on a CPU: one shared CNN token-to-vector layer with hashed word features, no static
vectors (nothing can be downloaded), the entity recogniser and a span categoriser. From it:

- ``ner`` learns the ``entity`` layer (``doc.ents``), when the gold has entities;
- one span categoriser per other layer with spans, ``spancat_<layer>``, reading and writing
  ``doc.spans[<layer>]`` (where the export puts that layer), with one label per span. Its
  candidates are every n-gram up to the layer's longest span when the layer's spans are short
  (sources, cues), else the clause suggester of :mod:`annotate.train.components`, whose
  lengths and start words come from the training gold;
- the dev score that picks the best checkpoint weighs every layer alike.

The config is written beside the model (``config.cfg``, its paths relative to the run folder),
so a run can be repeated with ``spacy train config.cfg`` from inside the run folder: annotate's
package entry points register the clause suggester with spaCy, so neither ``--code`` nor
importing annotate is needed (nor to ``spacy.load`` the pipeline).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .components import SUGGESTER
from .data import ENTITY, SHORT, LayerStats

MAX_CLAUSE = 120  # tokens: longer quotes or claims are not offered as candidates
MIN_AFTER = 2  # a word must come before this many gold spans to start candidates after it
BATCH_DOCS = 16


@dataclass(frozen=True, slots=True)
class Settings:
    """How long and how a run trains. Training stops after ``max_epochs`` passes over the
    training documents, after ``max_words`` words (a budget that keeps a few hundred articles
    to a few minutes on a CPU and, unlike a clock, gives the same model every time), or when
    the dev score has not improved for ``patience`` optimiser steps. ``eval_every`` counts
    steps; ``None`` means about once per pass."""

    seed: int = 0
    max_epochs: int = 15
    max_words: int | None = 500_000
    patience: int | None = None  # default: five evaluations without a better dev score
    eval_every: int | None = None
    width: int = 96
    depth: int = 4
    dropout: float = 0.1
    learn_rate: float = 0.001
    span_hidden: int = 64  # the span categorisers' hidden layer (spaCy's default is 128)

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def component_name(layer: str) -> str:
    return "ner" if layer == ENTITY else f"spancat_{layer}"


def score_name(layer: str) -> str:
    """The key of the layer's F-score in spaCy's dev scores."""
    return "ents_f" if layer == ENTITY else f"spans_{layer}_f"


def suggester_for(stats: LayerStats) -> dict[str, Any]:
    """The candidate generator of a layer's span categoriser, from its training spans."""
    if stats.long_length() <= SHORT:
        # Every n-gram up to the longest span (at most SHORT, so a rare long one costs little).
        return {
            "@misc": "spacy.ngram_range_suggester.v1",
            "min_size": 1,
            "max_size": min(SHORT, max(stats.lengths, default=1)),
        }
    after = sorted(word for word, n in stats.after.items() if n >= MIN_AFTER)
    return {
        "@misc": SUGGESTER,
        "max_length": min(MAX_CLAUSE, max(stats.lengths) + 2),
        "after": after,
    }


def build_config(
    stats: dict[str, LayerStats],
    *,
    train_path: Path,
    dev_path: Path,
    settings: Settings,
    n_batches: int,
) -> Any:
    """The full config (a ``thinc.api.Config``) for the layers in ``stats`` that have spans.

    ``n_batches`` is about how many optimiser steps one pass over the training data takes, to
    evaluate once a pass by default.
    """
    from spacy.cli.init_config import init_config
    from thinc.api import Config

    base = init_config(lang="en", pipeline=["ner", "spancat"], optimize="efficiency", gpu=False)
    config: dict[str, Any] = base.copy()
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    config["system"]["seed"] = settings.seed
    components = config["components"]
    spancat = components.pop("spancat")
    encode = components["tok2vec"]["model"]["encode"]
    encode["width"], encode["depth"] = settings.width, settings.depth
    pipeline = ["tok2vec"]
    layers = [layer for layer, entry in stats.items() if entry.spans]
    if ENTITY not in layers:
        components.pop("ner")
    else:
        pipeline.append("ner")
    for layer in layers:
        if layer == ENTITY:
            continue
        block = copy.deepcopy(spancat)
        block["spans_key"] = layer
        block["max_positive"] = 1
        block["model"]["reducer"]["hidden_size"] = settings.span_hidden
        block["suggester"] = suggester_for(stats[layer])
        components[component_name(layer)] = block
        pipeline.append(component_name(layer))
    config["nlp"]["pipeline"] = pipeline
    # Documents per nlp.pipe batch, dev evaluations included: an article has hundreds of
    # tokens and each span categoriser scores several candidates per token, so spaCy's 1,000
    # would hold every dev document's candidates in memory at once.
    config["nlp"]["batch_size"] = BATCH_DOCS
    training = config["training"]
    eval_every = settings.eval_every or max(20, n_batches)
    training.update(
        seed=settings.seed,
        dropout=settings.dropout,
        max_epochs=settings.max_epochs,
        max_steps=0,
        eval_frequency=eval_every,
        patience=settings.patience if settings.patience is not None else 5 * eval_every,
        score_weights={score_name(layer): round(1 / len(layers), 4) for layer in layers},
    )
    training["optimizer"]["learn_rate"] = settings.learn_rate
    return Config(config)
