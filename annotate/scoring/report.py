"""The agreement report as text, plots and a standalone HTML page.

:func:`format_summary` is what ``annotate agreement`` prints. The plots (a pairwise heatmap, F1
per label, label confusion between annotators) draw on a matplotlib ``Axes`` so the notebook
shows them inline; :func:`write_html` puts the same plots (as inline base64 PNG) and the tables
into one HTML file with no network resources, every value HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnnotateError
from .agreement import AgreementReport
from .chance import ALL, MEAN

if TYPE_CHECKING:
    import pandas as pd


def _fmt(value: Any) -> str:
    try:
        if value is None or math.isnan(float(value)):
            return "-"
    except (TypeError, ValueError):
        return "-"
    return f"{float(value):.3f}"


LEGEND = (
    "strict F / overlap F: F1 of one annotator's spans against the other's, with the same "
    "label and offsets / one-to-one overlapping with the same label",
    'alpha tok: Krippendorff\'s alpha on one label per token ("O" outside every span) over '
    "every token of the documents both annotated",
    "alpha_u: Krippendorff's unitizing alpha on character offsets",
    "alpha lab: alpha on the tokens at least one annotator labelled, i.e. agreement on labels "
    "where someone marked something; '-' for layers with one label, where it measures only "
    "boundaries against a chance model that drives it negative",
    "attribution: alpha tok with one label per token across source, cue and quote content, "
    "the figure attribution corpora publish (PolNeAR: 0.754)",
)


def format_summary(report: AgreementReport, *, top: int = 5) -> str:
    """The headline figures as text: one line per layer (F1, alpha over all tokens, unitizing
    alpha, alpha over labelled tokens where a layer has several labels) with what each figure
    is, the cross-layer attribution alpha, attribution agreement on matched units (or why a
    figure was not measured), status agreement, the documents with the most disagreement, and
    the notes."""
    lines = [
        f"Agreement of {', '.join(report.annotators)} (means over pairs of annotators)",
        f"{'layer':<12}{'docs':>6}{'spans':>8}{'strict F':>10}{'overlap F':>11}"
        f"{'alpha tok':>11}{'alpha_u':>9}{'alpha lab':>11}",
    ]
    for row in report.summary.to_dict("records"):
        lines.append(
            f"{row['layer']:<12}{row['n_docs']:>6}{row['n_spans']:>8}"
            f"{_fmt(row['strict_f']):>10}{_fmt(row['overlap_f']):>11}"
            f"{_fmt(row['alpha_tokens']):>11}{_fmt(row['alpha_u']):>9}"
            f"{_fmt(row['alpha_labelled']):>11}"
        )
    lines.extend(
        textwrap.fill(line, 100, initial_indent="  ", subsequent_indent="    ") for line in LEGEND
    )
    attribution = report.attribution[report.attribution["pair"] == MEAN]
    if len(attribution):
        parts, unmeasured = [], []
        for row in attribution.to_dict("records"):
            if row.get("measured") is False:
                unmeasured.append(f"{row['attribute']} {row['note']}")
            else:
                parts.append(f"{row['attribute']} {_fmt(row['agreement'])}")
        if parts:
            lines.append(
                "attribution agreement on matched units (speaker: resolved names where both "
                "resolved, else mentions): " + ", ".join(parts)
            )
        lines.extend(f"attribution {text}" for text in unmeasured)
    status = report.documents[report.documents["pair"] == ALL]
    if len(status):
        first = status.iloc[0]
        agree, n_docs = _fmt(first["agreement"]), int(first["n_docs"])
        alpha = _fmt(first["alpha"])
        lines.append(
            f"document status: {agree} agree on {n_docs} documents (Krippendorff's alpha {alpha})"
        )
    worst = report.disagreements.head(top)
    worst = worst[worst["n_disagreements"] > 0]
    if len(worst):
        listed = ", ".join(
            f"{doc_id} ({n})"
            for doc_id, n in zip(worst["doc_id"], worst["n_disagreements"], strict=True)
        )
        lines.append(f"most disagreement: {listed}")
    lines.extend(f"note: {note}" for note in report.notes)
    return "\n".join(lines)


# --- plots -------------------------------------------------------------------------------------


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax


# Annotator names on a heatmap's axes are cut to this many characters (the tables keep them
# whole): one 44-character name must not squeeze the cells into a sliver.
NAME_CHARS = 20


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _pairwise_size(report: AgreementReport, layer: str) -> tuple[float, float]:
    """Cells of at least 0.8 in, plus room for the names (about 0.075 in a character) and the
    colour bar; never smaller than a legible 4.2 x 3.4 in."""
    n = len(report.annotators)
    label = 0.075 * max((len(_short(a)) for a in report.annotators), default=4)
    return max(4.2, 1.6 + 0.8 * n + label), max(3.4, 1.2 + 0.7 * n + 0.7 * label)


def _per_label_size(report: AgreementReport, layer: str) -> tuple[float, float]:
    labels = report.per_label[report.per_label["layer"] == layer]["label"].nunique()
    return 6.0, 1.2 + 0.35 * max(labels, 1)


def _confusion_size(report: AgreementReport, layer: str) -> tuple[float, float]:
    n = len(confusion_matrix(report, layer=layer))
    return 2.0 + 0.6 * n, 1.6 + 0.55 * n


def plot_pairwise(
    report: AgreementReport, *, layer: str = "entity", metric: str = "strict_f", ax: Any = None
) -> Any:
    """A heatmap of ``metric`` (``strict_f`` or ``overlap_f``) for every pair of annotators."""
    import numpy as np

    names = report.annotators
    n = len(names)
    grid = np.full((n, n), np.nan)
    np.fill_diagonal(grid, 1.0)
    rows = report.pairwise[(report.pairwise["layer"] == layer) & (report.pairwise["pair"] != MEAN)]
    for a, b, value in zip(rows["annotator_a"], rows["annotator_b"], rows[metric], strict=True):
        i, j = names.index(a), names.index(b)
        grid[i, j] = grid[j, i] = np.nan if value is None else float(value)
    ax = _axes(ax, _pairwise_size(report, layer))
    image = ax.imshow(grid, vmin=0.0, vmax=1.0, cmap="viridis")
    shown = [_short(name) for name in names]
    ax.set_xticks(range(n), shown, rotation=45, ha="right")
    ax.set_yticks(range(n), shown)
    for i in range(n):
        for j in range(n):
            if not np.isnan(grid[i, j]):
                colour = "black" if grid[i, j] > 0.6 else "white"
                ax.text(j, i, f"{grid[i, j]:.2f}", ha="center", va="center", color=colour)
    ax.set_title(f"{layer}: {metric.replace('_f', ' F1').replace('_', ' ')}")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def plot_per_label(report: AgreementReport, *, layer: str = "entity", ax: Any = None) -> Any:
    """Strict and overlap F1 per label, means over pairs, as horizontal bars."""
    import numpy as np

    rows = report.per_label[
        (report.per_label["layer"] == layer) & (report.per_label["pair"] == MEAN)
    ].sort_values("label")
    labels = rows["label"].astype(str).tolist()
    ax = _axes(ax, _per_label_size(report, layer))
    y = np.arange(len(labels))
    strict = rows["strict_f"].astype(float).fillna(0.0).to_numpy()
    overlap = rows["overlap_f"].astype(float).fillna(0.0).to_numpy()
    ax.barh(y - 0.2, strict, height=0.4, label="strict F1")
    ax.barh(y + 0.2, overlap, height=0.4, label="overlap F1")
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(f"{layer}: F1 per label (mean over pairs)")
    ax.legend(loc="lower right")
    return ax


def confusion_matrix(report: AgreementReport, *, layer: str = "entity") -> pd.DataFrame:
    """Label counts of aligned spans summed over pairs, both orientations (so it is symmetric):
    rows one annotator's label, columns the other's, ``(none)`` where only one marked it."""
    import pandas as pd

    rows = report.confusion[report.confusion["layer"] == layer]
    swapped = rows.rename(columns={"label_a": "label_b", "label_b": "label_a"})
    both = pd.concat([rows, swapped], ignore_index=True)
    table = both.pivot_table(
        index="label_a", columns="label_b", values="count", aggfunc="sum", fill_value=0
    )
    labels = sorted(set(table.index) | set(table.columns), key=lambda x: (x == "(none)", x))
    return table.reindex(index=labels, columns=labels, fill_value=0).astype(int)


def plot_confusion(report: AgreementReport, *, layer: str = "entity", ax: Any = None) -> Any:
    """:func:`confusion_matrix` as a heatmap with the counts written in."""
    matrix = confusion_matrix(report, layer=layer)
    n = len(matrix)
    ax = _axes(ax, _confusion_size(report, layer))
    ax.set_title(f"{layer}: label confusion between annotators")
    if not n:
        ax.text(0.5, 0.5, "no spans to compare", ha="center", va="center")
        ax.set_axis_off()
        return ax
    ax.imshow(matrix.to_numpy(), cmap="Blues")
    ax.set_xticks(range(n), matrix.columns, rotation=45, ha="right")
    ax.set_yticks(range(n), matrix.index)
    peak = matrix.to_numpy().max() if n else 0
    for i in range(n):
        for j in range(n):
            value = int(matrix.to_numpy()[i, j])
            if value:
                colour = "white" if value > peak / 2 else "black"
                ax.text(j, i, str(value), ha="center", va="center", color=colour, fontsize=8)
    return ax


_SIZES = {
    "plot_pairwise": _pairwise_size,
    "plot_per_label": _per_label_size,
    "plot_confusion": _confusion_size,
}


# --- HTML --------------------------------------------------------------------------------------


def _figure(draw: Any, report: AgreementReport, layer: str) -> str:
    """One plot as an inline PNG, drawn on a figure of its own (not pyplot's, so writing the
    report neither changes nor shows anything in a notebook)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=_SIZES[draw.__name__](report, layer))
    draw(report, layer=layer, ax=figure.subplots())
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, *, limit: int | None = None) -> str:
    shown = frame if limit is None else frame.head(limit)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    more = ""
    if limit is not None and len(frame) > limit:
        more = f"<p>{len(frame) - limit} more row(s) not shown.</p>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3f}"
    try:
        if value is None or value != value:
            return ""
    except (TypeError, ValueError):
        return ""
    return str(value)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }
th { background: #f3f3f3; }
pre { background: #f7f7f7; padding: 1em; }
.plots img { margin: 0 1em 1em 0; vertical-align: top; }
"""


def render_html(
    report: AgreementReport, *, title: str = "Annotation agreement", top: int = 50
) -> str:
    """The report as one standalone HTML page (see :func:`write_html`)."""
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<pre>{html.escape(format_summary(report))}</pre>",
        "<h2>Summary</h2>",
        _table(report.summary),
    ]
    for layer in report.layers:
        plots = [
            _figure(plot_pairwise, report, layer),
            _figure(plot_per_label, report, layer),
            _figure(plot_confusion, report, layer),
        ]
        sections.append(f"<h2>{html.escape(layer)}</h2>")
        sections.append(f'<div class="plots">{"".join(plots)}</div>')
    named: Sequence[tuple[str, pd.DataFrame, int | None]] = [
        ("Pairwise F1", report.pairwise, None),
        ("F1 per label", report.per_label, None),
        ("Chance-corrected agreement", report.chance, None),
        ("Attribution", report.attribution, None),
        ("Document status", report.documents, None),
        ("Documents with the most disagreement", report.disagreements, top),
        ("Spans in disagreement", report.disagreed_spans, top * 4),
    ]
    for heading, frame, limit in named:
        sections.append(f"<h2>{html.escape(heading)}</h2>")
        sections.append(_table(frame, limit=limit))
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def write_html(
    report: AgreementReport, path: str | Path, *, title: str = "Annotation agreement"
) -> Path:
    """Write the report with its plots to one HTML file that needs nothing else to open."""
    target = Path(path)
    text = render_html(report, title=title)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AnnotateError("E424", path=str(target), detail=exc.strerror or str(exc)) from exc
    return target
