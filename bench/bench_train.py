"""What training from gold costs and gives: time, peak memory, dev F1 against the rules.

Run from the project folder::

    .venv/bin/python bench/bench_train.py [--quick]

1. Fashion brands (Prodigy's ``ner_manual_fashion_brands_eval.jsonl``, 500 Reddit comments,
   brands imported as ORG): the learning curve (25/50/75/100% of the training part, dev F1 on
   the rest) beside the rule suggester's F1 on the same dev documents, overall and for ORG.
2. News (generated articles of a few hundred words with every layer, 300 of them, or 60 with
   ``--quick``): one run with the default settings (ner + spancat, a budget of 500,000 words),
   its time and peak memory, and dev F1 per layer for the model, the rules and the
   combination ``annotate suggest --model`` stores.

Each part runs in its own process, so its peak memory (the largest resident set, from
``getrusage``) is its own. The ratio printed is the model's dev F1 over the rules'.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FASHION = ROOT.parent / "shared" / "peer-data" / "prodigy" / "ner_manual_fashion_brands_eval.jsonl"


def fashion(folder: Path) -> dict[str, Any]:
    from annotate import open_project

    project = open_project(str(folder / "fashion.db"))
    project.store.add_annotator("lead", role="reviewer")
    project.import_file(FASHION, format="prodigy", annotator="gold", reviewer="lead",
                        label_map={"FASHION_BRAND": "ORG"})  # fmt: skip
    started = time.monotonic()
    result = project.train(name="brands", out=folder / "runs", curve=True, progress=False)
    card = result.card
    dev = card["dev"]
    return {
        "seconds": round(time.monotonic() - started, 1),
        "train_seconds": card["training"]["seconds"],
        "cpu_seconds": card["training"]["cpu_seconds"],
        "peak_mb": card["training"]["peak_memory_mb"],
        "documents": {"train": card["data"]["train"]["documents"],
                      "dev": card["data"]["dev"]["documents"]},
        "curve": [(p["fraction"], p["documents"], p["f"]["entity"])
                  for p in (result.curve or {}).get("points", [])],
        "rules": dev["rules"]["layers"]["entity"],
        "model": dev["model"]["layers"]["entity"],
        "stopped_by": card["training"]["stopped_by"],
        "epochs": card["training"]["epochs"],
    }


def news(folder: Path, n: int) -> dict[str, Any]:
    from annotate.formats.docbin import write_docbin
    from annotate.project import open_project
    from annotate.train.synthetic import generate, tables

    project = open_project(str(folder / "news.db"))
    project.store.add_annotator("lead", role="reviewer")
    write_docbin(tables(list(generate(n, seed=3, sentences=(25, 45)))), folder / "gold")
    project.import_file(folder / "gold" / "annotations.spacy", format="spacy",
                        annotator="gold", reviewer="lead")  # fmt: skip
    started = time.monotonic()
    result = project.train(name="news", out=folder / "runs", progress=False)
    card = result.card
    return {
        "seconds": round(time.monotonic() - started, 1),
        "train_seconds": card["training"]["seconds"],
        "cpu_seconds": card["training"]["cpu_seconds"],
        "peak_mb": card["training"]["peak_memory_mb"],
        "words": card["data"]["train"]["tokens"],
        "trained_words": card["training"]["words"],
        "documents": card["data"]["train"]["documents"],
        "epochs": card["training"]["epochs"],
        "stopped_by": card["training"]["stopped_by"],
        "layers": {
            layer: {s: card["dev"][s]["layers"][layer]["f"] for s in ("model", "rules", "auto")}
            for layer in card["layers"]
        },
        "choice": card["choice"]["layers"],
        "links": card["choice"]["links"],
        "why": card["choice"]["why"],
        "quotes": {s: card["dev"][s]["quotes"] for s in ("model", "rules", "auto")},
        "coverage": card["coverage"],
    }


def _part(name: str, n: int) -> dict[str, Any]:
    """Run one part in a fresh process and read its figures."""
    command = [sys.executable, __file__, "--part", name, "--n", str(n)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _f(value: Any) -> str:
    return "   -" if value is None else f"{float(value):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 news articles instead of 300")
    parser.add_argument("--part", choices=("fashion", "news"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=300, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
            figures = fashion(Path(tmp)) if args.part == "fashion" else news(Path(tmp), args.n)
        print(json.dumps(figures))
        return

    print("== fashion brands (Prodigy, 500 comments, brands as ORG)")
    fa = _part("fashion", 0)
    print(f"train {fa['documents']['train']} / dev {fa['documents']['dev']} documents; "
          f"{fa['seconds']:.0f} s for the curve (four trainings), {fa['train_seconds']:.0f} s "
          f"({fa['cpu_seconds']:.0f} s of CPU) for the full one ({fa['epochs']} epochs, "
          f"stopped by {fa['stopped_by']}); "
          f"peak memory {fa['peak_mb']:.0f} MB")  # fmt: skip
    print("share  docs   dev F1")
    for fraction, documents, f in fa["curve"]:
        print(f"{fraction:>5.0%} {documents:>5}   {_f(f)}")
    org = fa["rules"]["per_type"].get("ORG", {})
    print(f"rules (all labels)  P {_f(fa['rules']['p'])}  R {_f(fa['rules']['r'])}  "
          f"F {_f(fa['rules']['f'])}")  # fmt: skip
    print(f"rules (ORG only)    P {_f(org.get('p'))}  R {_f(org.get('r'))}  F {_f(org.get('f'))}")
    print(f"model               P {_f(fa['model']['p'])}  R {_f(fa['model']['r'])}  "
          f"F {_f(fa['model']['f'])}")  # fmt: skip
    base = org.get("f") or 0.0
    print(f"ratio model/rules (ORG) F1: {fa['model']['f'] / base:.2f}" if base else "")

    n = 60 if args.quick else args.n
    print(f"\n== news ({n} generated articles, every layer)")
    ne = _part("news", n)
    print(f"{ne['documents']} training documents, {ne['words']:,} words; trained on "
          f"{ne['trained_words']:,} words in {ne['train_seconds']:.0f} s, "
          f"{ne['cpu_seconds']:.0f} s of CPU ({ne['epochs']} "
          f"epochs, stopped by {ne['stopped_by']}; {ne['seconds']:.0f} s with measuring and "
          f"the card); peak memory {ne['peak_mb']:.0f} MB")  # fmt: skip
    print(f"{'layer':<8}{'model':>8}{'rules':>8}{'auto':>8}  auto takes")
    for layer, values in ne["layers"].items():
        print(f"{layer:<8}" + "".join(f"{_f(values[s]):>8}" for s in ("model", "rules", "auto"))
              + f"  {ne['choice'][layer]}")  # fmt: skip
    print(f"links: {ne['links']}. {ne['why']}")
    for system, quotes in ne["quotes"].items():
        if quotes:
            print(f"  {system}: quote joint F1 {_f(quotes['joint_f'])}, speaker accuracy "
                  f"{_f(quotes['speaker_accuracy'])}, cue F1 {_f(quotes['cue_f'])}")
    print("candidates cover " + ", ".join(f"{k} {v:.0%}" for k, v in ne["coverage"].items()))


if __name__ == "__main__":
    main()
