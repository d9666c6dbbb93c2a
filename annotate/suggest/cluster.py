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

import ctypes
import ctypes.util
import itertools
import logging
import os
import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..core.records import DocSuggestions, Document, RelationSuggestion, SpanSuggestion
from ..errors import AnnotateError, ModelError

LOCAL = re.compile(r"^local(?::(\d+))?$")
TASK_DOCS = 64  # documents a task: seconds of parsing, so the cluster's overhead is noise
MIN_TASK_DOCS = 4  # the smallest task, at a run's end: tenths of a second, far above Dask's cost
TAIL_SHARES = 2  # towards the end, a task is what is left / (workers x this)
CONNECT_TIMEOUT_S = 20

_PIPELINES: dict[str | None, Any] = {}  # in each worker: the pipelines it has loaded

# glibc's mallopt parameters (malloc.h) and the largest mmap threshold it accepts on 64 bits.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 * 2**20


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
        import dask

        # The workers' statistical profiler feeds a dashboard a local cluster does not start;
        # sampling the parsing thread every 10 ms only takes time from it.
        with dask.config.set({"distributed.worker.profile.enabled": False}):
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
    total: int | None = None,
) -> Iterator[tuple[Document, DocSuggestions]]:
    """Each document with its suggestions, in the order tasks finish.

    A few tasks per worker are in flight at once, so the texts sent and the results waiting
    stay bounded whatever the corpus's size. Given the ``total`` of ``documents``, tasks shrink
    from ``task_docs`` towards the end of the run, so the workers finish together.
    """
    from distributed import as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    labels = tuple(entity_labels)
    quotes = tuple(quote_labels)
    tasks = _chunks(documents, max(1, task_docs), total=total, workers=workers)
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
            name, packed = future.result()
        except AnnotateError:
            raise
        except Exception as exc:
            detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            raise ModelError("E244", detail=detail) from exc
        if name != suggester:
            raise ModelError("E243", worker=name, client=suggester)
        # The worker gets its next task before this one's results are written, not after.
        following = next(tasks, None)
        if following is not None:
            running.add(submit(following))
        yield from zip(batch, _unpack(packed), strict=True)


def suggest_batch(
    model: str | None,
    texts: list[str],
    entity_labels: tuple[str, ...],
    quote_labels: tuple[str, ...],
    kinds: tuple[str, ...],
    batch_size: int,
) -> tuple[str, list[Packed]]:
    """Run in a worker: the suggestions of ``texts`` (packed, see :func:`_pack`), and the name
    of the pipeline that made them."""
    from .engine import suggest_texts
    from .model import model_annotator_name

    nlp = _pipeline(model)
    results = suggest_texts(
        nlp, texts, entity_labels=entity_labels, quote_labels=quote_labels, batch_size=batch_size
    )
    return model_annotator_name(nlp, kinds=kinds), [_pack(result) for result in results]


#: One document's suggestions as plain tuples: (spans, relations, uncertainty).
Packed = tuple[
    list[tuple[str, str, str, int, int, dict[str, Any]]], list[tuple[str, str, str]], float | None
]


def _pack(suggestions: DocSuggestions) -> Packed:
    # Pickle spends its time on dataclass instances (a reduce call and a dict of slots each):
    # tuples pickle 5x faster in the worker and load 2x faster, dataclasses rebuilt, in the
    # client, which shares its core with the workers on one machine.
    spans = [(s.key, s.layer, s.label, s.start, s.end, s.attrs) for s in suggestions.spans]
    relations = [(r.type, r.head, r.tail) for r in suggestions.relations]
    return spans, relations, suggestions.uncertainty


def _unpack(packed: list[Packed]) -> Iterator[DocSuggestions]:
    for spans, relations, uncertainty in packed:
        yield DocSuggestions(
            [SpanSuggestion(*span) for span in spans],
            [RelationSuggestion(*relation) for relation in relations],
            uncertainty,
        )


def suggester_name(model: str | None, kinds: tuple[str, ...] = ()) -> str:
    """Run in a worker: the annotator name of its pipeline."""
    from .model import model_annotator_name

    return model_annotator_name(_pipeline(model), kinds=kinds)


def _pipeline(model: str | None) -> Any:
    if model not in _PIPELINES:
        from .model import load_model

        _allocate_as_a_plain_process()

        _PIPELINES[model] = load_model(model)
    return _PIPELINES[model]


def _allocate_as_a_plain_process() -> None:
    """Undo, in a worker, the allocator setting Dask's nanny starts it with.

    The nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` so that freed memory goes back to the OS at
    once. Setting it also freezes glibc's mmap threshold at 128 KiB, so every array the parser
    makes for a batch (megabytes) is a fresh mmap whose pages fault in one by one: a worker
    parsed 15-20% slower than a plain process (13x the page faults, the difference all system
    time). The thresholds a plain process's allocator grows to by itself after its first batches
    make a worker parse as fast; it keeps at most a few dozen MB more free memory.
    """
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return  # the allocator adapts by itself
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError):
        return  # not glibc: the variable meant nothing
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
    mallopt(_M_TRIM_THRESHOLD, 2 * _MMAP_THRESHOLD_MAX)


def _chunks(
    documents: Iterable[Document], size: int, *, total: int | None, workers: int
) -> Iterator[list[Document]]:
    """Tasks of ``size`` documents, or, when the ``total`` is known, of what is left shared
    among :data:`TAIL_SHARES` tasks a worker once that is fewer (never under
    :data:`MIN_TASK_DOCS`).

    With tasks of one size, the last round leaves workers idle while others parse up to a whole
    task: 64 articles are about 6 s, a large part of a run of a few hundred on two workers.
    Shrinking tasks bound that wait by a small task's time.
    """
    iterator = iter(documents)
    left = total
    while True:
        n = size
        if left is not None:
            n = min(size, max(MIN_TASK_DOCS, -(-left // (TAIL_SHARES * workers))))
        batch = list(itertools.islice(iterator, n))
        if not batch:
            return
        yield batch
        if left is not None:
            left -= len(batch)
