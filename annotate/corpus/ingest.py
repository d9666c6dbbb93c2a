"""Ingest a corpus into the store: all of it, or nothing.

The files are read once, streaming, inside one write transaction (the store's
:meth:`~annotate.store.Store.add_documents`). Problems are collected over
the whole corpus so the user sees every one at once; if any is fatal the transaction is rolled
back and the project is left exactly as it was. Every message carries its code ("[E007] ...").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.records import Document, DocumentsOutcome
from ..errors import CorpusError, Errors, Warnings
from ..store import Store
from . import DEFAULT_MAX_CHARS, Problem, read_corpus

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

    def attempt() -> tuple[Iterable[Document], Callable[[DocumentsOutcome], IngestReport]]:
        # The store runs this once per try of its write (a busy database is retried whole), so
        # each try reads the corpus afresh with empty lists.
        report = IngestReport()
        problems: list[str] = []
        seen: dict[str, tuple[str, str]] = {}

        def documents() -> Iterator[Document]:
            for item in read_corpus(
                paths, text_field=text_field, id_field=id_field, encoding=encoding,
                max_chars=max_chars, raw=raw,
            ):
                if isinstance(item, Problem):
                    kept = {"error": problems, "warning": report.warnings,
                            "notice": report.notices}
                    kept[item.level].append(str(item))
                    continue
                if item.doc_id in seen:
                    first_sha, first_where = seen[item.doc_id]
                    code = "W002" if first_sha == item.text_sha256 else "E005"
                    (report.warnings if code == "W002" else problems).append(_coded(
                        code, path=item.meta.get("path"), line=item.meta.get("line"),
                        doc_id=item.doc_id, first=first_where,
                    ))
                    continue
                seen[item.doc_id] = (item.text_sha256, item.where)
                yield item

        def finish(outcome: DocumentsOutcome) -> IngestReport:
            problems.extend(
                _coded("E124", doc_id=doc_id, where=where) for doc_id, where in outcome.conflicts
            )
            if problems:
                listed = "\n".join(f"  - {p}" for p in problems[:_MAX_LISTED])
                if len(problems) > _MAX_LISTED:
                    listed += f"\n  ... and {len(problems) - _MAX_LISTED} more"
                # Raising inside the store's transaction rolls it back: nothing is saved.
                raise CorpusError("E011", count=len(problems), problems=listed)
            report.added, report.unchanged = outcome.added, outcome.unchanged
            report.updated = outcome.updated
            return report

        return documents(), finish

    return store.add_documents(attempt, update=update)


def _coded(code: str, **fields: Any) -> str:
    template: str = getattr(Warnings if code.startswith("W") else Errors, code)
    return f"[{code}] " + template.format(**fields)
