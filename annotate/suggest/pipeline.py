"""Pre-annotate a whole project: stream documents through spaCy in batches, store suggestions.

Suggestions are cached by (model annotator, document, text hash): the model annotator's name
holds the pipeline's name and version and the suggester's version, so an unchanged document is
never parsed twice, and a new model or rule version is stored beside the old one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.records import DocSuggestions, Document

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
    cluster: str | None = None,
    task_docs: int = 64,
) -> SuggestReport:
    """Suggest annotations for every document not yet parsed by this model and suggester.

    Pass ``nlp`` (a loaded pipeline) to reuse one, else ``model`` is resolved and loaded.
    ``cluster`` (a Dask scheduler's address, or ``local:N``) parses on the cluster's workers
    instead, at most ``task_docs`` documents a task (see :mod:`.cluster`); this process then only
    reads the documents and writes the suggestions.
    """
    from .engine import DEFAULT_QUOTE_LABELS
    from .lexicon import load_lexicon

    scheme = store.scheme
    quote_labels = (
        scheme.layer("quote").label_names if "quote" in scheme.layer_names else DEFAULT_QUOTE_LABELS
    )
    # Thought attributions only where the scheme has their label (see default_scheme.toml).
    kinds: tuple[str, ...] = ("thought",) if load_lexicon().thought_label in quote_labels else ()
    entity_labels = scheme.layer("entity").label_names
    if cluster is not None:
        from .cluster import cluster_suggester, connect, suggest_on_cluster

        with connect(cluster) as client:
            suggester = cluster_suggester(client, model, kinds=kinds)
            todo, cached = documents_to_suggest(store, suggester)
            found = suggest_on_cluster(
                client, store.iter_documents(todo), model=model, suggester=suggester,
                entity_labels=entity_labels, quote_labels=quote_labels, kinds=kinds,
                batch_size=batch_size, task_docs=task_docs, total=len(todo),
            )
            stored = store_as_they_come(store, suggester, found, total=len(todo), progress=progress)
        return SuggestReport(suggester=suggester, parsed=len(todo), cached=cached, spans=stored)

    from .engine import suggest_texts
    from .model import load_model, model_annotator_name

    if nlp is None:
        nlp = load_model(model)
    suggester = model_annotator_name(nlp, kinds=kinds)
    todo, cached = documents_to_suggest(store, suggester)

    documents, texts = itertools.tee(store.iter_documents(todo), 2)
    results = suggest_texts(
        nlp,
        (document.text for document in texts),
        entity_labels=entity_labels,
        quote_labels=quote_labels,
        batch_size=batch_size,
        n_process=n_process,
    )
    pairs: Iterator[tuple[Document, DocSuggestions]] = zip(documents, results, strict=True)
    stored = store_as_they_come(store, suggester, pairs, total=len(todo), progress=progress)
    return SuggestReport(suggester=suggester, parsed=len(todo), cached=cached, spans=stored)


def documents_to_suggest(store: Store, suggester: str) -> tuple[list[str], int]:
    """The documents whose current text ``suggester`` has not parsed, and how many it has."""
    done = store.suggested_docs(suggester)
    hashes = store.document_hashes()
    todo = [doc_id for doc_id in store.doc_ids() if (doc_id, hashes[doc_id]) not in done]
    return todo, len(hashes) - len(todo)


def store_as_they_come(
    store: Store,
    suggester: str,
    pairs: Iterable[tuple[Document, DocSuggestions]],
    *,
    total: int,
    progress: bool,
) -> int:
    """Write the suggestions as they come, :data:`STORE_EVERY` documents a transaction."""
    if progress:
        from tqdm.auto import tqdm

        pairs = iter(tqdm(pairs, total=total, desc="suggest", unit="doc"))
    stored = 0
    buffer: list[tuple[Document, DocSuggestions]] = []
    for pair in pairs:
        buffer.append(pair)
        if len(buffer) >= STORE_EVERY:
            stored += store.store_suggestions(suggester, buffer)
            buffer = []
    stored += store.store_suggestions(suggester, buffer)
    return stored
