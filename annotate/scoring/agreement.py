"""Inter-annotator agreement: pairwise F1, chance-corrected coefficients, attribution, status.

:func:`agreement` reads a store, a project or the data-contract tables and returns an
:class:`AgreementReport` of DataFrames:

- ``pairwise`` and ``per_label``: for every pair of annotators and layer (and label), strict F1
  (same label and offsets) and overlap F1 (one-to-one matching of overlapping spans with the
  same label), with a ``mean`` row over pairs. The first annotator of a pair is the reference,
  as gold is in :mod:`.matching`, so the figures equal spaCy's ``Scorer.score_spans``
  with that annotator taken as gold; F1 is the same whichever side is the reference.
- ``chance``: Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha (nominal) on token
  labels, over all tokens and over the tokens at least one annotator labelled; Krippendorff's
  unitizing alpha (2004) on character offsets (see :mod:`.chance`). Where
  quotes, sources and cues are all annotated, layer ``attribution`` gives the same token
  figures with one label per token across the three (``source``, ``cue``, ``content``, "O"
  outside), the figure attribution corpora publish (PolNeAR reports alpha 0.754).
- ``attribution``: on quotes matched between two annotators, how often they chose the same
  speaker (like with like: resolved names where both resolved the source, else the mentions),
  source span, cue and quote type; on matched claims, claim type, check-worthiness, hedging
  and claimant (see :mod:`.attribution`). A figure resting on relations neither
  annotator has (none imported) is ``measured`` False, its agreement ``None`` and ``note``
  says why.
- ``documents``: agreement on the documents' status (done / skipped / flagged).
- ``confusion``: label pairs of the spans two annotators' work aligns (SemEval-style, any
  label), ``(none)`` for a span the other did not mark.
- ``disagreements`` (documents, most disagreement first) and ``disagreed_spans`` (the units the
  annotators differ on, as :func:`.units.group_units` forms them).
- ``summary``: one row per layer with the headline figures (means over pairs): strict and
  overlap F1, alpha over all tokens, unitizing alpha; then alpha and the kappas over the tokens
  someone labelled, only for layers with two or more labels (on one label they measure nothing
  but boundaries, against a chance model that drives them negative while F1 is high); and a
  row ``attribution`` with the cross-layer token alpha.

Which documents count: an annotator annotated a document they marked ``done`` or ``flagged``,
or that they have spans on and no status yet (work in progress counts, so agreement can be
watched as it grows; ``finished_only=True`` counts done and flagged only). A skipped document is
not annotated. Two annotators are compared on the documents both annotated, so a document one of
them has not reached is no disagreement, while a document marked done without spans is one
where that annotator found nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..errors import AnnotateError
from .attribution import (
    CLAIM_ATTRIBUTES,
    QUOTE_ATTRIBUTES,
    compare_matched,
    is_missing,
    mark_resolved,
    match_rows,
    usable,
)
from .chance import ALL, MEAN, pair_name, token_layout, token_rows, unitizing_rows
from .documents import annotated_documents, layer_order
from .matching import prf
from .pairs import SpanArrays, compare
from .reliability import cohen_kappa, krippendorff_alpha

if TYPE_CHECKING:
    import pandas as pd

    from ..core.scheme import Scheme
    from ..store import Store

NONE_LABEL = "(none)"
STATUSES = ("done", "skipped", "flagged")
_METRICS = [f"{mode}_{m}" for mode in ("strict", "overlap") for m in ("tp", "p", "r", "f")]
_KEYS = ["pair", "annotator_a", "annotator_b", "layer"]
PAIRWISE_COLUMNS = [*_KEYS, "n_docs", "n_a", "n_b", *_METRICS]
PER_LABEL_COLUMNS = [*_KEYS, "label", "n_docs", "n_a", "n_b", *_METRICS]
CHANCE_COLUMNS = [
    "layer", "coefficient", "scope", "pair", "annotator_a", "annotator_b", "label", "value",
    "n_units", "n_docs", "n_coders",
]  # fmt: skip
ATTRIBUTION_COLUMNS = [
    "pair", "annotator_a", "annotator_b", "layer", "attribute", "n_a", "n_b", "n_matched",
    "n_same", "agreement", "kappa", "measured", "note",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "pair", "annotator_a", "annotator_b", "n_docs", "n_same", "agreement", "kappa", "alpha",
    *(f"{side}_{status}" for side in "ab" for status in STATUSES),
]  # fmt: skip
CONFUSION_COLUMNS = [*_KEYS, "label_a", "label_b", "count"]
DISAGREEMENT_COLUMNS = [
    "rank", "doc_id", "title", "annotators", "statuses", "status_agree", "n_units",
    "n_disagreements", "disagreement_rate", "by_layer",
]  # fmt: skip
SPAN_COLUMNS = [
    "doc_rank", "doc_id", "layer", "start", "end", "text", "reason", "choices", "n_versions",
    "unit_id",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "layer", "n_docs", "n_spans", "strict_f", "overlap_f", "alpha_tokens", "alpha_u",
    "alpha_labelled", "kappa_labelled", "fleiss_labelled",
]  # fmt: skip
# The cross-layer figure: one label per token across source, cue and quote content.
ATTRIBUTION_LAYER = "attribution"
_ATTRIBUTION_PARTS = {"quote": "content", "cue": "cue", "source": "source"}


# --- the report ----------------------------------------------------------------------------


@dataclass(slots=True)
class AgreementReport:
    """Agreement figures as DataFrames; the module docstring describes each one."""

    annotators: list[str]
    layers: list[str]
    summary: pd.DataFrame
    pairwise: pd.DataFrame
    per_label: pd.DataFrame
    chance: pd.DataFrame
    attribution: pd.DataFrame
    documents: pd.DataFrame
    confusion: pd.DataFrame
    disagreements: pd.DataFrame
    disagreed_spans: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    FRAMES = (
        "summary", "pairwise", "per_label", "chance", "attribution", "documents", "confusion",
        "disagreements", "disagreed_spans",
    )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: every DataFrame as a list of records, NaN as ``None``."""
        data: dict[str, Any] = {
            "annotators": list(self.annotators),
            "layers": list(self.layers),
            "notes": list(self.notes),
        }
        for name in self.FRAMES:
            frame: pd.DataFrame = getattr(self, name)
            data[name] = [
                {key: _json_value(value) for key, value in row.items()}
                for row in frame.to_dict("records")
            ]
        return data


def _json_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return None if is_missing(value) else value


class Mark(NamedTuple):
    """A span as :func:`.units.group_units` reads it."""

    span_id: str
    annotator: str
    label: str
    start: int
    end: int
    attrs: Mapping[str, Any]


@dataclass(slots=True)
class _Data:
    annotators: list[str]
    layers: list[str]
    doc_ids: list[str]  # document code -> id
    texts: list[str | None]  # document code -> text, None where the table lacks it
    titles: list[str]
    annotated: npt.NDArray[np.bool_]  # annotators × documents
    arrays: dict[str, dict[str, SpanArrays]]  # layer -> annotator -> spans on annotated docs
    attrs: dict[str, Mapping[str, Any]]  # span id -> attributes, where there are any
    defaults: dict[str, dict[str, Any]]  # layer -> attribute defaults of the scheme
    status: dict[tuple[str, str], str | None]
    quotes: pd.DataFrame | None
    claims: pd.DataFrame | None
    notes: list[str]

    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.annotators, 2))

    def row(self, name: str) -> npt.NDArray[np.bool_]:
        row: npt.NDArray[np.bool_] = self.annotated[self.annotators.index(name)]
        return row

    def shared(self, a: str, b: str) -> npt.NDArray[np.bool_]:
        """Documents both annotated, as a mask over document codes."""
        return self.row(a) & self.row(b)

    def documents_of(self, name: str) -> set[str]:
        return {self.doc_ids[code] for code in np.flatnonzero(self.row(name)).tolist()}


def agreement(
    store_or_tables: Any,
    *,
    annotators: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    finished_only: bool = False,
) -> AgreementReport:
    """Agreement between annotators, from a Store, a Project or the contract tables.

    ``annotators`` defaults to every person with work in the project (neither ``gold`` nor a
    model annotator), ``layers`` to every layer they marked. Tables are the dict
    ``project.tables()`` returns: ``spans`` and ``documents`` are needed; ``relations`` (or
    ``quotes`` and ``claims``) give the attribution figures, ``doc_status`` the document ones.
    """
    tables, people, scheme = _tables(store_or_tables, annotators)
    if annotators is not None:
        names = list(dict.fromkeys(annotators))
    else:  # people registered without any work yet are left out, not refused
        working = _people_in_tables(tables)
        names = [name for name in people if name in working]
    data = _prepare(tables, names, layers, scheme=scheme, finished_only=finished_only)
    pairwise, per_label, confusion = _pairwise(data)
    chance = _chance(data)
    disagreements, disagreed_spans = _disagreements(data)
    return AgreementReport(
        annotators=data.annotators,
        layers=data.layers,
        summary=_summary(data, pairwise, chance),
        pairwise=pairwise,
        per_label=per_label,
        chance=chance,
        attribution=_attribution(data),
        documents=_status_agreement(data),
        confusion=confusion,
        disagreements=disagreements,
        disagreed_spans=disagreed_spans,
        notes=data.notes,
    )


# --- input -------------------------------------------------------------------------------------


def _tables(
    source: Any, annotators: Sequence[str] | None
) -> tuple[Mapping[str, pd.DataFrame], list[str], Scheme | None]:
    if isinstance(source, Mapping):
        return source, _people_in_tables(source), None
    store: Store = getattr(source, "store", source)
    from ..formats.dataset import Filters, load_tables

    people = [
        a["name"]
        for a in store.annotators()
        if a["kind"] in ("human", "import") and a["name"] != "gold"
    ]
    wanted = list(annotators) if annotators is not None else people
    return load_tables(store, Filters.of(annotator=wanted)), people, store.scheme


def _people_in_tables(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Annotators with spans or a status, less ``gold`` and those with only model spans."""
    names: set[str] = set()
    models: set[str] = set()
    spans = tables.get("spans")
    if spans is not None and len(spans):
        names |= set(spans["annotator"].tolist())
        if "origin" in spans.columns:
            is_model = spans["origin"].astype(object) == "model"
            by_name = is_model.groupby(spans["annotator"].to_numpy()).all()
            models = {str(name) for name, only in by_name.items() if bool(only)}
    status = tables.get("doc_status")
    if status is not None and len(status):
        names |= set(status["annotator"].tolist())
    return sorted(name for name in names if name != "gold" and name not in models)


def _defaults(scheme: Scheme | None, layers: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each layer's attribute defaults (an unset check-worthiness is the default one)."""
    from ..core.scheme import Scheme

    scheme = scheme or Scheme.default()
    result: dict[str, dict[str, Any]] = {}
    for layer in layers:
        attributes = scheme.attributes_for(layer) if layer in scheme.layer_names else {}
        result[layer] = {n: a.default for n, a in attributes.items() if a.default is not None}
    return result


def _prepare(
    tables: Mapping[str, pd.DataFrame],
    names: list[str],
    layers: Sequence[str] | None,
    *,
    scheme: Scheme | None,
    finished_only: bool,
) -> _Data:
    import pandas as pd

    from ..formats.tables import flatten_claims, flatten_quotes

    if len(names) < 2:
        raise AnnotateError("E416", got=len(names), names=", ".join(names) or "none")
    for name in ("spans", "documents"):
        if name not in tables:
            raise AnnotateError("E423", side="agreement", name=name, what="agreement")
    spans = tables["spans"]
    spans = spans[spans["annotator"].isin(names)].reset_index(drop=True)
    status_table = tables.get("doc_status")
    if status_table is not None:
        status_table = status_table[status_table["annotator"].isin(names)]
    known = set(spans["annotator"].tolist())
    if status_table is not None:
        known |= set(status_table["annotator"].tolist())
    for name in names:
        if name not in known:
            raise AnnotateError("E417", name=name, known=", ".join(sorted(known)) or "(none)")
    annotated_sets = annotated_documents(spans, status_table, names, finished_only=finished_only)
    documents = tables["documents"]
    listed = documents["doc_id"].tolist()
    extra = sorted({d for docs in annotated_sets.values() for d in docs} - set(listed))
    doc_ids = listed + extra
    texts: list[str | None] = [*documents["text"].tolist(), *([None] * len(extra))]
    titles_column = documents["title"].tolist() if "title" in documents else [None] * len(listed)
    titles = [t if isinstance(t, str) else "" for t in titles_column] + [""] * len(extra)
    code_of = {doc_id: code for code, doc_id in enumerate(doc_ids)}
    annotated = np.zeros((len(names), len(doc_ids)), dtype=bool)
    for i, name in enumerate(names):
        annotated[i, [code_of[d] for d in annotated_sets[name]]] = True
    layer_column = spans["layer"].astype(str)
    chosen = layer_order(layers if layers is not None else set(layer_column.tolist()))
    doc_codes = pd.Index(doc_ids).get_indexer(pd.Index(spans["doc_id"]))
    ann_codes = pd.Index(names).get_indexer(pd.Index(spans["annotator"]))
    on_annotated = np.zeros(len(spans), dtype=bool)
    known_doc = doc_codes >= 0
    on_annotated[known_doc] = annotated[ann_codes[known_doc], doc_codes[known_doc]]
    arrays: dict[str, dict[str, SpanArrays]] = {}
    label_column = spans["label"].astype(str)
    starts = spans["start"].to_numpy(dtype=np.int64)
    ends = spans["end"].to_numpy(dtype=np.int64)
    ids = spans["span_id"].to_numpy(dtype=object)
    for layer in chosen:
        in_layer = (layer_column == layer).to_numpy() & on_annotated
        labels = tuple(sorted(set(label_column[in_layer].tolist())))
        label_codes = pd.Index(labels).get_indexer(pd.Index(label_column)).astype(np.int64)
        arrays[layer] = {}
        for i, name in enumerate(names):
            mask = in_layer & (ann_codes == i)
            arrays[layer][name] = SpanArrays(
                doc_codes[mask].astype(np.int64), label_codes[mask], starts[mask], ends[mask],
                ids[mask], labels,
            ).unique()  # fmt: skip
    attrs: dict[str, Mapping[str, Any]] = {}
    if "attrs" in spans.columns:
        for span_id, value in zip(ids.tolist(), spans["attrs"].tolist(), strict=True):
            if value:
                attrs[span_id] = value
    status: dict[tuple[str, str], str | None] = {}
    if status_table is not None:
        status_columns = (status_table[c].tolist() for c in ("doc_id", "annotator", "status"))
        for doc_id, annotator, value in zip(*status_columns, strict=True):
            status[(doc_id, annotator)] = value if isinstance(value, str) else None
    relations = tables.get("relations")
    quotes, claims = tables.get("quotes"), tables.get("claims")
    if quotes is None and relations is not None:
        quotes = flatten_quotes(spans, relations)
    if quotes is not None and "speaker_span_id" in quotes.columns:
        quotes = mark_resolved(quotes, spans)
    if claims is None and relations is not None:
        claims = flatten_claims(spans, relations)
    notes = []
    if extra:
        notes.append(
            f"{len(extra)} annotated document(s) are not in the documents table and were left "
            f"out of the token-level and unitizing figures (first: {extra[0]})."
        )
    return _Data(
        annotators=names,
        layers=chosen,
        doc_ids=doc_ids,
        texts=texts,
        titles=titles,
        annotated=annotated,
        arrays=arrays,
        attrs=attrs,
        defaults=_defaults(scheme, chosen),
        status=status,
        quotes=_annotated_rows(quotes, annotated_sets),
        claims=_annotated_rows(claims, annotated_sets),
        notes=notes,
    )


def _annotated_rows(
    frame: pd.DataFrame | None, annotated: Mapping[str, set[str]]
) -> pd.DataFrame | None:
    if frame is None:
        return None
    keep = [
        doc_id in annotated.get(annotator, ())
        for doc_id, annotator in zip(
            frame["doc_id"].tolist(), frame["annotator"].tolist(), strict=True
        )
    ]
    return frame[keep].reset_index(drop=True)


# --- pairwise F1 and label confusion -----------------------------------------------------------

Tally = tuple[Counter[str], Counter[str], Counter[str]]  # true positives, false pos., false neg.


def _pairwise(data: _Data) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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
    counts = [c for c in frame.columns if c not in scores and c not in keys and c not in _KEYS]
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


# --- chance-corrected ------------------------------------------------------------------------


def _chance(data: _Data) -> pd.DataFrame:
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
    combined = _attribution_spans(data)
    if combined is not None:
        rows += token_rows(ATTRIBUTION_LAYER, combined, data.annotators, data.annotated, layout)
    frame = pd.DataFrame(rows, columns=CHANCE_COLUMNS)
    for column in ("n_units", "n_docs", "n_coders"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _attribution_spans(data: _Data) -> dict[str, SpanArrays] | None:
    """Each annotator's quotes, sources and cues as one layer labelled ``content``, ``source``
    and ``cue`` (a source or cue inside a quote wins its tokens, being the shorter span), or
    ``None`` unless all three layers are there."""
    if not all(layer in data.layers for layer in _ATTRIBUTION_PARTS):
        return None
    labels = tuple(sorted(set(_ATTRIBUTION_PARTS.values())))
    combined: dict[str, SpanArrays] = {}
    for name in data.annotators:
        parts = [
            (data.arrays[layer][name], labels.index(label))
            for layer, label in _ATTRIBUTION_PARTS.items()
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


# --- attribution ---------------------------------------------------------------------------


def _attribution(data: _Data) -> pd.DataFrame:
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


# --- documents ---------------------------------------------------------------------------------


def _status_agreement(data: _Data) -> pd.DataFrame:
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


# --- disagreements -----------------------------------------------------------------------------


def _disagreements(data: _Data) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def _coders(data: _Data, code: int) -> list[str]:
    return [name for i, name in enumerate(data.annotators) if data.annotated[i, code]]


def _layer_rows(
    data: _Data, layer: str, multi: npt.NDArray[np.bool_]
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


# --- summary -------------------------------------------------------------------------------


def _summary(data: _Data, pairwise: pd.DataFrame, chance: pd.DataFrame) -> pd.DataFrame:
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
        parts = [layer for layer in data.layers if layer in _ATTRIBUTION_PARTS]
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
