"""Score another system's predictions against gold.

:func:`evaluate` takes gold and predictions as anything
:func:`.evaluate_inputs.load_tables_from` reads (the data-contract tables, a spans
DataFrame, export files, a spaCy DocBin, Prodigy JSONL, a store, or a spaCy pipeline run over
the gold documents) and returns an :class:`EvaluationReport`:

- per layer, the four SemEval-2013 schemes (strict, exact, partial, type) with their counts,
  micro and macro and per label (:func:`.semeval.semeval_from_alignment`), and the
  strict scores shaped like spaCy's scorer (``{layer}_p/_r/_f/_per_type``, equal to
  ``Scorer.score_spans`` on the same spans);
- quotes: content F1 (exact offsets, and token overlap), source and cue F1 (the spans linked
  to quotes, same offsets), on matched quotes the share with the same source span, the same
  speaker (compared like with like, :func:`.attribution.same_attribution`: resolved
  names where both sides resolved the source, else the mentions), the same cue and quote
  type, and a joint quote+speaker F1 where a hit needs both; a figure that rests on
  relations neither side has is not measured (``None``, with a note);
- claims: overlap F1, and claim type, check-worthiness, hedging and claimant on matched claims;
- ``errors``: every span that is not correct (missed, spurious, wrong label, wrong boundaries)
  with its document, text and ±60 characters of context;
- ``problems``: what was not scored and why: predictions on unknown documents or on text that
  differs from gold, and gold documents the predictions do not cover.

Which documents are scored: the gold documents (those the gold annotator marked done or
flagged, or has spans on; or ``doc_ids``) that the predictions cover. Predictions with a
documents table cover its documents; a bare spans table covers every gold document (where it
has no spans the system found nothing). A predicted document is matched to gold by id, or by
its text where the id is unknown (imported files name documents by a hash of their text); where
its text differs from gold, each span is carried over by character offsets if the text under it
is unchanged, and reported otherwise (see :func:`.evaluate_inputs.place_predictions`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import AnnotateError
from .attribution import (
    CLAIM_ATTRIBUTES,
    QUOTE_ATTRIBUTES,
    is_missing,
    mark_resolved,
    usable,
)
from .documents import annotated_documents, layer_order
from .evaluate_inputs import (
    PROBLEM_COLUMNS,
    load_tables_from,
    only,
    pick_annotator,
    place_predictions,
    problem,
)
from .matching import Alignment, Span, align, score_spans
from .quote_scores import claim_scores, quote_scores
from .semeval import semeval_from_alignment

if TYPE_CHECKING:
    import pandas as pd

CONTEXT = 60
SCHEMES = ("strict", "exact", "partial", "type")
COUNTS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
TABLE_COLUMNS = ("layer", "metric", "label", "p", "r", "f", "accuracy", *COUNTS)
ERROR_COLUMNS = (
    "doc_id", "layer", "kind", "label", "start", "end", "text", "pred_label", "pred_start",
    "pred_end", "pred_text", "left", "right", "context",
)  # fmt: skip


@dataclass(slots=True)
class EvaluationReport:
    """Scores of one system against gold. :meth:`table`, :meth:`to_json` and
    :func:`format_table` show the same numbers."""

    gold_annotator: str
    pred_annotator: str
    doc_ids: list[str]
    layers: dict[str, dict[str, Any]]  # layer -> {"semeval": {...}, "spacy": {...}}
    quotes: dict[str, dict[str, Any]] | None
    claims: dict[str, dict[str, Any]] | None
    errors: pd.DataFrame
    problems: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def scores(self) -> dict[str, Any]:
        """The strict scores of every layer in one flat dict, as spaCy's scorer gives them."""
        flat: dict[str, Any] = {}
        for scores in self.layers.values():
            flat.update(scores["spacy"])
        return flat

    def to_json(self) -> dict[str, Any]:
        """Every figure as plain JSON; the errors and problems as lists of records."""
        result: dict[str, Any] = _jsonable(
            {
                "gold_annotator": self.gold_annotator,
                "pred_annotator": self.pred_annotator,
                "n_docs": len(self.doc_ids),
                "doc_ids": self.doc_ids,
                "layers": self.layers,
                "quotes": self.quotes,
                "claims": self.claims,
                "errors": self.errors.to_dict("records"),
                "problems": self.problems.to_dict("records"),
                "notes": self.notes,
            }
        )
        return result

    def table(self) -> pd.DataFrame:
        """One row per layer, metric and label (``(micro)`` / ``(macro)`` for the averages).

        SemEval rows (metric ``strict``, ``exact``, ``partial``, ``type``) carry ``p, r, f`` and
        the counts. The F rows of quotes and claims (``content_strict``, ``content_token``,
        ``source``, ``cue``, ``joint``, ``joint_strict``, ``overlap``) carry ``p, r, f`` with
        ``correct`` (hits), ``missed``, ``spurious``, ``possible`` and ``actual``; the accuracy
        rows on matched units (``speaker``, ``source_match``, ``quote_type``, ``cue_match``,
        ``claim_type``,
        ``checkworthy``, ``hedged``, ``claimant``) carry ``accuracy`` with ``correct`` (same),
        ``incorrect`` (different) and ``possible`` (matched).
        """
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for layer, scores in self.layers.items():
            for scheme in SCHEMES:
                block = scores["semeval"][scheme]
                rows.append(_semeval_row(layer, scheme, "(micro)", block))
                macro = {m: block[f"macro_{m}"] for m in "prf"}
                rows.append({"layer": layer, "metric": scheme, "label": "(macro)", **macro})
                for label, per_type in block["per_type"].items():
                    rows.append(_semeval_row(layer, scheme, label, per_type))
        for layer, section in (("quote", self.quotes), ("claim", self.claims)):
            for metric, values in (section or {}).items():
                rows.append(_section_row(layer, metric, values))
        frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
        for column in COUNTS:
            frame[column] = frame[column].astype("Int64")
        for column in ("p", "r", "f", "accuracy"):
            frame[column] = frame[column].astype("float64")
        return frame


def _semeval_row(layer: str, scheme: str, label: str, block: Mapping[str, Any]) -> dict[str, Any]:
    row = {"layer": layer, "metric": scheme, "label": label}
    return {**row, **{m: block[m] for m in "prf"}, **{c: block[c] for c in COUNTS}}


def _section_row(layer: str, metric: str, values: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"layer": layer, "metric": metric, "label": "(micro)"}
    if "accuracy" in values:
        n, same = values["n"], values["same"]
        if values.get("measured") is False:  # no counts for a figure nobody could measure
            return {**row, "accuracy": None, "possible": n}
        return {**row, "accuracy": values["accuracy"], "correct": same, "incorrect": n - same,
                "possible": n}  # fmt: skip
    tp, fp, fn = values["tp"], values["fp"], values["fn"]
    return {**row, **{m: values[m] for m in "prf"}, "correct": tp, "missed": fn, "spurious": fp,
            "possible": tp + fn, "actual": tp + fp}  # fmt: skip


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return None if is_missing(value) else str(value)


# --- evaluation ----------------------------------------------------------------------------


def evaluate(
    gold: Any,
    pred: Any,
    *,
    gold_annotator: str | None = None,
    pred_annotator: str | None = None,
    layers: Sequence[str] | None = None,
    doc_ids: Sequence[str] | None = None,
    context: int = CONTEXT,
) -> EvaluationReport:
    """Score ``pred`` against ``gold`` (see the module docstring).

    Where a side holds several annotators, ``gold_annotator`` / ``pred_annotator`` choose one
    (gold defaults to ``"gold"`` if it is there). ``layers`` defaults to every layer either side
    marked; ``doc_ids`` to the gold documents.
    """
    import pandas as pd

    gold_tables = load_tables_from(gold)
    for name in ("documents", "spans"):
        if name not in gold_tables:
            raise AnnotateError("E423", side="gold", name=name, what="evaluation")
    pred_tables = load_tables_from(pred, documents=gold_tables["documents"])
    if "spans" not in pred_tables:
        raise AnnotateError("E423", side="pred", name="spans", what="evaluation")
    gold_name = pick_annotator(gold_tables, gold_annotator, side="gold")
    pred_name = pick_annotator(pred_tables, pred_annotator, side="pred")
    gold_spans = gold_tables["spans"]
    gold_spans = gold_spans[gold_spans["annotator"] == gold_name].reset_index(drop=True)
    if doc_ids is not None:
        scored = set(doc_ids)
    else:
        status = only(gold_tables.get("doc_status"), gold_name)
        scored = annotated_documents(gold_spans, status, [gold_name])[gold_name]
    problems: list[dict[str, Any]] = []
    pred_spans = only(pred_tables["spans"], pred_name)
    assert pred_spans is not None
    documents = gold_tables["documents"]
    placed, covered, rename = place_predictions(pred_tables, pred_spans, documents, problems)
    n_gold = len(scored)
    if covered is not None:
        for doc_id in sorted(scored - covered):
            problems.append(problem("not-predicted", doc_id, "gold document without predictions"))
        scored &= covered
    for doc_id in sorted(set(placed["doc_id"].tolist()) - scored):
        problems.append(problem("not-in-gold", doc_id, "predicted document not in the gold set"))
    if not scored:
        n_pred = len(covered) if covered is not None else placed["doc_id"].nunique()
        raise AnnotateError("E420", n_gold=n_gold, n_pred=n_pred)
    placed = placed[placed["doc_id"].isin(scored)].reset_index(drop=True)
    gold_spans = gold_spans[gold_spans["doc_id"].isin(scored)].reset_index(drop=True)
    present = set(gold_spans["layer"].astype(str)) | set(placed["layer"].astype(str))
    chosen = layer_order(layers if layers is not None else present)
    texts = dict(zip(documents["doc_id"].tolist(), documents["text"].tolist(), strict=True))
    results: dict[str, dict[str, Any]] = {}
    error_rows: list[dict[str, Any]] = []
    notes = [
        f"{side} has no {layer} spans on the scored documents"
        for side, frame in (("gold", gold_spans), ("the prediction", placed))
        for layer in chosen
        if not (frame["layer"].astype(str) == layer).any()
    ]
    for layer in chosen:
        gold_layer = _spans(gold_spans[gold_spans["layer"].astype(str) == layer])
        pred_layer = _spans(placed[placed["layer"].astype(str) == layer])
        units = align(gold_layer, pred_layer)
        results[layer] = {
            "semeval": semeval_from_alignment(units),
            "spacy": score_spans(gold_layer, pred_layer, mode="strict", name=layer),
        }
        error_rows += _errors(layer, units, texts, context)
    gold_quotes, gold_claims = _flattened(gold_tables, gold_spans, gold_name, scored, {})
    pred_quotes, pred_claims = _flattened(pred_tables, placed, pred_name, scored, rename)
    quotes = claims = None
    if "quote" in chosen and usable(gold_quotes, QUOTE_ATTRIBUTES):
        quotes = quote_scores(gold_quotes, pred_quotes, texts)
    if "claim" in chosen and usable(gold_claims, CLAIM_ATTRIBUTES):
        claims = claim_scores(gold_claims, pred_claims)
    for layer, section in (("quote", quotes), ("claim", claims)):
        for metric, values in (section or {}).items():
            if values.get("note"):
                notes.append(f"{layer} {metric}: {values['note']}")
    return EvaluationReport(
        gold_annotator=gold_name,
        pred_annotator=pred_name,
        doc_ids=sorted(scored),
        layers=results,
        quotes=quotes,
        claims=claims,
        errors=pd.DataFrame(error_rows, columns=list(ERROR_COLUMNS)),
        problems=pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)),
        notes=notes,
    )


def _spans(frame: pd.DataFrame) -> list[Span]:
    ids = frame["span_id"].tolist() if "span_id" in frame.columns else [None] * len(frame)
    return [
        Span(str(doc_id), str(label), int(start), int(end), span_id)
        for doc_id, label, start, end, span_id in zip(
            frame["doc_id"].tolist(),
            frame["label"].astype(str).tolist(),
            frame["start"].tolist(),
            frame["end"].tolist(),
            ids,
            strict=True,
        )
    ]


def _flattened(
    tables: Mapping[str, pd.DataFrame],
    spans: pd.DataFrame,
    annotator: str,
    scored: set[str],
    rename: Mapping[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quotes and claims of one side on the scored documents, from its spans and relations.

    Flattened again from the spans (not taken from the side's own quotes table), so that
    offsets carried over from a changed text, and the documents scored, are the same as for
    the spans.
    """
    from ..formats.flatten import flatten_claims, flatten_quotes
    from ..formats.tables import coerce, empty_table

    relations = only(tables.get("relations"), annotator)
    if relations is None:
        relations = empty_table("relations")
    else:
        mapped = [rename.get(d, d) for d in relations["doc_id"].tolist()]
        relations = relations.assign(doc_id=mapped)
    contract = coerce("spans", _complete(spans))
    quotes = mark_resolved(flatten_quotes(contract, relations), contract)
    claims = flatten_claims(contract, relations)
    return (
        quotes[quotes["doc_id"].isin(scored)].reset_index(drop=True),
        claims[claims["doc_id"].isin(scored)].reset_index(drop=True),
    )


def _complete(spans: pd.DataFrame) -> pd.DataFrame:
    """A spans table with every contract column (predictions often bring only a few)."""
    from ..formats.tables import ORIGINS

    frame = spans.copy()
    defaults = {"text": "", "origin": "imported", "attrs": None, "created_at": None,
                "updated_at": None}  # fmt: skip
    for column, value in defaults.items():
        if column not in frame.columns:
            frame[column] = value
    frame["origin"] = [o if o in ORIGINS else "imported" for o in frame["origin"].astype(object)]
    return frame


def _errors(
    layer: str, units: Sequence[Alignment], texts: Mapping[str, str], context: int
) -> list[dict[str, Any]]:
    rows = []
    for unit in units:
        if unit.kind == "correct":
            continue
        text = texts.get(unit.doc_id, "")
        sides = [s for s in (unit.gold, unit.pred) if s is not None]
        start, end = min(s.start for s in sides), max(s.end for s in sides)
        left, right = text[max(0, start - context) : start], text[end : end + context]
        gold, pred = unit.gold, unit.pred
        rows.append(
            {
                "doc_id": unit.doc_id,
                "layer": layer,
                "kind": unit.kind,
                "label": gold.label if gold else None,
                "start": gold.start if gold else None,
                "end": gold.end if gold else None,
                "text": text[gold.start : gold.end] if gold else None,
                "pred_label": pred.label if pred else None,
                "pred_start": pred.start if pred else None,
                "pred_end": pred.end if pred else None,
                "pred_text": text[pred.start : pred.end] if pred else None,
                "left": left,
                "right": right,
                "context": " ".join(f"{left}[[{text[start:end]}]]{right}".split()),
            }
        )
    return rows


# --- text for a terminal -----------------------------------------------------------------------


def format_table(report: EvaluationReport) -> str:
    """The report as text, built from :meth:`EvaluationReport.table` (the same numbers).

    Per layer, the micro and macro scores of the four SemEval schemes with their counts; then
    the quote and claim figures; then what was not scored.
    """
    table = report.table()
    lines = [
        f"{report.pred_annotator} against {report.gold_annotator} on "
        f"{len(report.doc_ids)} document(s)"
    ]
    header = (
        f"  {'metric':<15}{'label':<9}{'P':>7}{'R':>7}{'F':>7}{'acc':>7}"
        f"{'cor':>6}{'inc':>6}{'par':>6}{'mis':>6}{'spu':>6}"
    )
    for layer, rows in table.groupby("layer", sort=False):
        lines += [str(layer), header]
        for row in rows[rows["label"].isin(["(micro)", "(macro)"])].to_dict("records"):
            lines.append(
                f"  {row['metric']:<15}{row['label']:<9}"
                + "".join(f"{_number(row[c]):>7}" for c in ("p", "r", "f", "accuracy"))
                + "".join(f"{_count(row[c]):>6}" for c in COUNTS[:5])
            )
    if len(report.problems):
        counts = report.problems["kind"].value_counts()
        lines.append("not scored: " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))
    lines.extend(f"note: {note}" for note in report.notes)
    return "\n".join(lines)


def _number(value: Any) -> str:
    return "-" if is_missing(value) else f"{float(value):.3f}"


def _count(value: Any) -> str:
    return "-" if is_missing(value) else str(int(value))








