"""Pre-annotate a whole project: stream documents through spaCy in batches, store suggestions.

Suggestions are cached by (model annotator, document, text hash): the model annotator's name
holds the pipeline's name and version and the suggester's version, so an unchanged document is
never parsed twice, and a new model or rule version is stored beside the old one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..corpus import Document
from .types import DocSuggestions

if TYPE_CHECKING:
    from ..store import Store

STORE_EVERY = 64  # documents per write transaction: few commits, bounded memory


@dataclass(frozen=True, slots=True)
class SuggestReport:
    suggester: str
    parsed: int
    cached: int
    spans: int

    def summary(self) -> str:
        return (
            f"{self.suggester}: parsed {self.parsed} document(s), {self.cached} already "
            f"suggested, {self.spans} suggestion(s) stored"
        )


def suggest_project(
    store: Store,
    *,
    model: str | None = None,
    nlp: Any = None,
    batch_size: int = 32,
    n_process: int = 1,
    progress: bool = True,
    mode: str = "auto",
) -> SuggestReport:
    """Suggest annotations for every document not yet parsed by this model and suggester.

    Pass ``nlp`` (a loaded pipeline) to reuse one, else ``model`` is resolved and loaded.
    ``model`` may also be a run folder ``annotate train`` wrote: its suggestions are stored
    under its own annotator (``trained:<name>@<hash>``, combined with the rules as ``mode``
    says; see :mod:`annotate.train.suggester`), with each document's uncertainty.
    """
    from .engine import suggest_texts
    from .model import is_trained_run, load_model, model_annotator_name

    if nlp is None and is_trained_run(model):
        from ..train.suggester import load_suggester
        from ..train.uncertainty import record

        assert model is not None
        trained = load_suggester(model, mode=mode, scheme=store.scheme)
        return _suggest(
            store,
            trained.name,
            lambda texts: trained.suggest_texts(
                texts, batch_size=min(batch_size, 16), n_process=n_process
            ),
            after=lambda items: record(store, trained.name, items),
            progress=progress,
        )
    if nlp is None:
        nlp = load_model(model)
    entity_labels = store.scheme.layer("entity").label_names
    return _suggest(
        store,
        model_annotator_name(nlp),
        lambda texts: suggest_texts(
            nlp, texts, entity_labels=entity_labels, batch_size=batch_size, n_process=n_process
        ),
        progress=progress,
    )


def _suggest(
    store: Store,
    suggester: str,
    suggest: Callable[[Iterator[str]], Iterator[DocSuggestions]],
    *,
    after: Callable[[list[tuple[Document, DocSuggestions]]], object] | None = None,
    progress: bool,
) -> SuggestReport:
    """Run ``suggest`` over the documents ``suggester`` has not parsed and store the results
    every :data:`STORE_EVERY` documents (``after`` sees each stored batch)."""
    done = store.suggested_docs(suggester)
    hashes = store.document_hashes()
    todo = [doc_id for doc_id in store.doc_ids() if (doc_id, hashes[doc_id]) not in done]

    documents, texts = itertools.tee(store.iter_documents(todo), 2)
    results = suggest(document.text for document in texts)
    pairs: Iterator[tuple[Document, DocSuggestions]] = zip(documents, results, strict=True)
    if progress:
        from tqdm.auto import tqdm

        pairs = iter(tqdm(pairs, total=len(todo), desc="suggest", unit="doc"))
    stored = 0
    buffer: list[tuple[Document, DocSuggestions]] = []
    for pair in pairs:
        buffer.append(pair)
        if len(buffer) >= STORE_EVERY:
            stored += _store(store, suggester, buffer, after)
            buffer = []
    stored += _store(store, suggester, buffer, after)
    return SuggestReport(
        suggester=suggester, parsed=len(todo), cached=len(hashes) - len(todo), spans=stored
    )


def _store(
    store: Store,
    suggester: str,
    buffer: list[tuple[Document, DocSuggestions]],
    after: Callable[[list[tuple[Document, DocSuggestions]]], object] | None,
) -> int:
    stored = store.store_suggestions(suggester, buffer)
    if after is not None and buffer:
        after(buffer)
    return stored
