"""Suggestions as the export's tables, and their scores against gold with the project's scorer.

Dev figures in a model card, a learning curve and ``annotate evaluate --model runs/NAME`` all
come from :func:`annotate.evaluate.evaluate`, so a trained pipeline's F1 means what any other
system's does: strict span matching per layer and label (equal to spaCy's ``score_spans``) and,
for quotes, the speaker and cue figures that need the links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..core.records import DocSuggestions


def suggestion_tables(
    items: Iterable[tuple[str, str, DocSuggestions]], *, annotator: str
) -> dict[str, pd.DataFrame]:
    """``(doc_id, text, suggestions)`` as documents, spans and relations tables."""

    from ..core.records import text_sha256

    documents: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    for doc_id, text, found in items:
        documents.append({
            "doc_id": doc_id, "title": None, "source": None, "published": None, "text": text,
            "text_sha256": text_sha256(text), "n_chars": len(text), "meta": {},
        })  # fmt: skip
        ids = {span.key: f"{doc_id}:{span.key}" for span in found.spans}
        for span in found.spans:
            spans.append({
                "doc_id": doc_id, "annotator": annotator, "span_id": ids[span.key],
                "layer": span.layer, "label": span.label, "start": span.start, "end": span.end,
                "text": text[span.start : span.end], "origin": "model", "attrs": span.attrs,
                "created_at": None, "updated_at": None,
            })  # fmt: skip
        for number, relation in enumerate(found.relations):
            relations.append({
                "doc_id": doc_id, "annotator": annotator, "relation_id": f"{doc_id}:r{number}",
                "type": relation.type, "head_span_id": ids[relation.head],
                "tail_span_id": ids[relation.tail],
            })  # fmt: skip
    return {
        "documents": _frame("documents", documents),
        "spans": _frame("spans", spans),
        "relations": _frame("relations", relations),
    }


def score(
    gold: Mapping[str, pd.DataFrame],
    pred: Mapping[str, pd.DataFrame],
    *,
    gold_annotator: str,
    pred_annotator: str,
    doc_ids: Sequence[str],
    layers: Sequence[str],
) -> dict[str, Any]:
    """Strict P/R/F per layer and label, and the quote figures, on ``doc_ids``.

    ``{"layers": {layer: {"p", "r", "f", "per_type": {label: {"p", "r", "f"}}}}, "quotes":
    {"joint_f", "speaker_accuracy", "cue_f"} | None}``; ``None`` where nothing was scored.
    """
    from ..scoring.evaluate import evaluate

    report = evaluate(dict(gold), dict(pred), gold_annotator=gold_annotator,
                      pred_annotator=pred_annotator, layers=list(layers), doc_ids=list(doc_ids))
    figures: dict[str, Any] = {}
    for layer in layers:
        spacy_scores = report.layers.get(layer, {}).get("spacy", {})
        figures[layer] = {
            "p": spacy_scores.get(f"{layer}_p"),
            "r": spacy_scores.get(f"{layer}_r"),
            "f": spacy_scores.get(f"{layer}_f"),
            "per_type": spacy_scores.get(f"{layer}_per_type") or {},
        }
    quotes = None
    if report.quotes is not None:
        quotes = {
            "joint_f": report.quotes["joint"]["f"],
            "speaker_accuracy": report.quotes["speaker"].get("accuracy"),
            "cue_f": report.quotes["cue"]["f"],
        }
    return {"layers": figures, "quotes": quotes}


def mean_f(figures: Mapping[str, Any], layers: Iterable[str]) -> float:
    """The mean F1 over ``layers`` (0 where a layer has none)."""
    values = [figures["layers"][layer]["f"] or 0.0 for layer in layers]
    return sum(values) / len(values) if values else 0.0


def _frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A contract table from rows; an empty one still has every column."""
    import pandas as pd

    from ..formats.tables import coerce, empty_table

    return coerce(name, pd.DataFrame(rows, columns=list(empty_table(name).columns)))


def run_predictions(
    path: str,
    gold: Mapping[str, pd.DataFrame],
    *,
    scheme: Any = None,
    mode: str = "auto",
    include_train: bool = False,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[str]]:
    """A run folder's suggestions on the gold documents, as ``(gold, predictions, notes)``.

    Documents the run trained on are left out of both (by id, and by text for gold made
    since under another id), unless ``include_train``: scoring a model on its own training
    data says little.
    """
    from ..core.records import text_sha256
    from .suggester import load_suggester

    suggester = load_suggester(path, mode=mode, scheme=scheme)
    documents = gold["documents"]
    notes: list[str] = []
    keep = documents
    if not include_train:
        trained = set(suggester.run.card.get("data", {}).get("train_ids", []))
        hashes = set(suggester.run.card.get("data", {}).get("train_sha256", []))
        seen = [
            doc_id in trained or text_sha256(text) in hashes
            for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True)
        ]
        keep = documents[[not s for s in seen]]
        if sum(seen):
            notes.append(f"left out {sum(seen)} document(s) {suggester.run.name} was trained on "
                         "(--include-train scores them too)")  # fmt: skip
    ids = keep["doc_id"].tolist()
    texts = keep["text"].tolist()
    found = suggester.suggest_texts(texts)
    pred = suggestion_tables(zip(ids, texts, found, strict=True), annotator=suggester.name)
    wanted = set(ids)
    kept = {
        name: frame[frame["doc_id"].isin(wanted)].reset_index(drop=True)
        if "doc_id" in frame.columns else frame
        for name, frame in gold.items()
    }  # fmt: skip
    return kept, pred, notes
