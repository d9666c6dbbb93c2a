"""Who is annotating: an argument, the JupyterHub user, or a name the person typed once.

A typed name is remembered in the user's configuration folder, so restarting the kernel and
running the notebook again finds the same annotator instead of asking (and risking a typo that
would split one person's work under two names).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_HUB_USER = "JUPYTERHUB_USER"


def remembered_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "annotate" / "annotator"


def resolve_annotator(explicit: str | None) -> str | None:
    """The annotator's name, or ``None`` when the widget has to ask."""
    for candidate in (explicit, os.environ.get(ENV_HUB_USER), _remembered()):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


def remember_annotator(name: str) -> None:
    path = remembered_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name + "\n", encoding="utf-8")
    except OSError:
        # Not remembering only means being asked again next time; the work itself is saved.
        pass


def _remembered() -> str | None:
    try:
        return remembered_path().read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
