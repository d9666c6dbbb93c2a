"""The scheme commands: ``annotate init`` (a project with its scheme) and ``annotate scheme``
(show it, add labels, propose one from another tool's files)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .cli_options import DbOption, SchemeOption, open_at


def init(
    db: DbOption = None,
    scheme: SchemeOption = None,
    allow_orphans: Annotated[bool, typer.Option(
        help="With --scheme on a project: take the scheme even where it leaves out labels "
        "the annotations use (they stay as they are).")] = False,
) -> None:
    """Create a project, with its scheme (default: the news scheme), or change its scheme.

    Start from a proposal: annotate scheme propose FILE --format F > scheme.toml.

    Example: annotate init --db fashion.db --scheme scheme.toml
    """
    from .core.scheme import Scheme
    from .errors import AnnotateError
    from .store.engine import describe

    # A new project goes here, not into the nearest annotate.db further up.
    location = db or os.environ.get("ANNOTATE_DB", "").strip() or "annotate.db"
    project = open_at(location)
    try:
        store = project.store
        fresh = store.get_setting("scheme_toml") is None and not store.doc_ids()
        if not fresh and scheme is None:
            raise AnnotateError("E744", path=location, scheme=project.scheme.name)
        chosen = Scheme.from_file(scheme) if scheme is not None else project.scheme
        # Recorded even when it is the default, so the project keeps it whatever ships later.
        store.set_scheme(chosen, allow_orphans=allow_orphans, origin=str(scheme or ""))
        typer.echo(f"Project {describe(store.url)}: scheme {chosen.name!r} with "
                   f"{len(chosen.layers)} layer(s), "
                   f"{sum(len(layer.labels) for layer in chosen.layers)} label(s), "
                   f"{len(chosen.relations)} relation type(s).")
    finally:
        project.close()


scheme_app = typer.Typer(
    help="Show a project's scheme, add labels to it, or propose one from another tool's "
    "files.\n\nExample: annotate scheme propose annotation.conf --format brat > scheme.toml",
    no_args_is_help=True,
)


@scheme_app.command("show")
def scheme_show(db: DbOption = None) -> None:
    """Print the project's scheme as TOML (a file --scheme takes).

    Example: annotate scheme show > scheme.toml
    """
    project = open_at(db)
    try:
        typer.echo(project.scheme.source_toml, nl=False)
    finally:
        project.close()


@scheme_app.command("add-label")
def scheme_add_label(
    layer: Annotated[str, typer.Argument(help="The layer to add them to.")],
    labels: Annotated[list[str], typer.Argument(help="The labels to add.")],
    db: DbOption = None,
) -> None:
    """Add labels to a layer of the project's scheme; each gets a free key and a colour.

    Example: annotate scheme add-label entity FASHION_BRAND DESIGNER
    """
    from .core.scheme_edit import Extension, describe, extend
    from .errors import AnnotateError

    project = open_at(db)
    try:
        scheme = project.scheme
        extension = Extension(labels={layer: list(dict.fromkeys(labels))})
        added = describe(scheme, extension) if layer in scheme.layer_names else []
        if layer in scheme.layer_names and not added:
            raise AnnotateError("E743", layer=layer, label=", ".join(labels))
        project.store.set_scheme(extend(scheme, extension, origin=f"{scheme.name!r} extended"))
    finally:
        project.close()
    for item in added:
        typer.echo(f"added to the scheme: {item}")


@scheme_app.command("propose")
def scheme_propose(
    path: Annotated[Path, typer.Argument(
        help="brat: annotation.conf or a folder of .ann files; label-studio: the labeling "
        "config (XML) or a JSON export; prodigy: a .jsonl file.")],
    format: Annotated[str, typer.Option("--format", "-f", help="brat, label-studio or prodigy.")],
    layer: Annotated[str, typer.Option(help="Layer for labels the file does not qualify.")
                     ] = "entity",
    base: Annotated[str | None, typer.Option(
        help="Grow this scheme instead of starting empty: 'news' (the shipped one) or a TOML "
        "file.")] = None,
    text_dir: Annotated[Path | None, typer.Option(
        help="brat: the folder of the .txt files, where they are not beside the .ann files.")
    ] = None,
) -> None:
    """Print a scheme (TOML) for the labels, relations and attributes another tool's files use.

    Example: annotate scheme propose reviews.jsonl --format prodigy --base news > scheme.toml
    """
    from .core.scheme import Scheme
    from .formats.propose import propose_scheme

    start = None
    if base is not None:
        start = Scheme.default() if base == "news" else Scheme.from_file(base)
    scheme, notes = propose_scheme(path, fmt=format, layer=layer, base=start,
                                   options={"text_dir": text_dir})
    for note in notes:
        typer.secho(f"note: {note}", fg="yellow", err=True)
    typer.echo(scheme.source_toml, nl=False)
