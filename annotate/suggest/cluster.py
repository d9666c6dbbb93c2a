"""Suggestion on a Dask cluster: workers parse, the client keeps the database.

The client (``annotate suggest --cluster ADDRESS`` or ``project.suggest(cluster=...)``) reads
the documents no worker has suggested yet, sends their texts in tasks of a few dozen to the
cluster's workers, and writes what comes back in batches, as a single process does. Workers
never see the database: each loads the spaCy pipeline once, runs :func:`.engine.suggest_texts`
on every task it gets and returns the suggestions. The text-hash cache is the client's, so a
run that stops half-way is completed by running it again, and a second run parses nothing.

``ADDRESS`` is a Dask scheduler (``tcp://host:8786``, started with ``dask scheduler``, workers
joined with ``dask worker tcp://host:8786 --nthreads 1``: see docs/deployment.md), or
``local:N`` for N worker processes on this machine. Every worker must have annotate and the
same pipeline installed; a worker whose pipeline differs is refused (E243), as its suggestions
would be stored under another model's name.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..core.records import DocSuggestions, Document
from ..errors import AnnotateError, ModelError

LOCAL = re.compile(r"^local(?::(\d+))?$")
TASK_DOCS = 64  # documents a task: seconds of parsing, so the cluster's overhead is noise
CONNECT_TIMEOUT_S = 20

_PIPELINES: dict[str | None, Any] = {}  # in each worker: the pipelines it has loaded


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A Dask client of the cluster at ``address`` (or of a local one, ``local:N``), closed
    (with the local cluster) on leaving."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ModelError("E241") from None
    local = LOCAL.match(address.strip())
    if local:
        workers = int(local.group(1) or os.cpu_count() or 1)
        if workers < 1:
            raise ModelError("E240", address=address)
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    if not re.match(r"^(\w+://)?[\w.\-\[\]:]+:\d+$", address.strip()):
        raise ModelError("E240", address=address)
    try:
        client = Client(address.strip(), timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise ModelError("E242", address=address, detail=str(exc).splitlines()[0]) from None
    try:
        yield client
    finally:
        client.close()


def cluster_suggester(client: Any, model: str | None, *, kinds: tuple[str, ...] = ()) -> str:
    """The model annotator name the cluster's pipeline stores suggestions under."""
    return str(client.submit(suggester_name, model, kinds, pure=False).result())


def suggest_on_cluster(
    client: Any,
    documents: Iterable[Document],
    *,
    model: str | None,
    suggester: str,
    entity_labels: Collection[str],
    quote_labels: Collection[str],
    kinds: tuple[str, ...] = (),
    batch_size: int = 32,
    task_docs: int = TASK_DOCS,
) -> Iterator[tuple[Document, DocSuggestions]]:
    """Each document with its suggestions, in the order tasks finish.

    A few tasks per worker are in flight at once, so the texts sent and the results waiting
    stay bounded whatever the corpus's size.
    """
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    labels = tuple(entity_labels)
    quotes = tuple(quote_labels)
    tasks = _chunks(documents, max(1, task_docs))
    pending: dict[Any, list[Document]] = {}

    def submit(batch: list[Document]) -> Any:
        texts = [document.text for document in batch]
        future = client.submit(
            suggest_batch, model, texts, labels, quotes, kinds, batch_size, pure=False
        )
        pending[future] = batch
        return future

    running = as_completed([submit(batch) for batch in itertools.islice(tasks, 2 * workers)])
    for future in running:
        batch = pending.pop(future)
        try:
            name, results = future.result()
        except AnnotateError:
            raise
        except Exception as exc:
            detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            raise ModelError("E244", detail=detail) from exc
        if name != suggester:
            raise ModelError("E243", worker=name, client=suggester)
        yield from zip(batch, results, strict=True)
        following = next(tasks, None)
        if following is not None:
            running.add(submit(following))


def suggest_batch(
    model: str | None,
    texts: list[str],
    entity_labels: tuple[str, ...],
    quote_labels: tuple[str, ...],
    kinds: tuple[str, ...],
    batch_size: int,
) -> tuple[str, list[DocSuggestions]]:
    """Run in a worker: the suggestions of ``texts``, and the name of the pipeline that made
    them."""
    from .engine import suggest_texts
    from .model import model_annotator_name

    nlp = _pipeline(model)
    results = list(
        suggest_texts(
            nlp, texts, entity_labels=entity_labels, quote_labels=quote_labels,
            batch_size=batch_size,
        )
    )
    return model_annotator_name(nlp, kinds=kinds), results


def suggester_name(model: str | None, kinds: tuple[str, ...] = ()) -> str:
    """Run in a worker: the annotator name of its pipeline."""
    from .model import model_annotator_name

    return model_annotator_name(_pipeline(model), kinds=kinds)


def _pipeline(model: str | None) -> Any:
    if model not in _PIPELINES:
        from .model import load_model

        _PIPELINES[model] = load_model(model)
    return _PIPELINES[model]


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
