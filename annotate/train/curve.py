"""The learning curve: dev F1 per layer after training on a growing share of the training part.

Like Prodigy's ``train-curve``: if F1 still rises from 75% to 100%, more annotation pays. The
shares are nested (each adds documents to the one before, in a seeded order) and every point
is scored on the same dev documents; the rules' F1 is drawn beside them for reference.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import AnnotateError

FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def check_fractions(fractions: Sequence[float]) -> tuple[float, ...]:
    values = tuple(fractions)
    ok = (
        bool(values)
        and all(isinstance(f, (int, float)) and not isinstance(f, bool) for f in values)
        and all(0 < f <= 1 for f in values)
        and all(a < b for a, b in itertools.pairwise(values))
        and values[-1] == 1
    )
    if not ok:
        raise AnnotateError("E230", value=list(fractions))
    return tuple(float(f) for f in values)


def table(curve: Mapping[str, Any], layers: Sequence[str]) -> str:
    """The curve as text: one row per share, F1 per layer, and the rules' row."""
    width = max(10, *(len(layer) + 2 for layer in layers))
    lines = ["training docs " + "".join(f"{layer:>{width}}" for layer in layers)]
    for point in curve["points"]:
        share = f"{point['fraction']:.0%} ({point['documents']})"
        lines.append(f"{share:<14}" + "".join(_cell(point["f"].get(layer), width)
                                              for layer in layers))  # fmt: skip
    rules = curve.get("rules")
    if rules:
        lines.append(f"{'rules':<14}" + "".join(_cell(rules.get(layer), width)
                                                for layer in layers))  # fmt: skip
    return "\n".join(lines)


def _cell(value: Any, width: int) -> str:
    return f"{'-' if value is None else format(float(value), '.3f'):>{width}}"


def plot(curve: Mapping[str, Any], layers: Sequence[str], path: Path, *, title: str) -> Path:
    """Draw dev F1 per layer against training documents (rules dashed) into a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed, and no window opened from a notebook's kernel
    import matplotlib.pyplot as plt

    points = curve["points"]
    x = [p["documents"] for p in points]
    figure, axes = plt.subplots(figsize=(6.4, 4.2), dpi=100)
    try:
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        rules = curve.get("rules") or {}
        for index, layer in enumerate(layers):
            colour = colours[index % len(colours)]
            y = [p["f"].get(layer) for p in points]
            axes.plot(x, [v if v is not None else float("nan") for v in y], marker="o",
                      color=colour, label=layer)  # fmt: skip
            if rules.get(layer) is not None:
                axes.axhline(rules[layer], color=colour, linestyle="--", linewidth=1,
                             label=f"{layer} (rules)")  # fmt: skip
        axes.set_xlabel("training documents")
        axes.set_ylabel("dev F1 (strict)")
        axes.set_ylim(0, 1.02)
        axes.set_title(title)
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small", loc="lower right")
        figure.tight_layout()
        figure.savefig(path)
    finally:
        plt.close(figure)
    return path
