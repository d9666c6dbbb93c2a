"""A trained run as a suggester: its spans, combined with the rules, under its own annotator.

``mode="auto"`` (the default) suggests what scored highest on the run's dev documents when
it was trained (the model card's ``choice``): the model's spans, or per layer the better of
the model's and the rules' spans, linked by nearness or with the rules' links; the layers the
model never learnt come from the rules. ``mode="model"`` gives the model's own spans, linked
by nearness, and needs no parser. Every document's suggestions carry its uncertainty
(``DocSuggestions.uncertainty``), which the store keeps beside them to order annotators'
queues least sure first (:func:`annotate.workflow.assign.set_queue_order`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.records import DocSuggestions
from ..errors import AnnotateError
from .links import combine
from .predict import predict
from .runs import Run

if TYPE_CHECKING:
    from ..store import Store
    from ..suggest.pipeline import SuggestReport

MODES = ("auto", "model")


class TrainedSuggester:
    """Suggestions from a run folder. ``layers`` are the layers suggestions may have (the
    project's scheme); ``entity_labels`` the entity labels the rules may use."""

    def __init__(
        self,
        run: Run,
        *,
        mode: str = "auto",
        layers: Sequence[str] | None = None,
        entity_labels: Sequence[str] = (),
        labels: Mapping[str, Iterable[str]] | None = None,
        rules_model: str | None = None,
        nlp: Any = None,
    ) -> None:
        if mode not in MODES:
            raise AnnotateError("E229", mode=mode)
        self.run = run
        self.mode = mode
        self.name = run.suggester_name(mode)
        self.nlp = nlp if nlp is not None else run.load_nlp()
        self.entity_labels = list(entity_labels)
        # Labels the project's scheme has, per layer: a run trained elsewhere may know others.
        self.labels = {k: frozenset(v) for k, v in labels.items()} if labels is not None else None
        trained = list(run.card["layers"])
        chosen: dict[str, str] = run.card.get("choice", {}).get("layers", {})
        wanted = list(layers) if layers is not None else trained
        if mode == "model":
            self.choice = {layer: "model" for layer in trained if layer in wanted}
            self.linker = "nearest"
        else:
            # Layers the model never learnt come from the rules, if the run measured them.
            fallback = "rules" if run.card.get("rules", {}).get("available") else None
            picked = {layer: chosen.get(layer, "model" if layer in trained else fallback)
                      for layer in wanted}  # fmt: skip
            self.choice = {layer: source for layer, source in picked.items() if source}
            self.linker = str(run.card.get("choice", {}).get("links", "nearest"))
        self._rules_model = rules_model or run.card.get("rules", {}).get("model")
        self._rules_nlp: Any = None

    @property
    def needs_rules(self) -> bool:
        return self.linker == "rules" or "rules" in self.choice.values()

    def rules_nlp(self) -> Any:
        if self._rules_nlp is None:
            from ..suggest.model import load_model

            self._rules_nlp = load_model(self._rules_model)
        return self._rules_nlp

    def suggest_texts(
        self, texts: Iterable[str], *, batch_size: int = 16, n_process: int = 1
    ) -> Iterator[DocSuggestions]:
        """Each text's suggestions, in order, streaming a batch at a time."""
        model_texts, rule_texts, own = itertools.tee(texts, 3)
        outputs = predict(self.nlp, model_texts, batch_size=batch_size)
        rules: Iterator[DocSuggestions | None]
        if self.needs_rules:
            from ..suggest.engine import suggest_texts

            rules = suggest_texts(self.rules_nlp(), rule_texts, entity_labels=self.entity_labels,
                                  batch_size=batch_size, n_process=n_process)  # fmt: skip
        else:
            rules = itertools.repeat(None)
        reason = f"trained pipeline {self.run.name}"
        # Not strict: without rules, ``rules`` repeats None for ever.
        for text, output, rule in zip(own, outputs, rules, strict=False):
            found = combine(text, output, rule, choice=self.choice, linker=self.linker,
                            reason=reason)  # fmt: skip
            spans = [s for s in found.spans
                     if self.labels is None or s.label in self.labels.get(s.layer, ())]  # fmt: skip
            kept = {s.key for s in spans}
            relations = [r for r in found.relations if r.head in kept and r.tail in kept]
            yield DocSuggestions(spans, relations, uncertainty=output.uncertainty)


def load_suggester(
    path: str, *, mode: str = "auto", scheme: Any = None, rules_model: str | None = None
) -> TrainedSuggester:
    """The suggester of the run folder at ``path`` for a project with ``scheme``."""
    run = Run.load(path)
    layers = list(scheme.layer_names) if scheme is not None else None
    labels: list[str] = []
    if scheme is not None and "entity" in scheme.layer_names:
        labels = list(scheme.layer("entity").label_names)
    allowed = ({layer.name: layer.label_names for layer in scheme.layers}
               if scheme is not None else None)  # fmt: skip
    return TrainedSuggester(run, mode=mode, layers=layers, entity_labels=labels, labels=allowed,
                            rules_model=rules_model)  # fmt: skip


def suggest_with_run(
    store: Store,
    path: str,
    *,
    mode: str = "auto",
    batch_size: int = 32,
    n_process: int = 1,
    progress: bool = True,
) -> SuggestReport:
    """Store the suggestions of the run folder at ``path`` for every document it has not parsed,
    under its own annotator (``trained:<name>@<hash>``), each with its uncertainty."""
    from ..suggest.pipeline import SuggestReport, documents_to_suggest, store_as_they_come

    trained = load_suggester(path, mode=mode, scheme=store.scheme)
    todo, cached = documents_to_suggest(store, trained.name)
    documents, texts = itertools.tee(store.iter_documents(todo), 2)
    # Spancat scores every candidate n-gram: batches above 16 documents only cost memory.
    found = trained.suggest_texts(
        (document.text for document in texts), batch_size=min(batch_size, 16), n_process=n_process
    )
    pairs = zip(documents, found, strict=True)
    stored = store_as_they_come(store, trained.name, pairs, total=len(todo), progress=progress)
    return SuggestReport(suggester=trained.name, parsed=len(todo), cached=cached, spans=stored)
