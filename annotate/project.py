"""A project: one store, its scheme and corpus, and the operations people reach for first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpus import DEFAULT_MAX_CHARS, Document
from .ingest import IngestReport, ingest
from .scheme import Scheme
from .store import Store

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_DB_NAME = "annotate.db"
ENV_DB = "ANNOTATE_DB"


def default_location(start: Path | None = None) -> str:
    """Where a project is when none is named.

    ``$ANNOTATE_DB`` if set; else the nearest ``annotate.db`` in this folder or a parent (so a
    notebook in ``notebooks/`` finds the project at the top); else ``./annotate.db``.
    """
    from_env = os.environ.get(ENV_DB)
    if from_env:
        return from_env
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_DB_NAME
        if candidate.exists():
            return str(candidate)
    return str(here / DEFAULT_DB_NAME)


class Project:
    """An annotation project. Open one with :func:`open_project`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"Project({self.store!r})"

    @property
    def scheme(self) -> Scheme:
        return self.store.scheme

    def close(self) -> None:
        self.store.close()

    # --- corpus ----------------------------------------------------------------------------
    def ingest(
        self,
        *paths: str | Path,
        text_field: str = "text",
        id_field: str = "id",
        encoding: str = "utf-8",
        max_chars: int = DEFAULT_MAX_CHARS,
        update: bool = False,
    ) -> IngestReport:
        """Add articles from .txt/.jsonl/.csv files or folders; all of them or none."""
        return ingest(
            self.store,
            paths,
            text_field=text_field,
            id_field=id_field,
            encoding=encoding,
            max_chars=max_chars,
            update=update,
        )

    def documents(self) -> list[Document]:
        return self.store.documents()

    def document(self, doc_id: str) -> Document:
        return self.store.document(doc_id)

    # --- overview --------------------------------------------------------------------------
    def status(self) -> pd.DataFrame:
        """One row per document: title, date, source, and each annotator's status."""
        import pandas as pd

        documents = self.store.documents()
        statuses = self.store.statuses()
        humans = [a["name"] for a in self.store.annotators() if a["kind"] in ("human", "gold")]
        by_doc: dict[str, dict[str, Any]] = {}
        for record in statuses:
            by_doc.setdefault(record.doc_id, {})[record.annotator] = record.status
        rows = []
        for document in documents:
            row: dict[str, Any] = {
                "doc_id": document.doc_id,
                "title": document.title,
                "published": document.published,
                "source": document.source,
                "n_chars": document.n_chars,
            }
            for name in humans:
                row[name] = by_doc.get(document.doc_id, {}).get(name)
            rows.append(row)
        return pd.DataFrame(
            rows, columns=["doc_id", "title", "published", "source", "n_chars", *humans]
        )

    def progress(self, annotator: str) -> dict[str, int]:
        """How many documents the annotator has done, skipped and flagged, of how many."""
        counts = {"done": 0, "skipped": 0, "flagged": 0}
        for record in self.store.statuses(annotator=annotator):
            if record.status in counts:
                counts[record.status] += 1
        counts["total"] = len(self.store.doc_ids())
        return counts


def open_project(
    path_or_url: str | os.PathLike[str] | None = None,
    *,
    scheme: Scheme | str | os.PathLike[str] | None = None,
) -> Project:
    """Open (or create) a project.

    ``path_or_url`` is a SQLite file path or a SQLAlchemy URL such as
    ``postgresql://user@host/dbname``; by default :func:`default_location`. ``scheme`` (a
    :class:`Scheme` or a TOML path) replaces the project's scheme; by default the project keeps
    the one it has, and a new project gets the shipped news scheme.
    """
    location = default_location() if path_or_url is None else path_or_url
    chosen = (
        scheme
        if isinstance(scheme, Scheme) or scheme is None
        else Scheme.from_file(os.fspath(scheme))
    )
    return Project(Store(location, scheme=chosen))
