"""Train a pipeline from a project's gold and write the run folder: ``project.train(...)``.

One run: read the gold (:mod:`annotate.train.data`), write it as train and dev DocBins, build
the config (:mod:`annotate.train.config`), train with spaCy's loop (:mod:`annotate.train.loop`),
then measure on dev the untrained pipeline, the model, the rules and their combination, pick per
layer what scored higher, and write the model card. With ``curve=True`` the same is first done
on 25, 50 and 75% of the training documents. Everything is written into a hidden folder that
becomes ``runs/<name>`` only at the end (:func:`annotate.train.runs.staging`).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.records import text_sha256
from .card import markdown, versions
from .config import Settings, build_config, component_name
from .curve import FRACTIONS, check_fractions, plot, table
from .data import ENTITY, GoldData, layer_stats, load_gold, write_docs
from .links import combine
from .loop import StepCallback, train_pipeline
from .predict import ModelOutput, predict
from .runs import CARD, KIND, MODEL, Run, check_name, digest, staging
from .scoring import mean_f, score, suggestion_tables

if TYPE_CHECKING:
    from ..core.records import DocSuggestions
    from ..store import Store

Echo = Callable[[str], None]


@dataclass(slots=True)
class TrainResult:
    """The run written, its model card, and the learning curve when one was asked for."""

    run: Run
    card: dict[str, Any]
    curve: dict[str, Any] | None = None
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "\n".join(self.lines)


def peak_memory_mb() -> float:
    """The largest resident memory this process has had, in MB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def train_project(
    store: Store,
    *,
    name: str | None = None,
    out: str | Path = "runs",
    annotator: str = "gold",
    status: str | None = "done",
    split: float = 0.8,
    seed: int = 0,
    layers: Sequence[str] | None = None,
    settings: Settings | None = None,
    max_minutes: float | None = None,
    curve: bool = False,
    fractions: Sequence[float] = FRACTIONS,
    rules_model: str | None = None,
    rules: bool = True,
    force: bool = False,
    progress: bool = True,
    echo: Echo | None = None,
    on_step: StepCallback | None = None,
) -> TrainResult:
    """Train on ``annotator``'s documents with ``status`` and write ``out/name``."""
    started = time.monotonic()
    settings = settings or Settings(seed=seed)
    if settings.seed != seed:
        settings = Settings(**{**settings.to_json(), "seed": seed})
    _check_settings(settings, max_minutes)
    shares = check_fractions(fractions) if curve else (1.0,)
    name = check_name(name or _default_name(annotator))
    say = echo or (lambda line: None)
    lines: list[str] = []

    def note(line: str) -> None:
        lines.append(line)
        say(line)

    data = load_gold(store, annotator=annotator, status=status, split=split, seed=seed,
                     layers=layers)  # fmt: skip
    note(f"Training on {len(data.train_ids)} document(s), measuring on {len(data.dev_ids)} "
         f"(layers: {', '.join(data.layers)}).")  # fmt: skip
    out = Path(out)
    try:
        result_curve, card = _run(data, store, out=out, name=name, settings=settings,
                                  max_minutes=max_minutes, shares=shares, curve=curve,
                                  rules=rules, rules_model=rules_model, force=force,
                                  progress=progress, on_step=on_step, note=note,
                                  started=started)  # fmt: skip
    except KeyboardInterrupt:
        say(f"Training interrupted: nothing was written to {out / name}.")
        raise
    run = Run.load(out / name)
    note(_summary(card, run))
    return TrainResult(run=run, card=card, curve=result_curve, lines=lines)


def _run(
    data: GoldData,
    store: Store,
    *,
    out: Path,
    name: str,
    settings: Settings,
    max_minutes: float | None,
    shares: tuple[float, ...],
    curve: bool,
    rules: bool,
    rules_model: str | None,
    force: bool,
    progress: bool,
    on_step: StepCallback | None,
    note: Echo,
    started: float,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Everything written into the staging folder: the curve's parts, the run, the card."""
    seed = settings.seed
    budget = max_minutes * 60 if max_minutes is not None else None
    with staging(out, name, force=force) as work:
        dev_path = work / "corpus" / "dev.spacy"
        write_docs(data, data.dev_ids, dev_path)
        dev_texts = data.texts(data.dev_ids)
        rule_found, rules_meta = (
            _rules(store, dev_texts, rules_model) if rules else (None, None)
        )
        gold_dev = data.gold_tables(data.dev_ids)
        points: list[dict[str, Any]] = []
        for share in shares[:-1]:
            ids = data.subset(share, seed=seed)
            part = work / "curve" / f"{round(share * 100)}"
            trained = _train_once(data, ids, part, settings, budget, progress, on_step,
                                  label=f"train {share:.0%}")  # fmt: skip
            figures = _score_model(data, gold_dev, trained["nlp"], dev_texts)
            points.append(_point(share, len(ids), figures, data.layers))
            note(f"  {share:.0%} of the training documents ({len(ids)}): dev F1 "
                 + ", ".join(f"{layer} {_f(figures, layer)}" for layer in data.layers))
            shutil.rmtree(part)
        shutil.rmtree(work / "curve", ignore_errors=True)
        main = _train_once(data, data.train_ids, work, settings, budget, progress, on_step,
                           label="train")  # fmt: skip
        nlp = main["nlp"]
        model_out = list(predict(nlp, dev_texts))
        dev = {
            "blank": main["blank"],
            "model": _score(data, gold_dev, _combined(data, model_out, None, "model", "nearest"),
                            "model"),
        }  # fmt: skip
        if rule_found is not None:
            dev["rules"] = _score(data, gold_dev, rule_found, "rules")
        choice = _choose(data, gold_dev, model_out, rule_found, dev)
        dev["auto"] = choice.pop("figures")
        if curve:
            points.append(_point(1.0, len(data.train_ids), dev["model"], data.layers))
        card = _card(data, name=name, settings=settings, main=main, dev=dev, choice=choice,
                     rules_meta=rules_meta, out=out, work=work, started=started)  # fmt: skip
        result_curve = None
        if curve:
            result_curve = {
                "points": points,
                "rules": {layer: dev["rules"]["layers"][layer]["f"] for layer in data.layers}
                if "rules" in dev else None,
            }
            card["curve"] = result_curve
            (work / "curve.json").write_text(json.dumps(result_curve, indent=2) + "\n")
            plot(result_curve, data.layers, work / "curve.png",
                 title=f"{name}: dev F1 by training documents")  # fmt: skip
            note("Learning curve (dev F1):\n" + table(result_curve, data.layers))
        card["total_seconds"] = round(time.monotonic() - started, 1)
        (work / CARD).write_text(json.dumps(card, indent=2, default=str) + "\n")
        (work / "README.md").write_text(markdown(card), encoding="utf-8")
    return result_curve, card


# --- steps -------------------------------------------------------------------------------------


def _check_settings(settings: Settings, max_minutes: float | None) -> None:
    from ..errors import AnnotateError

    checks: tuple[tuple[str, Any, Callable[[Any], bool], str], ...] = (
        ("max_epochs", settings.max_epochs, lambda v: isinstance(v, int) and v >= 1,
         "a whole number of at least 1"),
        ("max_words", settings.max_words, lambda v: v is None or (isinstance(v, int) and v > 0),
         "a positive whole number of words, or None"),
        ("patience", settings.patience, lambda v: v is None or (isinstance(v, int) and v >= 0),
         "a whole number of steps (0: no early stop)"),
        ("eval_every", settings.eval_every, lambda v: v is None or (isinstance(v, int) and v > 0),
         "a positive whole number of steps"),
        ("max_minutes", max_minutes,
         lambda v: v is None or (isinstance(v, (int, float)) and v > 0), "a positive number"),
    )  # fmt: skip
    for option, value, ok, expected in checks:
        if isinstance(value, bool) or not ok(value):
            raise AnnotateError("E225", option=option, expected=expected, value=value)


def _default_name(annotator: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in annotator)[:40] or "run"
    return f"{safe}-{stamp}"


def _train_once(
    data: GoldData,
    train_ids: Sequence[str],
    folder: Path,
    settings: Settings,
    budget: float | None,
    progress: bool,
    on_step: StepCallback | None,
    *,
    label: str,
) -> dict[str, Any]:
    """Train on ``train_ids`` into ``folder``: corpus, config, model; return the loaded best
    pipeline, the loop's result and the untrained pipeline's dev figures."""
    train_path = folder / "corpus" / "train.spacy"
    dev_path = _dev_path(folder)
    write_docs(data, train_ids, train_path)
    stats = layer_stats(data, train_ids)
    words = sum(len(data.units[d].text.split()) for d in train_ids)
    # spaCy's batches start at 100 words and grow slowly: about 150 words a step on a few
    # hundred articles.
    config = build_config(stats, train_path=train_path, dev_path=dev_path, settings=settings,
                          n_batches=max(1, words // 150))  # fmt: skip
    relative = {"train": "corpus/train.spacy", "dev": "corpus/dev.spacy"}
    portable = config.copy()
    portable["paths"].update(relative)
    portable.to_disk(folder / "config.cfg")  # paths inside the run folder, wherever it is
    model_dir = folder / MODEL
    blank: dict[str, Any] = {}

    def before(nlp: Any) -> None:
        blank.update(_score_blank(nlp, dev_path, data.layers))

    loop = train_pipeline(config, model_dir, max_seconds=budget, max_words=settings.max_words,
                          progress=progress, on_step=on_step, label=label, before=before,
                          saved_paths=relative)  # fmt: skip
    return {"nlp": _load(model_dir), "loop": loop, "blank": blank, "stats": stats,
            "config": config}  # fmt: skip


def _dev_path(folder: Path) -> Path:
    # The curve's parts train in work/curve/<share>; every part measures on work's dev.
    if folder.parent.name == "curve":
        return folder.parent.parent / "corpus" / "dev.spacy"
    return folder / "corpus" / "dev.spacy"


def _load(model_dir: Path) -> Any:
    import spacy


    return spacy.load(model_dir)


def _rules(
    store: Store, texts: Sequence[str], rules_model: str | None
) -> tuple[list[DocSuggestions] | None, dict[str, Any] | None]:
    """The rule suggester's suggestions for ``texts``, or ``None`` without a pipeline."""
    from ..errors import ModelError
    from ..suggest.engine import suggest_texts
    from ..suggest.model import load_model

    try:
        nlp = load_model(rules_model)
    except ModelError:
        return None, None
    labels = (store.scheme.layer(ENTITY).label_names
              if ENTITY in store.scheme.layer_names else ())  # fmt: skip
    found = list(suggest_texts(nlp, texts, entity_labels=labels))
    meta = dict(nlp.meta)
    meta["requested"] = rules_model
    return found, meta


def _combined(
    data: GoldData,
    model_out: Sequence[ModelOutput] | None,
    rule_found: Sequence[DocSuggestions] | None,
    mode: str,
    linker: str,
    choice: dict[str, str] | None = None,
) -> list[DocSuggestions]:
    layers = choice or {layer: mode for layer in data.layers}
    texts = data.texts(data.dev_ids)
    return [
        combine(text, model_out[i] if model_out is not None else None,
                rule_found[i] if rule_found is not None else None,
                choice=layers, linker=linker, reason="trained pipeline")
        for i, text in enumerate(texts)
    ]  # fmt: skip


def _score(
    data: GoldData, gold_dev: dict[str, Any], found: Sequence[DocSuggestions], who: str
) -> dict[str, Any]:
    items = zip(data.dev_ids, data.texts(data.dev_ids), found, strict=True)
    pred = suggestion_tables(items, annotator=who)
    return score(gold_dev, pred, gold_annotator=data.annotator, pred_annotator=who,
                 doc_ids=data.dev_ids, layers=data.layers)  # fmt: skip


def _score_model(
    data: GoldData, gold_dev: dict[str, Any], nlp: Any, texts: Sequence[str]
) -> dict[str, Any]:
    outputs = list(predict(nlp, texts))
    return _score(data, gold_dev, _combined(data, outputs, None, "model", "nearest"), "model")


def _score_blank(nlp: Any, dev_path: Path, layers: Sequence[str]) -> dict[str, Any]:
    """The untrained pipeline's strict dev scores, from spaCy's scorer (the same figures as
    :func:`annotate.matching.score_spans`). An untrained span categoriser keeps about half
    of its candidates: tens of thousands of spans, too many to flatten into quotes and
    claims for nothing."""
    from spacy.training import Corpus

    scores = nlp.evaluate(list(Corpus(str(dev_path))(nlp)))
    figures: dict[str, Any] = {}
    for layer in layers:
        prefix = "ents" if layer == ENTITY else f"spans_{layer}"
        figures[layer] = {m: scores.get(f"{prefix}_{m}") for m in "prf"}
        figures[layer]["per_type"] = scores.get(f"{prefix}_per_type") or {}
    return {"layers": figures, "quotes": None}


def _choose(
    data: GoldData,
    gold_dev: dict[str, Any],
    model_out: Sequence[ModelOutput],
    rule_found: Sequence[DocSuggestions] | None,
    dev: dict[str, Any],
) -> dict[str, Any]:
    """Which spans and links ``auto`` suggests: of the model's spans alone and, per layer,
    the spans of whichever of the model and the rules has the higher dev F1, each linked by
    nearness or with the rules' links, the combination with the highest mean of the layers'
    F1 and the quote joint F1 (quote and speaker both right) on dev. Ties go to the simpler:
    the model's spans, then links by nearness (no parser needed)."""
    if rule_found is None:
        layers = {layer: "model" for layer in data.layers}
        return {"layers": layers, "links": "nearest", "figures": dev["model"],
                "objective": _objective(dev["model"], data.layers),
                "why": "No rule pipeline was installed to compare with."}  # fmt: skip
    best_of = {}
    for layer in data.layers:
        model_f = dev["model"]["layers"][layer]["f"] or 0.0
        rules_f = dev["rules"]["layers"][layer]["f"] or 0.0
        best_of[layer] = "model" if model_f >= rules_f else "rules"
    only_model = {layer: "model" for layer in data.layers}
    # Without quotes in the gold the links cannot be told apart on dev; the rules' are kept
    # then, for the quotes the rules will suggest with them.
    linkers = ("nearest", "rules") if "quote" in data.layers else ("rules", "nearest")
    options: list[tuple[str, dict[str, str], str]] = [
        ("model's spans", only_model, linker) for linker in linkers]
    if best_of != only_model:
        options += [("better spans per layer", best_of, linker) for linker in linkers]
    tried = []
    for label, layers, linker in options:
        figures = dev["model"] if (layers, linker) == (only_model, "nearest") else _score(
            data, gold_dev, _combined(data, model_out, rule_found, "auto", linker, layers),
            "auto")
        tried.append((label, layers, linker, figures, _objective(figures, data.layers)))
    top = max(value for *_, value in tried)
    label, layers, linker, figures, value = next(t for t in tried if t[4] == top)
    listed = "; ".join(f"{name} with {how} links {score:.3f}"
                       for name, _, how, _, score in tried)  # fmt: skip
    why = (f"Mean dev F1 of the layers and of quotes with their speaker: {listed}. "
           f"Taken: {label} with {linker} links.")
    if "quote" not in data.layers:
        why += " No dev quotes: the rules' links are kept for the quotes the rules suggest."
    return {"layers": layers, "links": linker, "figures": figures, "objective": value,
            "why": why}


def _objective(figures: dict[str, Any], layers: Sequence[str]) -> float:
    """The mean F1 of the layers, and of quotes with the right speaker where there are any."""
    values = [figures["layers"][layer]["f"] or 0.0 for layer in layers]
    joint = (figures.get("quotes") or {}).get("joint_f")
    if joint is not None:
        values.append(float(joint))
    return round(sum(values) / len(values), 6) if values else 0.0


def _point(share: float, documents: int, figures: dict[str, Any], layers: Sequence[str]
           ) -> dict[str, Any]:
    return {"fraction": share, "documents": documents,
            "f": {layer: figures["layers"][layer]["f"] for layer in layers},
            "mean_f": mean_f(figures, layers)}  # fmt: skip


def _f(figures: dict[str, Any], layer: str) -> str:
    value = figures["layers"][layer]["f"]
    return "-" if value is None else f"{value:.3f}"


def _coverage(data: GoldData, stats: dict[str, Any], config: Any) -> dict[str, float]:
    """The share of dev spans of each span-categoriser layer among its candidates."""
    from spacy.util import registry

    from ..formats.tokens import blank_nlp

    nlp = blank_nlp()
    shares: dict[str, float] = {}
    for layer in data.layers:
        if layer == ENTITY:
            continue
        block = config["components"].get(component_name(layer))
        if block is None:
            continue
        suggest = registry.resolve({"s": block["suggester"]})["s"]
        found = total = 0
        for doc_id in data.dev_ids:
            unit = data.units[doc_id]
            gold = [s for s in unit.spans if s.layer == layer]
            if not gold:
                continue
            doc = nlp.make_doc(unit.text)
            ragged = suggest([doc])
            candidates = {(int(a), int(b)) for a, b in ragged.dataXd.tolist()} if len(
                ragged.dataXd) else set()
            for span in gold:
                tokens = doc.char_span(span.start, span.end, alignment_mode="expand")
                total += 1
                found += tokens is not None and (tokens.start, tokens.end) in candidates
        if total:
            shares[layer] = round(found / total, 4)
    return shares


def _card(
    data: GoldData,
    *,
    name: str,
    settings: Settings,
    main: dict[str, Any],
    dev: dict[str, Any],
    choice: dict[str, Any],
    rules_meta: dict[str, Any] | None,
    out: Path,
    work: Path,
    started: float,
) -> dict[str, Any]:
    loop = main["loop"]
    sha = digest(work / MODEL)
    nlp = main["nlp"]
    return {
        "kind": KIND,
        "version": 1,
        "name": name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_sha256": sha,
        "suggester": f"trained:{name}@{sha[:12]}",
        "path_hint": str(out / name),
        "layers": data.layers,
        "pipeline": list(nlp.pipe_names),
        "labels": {layer: sorted(main["stats"][layer].labels) for layer in data.layers},
        "data": {
            "annotator": data.annotator, "status": data.status, "split": data.split,
            "seed": data.seed, "train": data.counts(data.train_ids),
            "dev": data.counts(data.dev_ids), "train_ids": data.train_ids,
            "train_sha256": [text_sha256(data.units[d].text) for d in data.train_ids],
            "dev_ids": data.dev_ids, "notes": data.notes[:50],
        },
        "dev": dev,
        "choice": choice,
        "coverage": _coverage(data, main["stats"], main["config"]),
        "rules": {"model": (rules_meta or {}).get("requested"),
                  "available": rules_meta is not None},
        "settings": settings.to_json(),
        "training": {
            "steps": loop.steps, "epochs": loop.epochs + 1, "words": loop.words,
            "best_step": loop.best_step, "best_score": loop.best_score,
            "stopped_by": loop.stopped_by, "seconds": round(loop.seconds, 1),
            "cpu_seconds": round(loop.cpu_seconds, 1),
            "peak_memory_mb": round(peak_memory_mb(), 1), "evaluations": loop.evaluations,
        },
        "versions": versions(rules_meta),
    }


def _summary(card: dict[str, Any], run: Run) -> str:
    dev = card["dev"]
    training = card["training"]
    lines = [f"Wrote {run.path} ({training['seconds']:.0f} s training, "
             f"{training['cpu_seconds']:.0f} s of CPU; peak memory "
             f"{training['peak_memory_mb']:.0f} MB). Dev F1 (strict):"]  # fmt: skip
    systems = [s for s in ("blank", "model", "rules", "auto") if dev.get(s)]
    lines.append(f"  {'layer':<10}" + "".join(f"{s:>9}" for s in systems))
    for layer in card["layers"]:
        values = [dev[s]["layers"][layer]["f"] for s in systems]
        cells = "".join(f"{'-' if v is None else format(v, '.3f'):>9}" for v in values)
        lines.append(f"  {layer:<10}{cells}")
    lines.append(f"Suggestions as {card['suggester']}: "
                 + ", ".join(f"{k} from {v}" for k, v in card["choice"]["layers"].items())
                 + f"; {card['choice']['links']} links.")  # fmt: skip
    return "\n".join(lines)
