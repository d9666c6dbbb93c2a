"""spaCy's own training, driven step by step: progress, a time limit, the best checkpoint kept.

:func:`train_pipeline` builds the pipeline from the config with spaCy's ``init_nlp`` (which
seeds every random generator) and runs spaCy's training generator
(``spacy.training.loop.train_while_improving``: batches, dropout, patience, the weighted dev
score), as ``spacy train`` does. What it adds: a progress bar, an optional limit in seconds,
and a callback per step. The best pipeline so far is written to ``model_dir`` at each better
evaluation, so when the loop stops for whatever reason (epochs, patience, time), what is on
disk is the best one.

Without a time limit a run is reproducible: the same gold, config and seed give the same
weights. The limit stops at whatever step the clock says, so it is off by default.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

StepCallback = Callable[[dict[str, Any]], None]


@dataclass(slots=True)
class LoopResult:
    """How the training went: the best dev score and where, and every evaluation."""

    best_score: float
    best_step: int
    steps: int
    epochs: int
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time: what the run costs on a machine shared
    words: int
    stopped_by: str  # epochs | patience | words | time
    evaluations: list[dict[str, Any]] = field(default_factory=list)


def train_pipeline(
    config: Any,
    model_dir: Path,
    *,
    max_seconds: float | None = None,
    max_words: int | None = None,
    progress: bool = True,
    on_step: StepCallback | None = None,
    label: str = "train",
    before: Callable[[Any], None] | None = None,
    saved_paths: dict[str, str] | None = None,
) -> LoopResult:
    """Train the pipeline ``config`` describes; the best one ends up in ``model_dir``.

    ``before`` is called with the initialised, untrained pipeline (to measure a baseline);
    ``on_step`` with spaCy's information after every step. ``saved_paths`` replace the
    config's ``[paths]`` in the saved pipeline (where the data will be, not where it was
    read from), so the same training gives the same files byte for byte.
    """
    from spacy.schemas import ConfigSchemaTraining
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import (
        create_evaluation_callback,
        create_train_batches,
        train_while_improving,
    )
    from spacy.util import registry, resolve_dot_names

    started, cpu = time.monotonic(), time.process_time()
    nlp = init_nlp(config)
    if before is not None:
        before(nlp)
    resolved = nlp.config.interpolate()
    T = registry.resolve(resolved["training"], schema=ConfigSchemaTraining)
    train_corpus, dev_corpus = resolve_dot_names(resolved, [T["train_corpus"], T["dev_corpus"]])
    if saved_paths:
        nlp.config["paths"].update(saved_paths)  # the corpora are read already
    optimizer = T["optimizer"]
    evaluate = create_evaluation_callback(nlp, dev_corpus, T["score_weights"])
    steps = train_while_improving(
        nlp,
        optimizer,
        create_train_batches(nlp, train_corpus, T["batcher"], T["max_epochs"]),
        evaluate,
        dropout=T["dropout"],
        accumulate_gradient=T["accumulate_gradient"],
        patience=T["patience"],
        max_steps=T["max_steps"],
        eval_frequency=T["eval_frequency"],
        exclude=T["frozen_components"],
        annotating_components=T["annotating_components"],
        before_update=T["before_update"],
    )
    bar = _progress(progress, label, T["max_epochs"])
    result = LoopResult(best_score=-1.0, best_step=0, steps=0, epochs=0, seconds=0.0,
                        cpu_seconds=0.0, words=0, stopped_by="epochs")  # fmt: skip
    def checkpoint(step: int, epoch: int, score: float, scores: dict[str, Any]) -> None:
        result.evaluations.append({
            "step": step, "epoch": epoch, "seconds": round(time.monotonic() - started, 1),
            "score": score, **{k: v for k, v in scores.items() if isinstance(v, float)},
        })  # fmt: skip
        if score > result.best_score:
            result.best_score, result.best_step = score, step
            _save(nlp, optimizer, model_dir)

    last_evaluated = -1
    try:
        for _batch, info, is_best in steps:
            result.steps, result.epochs = info["step"] + 1, info["epoch"]
            result.words = info["words"]
            if is_best is not None:
                last_evaluated = info["step"]
                checkpoint(info["step"], info["epoch"], float(info["score"]),
                           info["other_scores"] or {})  # fmt: skip
            if bar is not None:
                bar.update(1)
                bar.set_postfix(epoch=info["epoch"], best=f"{max(result.best_score, 0):.3f}")
            if on_step is not None:
                on_step(info)
            if max_words is not None and result.words >= max_words:
                result.stopped_by = "words"
                break
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                result.stopped_by = "time"
                break
        else:
            patience = T["patience"]
            if patience and result.steps - 1 - result.best_step >= patience:
                result.stopped_by = "patience"
        if last_evaluated != result.steps - 1:
            # The steps since the last evaluation count too: measure them once more.
            averaged = nlp.use_params(optimizer.averages) if optimizer.averages else None
            with averaged or contextlib.nullcontext():
                score, scores = evaluate()
            checkpoint(result.steps - 1, result.epochs, float(score), scores)
    finally:
        if bar is not None:
            bar.close()
    result.seconds = time.monotonic() - started
    result.cpu_seconds = time.process_time() - cpu
    return result


def _save(nlp: Any, optimizer: Any, model_dir: Path) -> None:
    if optimizer.averages:
        with nlp.use_params(optimizer.averages):
            nlp.to_disk(model_dir)
    else:
        nlp.to_disk(model_dir)


def _progress(show: bool, label: str, max_epochs: int) -> Any:
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(desc=label, unit="step", postfix={"epoch": 0, "of": max_epochs})
