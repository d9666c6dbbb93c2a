"""Ingest a corpus into the store: the whole corpus is checked before anything is written.

Two passes. The first reads every file (streaming), collects every problem of the whole corpus
(so the user sees all of them at once) and checks each id against the project; checked
documents wait in a temporary spool file, not in memory. If any problem is fatal, nothing is
written and the project is left exactly as it was. Otherwise the second pass writes the spooled
documents in batches of a few thousand, one short transaction each, so annotators working on
the project meanwhile wait at most one batch for their own writes (on SQLite, the ingest also
pauses between batches so a waiting writer gets its turn).

A crash half-way (power cut, killed process, lost connection) leaves the batches written before
it, each whole, and no half batch. Running the same ingest again completes it: documents the
project already holds with the same text are skipped (counted as unchanged), the rest added.
Every message carries its code ("[E007] ...").
"""

from __future__ import annotations

import marshal
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..core.records import Document, DocumentsOutcome
from ..errors import CorpusError, Errors, Warnings
from ..store import Store
from . import DEFAULT_MAX_CHARS, Problem, read_corpus

_MAX_LISTED = 50
BATCH = 2000  # documents a transaction
# A pause after each batch on SQLite, long enough for a writer polling for the lock (every
# millisecond or so, see annotate.store.engine) to take it before the next batch does.
PAUSE_S = 0.002


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Each line of a .txt article read as metadata (title, date, source, byline), so a person
    # can check what was not taken as text.
    notices: list[str] = field(default_factory=list)
    batches: int = 0  # write transactions it took

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.unchanged)} unchanged, "
            f"{len(self.updated)} updated, {len(self.warnings)} warning(s), "
            f"{len(self.notices)} line(s) read as metadata"
        )


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    text_field: str = "text",
    id_field: str = "id",
    encoding: str = "utf-8",
    max_chars: int = DEFAULT_MAX_CHARS,
    update: bool = False,
    raw: bool = False,
    batch_size: int = BATCH,
) -> IngestReport:
    """Add the articles in ``paths`` to the project; see :mod:`annotate.corpus` for formats
    and the module docstring for what a crash half-way leaves.

    ``raw=True`` keeps every character of a .txt file as text (no title, date, source or byline
    lines taken). ``batch_size`` documents are written a transaction.
    """
    paths = list(paths)
    store.check_writable()
    report = IngestReport()
    with tempfile.TemporaryFile(prefix="annotate-ingest-") as spool:
        problems = _check(
            store, paths, spool, report, update=update, batch_size=batch_size,
            options={"text_field": text_field, "id_field": id_field, "encoding": encoding,
                     "max_chars": max_chars, "raw": raw},
        )
        if problems:
            listed = "\n".join(f"  - {p}" for p in problems[:_MAX_LISTED])
            if len(problems) > _MAX_LISTED:
                listed += f"\n  ... and {len(problems) - _MAX_LISTED} more"
            raise CorpusError("E011", count=len(problems), problems=listed)
        spool.seek(0)
        _write(store, spool, report, update=update)
    return report


def _check(
    store: Store,
    paths: list[str | Path],
    spool: IO[bytes],
    report: IngestReport,
    *,
    update: bool,
    batch_size: int,
    options: dict[str, Any],
) -> list[str]:
    """The first pass: every problem of the corpus; checked documents go to ``spool``."""
    problems: list[str] = []
    # doc_id -> (the text hash's first 16 bytes, where it was first seen): enough to tell a
    # repeated article (W002) from an id used for two texts (E005) on a corpus of millions.
    seen: dict[str, tuple[bytes, str]] = {}
    pending: list[tuple[Document, str]] = []
    # Into an empty project nothing can conflict now; the second pass still checks each batch
    # inside its transaction, against whatever others add meanwhile.
    empty = store.document_count() == 0

    def flush() -> None:
        ids = [document.doc_id for document, _ in pending]
        known = {} if empty else store.known_hashes(ids)
        kept = []
        for document, sha in pending:
            found = known.get(document.doc_id)
            if found == sha:
                report.unchanged.append(document.doc_id)
            elif found is not None and not update:
                problems.append(_coded("E124", doc_id=document.doc_id, where=document.where))
            else:
                kept.append((*_fields(document), sha))
        if kept and not problems:
            # Length first: marshal.load from a file reads it a few bytes at a time, twenty
            # times slower than loading the bytes read in one go.
            data = marshal.dumps(kept)
            spool.write(len(data).to_bytes(8, "little"))
            spool.write(data)
        pending.clear()

    for item in read_corpus(paths, **options):
        if isinstance(item, Problem):
            kept = {"error": problems, "warning": report.warnings, "notice": report.notices}
            kept[item.level].append(str(item))
            continue
        sha = item.text_sha256
        digest = bytes.fromhex(sha[:32])
        first = seen.get(item.doc_id)
        if first is not None:
            code = "W002" if first[0] == digest else "E005"
            (report.warnings if code == "W002" else problems).append(_coded(
                code, path=item.meta.get("path"), line=item.meta.get("line"),
                doc_id=item.doc_id, first=first[1],
            ))
            continue
        seen[item.doc_id] = (digest, item.where)
        pending.append((item, sha))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return problems


def _write(store: Store, spool: IO[bytes], report: IngestReport, *, update: bool) -> None:
    """The second pass: the spooled documents, a batch a transaction."""
    pause = PAUSE_S if store.backend == "sqlite" else 0.0
    for records in _batches(spool):
        documents = [Document(*fields) for *fields, _ in records]
        outcome: DocumentsOutcome = store.add_documents(
            documents, update=update, hashes=[sha for *_, sha in records]
        )
        report.batches += 1
        report.added += outcome.added
        report.unchanged += outcome.unchanged
        report.updated += outcome.updated
        if outcome.conflicts:
            # Another process added these ids with other texts since the first pass. The
            # batches before (and the rest of this one) stay written; running again completes it.
            listed = "\n".join(
                f"  - {_coded('E124', doc_id=doc_id, where=where)}"
                for doc_id, where in outcome.conflicts[:_MAX_LISTED]
            )
            raise CorpusError("E145", count=len(outcome.conflicts), added=len(report.added),
                              problems=listed)
        if pause:
            time.sleep(pause)


def _batches(spool: IO[bytes]) -> Iterator[list[tuple[Any, ...]]]:
    while True:
        head = spool.read(8)
        if not head:
            return
        yield marshal.loads(spool.read(int.from_bytes(head, "little")))


def _fields(document: Document) -> tuple[Any, ...]:
    return (
        document.doc_id, document.text, document.title, document.source, document.byline,
        document.published, document.meta,
    )


def _coded(code: str, **fields: Any) -> str:
    template: str = getattr(Warnings if code.startswith("W") else Errors, code)
    return f"[{code}] " + template.format(**fields)
