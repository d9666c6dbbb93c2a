"""The `annotate` command: a thin layer over the library.

Each command's docstring is its --help, with an example. The project database is `--db`, else
$ANNOTATE_DB, else the nearest annotate.db in this folder or above.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .errors import AnnotateError

app = typer.Typer(
    name="annotate",
    help=(
        "Gold-standard news annotation in JupyterLab: ingest articles, pre-annotate them with "
        "spaCy, annotate, measure agreement and export.\n\n"
        "Example: annotate ingest corpus/ && annotate suggest && annotate status"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Project database: a .db path or a URL (default: $ANNOTATE_DB "
        "or the nearest annotate.db).",
    ),
]


def _open(db: str | None):  # type: ignore[no-untyped-def]
    from .project import open_project

    return open_project(db)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of .txt/.jsonl/.csv.")],
    db: DbOption = None,
    text_field: Annotated[str, typer.Option(help="Column/field with the article text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Column/field with the document id.")] = "id",
    encoding: Annotated[str, typer.Option(help="Text encoding of the files.")] = "utf-8",
    max_chars: Annotated[int, typer.Option(help="Longest article accepted.")] = 500_000,
    update: Annotated[
        bool,
        typer.Option(
            help="Replace the text of documents whose id is known but whose text changed."
        ),
    ] = False,
) -> None:
    """Add articles to the project: all of them, or none if any file has a problem.

    Example: annotate ingest corpus/ more_articles.jsonl --text-field body
    """
    project = _open(db)
    report = project.ingest(
        *paths,
        text_field=text_field,
        id_field=id_field,
        encoding=encoding,
        max_chars=max_chars,
        update=update,
    )
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", fg="yellow", err=True)
    typer.echo(f"Ingested into {project.store.url.split('///')[-1]}: {report.summary()}.")


@app.command()
def status(db: DbOption = None) -> None:
    """Show the documents (title, date, source) and how far each annotator has got.

    Example: annotate status --db team.db
    """
    project = _open(db)
    documents = project.documents()
    if not documents:
        typer.echo("No documents yet. Add some with: annotate ingest PATH")
        return
    annotators = [a for a in project.store.annotators() if a["kind"] in ("human", "gold")]
    typer.echo(f"{len(documents)} document(s), {len(annotators)} annotator(s)\n")
    for document in documents:
        title = document.title or "(no title) " + document.text[:50].replace("\n", " ") + "…"
        meta = ", ".join(v for v in (document.published, document.source, document.byline) if v)
        typer.echo(f"  {document.doc_id}  {title[:72]}" + (f"  [{meta}]" if meta else ""))
    if annotators:
        typer.echo("")
        for annotator in annotators:
            progress = project.progress(annotator["name"])
            typer.echo(
                f"  {annotator['name']}: {progress['done']} done, {progress['skipped']} skipped, "
                f"{progress['flagged']} flagged of {progress['total']}"
            )


def main() -> None:
    try:
        app()
    except AnnotateError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
