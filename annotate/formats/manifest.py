"""The manifest every export carries: what was exported, from what, and proof of each file.

``manifest.json`` lets a consumer check it reads the contract version it expects, see which
filters produced the data, and verify each file by its sha256 and size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FormatError
from .jsonio import to_jsonable
from .tables import SCHEMA_VERSION

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True, slots=True)
class ExportNote:
    """Something a format could not hold exactly, e.g. a span widened to token boundaries."""

    format: str
    kind: str  # misaligned | left-out-of-ents | dangling-relation | ...
    doc_id: str
    annotator: str
    item_id: str | None  # span or relation id
    detail: str


NOTES_KEPT = 1_000  # notes of one format and kind an export keeps in full


class Notes(list[ExportNote]):
    """An export's notes: the first :data:`NOTES_KEPT` of each format and kind, and how many
    more there were (``left_out``). A note can be a span's (a model's attributes doccano
    cannot hold), so a large project's export would otherwise hold, and its manifest list,
    millions of notes that say the same."""

    def __init__(self, notes: Iterable[ExportNote] = ()) -> None:
        super().__init__()
        self.kept: Counter[tuple[str, str]] = Counter()
        self.left_out: Counter[tuple[str, str]] = Counter()
        self.extend(notes)

    def append(self, note: ExportNote) -> None:
        key = (note.format, note.kind)
        if self.kept[key] >= NOTES_KEPT:
            self.left_out[key] += 1
        else:
            self.kept[key] += 1
            super().append(note)

    def extend(self, notes: Iterable[ExportNote]) -> None:
        if isinstance(notes, Notes):
            for key, count in notes.left_out.items():
                self.left_out[key] += count
        for note in notes:
            self.append(note)

    def __iadd__(self, notes: Iterable[ExportNote]) -> Notes:  # type: ignore[override,misc]
        self.extend(notes)
        return self

    def summaries(self) -> list[ExportNote]:
        """A note for each format and kind that had more than were kept, with the count."""
        return [
            ExportNote(fmt, kind, "", "", None,
                       f"{count:,} more notes of this kind, not listed (the first "
                       f"{NOTES_KEPT:,} are)")
            for (fmt, kind), count in sorted(self.left_out.items())
        ]


@dataclass(slots=True)
class WriteReport:
    """What a writer produced: files, notes, and document order where a file loses the ids."""

    files: list[Path] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)
    doc_ids: dict[Path, list[str]] = field(default_factory=dict)

    def extend(self, other: WriteReport) -> None:
        self.files.extend(other.files)
        self.notes.extend(other.notes)
        self.doc_ids.update(other.doc_ids)


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str  # relative to the export folder, with "/" separators
    sha256: str
    bytes: int
    doc_ids: list[str] | None = None  # document order, for formats without document ids (CoNLL)


@dataclass(slots=True)
class Manifest:
    schema_version: int
    created: str
    annotate_version: str
    formats: list[str]
    filters: dict[str, Any]
    annotators: list[str]
    counts: dict[str, Any]
    files: list[FileEntry] = field(default_factory=list)
    split: dict[str, Any] | None = None
    notes: list[ExportNote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_jsonable(asdict(self))
        for entry in data["files"]:
            if entry["doc_ids"] is None:
                del entry["doc_ids"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Manifest:
        return cls(
            schema_version=int(data["schema_version"]),
            created=str(data["created"]),
            annotate_version=str(data.get("annotate_version", "")),
            formats=list(data.get("formats", [])),
            filters=dict(data.get("filters", {})),
            annotators=list(data.get("annotators", [])),
            counts=dict(data.get("counts", {})),
            files=[FileEntry(**entry) for entry in data.get("files", [])],
            split=data.get("split"),
            notes=[ExportNote(**note) for note in data.get("notes", [])],
        )

    def file(self, path: str) -> FileEntry:
        for entry in self.files:
            if entry.path == path:
                return entry
        raise KeyError(path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Rows per table, spans per layer and label, relations per type, documents per status."""
    counts: dict[str, Any] = {"rows": {name: len(frame) for name, frame in tables.items()}}
    spans = tables.get("spans")
    if spans is not None and len(spans):
        pairs = Counter(
            zip(
                spans["layer"].astype(str).tolist(),
                spans["label"].astype(str).tolist(),
                strict=True,
            )
        )
        per_layer: dict[str, dict[str, int]] = {}
        for (layer, label), n in sorted(pairs.items()):
            per_layer.setdefault(layer, {})[label] = n
        counts["spans"] = per_layer
    relations = tables.get("relations")
    if relations is not None and len(relations):
        counts["relations"] = {
            str(k): int(v)
            for k, v in relations["type"].astype(str).value_counts().sort_index().items()
        }
    status = tables.get("doc_status")
    if status is not None and len(status):
        counts["doc_status"] = {
            str(k): int(v)
            for k, v in status["status"].astype(str).value_counts().sort_index().items()
        }
    return counts


def annotators_of(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    names: set[str] = set()
    for name in ("spans", "relations", "doc_status", "quotes", "claims"):
        frame = tables.get(name)
        if frame is not None and "annotator" in frame.columns:
            names.update(str(v) for v in frame["annotator"].dropna().unique())
    return sorted(names)


def _package_version() -> str:
    # Read from the installed metadata: importing the package itself here would be circular.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("annotate")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def build_manifest(
    tables: Mapping[str, pd.DataFrame],
    root: Path,
    report: WriteReport,
    *,
    formats: list[str],
    filters: Mapping[str, Any],
    split: dict[str, Any] | None = None,
) -> Manifest:
    """The manifest for files already written under ``root`` (paths stored relative to it)."""
    entries = []
    for path in report.files:
        order = report.doc_ids.get(path)
        entries.append(
            FileEntry(
                path=path.relative_to(root).as_posix(),
                sha256=sha256_of(path),
                bytes=path.stat().st_size,
                doc_ids=list(order) if order is not None else None,
            )
        )
    return Manifest(
        schema_version=SCHEMA_VERSION,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        annotate_version=_package_version(),
        formats=formats,
        filters=to_jsonable(dict(filters)),
        annotators=annotators_of(tables),
        counts=count_tables(tables),
        files=sorted(entries, key=lambda e: e.path),
        split=split,
        notes=[*report.notes, *report.notes.summaries()],
    )


def write_manifest(manifest: Manifest, folder: Path) -> Path:
    path = folder / MANIFEST_NAME
    text = json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def read_manifest(path: str | Path) -> Manifest:
    """The manifest of an export folder (or of the ``manifest.json`` path itself)."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError("E307", path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise FormatError("E306", path=str(path), line=exc.lineno, detail=exc.msg) from exc
    return Manifest.from_dict(data)
