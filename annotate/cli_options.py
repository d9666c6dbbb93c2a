"""Options every command shares, and opening the project they name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from .project import Project

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Project database: a .db path or a URL (default: $ANNOTATE_DB "
        "or the nearest annotate.db).",
    ),
]

SchemeOption = Annotated[
    Path | None,
    typer.Option(
        "--scheme",
        help="Give the project this scheme (a TOML file; see annotate scheme show). A scheme "
        "that leaves out labels the annotations use is refused.",
    ),
]


def open_at(db: str | None, scheme: Path | None = None) -> Project:
    """The project at ``db`` (default: $ANNOTATE_DB or the nearest annotate.db), given
    ``scheme`` where one is passed."""
    from .project import open_project

    return open_project(db, scheme=scheme)
