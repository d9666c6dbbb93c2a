"""The model card of a run: what it learnt from, how well it does on dev, and how to repeat it.

``card.json`` holds every figure (the suggester reads its per-layer choice of model or rules
from it); ``README.md`` says the same for people. Dev figures are strict P/R/F1 per layer and
label from the project's scorer, for four systems on the same dev documents: the pipeline
before training (``blank``), the model's spans linked by nearness (``model``), the rule
suggester (``rules``) and the combination of the two that scored highest (``auto``, what
``annotate suggest --model`` stores by default; ``choice`` says which and why).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from typing import Any

SYSTEMS = ("blank", "model", "rules", "auto")


def versions(rules_meta: Mapping[str, Any] | None) -> dict[str, Any]:
    from importlib.metadata import version

    found: dict[str, Any] = {
        "annotate": version("annotate"),
        "spacy": version("spacy"),
        "thinc": version("thinc"),
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
    }
    if rules_meta:
        found["rules_pipeline"] = (
            f"{rules_meta.get('lang', 'xx')}_{rules_meta.get('name', 'pipeline')}"
            f"@{rules_meta.get('version', '?')}"
        )
    return found


def _number(value: Any) -> str:
    return "–" if value is None else f"{float(value):.3f}"


def markdown(card: Mapping[str, Any]) -> str:
    """The card as a README for people."""
    data, dev = card["data"], card["dev"]
    lines = [
        f"# {card['name']}",
        "",
        f"A spaCy pipeline trained on `{data['annotator']}` annotations (status "
        f"`{data['status'] or 'any'}`) of an annotate project, {card['created']}. Its "
        f"suggestions are stored as `{card['suggester']}`.",
        "",
        "```bash",
        f"annotate suggest --model {card['path_hint']}",
        f"annotate evaluate --model {card['path_hint']}",
        "```",
        "",
        "## Data",
        "",
        f"Split {data['split']} with seed {data['seed']} (the split of `annotate export "
        f"--format spacy --split {data['split']} --seed {data['seed']}`).",
        "",
        "| part | documents | spans per layer |",
        "| --- | --- | --- |",
    ]
    for part in ("train", "dev"):
        counts = data[part]
        per_layer = ", ".join(f"{layer} {sum(labels.values())}"
                              for layer, labels in counts["spans"].items())  # fmt: skip
        lines.append(f"| {part} | {counts['documents']} | {per_layer} |")
    lines += ["", "## Dev scores (strict P / R / F1)", ""]
    lines.append("| layer | label | " + " | ".join(s for s in SYSTEMS if dev.get(s)) + " |")
    lines.append("| --- | --- | " + " | ".join("---" for s in SYSTEMS if dev.get(s)) + " |")
    for layer in card["layers"]:
        labels = sorted({label for s in SYSTEMS if dev.get(s)
                         for label in dev[s]["layers"][layer]["per_type"]})  # fmt: skip
        for label in ["(all)", *labels]:
            cells = []
            for system in SYSTEMS:
                if not dev.get(system):
                    continue
                block = dev[system]["layers"][layer]
                figures = block if label == "(all)" else block["per_type"].get(label)
                cells.append(
                    " / ".join(_number(figures.get(m)) for m in "prf") if figures else "–"
                )
            lines.append(f"| {layer} | {label} | " + " | ".join(cells) + " |")
    quotes = {s: dev[s]["quotes"] for s in SYSTEMS if dev.get(s) and dev[s].get("quotes")}
    if quotes:
        lines += ["", "Quotes: " + "; ".join(
            f"{s} joint F1 {_number(q['joint_f'])}, speaker accuracy "
            f"{_number(q['speaker_accuracy'])}, cue F1 {_number(q['cue_f'])}"
            for s, q in quotes.items()
        )]  # fmt: skip
    choice = card["choice"]
    lines += [
        "",
        "## Suggestions",
        "",
        "By default (`auto`) suggestions are what scored highest on dev: "
        + ", ".join(f"{layer} from the {source}" for layer, source in choice["layers"].items())
        + f"; links from the {choice['links']} linker. {choice['why']}",
        "",
        "Candidate spans the span categorisers could choose from cover this share of the dev "
        "spans: " + (", ".join(f"{layer} {share:.0%}" for layer, share in
                              card["coverage"].items()) or "(no span categoriser)") + ".",
        "",
        "## Training",
        "",
        f"Pipeline {', '.join(card['pipeline'])}; {card['training']['steps']} steps, "
        f"{card['training']['epochs']} epoch(s), stopped by {card['training']['stopped_by']}, "
        f"{card['training']['seconds']:.0f} s ({card['training']['cpu_seconds']:.0f} s of CPU), "
        "peak memory "
        f"{card['training']['peak_memory_mb']:.0f} MB. Settings: "
        + ", ".join(f"{k}={v}" for k, v in card["settings"].items())
        + ".",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in card["versions"].items()) + ".",
    ]
    if card.get("curve"):
        lines += ["", "## Learning curve (dev F1 of the model's spans)", ""]
        layers = card["layers"]
        lines.append("| training documents | " + " | ".join(layers) + " |")
        lines.append("| --- | " + " | ".join("---" for _ in layers) + " |")
        for point in card["curve"]["points"]:
            lines.append(
                f"| {point['fraction']:.0%} ({point['documents']}) | "
                + " | ".join(_number(point["f"].get(layer)) for layer in layers) + " |"
            )
        rules = card["curve"].get("rules")
        if rules:
            row = " | ".join(_number(rules.get(layer)) for layer in layers)
            lines.append(f"| rules | {row} |")
        lines += ["", "![learning curve](curve.png)"]
    return "\n".join(lines) + "\n"
