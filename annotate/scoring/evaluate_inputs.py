"""What evaluation reads: gold and predictions from wherever they are, placed on gold texts.

:func:`load_tables_from` turns anything holding annotations into the data-contract tables;
:func:`place_predictions` puts predicted spans on the gold documents, matching documents by id
or by text, carrying spans over by character offsets where a document's text changed but the
text under the span did not, and reporting every span it cannot place.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnnotateError
from ..formats.tables import fragments_of

if TYPE_CHECKING:
    import pandas as pd

LAYERS = ("entity", "quote", "source", "cue", "claim")
SPAN_COLUMNS = (
    "doc_id", "annotator", "span_id", "layer", "label", "start", "end", "text", "origin",
    "attrs", "created_at", "updated_at",
)  # fmt: skip
PROBLEM_COLUMNS = ("kind", "doc_id", "layer", "label", "start", "end", "text", "detail")


def load_tables_from(
    source: Any,
    *,
    documents: pd.DataFrame | None = None,
    layer: str = "entity",
    annotator: str | None = None,
    label_map: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Contract tables from whatever holds annotations.

    ``source`` is a dict of tables; a spans DataFrame (``layer``, ``annotator`` and
    ``span_id`` filled in where missing); a Store or Project (all its tables); a spaCy
    ``Language``, run over ``documents`` (the gold documents); or a path: a folder of
    ``<table>.parquet|jsonl|csv`` files, one spans file, a ``.spacy`` DocBin or a Prodigy
    ``.jsonl``. ``layer`` and ``label_map`` apply to DocBin and Prodigy labels; ``annotator``
    names work whose file does not name its annotator.
    """
    import pandas as pd

    if isinstance(source, Mapping):
        return dict(source)
    if isinstance(source, pd.DataFrame):
        spans = source
        if "layer" not in spans.columns:
            spans = spans.assign(layer=layer)
        if "annotator" not in spans.columns:
            spans = spans.assign(annotator=annotator or "predictions")
        if "span_id" not in spans.columns:
            spans = spans.assign(span_id=[f"p{i}" for i in range(len(spans))])
        return {"spans": spans}
    if hasattr(source, "pipe") and hasattr(source, "vocab"):
        if documents is None:
            raise AnnotateError("E423", side="gold", name="documents", what="running a pipeline")
        return predictions_from_pipeline(source, documents, annotator=annotator)
    if hasattr(source, "store") or hasattr(source, "read"):
        from ..formats.dataset import load_tables

        return load_tables(getattr(source, "store", source))
    return _read_path(Path(source), layer=layer, annotator=annotator, label_map=label_map)


def _read_path(
    path: Path, *, layer: str, annotator: str | None, label_map: Mapping[str, str] | None
) -> dict[str, pd.DataFrame]:
    from ..formats.docbin import read_docbin
    from ..formats.files import TableFormat, read_table, read_tables
    from ..formats.prodigy import read_prodigy

    if path.is_dir():
        formats: tuple[TableFormat, ...] = ("parquet", "jsonl", "csv")
        for fmt in formats:
            if (path / f"spans.{fmt}").exists():
                return read_tables(path, fmt=fmt)
        raise AnnotateError("E419", path=str(path), detail="no spans.parquet/jsonl/csv in it")
    if not path.exists():
        raise AnnotateError("E419", path=str(path), detail="no such file or folder")
    suffix = path.suffix.lower()
    if suffix == ".spacy":
        return read_docbin(path, annotator=annotator, layer=layer, label_map=label_map).to_tables()
    if suffix in (".parquet", ".csv"):
        return {"spans": read_table(path, name="spans")}
    if suffix == ".jsonl":
        first = _first_record(path)
        if {"doc_id", "start", "end", "label"} <= set(first):
            return {"spans": read_table(path, name="spans")}
        if "text" in first:
            batch = read_prodigy(
                path, annotator=annotator, layer=layer, label_map=label_map, review_annotator=None
            )
            return batch.to_tables()
        detail = f"the first record has the fields {sorted(first)}"
        raise AnnotateError("E419", path=str(path), detail=detail)
    raise AnnotateError("E419", path=str(path), detail=f"unknown file type {suffix!r}")


def _first_record(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise AnnotateError("E419", path=str(path), detail=str(exc)) from None
                return record if isinstance(record, dict) else {}
    return {}


def predictions_from_pipeline(
    nlp: Any, documents: pd.DataFrame, *, annotator: str | None = None, batch_size: int = 32
) -> dict[str, pd.DataFrame]:
    """Run a spaCy pipeline over ``documents`` (doc_id, text): ``doc.ents`` become the
    ``entity`` layer and each ``doc.spans`` group named like a layer that layer."""
    import pandas as pd

    from ..formats.tables import coerce

    meta = getattr(nlp, "meta", {}) or {}
    name = annotator or (
        f"spacy:{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"
        f"@{meta.get('version', '0.0.0')}"
    )
    rows: list[dict[str, Any]] = []
    ids, texts = documents["doc_id"].tolist(), documents["text"].tolist()
    for doc_id, doc in zip(ids, nlp.pipe(texts, batch_size=batch_size), strict=True):
        found = [("entity", ent) for ent in doc.ents]
        found += [(g, span) for g in doc.spans if g in LAYERS for span in doc.spans[g]]
        for layer, span in found:
            start, end = span.start_char, span.end_char
            rows.append(
                {
                    "doc_id": doc_id,
                    "annotator": name,
                    "span_id": f"{doc_id}:{layer}:{start}:{end}:{span.label_}",
                    "layer": layer,
                    "label": span.label_,
                    "start": start,
                    "end": end,
                    "text": span.text,
                    "origin": "model",
                    "attrs": {},
                    "created_at": None,
                    "updated_at": None,
                }
            )
    spans = coerce("spans", pd.DataFrame(rows, columns=list(SPAN_COLUMNS)))
    return {"documents": documents, "spans": spans}


# --- choosing an annotator ---------------------------------------------------------------------


def annotators_in(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    found: list[str] = []
    for name in ("spans", "doc_status"):
        frame = tables.get(name)
        if frame is not None and "annotator" in frame.columns:
            found.extend(frame["annotator"].tolist())
    return sorted(set(found))


def pick_annotator(tables: Mapping[str, pd.DataFrame], name: str | None, *, side: str) -> str:
    """The annotator to score on one side: ``name``, the only one, or ``gold`` for gold."""
    found = annotators_in(tables)
    if name is not None:
        if name not in found:
            raise AnnotateError("E417", name=name, known=", ".join(found) or "(none)")
        return name
    if len(found) == 1:
        return found[0]
    if side == "gold" and "gold" in found:
        return "gold"
    if not found:
        raise AnnotateError("E417", name=f"({side})", known="(none)")
    raise AnnotateError("E418", side=side, found=", ".join(found), option=f"{side}_annotator")


def only(frame: pd.DataFrame | None, annotator: str) -> pd.DataFrame | None:
    """The rows of one annotator (tables without an annotator column as they are)."""
    if frame is None or "annotator" not in frame.columns:
        return frame
    return frame[frame["annotator"] == annotator].reset_index(drop=True)


# --- placing predictions on gold ---------------------------------------------------------------


def problem(
    kind: str, doc_id: str, detail: str, span: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {"kind": kind, "doc_id": doc_id, "detail": detail}
    if span is not None:
        row.update(
            layer=str(span["layer"]),
            label=str(span["label"]),
            start=int(span["start"]),
            end=int(span["end"]),
            text=span.get("text"),
        )
    return row


def place_predictions(
    pred: Mapping[str, pd.DataFrame],
    spans: pd.DataFrame,
    gold_documents: pd.DataFrame,
    problems: list[dict[str, Any]],
) -> tuple[pd.DataFrame, set[str] | None, dict[str, str]]:
    """The predicted ``spans`` on gold documents and offsets, the gold documents the
    predictions cover (``None``: all, as a bare spans table says nothing about coverage) and
    the predicted doc id -> gold doc id map. Spans that cannot be placed go to ``problems``."""
    import pandas as pd

    from ..core.records import text_sha256

    gold_text = dict(
        zip(gold_documents["doc_id"].tolist(), gold_documents["text"].tolist(), strict=True)
    )
    by_hash: dict[str, str] = {}
    for doc_id, text in gold_text.items():
        by_hash.setdefault(text_sha256(text), doc_id)
    documents = pred.get("documents")
    rename: dict[str, str] = {}
    blocks: dict[str, list[tuple[int, int, int]]] = {}
    covered: set[str] | None = None
    if documents is not None:
        covered = set()
        for doc_id, text in zip(
            documents["doc_id"].tolist(), documents["text"].tolist(), strict=True
        ):
            target = doc_id if doc_id in gold_text else by_hash.get(text_sha256(text))
            if target is None:
                problems.append(problem("unknown-document", doc_id, "not a gold document"))
                continue
            rename[doc_id] = target
            covered.add(target)
            if text != gold_text[target]:
                matcher = difflib.SequenceMatcher(None, text, gold_text[target], autojunk=False)
                blocks[doc_id] = [(a, b, n) for a, b, n in matcher.get_matching_blocks() if n]
    kept: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in row.items()} for row in spans.to_dict("records")
    ]
    for span in records:
        doc_id = span["doc_id"]
        target = rename.get(doc_id) if documents is not None else doc_id
        if target is None or target not in gold_text:
            detail = "span on a document gold lacks; not scored"
            problems.append(problem("unknown-document", doc_id, detail, span))
            continue
        start, end = int(span["start"]), int(span["end"])
        text = gold_text[target]
        pieces = fragments_of(span.get("fragments"))
        if doc_id in blocks:
            # A discontinuous span moves piece by piece; a piece gold lacks leaves it unscored.
            moved = [_shift(blocks[doc_id], int(a), int(b)) for a, b in pieces or [(start, end)]]
            placed = _shift(blocks[doc_id], start, end)
            if placed is None or None in moved:
                detail = "the text under the span differs from gold; not scored"
                problems.append(problem("text-changed", target, detail, span))
                continue
            start, end = placed
            pieces = [list(piece) for piece in moved if piece is not None]
        if "fragments" in span:
            span = {**span, "fragments": pieces if pieces and len(pieces) > 1 else None}
        written = span.get("text")
        if documents is None and isinstance(written, str) and written != text[start:end]:
            detail = f"gold has {text[start:end]!r} at these offsets; not scored"
            problems.append(problem("text-mismatch", target, detail, span))
            continue
        if not 0 <= start < end <= len(text):
            problems.append(problem("offsets", target, "outside the gold text; not scored", span))
            continue
        kept.append({**span, "doc_id": target, "start": start, "end": end, "text": text[start:end]})
    return pd.DataFrame(kept, columns=spans.columns), covered, rename


def _shift(blocks: list[tuple[int, int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The span's offsets in the gold text if it lies inside one stretch equal in both."""
    for a, b, size in blocks:
        if a <= start and end <= a + size:
            return start - a + b, end - a + b
    return None
