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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import AnnotateError
from .agreement_data import AgreementData
from .attribution import is_missing, mark_resolved
from .disputes import attribution_table, disagreement_tables, status_table
from .documents import annotated_documents, layer_order
from .figures import chance_table, pairwise_tables, summary_table
from .pairs import SpanArrays

if TYPE_CHECKING:
    import pandas as pd

    from ..core.scheme import Scheme
    from ..store import Store

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
    pairwise, per_label, confusion = pairwise_tables(data)
    chance = chance_table(data)
    disagreements, disagreed_spans = disagreement_tables(data)
    return AgreementReport(
        annotators=data.annotators,
        layers=data.layers,
        summary=summary_table(data, pairwise, chance),
        pairwise=pairwise,
        per_label=per_label,
        chance=chance,
        attribution=attribution_table(data),
        documents=status_table(data),
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
) -> AgreementData:
    import pandas as pd

    from ..formats.flatten import flatten_claims, flatten_quotes

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
    return AgreementData(
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


