"""Ingest a corpus into the store: all of it, or nothing.

The files are read once, streaming, inside one write transaction. Problems are collected over
the whole corpus so the user sees every one at once; if any is fatal the transaction is rolled
back and the project is left exactly as it was. Every message carries its code ("[E007] ...").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.records import Document
from ..errors import CorpusError, Errors, Warnings
from ..store import Store
from ..store import tables as t
from . import DEFAULT_MAX_CHARS, Problem, read_corpus

_BATCH = 500
_MAX_LISTED = 50


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Each line of a .txt article read as metadata (title, date, source, byline), so a person
    # can check what was not taken as text.
    notices: list[str] = field(default_factory=list)

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
) -> IngestReport:
    """Add the articles in ``paths`` to the project; see :mod:`annotate.corpus` for formats.

    ``raw=True`` keeps every character of a .txt file as text (no title, date, source or byline
    lines taken).
    """
    paths = list(paths)

    def items() -> Iterable[Document | Problem]:
        return read_corpus(
            paths,
            text_field=text_field,
            id_field=id_field,
            encoding=encoding,
            max_chars=max_chars,
            raw=raw,
        )

    return store.write(lambda connection: _ingest(connection, items, update=update))


def _ingest(
    connection: Connection,
    items: Callable[[], Iterable[Document | Problem]],
    *,
    update: bool,
) -> IngestReport:
    report = IngestReport()
    problems: list[str] = []
    d = t.documents.c
    existing = {
        row.doc_id: row.text_sha256
        for row in connection.execute(sa.select(d.doc_id, d.text_sha256))
    }
    position = int(connection.execute(sa.select(sa.func.max(d.position))).scalar() or 0)
    seen: dict[str, tuple[str, str]] = {}
    batch: list[dict[str, Any]] = []

    for item in items():
        if isinstance(item, Problem):
            kept = {"error": problems, "warning": report.warnings, "notice": report.notices}
            kept[item.level].append(str(item))
            continue
        sha = item.text_sha256
        if item.doc_id in seen:
            first_sha, first_where = seen[item.doc_id]
            if first_sha == sha:
                report.warnings.append(
                    _coded(
                        "W002",
                        path=item.meta.get("path"),
                        line=item.meta.get("line"),
                        doc_id=item.doc_id,
                        first=first_where,
                    )
                )
            else:
                problems.append(
                    _coded(
                        "E005",
                        path=item.meta.get("path"),
                        line=item.meta.get("line"),
                        doc_id=item.doc_id,
                        first=first_where,
                    )
                )
            continue
        seen[item.doc_id] = (sha, item.where)
        if item.doc_id in existing:
            if existing[item.doc_id] == sha:
                report.unchanged.append(item.doc_id)
            elif update:
                if not problems:
                    connection.execute(
                        t.documents.update()
                        .where(d.doc_id == item.doc_id)
                        .values(**_row(item, position=None))
                    )
                report.updated.append(item.doc_id)
            else:
                problems.append(_coded("E124", doc_id=item.doc_id, where=item.where))
            continue
        position += 1
        batch.append(_row(item, position=position))
        report.added.append(item.doc_id)
        if len(batch) >= _BATCH and not problems:
            connection.execute(t.documents.insert(), batch)
            batch.clear()

    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:_MAX_LISTED])
        if len(problems) > _MAX_LISTED:
            listed += f"\n  ... and {len(problems) - _MAX_LISTED} more"
        # Raising rolls the transaction back: nothing of this corpus is saved.
        raise CorpusError("E011", count=len(problems), problems=listed)
    if batch:
        connection.execute(t.documents.insert(), batch)
    return report


def _coded(code: str, **fields: Any) -> str:
    template: str = getattr(Warnings if code.startswith("W") else Errors, code)
    return f"[{code}] " + template.format(**fields)


def _row(document: Document, *, position: int | None) -> dict[str, Any]:
    now = t.utcnow()
    row: dict[str, Any] = {
        "doc_id": document.doc_id,
        "title": document.title,
        "source": document.source,
        "byline": document.byline,
        "published": document.published,
        "text": document.text,
        "text_sha256": document.text_sha256,
        "n_chars": document.n_chars,
        "meta": document.meta,
        "updated_at": now,
    }
    if position is not None:
        row["position"] = position
        row["created_at"] = now
    return row
