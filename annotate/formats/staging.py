"""All-or-nothing exports that replace only what an earlier export wrote.

Everything is written into a hidden folder inside the target first. Before anything in the
target changes, each path the new export writes is checked: it must be free, or hold a file an
earlier export wrote and nobody changed since (see :mod:`.ownership`). Anything else in the way
(a person's file, an export file edited since, a symbolic link, a folder where a file goes)
stops the export with E325 naming it, unless ``force``. Files next to the export's own are never
touched, so a ``spacy/config.cfg`` survives an export that writes ``spacy/train.spacy``.

Files then move into place by renames within one file system. The old manifest moves out first
and the new one in last, so a manifest in the folder always describes a complete export; files
the earlier export wrote and this one does not are removed (its manifest proves they are the
export's). Any failure undoes every rename, leaving the target as it was (plus, at worst, a
hidden ``.annotate-export-*`` folder after a hard kill).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import FormatError
from .ownership import PreviousExport, entry_kind

PREFIX = ".annotate-export-"
MAX_LISTED = 20


def _unwritable(folder: Path, exc: OSError) -> FormatError:
    return FormatError("E301", path=str(folder), detail=exc.strerror or str(exc))


@contextmanager
def staged(out_dir: str | Path, *, last: str | None = None, force: bool = False) -> Iterator[Path]:
    """Yield a fresh folder; on success move what was written there into ``out_dir``.

    ``last`` (the manifest) moves in after everything else. Raises E326 if ``out_dir`` is a
    file, E325 if something not written by an earlier export is in the way (unless
    ``force``), E301 if the folder cannot be written.
    """
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        # Even with force: replacing the very path the user named with a folder is never
        # what "replace files in the way" means.
        raise FormatError("E326", path=str(target))
    try:
        target.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=PREFIX, dir=target))
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    try:
        stage = work / "new"
        stage.mkdir()
        (work / "old").mkdir()
        yield stage
        plan = _plan(stage, target, last=last, force=force)
        _publish(plan, stage, target, work / "old")
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass(slots=True)
class _Plan:
    files: list[str]  # new files, relative posix paths, ``last`` at the end
    aside: list[str] = field(default_factory=list)  # entries to move out of the way first
    stale: list[str] = field(default_factory=list)  # earlier export's files not written now


def _written(stage: Path, last: str | None) -> list[str]:
    files = sorted(
        (Path(root) / name).relative_to(stage).as_posix()
        for root, _, names in os.walk(stage)
        for name in names
    )
    if last in files:
        files.remove(last)
        files.append(last)
    return files


_IN_PLACE_OF_FOLDER = {
    "file": "a file where the export needs a folder",
    "link": "a symbolic link where the export needs a folder (an export never writes "
    "through one)",
    "other": "a special file where the export needs a folder",
}
_IN_PLACE_OF_FILE = {
    "link": "a symbolic link (an export never writes through one)",
    "folder": "a folder where the export writes a file",
    "other": "a special file",
}


def _plan(stage: Path, target: Path, *, last: str | None, force: bool) -> _Plan:
    """What to move where, or E325 listing what is in the way."""
    previous = PreviousExport.read(target)
    plan = _Plan(_written(stage, last))
    replace: set[str] = set()
    conflicts: dict[str, str] = {}
    for relative in plan.files:
        parts = PurePosixPath(relative).parts
        blocked = False
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            kind = entry_kind(target / folder)
            if kind is None:
                break  # nothing deeper can exist
            if kind == "folder":
                continue
            if kind == "file" and previous.owns(target, folder):
                replace.add(folder)
            else:
                reason = _IN_PLACE_OF_FOLDER[kind]
                if kind == "file":
                    reason += f"; {previous.why_not_owned(folder)}"
                conflicts[folder] = reason
            blocked = True
            break
        if blocked:
            continue
        kind = entry_kind(target / relative)
        if kind is None:
            continue
        if kind == "file" and previous.owns(target, relative):
            replace.add(relative)
        elif kind == "file":
            conflicts[relative] = previous.why_not_owned(relative)
        else:
            conflicts[relative] = _IN_PLACE_OF_FILE[kind]
    if conflicts and not force:
        raise _in_the_way(target, conflicts)
    written = set(plan.files)
    # The old manifest leaves first: while files change, no manifest claims a complete export.
    plan.aside = sorted(replace | set(conflicts), key=lambda p: (p != last, p))
    plan.stale = sorted(
        relative
        for relative in previous.files
        if relative not in written and relative != last and previous.owns(target, relative)
    )
    return plan


def _in_the_way(target: Path, conflicts: dict[str, str]) -> FormatError:
    items = sorted(conflicts.items())
    listed = "\n".join(f"  {path}: {why}" for path, why in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        listed += f"\n  ... and {len(items) - MAX_LISTED} more"
    return FormatError("E325", path=str(target), count=len(items), files=listed)


Step = tuple[str, Path, Path]  # ("move", from, to) | ("mkdir", folder, folder) | ("rmdir", ...)


def _publish(plan: _Plan, stage: Path, target: Path, old: Path) -> None:
    journal: list[Step] = []

    def move(source: Path, destination: Path) -> None:
        os.replace(source, destination)
        journal.append(("move", source, destination))

    def aside(relative: str) -> None:
        move(target / relative, old / str(len(journal)))

    try:
        for relative in plan.aside:
            aside(relative)
        *body, final = plan.files or [""]
        for relative in body:
            _make_parents(target, relative, journal)
            move(stage / relative, target / relative)
        for relative in plan.stale:
            aside(relative)
            _prune(target, relative, journal)
        if final:
            _make_parents(target, final, journal)
            move(stage / final, target / final)
    except OSError:
        _undo(journal)
        raise


def _make_parents(target: Path, relative: str, journal: list[Step]) -> None:
    folder = target
    for part in PurePosixPath(relative).parts[:-1]:
        folder = folder / part
        if not folder.is_dir():
            folder.mkdir()
            journal.append(("mkdir", folder, folder))


def _prune(target: Path, relative: str, journal: list[Step]) -> None:
    """Remove folders left empty by removing ``relative``, up to (not including) ``target``."""
    folder = (target / relative).parent
    while folder != target:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty: someone else's files, or this export's
        journal.append(("rmdir", folder, folder))
        folder = folder.parent


def _undo(journal: list[Step]) -> None:
    for kind, first, second in reversed(journal):
        try:
            if kind == "move":
                os.replace(second, first)
            elif kind == "mkdir":
                first.rmdir()
            else:
                first.mkdir()
        except OSError:  # pragma: no cover - best effort; the original error is raised
            continue
