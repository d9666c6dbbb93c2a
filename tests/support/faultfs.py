"""File-system faults for tests: a read-only mount, a full disk, a user without write access.

The tests run as root (as ./test does here), and root writes through file permissions, so
permissions alone cannot make a database read-only. What works on these machines: a read-only
bind mount of a folder, a small tmpfs filled to the last byte, and a command run as `nobody`
with `setpriv`. Mounts need root (or password-less sudo); each is undone when its block ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

NOBODY = 65534


def _privileged(*args: str) -> None:
    command = list(args) if os.geteuid() == 0 else ["sudo", "-n", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.stderr.strip()}); these fault tests mount "
            "file systems and need root or password-less sudo, as ./test has"
        )


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` mounted read-only over itself: nothing in it can be written, even by root."""
    _privileged("mount", "--bind", str(folder), str(folder))
    try:
        _privileged("mount", "-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        _privileged("umount", "-l", str(folder))


@contextmanager
def small_disk(folder: Path, *, kib: int) -> Iterator[Path]:
    """A tmpfs of ``kib`` KiB at ``folder`` (created), gone with everything on it afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    _privileged("mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0777", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _privileged("umount", "-l", str(folder))


def fill(folder: Path) -> Path:
    """Take every free byte of the file system holding ``folder``; returns the filler file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for chunk in (1 << 16, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError:
                pass
    finally:
        os.close(fd)
    assert os.statvfs(folder).f_bavail == 0
    return filler


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder under /tmp that another user can enter (pytest's are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="annotate-shared-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_as_nobody(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python args...`` as the unprivileged user `nobody`."""
    command = [sys.executable, *args]
    if os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                   *command]
    else:
        command = ["sudo", "-n", "-u", "nobody", *command]
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": "/tmp",
                   "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=300, check=False)
