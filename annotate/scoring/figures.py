"""The agreement report's figures: pairwise F1 and label confusion, the chance-corrected
coefficients on tokens and offsets, and the summary that leads with what means something."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .agreement_data import (
    ATTRIBUTION_LAYER,
    ATTRIBUTION_PARTS,
    CHANCE_COLUMNS,
    CONFUSION_COLUMNS,
    PAIR_KEYS,
    PAIRWISE_COLUMNS,
    PER_LABEL_COLUMNS,
    SUMMARY_COLUMNS,
    AgreementData,
)
from .attribution import (
    is_missing,
)
from .chance import ALL, MEAN, pair_name, token_layout, token_rows, unitizing_rows
from .matching import prf
from .pairs import SpanArrays, compare

if TYPE_CHECKING:
    import pandas as pd

Tally = tuple[Counter[str], Counter[str], Counter[str]]  # true positives, false pos., false neg.


def pairwise_tables(data: AgreementData) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    rows: list[dict[str, Any]] = []
    label_rows: list[dict[str, Any]] = []
    confusion_rows: list[dict[str, Any]] = []
    for layer in data.layers:
        for a, b in data.pairs():
            shared = data.shared(a, b)
            gold, pred = data.arrays[layer][a], data.arrays[layer][b]
            result = compare(gold.take(shared[gold.doc]), pred.take(shared[pred.doc]))
            tallies: dict[str, Tally] = {
                mode: (tp, result.n_pred - tp, result.n_gold - tp)
                for mode, tp in (("strict", result.strict_tp), ("overlap", result.overlap_tp))
            }
            key = {"pair": pair_name(a, b), "annotator_a": a, "annotator_b": b, "layer": layer}
            n_docs = int(shared.sum())
            rows.append({**key, "n_docs": n_docs, **_f_columns(tallies, None)})
            for label in sorted(set(result.n_gold) | set(result.n_pred)):
                label_rows.append(
                    {**key, "label": label, "n_docs": n_docs, **_f_columns(tallies, label)}
                )
            for (label_a, label_b), count in sorted(result.confusion.items()):
                confusion_rows.append(
                    {**key, "label_a": label_a, "label_b": label_b, "count": count}
                )
    pairwise = _with_means(pd.DataFrame(rows, columns=PAIRWISE_COLUMNS), ["layer"])
    per_label = _with_means(pd.DataFrame(label_rows, columns=PER_LABEL_COLUMNS), ["layer", "label"])
    return pairwise, per_label, pd.DataFrame(confusion_rows, columns=CONFUSION_COLUMNS)


def _f_columns(tallies: Mapping[str, Tally], label: str | None) -> dict[str, Any]:
    """n_a, n_b and tp/p/r/f per mode, over all labels (``label`` None) or one label."""
    columns: dict[str, Any] = {}
    for mode, (tp, fp, fn) in tallies.items():
        if label is None:
            t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
        else:
            t, f_p, f_n = tp[label], fp[label], fn[label]
        if "n_a" not in columns:
            columns["n_a"], columns["n_b"] = t + f_n, t + f_p
        p, r, f = prf(t, f_p, f_n) if t + f_p + f_n else (None, None, None)
        columns.update({f"{mode}_tp": t, f"{mode}_p": p, f"{mode}_r": r, f"{mode}_f": f})
    return columns


def _with_means(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` plus one ``mean`` row per key: counts summed, scores averaged over pairs."""
    import pandas as pd

    if frame.empty:
        return frame
    scores = [c for c in frame.columns if c.endswith(("_p", "_r", "_f"))]
    counts = [c for c in frame.columns if c not in scores and c not in keys and c not in PAIR_KEYS]
    means = []
    for key, group in frame.groupby(keys, sort=False):
        row: dict[str, Any] = dict(
            zip(keys, key if isinstance(key, tuple) else (key,), strict=True)
        )
        row.update(pair=MEAN, annotator_a=None, annotator_b=None)
        for column in scores:
            values = pd.to_numeric(group[column], errors="coerce").dropna()
            row[column] = float(values.mean()) if len(values) else None
        for column in counts:
            row[column] = int(pd.to_numeric(group[column], errors="coerce").fillna(0).sum())
        means.append(row)
    return pd.concat([frame, pd.DataFrame(means, columns=frame.columns)], ignore_index=True)


def chance_table(data: AgreementData) -> pd.DataFrame:
    import pandas as pd

    rows: list[dict[str, Any]] = []
    layout = token_layout(data.annotated, data.texts)
    for layer in data.layers:
        spans = data.arrays[layer]
        rows += token_rows(layer, spans, data.annotators, data.annotated, layout)
        unitizing, n_merged = unitizing_rows(
            layer, spans, data.annotators, data.annotated, data.texts
        )
        rows += unitizing
        if n_merged:
            data.notes.append(
                f"{layer}: {n_merged} nested span(s) of the same label were merged into the span "
                "around them for the unitizing alpha, which needs disjoint units."
            )
    combined = attribution_spans(data)
    if combined is not None:
        rows += token_rows(ATTRIBUTION_LAYER, combined, data.annotators, data.annotated, layout)
    frame = pd.DataFrame(rows, columns=CHANCE_COLUMNS)
    for column in ("n_units", "n_docs", "n_coders"):
        frame[column] = frame[column].astype("Int64")
    return frame


def attribution_spans(data: AgreementData) -> dict[str, SpanArrays] | None:
    """Each annotator's quotes, sources and cues as one layer labelled ``content``, ``source``
    and ``cue`` (a source or cue inside a quote wins its tokens, being the shorter span), or
    ``None`` unless all three layers are there."""
    if not all(layer in data.layers for layer in ATTRIBUTION_PARTS):
        return None
    labels = tuple(sorted(set(ATTRIBUTION_PARTS.values())))
    combined: dict[str, SpanArrays] = {}
    for name in data.annotators:
        parts = [
            (data.arrays[layer][name], labels.index(label))
            for layer, label in ATTRIBUTION_PARTS.items()
        ]
        combined[name] = SpanArrays(
            np.concatenate([spans.doc for spans, _ in parts]),
            np.concatenate([np.full(len(spans), code, dtype=np.int64) for spans, code in parts]),
            np.concatenate([spans.start for spans, _ in parts]),
            np.concatenate([spans.end for spans, _ in parts]),
            np.concatenate([spans.ids for spans, _ in parts]),
            labels,
        ).unique()
    return combined


def summary_table(
    data: AgreementData, pairwise: pd.DataFrame, chance: pd.DataFrame
) -> pd.DataFrame:
    import pandas as pd

    def pick(layer: str, coefficient: str, scope: str, pair: str) -> float:
        rows = chance[
            (chance["layer"] == layer)
            & (chance["coefficient"] == coefficient)
            & (chance["scope"] == scope)
            & (chance["pair"] == pair)
            & chance["label"].isna()
        ]
        return float(rows["value"].iloc[0]) if len(rows) else math.nan

    multi = data.annotated.sum(0) >= 2
    # alpha_u for everyone where three or more annotated the same documents, else the pair's
    everyone = ALL if len(data.annotators) > 2 else pair_name(*data.annotators)
    rows: list[dict[str, Any]] = []
    for layer in data.layers:
        mean = pairwise[(pairwise["layer"] == layer) & (pairwise["pair"] == MEAN)]
        n_labels = max((len(spans.labels) for spans in data.arrays[layer].values()), default=0)
        labelled = n_labels >= 2  # on one label, "labelled tokens" figures only mislead
        rows.append(
            {
                "layer": layer,
                "n_docs": int(multi.sum()),
                "n_spans": sum(
                    int(multi[spans.doc].sum()) for spans in data.arrays[layer].values()
                ),
                "strict_f": _first(mean, "strict_f"),
                "overlap_f": _first(mean, "overlap_f"),
                "alpha_tokens": pick(layer, "krippendorff_alpha", "all tokens", ALL),
                "alpha_u": pick(layer, "unitizing_alpha", "characters", everyone),
                "alpha_labelled": (
                    pick(layer, "krippendorff_alpha", "labelled tokens", ALL)
                    if labelled
                    else math.nan
                ),
                "kappa_labelled": (
                    pick(layer, "cohen_kappa", "labelled tokens", MEAN) if labelled else math.nan
                ),
                "fleiss_labelled": (
                    pick(layer, "fleiss_kappa", "labelled tokens", ALL) if labelled else math.nan
                ),
            }
        )
    if (chance["layer"] == ATTRIBUTION_LAYER).any():
        parts = [layer for layer in data.layers if layer in ATTRIBUTION_PARTS]
        rows.append(
            {
                "layer": ATTRIBUTION_LAYER,
                "n_docs": int(multi.sum()),
                "n_spans": sum(int(row["n_spans"]) for row in rows if row["layer"] in parts),
                "strict_f": None,
                "overlap_f": None,
                "alpha_tokens": pick(ATTRIBUTION_LAYER, "krippendorff_alpha", "all tokens", ALL),
                "alpha_u": math.nan,
                "alpha_labelled": pick(
                    ATTRIBUTION_LAYER, "krippendorff_alpha", "labelled tokens", ALL
                ),
                "kappa_labelled": pick(ATTRIBUTION_LAYER, "cohen_kappa", "labelled tokens", MEAN),
                "fleiss_labelled": pick(ATTRIBUTION_LAYER, "fleiss_kappa", "labelled tokens", ALL),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _first(frame: pd.DataFrame, column: str) -> float | None:
    if frame.empty or is_missing(frame[column].iloc[0]):
        return None
    return float(frame[column].iloc[0])
