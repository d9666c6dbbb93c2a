"""Which files in an export folder an earlier export wrote, and may therefore replace.

An export folder is often a folder people also keep their own files in (a spaCy
``config.cfg`` beside ``spacy/train.spacy``, notes beside the brat files). The only proof that a
file came from an export is the ``manifest.json`` of that export: it lists every file it wrote
with its sha256. A file counts as the export's own only if the manifest lists it *and* its
content is still what the manifest says; a file someone edited since is theirs.

Manifest paths are checked before they are trusted: a hand-edited or hostile manifest naming
``../elsewhere`` or a path through a symbolic link must never make an export delete a file
outside the folder.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .manifest import MANIFEST_NAME, sha256_of


@dataclass(frozen=True, slots=True)
class Listed:
    sha256: str
    bytes: int


@dataclass(slots=True)
class PreviousExport:
    """What ``manifest.json`` in a folder says an earlier export wrote there."""

    manifest: str  # "missing" | "ours" | "foreign" (a manifest.json that is not an export's)
    created: str = ""
    files: dict[str, Listed] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> PreviousExport:
        path = folder / MANIFEST_NAME
        try:
            if not stat.S_ISREG(path.lstat().st_mode):
                return cls("foreign")
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls("missing")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return cls("foreign")
        files = _listed_files(data)
        if files is None:
            return cls("foreign")
        return cls("ours", str(data.get("created", "")), files)

    def owns(self, folder: Path, relative: str) -> bool:
        """True if ``relative`` is a regular file the earlier export wrote and nobody changed."""
        if relative == MANIFEST_NAME:
            return self.manifest == "ours"
        listed = self.files.get(relative)
        if listed is None or not _plain_path(folder, relative):
            return False
        path = folder / relative
        try:
            info = path.lstat()
            # Size first: most edited files change size, and hashing a large file is not free.
            return (
                stat.S_ISREG(info.st_mode)
                and info.st_size == listed.bytes
                and sha256_of(path) == listed.sha256
            )
        except OSError:
            return False

    def why_not_owned(self, relative: str) -> str:
        """Why an existing file at ``relative`` is not the earlier export's, for the error."""
        if relative == MANIFEST_NAME:
            return "a manifest.json that is not an export's manifest"
        if self.manifest == "missing":
            return "not written by an export (the folder has no manifest.json)"
        if self.manifest == "foreign":
            return "not written by an export (manifest.json here is not an export's)"
        if relative in self.files:
            when = f" of {self.created}" if self.created else ""
            return f"changed since the export{when} wrote it"
        return "not written by an export (manifest.json does not list it)"


def _listed_files(data: Any) -> dict[str, Listed] | None:
    """``path -> (sha256, bytes)`` from a manifest's ``files``; None if it is not a manifest."""
    if not isinstance(data, dict) or "schema_version" not in data:
        return None
    entries = data.get("files")
    if not isinstance(entries, list):
        return None
    files: dict[str, Listed] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            return None
        path, sha, size = entry.get("path"), entry.get("sha256"), entry.get("bytes")
        if (
            not isinstance(path, str)
            or not isinstance(sha, str)
            or isinstance(size, bool)
            or not isinstance(size, int)
        ):
            return None
        if _safe_relative(path):
            files[path] = Listed(sha, size)
    return files


def _safe_relative(relative: str) -> bool:
    """A plain relative path inside the folder: no root, no ``..``, no empty or ``.`` parts."""
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return False
    parts = PurePosixPath(relative).parts
    return bool(parts) and "/".join(parts) == relative and not {"..", "."} & set(parts)


def _plain_path(folder: Path, relative: str) -> bool:
    """Every folder on the way to ``relative`` is a real folder, not a symbolic link."""
    current = folder
    for part in PurePosixPath(relative).parts[:-1]:
        current = current / part
        try:
            if not stat.S_ISDIR(current.lstat().st_mode):
                return False
        except OSError:
            return False
    return True


def entry_kind(path: Path) -> str | None:
    """What is at ``path`` without following a link: file, folder, link, other; None if free."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a parent is a file; the caller reports that parent instead
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "other"

