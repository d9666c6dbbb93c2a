"""Where annotators part: attribution on matched units (speaker, cue, claim attributes),
document statuses, and the documents and spans most in dispute."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .agreement_data import (
    ATTRIBUTION_COLUMNS,
    DISAGREEMENT_COLUMNS,
    DOCUMENT_COLUMNS,
    SPAN_COLUMNS,
    STATUSES,
    AgreementData,
    Mark,
)
from .attribution import (
    CLAIM_ATTRIBUTES,
    QUOTE_ATTRIBUTES,
    compare_matched,
    match_rows,
    usable,
)
from .chance import ALL, MEAN, pair_name
from .reliability import cohen_kappa, krippendorff_alpha

if TYPE_CHECKING:
    import pandas as pd

Tally = tuple[Counter[str], Counter[str], Counter[str]]  # true positives, false pos., false neg.


def attribution_table(data: AgreementData) -> pd.DataFrame:
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for layer, frame, attributes in (
        ("quote", data.quotes, QUOTE_ATTRIBUTES),
        ("claim", data.claims, CLAIM_ATTRIBUTES),
    ):
        if frame is None or not usable(frame, attributes):
            continue
        by_annotator = {name: frame[frame["annotator"] == name] for name in data.annotators}
        for a, b in data.pairs():
            docs = data.documents_of(a) & data.documents_of(b)
            gold = by_annotator[a][by_annotator[a]["doc_id"].isin(docs)].reset_index(drop=True)
            pred = by_annotator[b][by_annotator[b]["doc_id"].isin(docs)].reset_index(drop=True)
            matched = compare_matched(gold, pred, match_rows(gold, pred), attributes, names=(a, b))
            for name, scores in matched.items():
                rows.append(
                    {
                        "pair": pair_name(a, b),
                        "annotator_a": a,
                        "annotator_b": b,
                        "layer": layer,
                        "attribute": name,
                        "n_a": len(gold),
                        "n_b": len(pred),
                        "n_matched": scores["n"],
                        "n_same": scores["same"],
                        "agreement": scores["accuracy"],
                        "kappa": scores["kappa"],
                        "measured": scores["measured"],
                        "note": scores["note"],
                    }
                )
    frame = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    if frame.empty:
        return frame
    means = []
    for (group_layer, attribute), group in frame.groupby(["layer", "attribute"], sort=False):
        kappas = pd.to_numeric(group["kappa"], errors="coerce").dropna()
        agreements = pd.to_numeric(group["agreement"], errors="coerce").dropna()
        measured = bool(group["measured"].astype(bool).any())
        notes = [n for n in group["note"].tolist() if isinstance(n, str)]
        means.append(
            {
                "pair": MEAN,
                "layer": group_layer,
                "attribute": attribute,
                **{c: int(group[c].sum()) for c in ("n_a", "n_b", "n_matched", "n_same")},
                "agreement": float(agreements.mean()) if len(agreements) else None,
                "kappa": float(kappas.mean()) if len(kappas) else math.nan,
                "measured": measured,
                # every pair unmeasured: say why once; else the pairs' notes stay on them
                "note": notes[0] if notes and not measured else None,
            }
        )
    return pd.concat([frame, pd.DataFrame(means, columns=ATTRIBUTION_COLUMNS)], ignore_index=True)


def status_table(data: AgreementData) -> pd.DataFrame:
    import pandas as pd

    statuses: dict[str, dict[str, str]] = defaultdict(dict)
    for (doc_id, annotator), value in data.status.items():
        if value is not None:
            statuses[doc_id][annotator] = value
    rows: list[dict[str, Any]] = []
    for a, b in data.pairs():
        both = sorted(d for d, by in statuses.items() if a in by and b in by)
        first = [statuses[d][a] for d in both]
        second = [statuses[d][b] for d in both]
        same = sum(x == y for x, y in zip(first, second, strict=True))
        kappa = math.nan
        if both:
            kappa = cohen_kappa(np.array(first, dtype=object), np.array(second, dtype=object))
        row: dict[str, Any] = {
            "pair": pair_name(a, b),
            "annotator_a": a,
            "annotator_b": b,
            "n_docs": len(both),
            "n_same": same,
            "agreement": same / len(both) if both else None,
            "kappa": kappa,
        }
        for status in STATUSES:
            row[f"a_{status}"] = first.count(status)
            row[f"b_{status}"] = second.count(status)
        rows.append(row)
    shared = sorted(d for d, by in statuses.items() if len(by) >= 2)
    if shared:
        reliability = np.array(
            [[statuses[d].get(name) for d in shared] for name in data.annotators], dtype=object
        )
        same = sum(len(set(statuses[d].values())) == 1 for d in shared)
        rows.append(
            {
                "pair": ALL,
                "n_docs": len(shared),
                "n_same": same,
                "agreement": same / len(shared),
                # Krippendorff's alpha, as the coders may differ from document to document
                "alpha": krippendorff_alpha(reliability, level="nominal"),
            }
        )
    frame = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    for column in DOCUMENT_COLUMNS[8:]:
        frame[column] = frame[column].astype("Int64")
    return frame


def disagreement_tables(data: AgreementData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents ranked by how many units their annotators disagree on, and those units.

    A span every annotator of its document marked identically (label, offsets, attributes) is
    an agreement and only counted; the others are grouped into units by
    :func:`.units.group_units`.
    """
    import pandas as pd

    from .units import group_units

    n_coders = data.annotated.sum(0)
    n_agreed = np.zeros(len(data.doc_ids), dtype=np.int64)
    units_of: dict[int, list[Any]] = defaultdict(list)
    for layer in data.layers:
        rows = _layer_rows(data, layer, n_coders >= 2)
        if rows is None:
            continue
        agreed_docs, rest_docs, marks = rows
        n_agreed += np.bincount(agreed_docs, minlength=len(data.doc_ids))
        by_doc: dict[int, list[Mark]] = defaultdict(list)
        for code, mark in zip(rest_docs.tolist(), marks, strict=True):
            by_doc[code].append(mark)
        for code, doc_marks in by_doc.items():
            units_of[code] += group_units(
                data.doc_ids[code],
                layer,
                doc_marks,
                annotators=_coders(data, code),
                text=data.texts[code] or "",
                defaults=data.defaults.get(layer, {}),
            )
    doc_rows: list[dict[str, Any]] = []
    span_rows: list[dict[str, Any]] = []
    for code in np.flatnonzero(n_coders >= 2).tolist():
        doc_id, coders, units = data.doc_ids[code], _coders(data, code), units_of.get(code, [])
        per_layer = Counter(unit.layer for unit in units)
        n_units = int(n_agreed[code]) + len(units)
        statuses = [data.status.get((doc_id, name)) for name in coders]
        doc_rows.append(
            {
                "doc_id": doc_id,
                "title": data.titles[code],
                "annotators": ", ".join(coders),
                "statuses": ", ".join(
                    f"{n}: {s or '-'}" for n, s in zip(coders, statuses, strict=True)
                ),
                "status_agree": len(set(statuses)) == 1,
                "n_units": n_units,
                "n_disagreements": len(units),
                "disagreement_rate": len(units) / n_units if n_units else 0.0,
                "by_layer": ", ".join(f"{k}: {per_layer[k]}" for k in data.layers if per_layer[k]),
            }
        )
        span_rows += [_unit_row(unit) for unit in sorted(units, key=lambda u: (u.start, u.end))]
    documents = pd.DataFrame(doc_rows, columns=DISAGREEMENT_COLUMNS[1:])
    documents = documents.sort_values(
        ["n_disagreements", "disagreement_rate", "doc_id"],
        ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    documents.insert(0, "rank", range(1, len(documents) + 1))
    rank = dict(zip(documents["doc_id"].tolist(), documents["rank"].tolist(), strict=True))
    spans = pd.DataFrame(span_rows, columns=SPAN_COLUMNS[1:])
    spans.insert(0, "doc_rank", [rank[d] for d in spans["doc_id"].tolist()])
    spans = spans.sort_values(["doc_rank", "start", "end"], kind="stable")
    return documents, spans.reset_index(drop=True)


def _coders(data: AgreementData, code: int) -> list[str]:
    return [name for i, name in enumerate(data.annotators) if data.annotated[i, code]]


def _layer_rows(
    data: AgreementData, layer: str, multi: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[Mark]] | None:
    """One layer's spans on documents with two or more coders: the document of each
    agreement (a span every coder of the document marked identically), and the other spans
    with their documents, as :class:`Mark`."""
    from .units import compared_attrs

    parts = [(i, name, data.arrays[layer][name]) for i, name in enumerate(data.annotators)]
    parts = [(i, name, spans.take(multi[spans.doc])) for i, name, spans in parts]
    if not sum(len(spans) for _, _, spans in parts):
        return None
    labels = parts[0][2].labels
    doc = np.concatenate([spans.doc for _, _, spans in parts])
    label = np.concatenate([spans.label for _, _, spans in parts])
    start = np.concatenate([spans.start for _, _, spans in parts])
    end = np.concatenate([spans.end for _, _, spans in parts])
    ids = np.concatenate([spans.ids for _, _, spans in parts])
    who = np.concatenate([np.full(len(spans), i) for i, _, spans in parts])
    # Attributes count where the scheme compares them (claim type is the label, but
    # check-worthiness is an attribute): equal attributes get equal codes.
    defaults = data.defaults.get(layer, {})
    plain = repr(sorted(compared_attrs({}, defaults).items()))
    codes: dict[str, int] = {plain: 0}
    attrs_code = np.array(
        [
            codes.setdefault(
                repr(sorted(compared_attrs(data.attrs[i], defaults).items())), len(codes)
            )
            if i in data.attrs
            else 0
            for i in ids.tolist()
        ],
        dtype=np.int64,
    )
    keys = np.stack([doc, label, start, end, attrs_code])
    order = np.lexsort(keys[::-1])
    ordered = keys[:, order]
    new = np.r_[True, (np.diff(ordered, axis=1) != 0).any(0)]
    group = np.cumsum(new) - 1
    holders = np.bincount(group)
    agreed = np.empty(len(doc), dtype=bool)
    agreed[order] = holders[group] == data.annotated.sum(0)[doc[order]]
    rest = np.flatnonzero(~agreed)
    names, attrs = data.annotators, data.attrs
    marks = [
        Mark(str(i), names[w], labels[lab], s, e, attrs.get(i, {}))
        for i, w, lab, s, e in zip(
            ids[rest].tolist(),
            who[rest].tolist(),
            label[rest].tolist(),
            start[rest].tolist(),
            end[rest].tolist(),
            strict=True,
        )
    ]
    # One agreed unit per group of identical spans, whichever coder's row comes first.
    agreed_docs = doc[order[new & agreed[order]]]
    return agreed_docs, doc[rest], marks


def _unit_row(unit: Any) -> dict[str, Any]:
    parts = []
    for name, versions in unit.choices().items():
        marked = "; ".join(f"{v.label} [{v.start}, {v.end})" for v in versions) or "-"
        parts.append(f"{name}: {marked}")
    return {
        "doc_id": unit.doc_id,
        "layer": unit.layer,
        "start": unit.start,
        "end": unit.end,
        "text": unit.text,
        "reason": unit.reason,
        "choices": " | ".join(parts),
        "n_versions": len(unit.versions),
        "unit_id": unit.unit_id,
    }
