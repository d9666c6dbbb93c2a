"""All-or-nothing exports: write into a hidden folder inside the target, then rename into place.

Renames within one folder are atomic and cheap, so a failed or interrupted export leaves the
target as it was (plus, at worst, a hidden ``.annotate-export-*`` folder after a hard kill),
never a half-written set of files that looks complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import FormatError

PREFIX = ".annotate-export-"


def _unwritable(folder: Path, exc: OSError) -> FormatError:
    return FormatError("E301", path=str(folder), detail=exc.strerror or str(exc))


@contextmanager
def staged(out_dir: str | Path, *, last: str | None = None) -> Iterator[Path]:
    """Yield a fresh folder inside ``out_dir``; on success move its entries into ``out_dir``.

    Entries already in ``out_dir`` with the same names are replaced; ``last`` (the manifest)
    moves after everything else, so a manifest in place means its export is complete. On any
    error the target is restored and the staging folder removed.
    """
    target = Path(out_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=PREFIX, dir=target))
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    try:
        yield stage
        _publish(stage, target, last=last)
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _publish(stage: Path, target: Path, *, last: str | None) -> None:
    names = sorted(p.name for p in stage.iterdir())
    if last in names:
        names.remove(last)
        names.append(last)
    previous = stage / ".previous"
    previous.mkdir()
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for name in names:
            if (target / name).exists() or (target / name).is_symlink():
                os.replace(target / name, previous / name)
                moved_aside.append(name)
        for name in names:
            os.replace(stage / name, target / name)
            moved_in.append(name)
    except OSError:
        for name in reversed(moved_in):
            os.replace(target / name, stage / name)
        for name in reversed(moved_aside):
            os.replace(previous / name, target / name)
        raise
