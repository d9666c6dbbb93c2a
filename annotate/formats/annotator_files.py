"""One file an annotator (``<annotator><suffix>``), written a chunk of units at a time: the
export formats that keep each person's work apart (CoNLL, doccano) append every chunk's units
to their annotators' files, so an export of any size holds one chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .docs import AnnotatedDoc
from .manifest import WriteReport
from .naming import to_file_name


class AnnotatorFiles:
    """A format's files, one an annotator: a subclass's ``add`` writes each unit's text
    through :meth:`appending`, and :meth:`close` gives the report, the files in annotator
    order with their documents in file order."""

    def __init__(self, out_dir: Path, *, suffix: str) -> None:
        self.out = out_dir
        self.suffix = suffix
        self.report = WriteReport()
        self.doc_ids: dict[str, list[str]] = {}  # per annotator, in file order

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        raise NotImplementedError

    @contextmanager
    def appending(self) -> Iterator[Callable[[AnnotatedDoc, str], None]]:
        """A function that appends a unit's text to its annotator's file (the first chunk
        starts the file); the chunk's files stay open while the block runs."""
        self.out.mkdir(parents=True, exist_ok=True)
        handles: dict[str, IO[str]] = {}

        def write(unit: AnnotatedDoc, text: str) -> None:
            handle = handles.get(unit.annotator)
            if handle is None:
                mode = "a" if unit.annotator in self.doc_ids else "w"
                handle = handles[unit.annotator] = self._path(unit.annotator).open(
                    mode, encoding="utf-8", newline="\n")
            handle.write(text)
            self.doc_ids.setdefault(unit.annotator, []).append(unit.doc_id)

        try:
            yield write
        finally:
            for handle in handles.values():
                handle.close()

    def close(self) -> WriteReport:
        for annotator in sorted(self.doc_ids):
            path = self._path(annotator)
            self.report.files.append(path)
            self.report.doc_ids[path] = self.doc_ids[annotator]
        return self.report

    def _path(self, annotator: str) -> Path:
        return self.out / f"{to_file_name(annotator)}{self.suffix}"
