"""Hugging Face ``datasets``: what a token-classification or span model reads directly.

One row per (document, annotator), written with ``DatasetDict.save_to_disk`` and read back with
``datasets.load_from_disk``:

- ``id``: ``<doc_id>/<annotator>``, unique in the dataset; ``doc_id``, ``annotator``, ``text``;
- ``tokens`` (list of string): ``spacy.blank("en")`` tokens, whitespace tokens left out, with
  ``token_starts`` and ``token_ends`` (list of int64), each token's character offsets;
- ``ner_tags`` (list of ``ClassLabel``): IOB2 tags of the entity layer, under the name NER
  scripts read; ``<layer>_tags`` the same for every other layer (``quote_tags``, ...);
- ``spans`` (list of {span_id, layer, label, start, end, text, token_start, token_end,
  attrs}): every span at its exact character offsets, its token range (end exclusive), its
  attributes as JSON text;
- ``relations`` (list of {relation_id, type, head, tail}): links between spans by ``span_id``.

Each tag column's ``ClassLabel`` names are ``O`` then ``B-``/``I-`` for every label of the
layer in the scheme (labels outside it after, sorted), the same in every split. Tags come from
spaCy's own ``offsets_to_biluo_tags`` and ``biluo_to_iob``. A token holds one tag a layer:
where spans of a layer overlap the longest is tagged and the others stay in ``spans`` (the
export notes say which); spans not on token boundaries are widened to whole tokens for the tags
and kept exact in ``spans``.

With a split the splits are ``train`` and ``validation``, by document with
:func:`~annotate.formats.docbin.split_documents` (the DocBin export's ``train``/``dev`` for the
same ``split`` and ``seed``); without one, everything is ``train``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.scheme import Scheme
from ..errors import FormatError
from .docbin import split_documents
from .docs import AnnotatedDoc, annotated_docs
from .manifest import ExportNote, Notes, WriteReport
from .tables import _default_scheme
from .tokens import blank_nlp, choose_ents, place_spans

if TYPE_CHECKING:
    import pandas as pd

FORMAT = "hf"
TRAIN, VALIDATION = "train", "validation"


def require_datasets() -> Any:
    """The ``datasets`` module, or E380 saying how to install it."""
    try:
        import datasets
    except ImportError as exc:
        raise FormatError("E380", fmt=FORMAT, package="datasets") from exc
    return datasets


def tag_column(layer: str) -> str:
    return "ner_tags" if layer == "entity" else f"{layer}_tags"


def tag_names(scheme: Scheme, units: Sequence[AnnotatedDoc]) -> dict[str, list[str]]:
    """Every layer's IOB2 tag names: ``O``, then B-/I- per label (scheme order, others after)."""
    seen: dict[str, set[str]] = {}
    for unit in units:
        for span in unit.spans:
            seen.setdefault(span.layer, set()).add(span.label)
    layers = list(scheme.layer_names) + sorted(set(seen) - set(scheme.layer_names))
    names: dict[str, list[str]] = {}
    for layer in layers:
        known = list(scheme.layer(layer).label_names) if layer in scheme.layer_names else []
        labels = known + sorted(seen.get(layer, set()) - set(known))
        names[layer] = ["O"] + [f"{prefix}-{label}" for label in labels for prefix in "BI"]
    return names


def features(names: Mapping[str, list[str]]) -> Any:
    datasets = require_datasets()
    value, listed = datasets.Value, datasets.List
    span = {
        "span_id": value("string"),
        "layer": value("string"),
        "label": value("string"),
        "start": value("int64"),
        "end": value("int64"),
        "text": value("string"),
        "token_start": value("int64"),
        "token_end": value("int64"),
        "attrs": value("string"),
    }
    relation = {name: value("string") for name in ("relation_id", "type", "head", "tail")}
    return datasets.Features(
        {
            "id": value("string"),
            "doc_id": value("string"),
            "annotator": value("string"),
            "text": value("string"),
            "tokens": listed(value("string")),
            "token_starts": listed(value("int64")),
            "token_ends": listed(value("int64")),
            **{
                tag_column(layer): listed(datasets.ClassLabel(names=tags))
                for layer, tags in names.items()
            },
            "spans": listed(span),
            "relations": listed(relation),
        }
    )


def _trimmed(span: Any) -> tuple[int, int] | None:
    """The span's characters without leading or trailing whitespace tokens (never tagged)."""
    tokens = [token for token in span if not token.is_space]
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def to_row(
    doc: Any, unit: AnnotatedDoc, layers: Sequence[str]
) -> tuple[dict[str, Any], list[ExportNote]]:
    """The dataset row of one annotator's work on one document, tokenised as ``doc``."""
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    kept = [i for i, token in enumerate(doc) if not token.is_space]
    position = {token_index: n for n, token_index in enumerate(kept)}
    row: dict[str, Any] = {
        "id": f"{unit.doc_id}/{unit.annotator}",
        "doc_id": unit.doc_id,
        "annotator": unit.annotator,
        "text": unit.text,
        "tokens": [doc[i].text for i in kept],
        "token_starts": [doc[i].idx for i in kept],
        "token_ends": [doc[i].idx + len(doc[i]) for i in kept],
    }
    notes: list[ExportNote] = []
    spans: list[dict[str, Any]] = []
    for layer in layers:
        placed, layer_notes = place_spans(doc, unit, unit.layer(layer), fmt=FORMAT)
        notes.extend(layer_notes)
        for record, span in placed:
            inside = [position[i] for i in range(span.start, span.end) if i in position]
            spans.append(
                {
                    "span_id": record.span_id,
                    "layer": record.layer,
                    "label": record.label,
                    "start": record.start,
                    "end": record.end,
                    "text": record.text,
                    "token_start": inside[0] if inside else -1,
                    "token_end": inside[-1] + 1 if inside else -1,
                    "attrs": json.dumps(record.attrs, ensure_ascii=False, sort_keys=True),
                }
            )
        chosen, chosen_notes = choose_ents(
            placed, unit, fmt=FORMAT, fallback=f"kept in spans, not in {tag_column(layer)}"
        )
        notes.extend(chosen_notes)
        entities = []
        for span in chosen:
            edges = _trimmed(span)
            if edges is not None:
                entities.append((edges[0], edges[1], span.label_))
        tags = biluo_to_iob(offsets_to_biluo_tags(doc, entities))
        row[tag_column(layer)] = [tags[i] for i in kept]
    row["spans"] = sorted(spans, key=lambda s: (s["start"], -s["end"], s["layer"]))
    row["relations"] = [
        {"relation_id": r.relation_id, "type": r.type, "head": r.head, "tail": r.tail}
        for r in unit.relations
    ]
    return row, notes


def build(
    units: Sequence[AnnotatedDoc],
    *,
    split: float | None = None,
    seed: int = 0,
    scheme: Scheme | None = None,
) -> tuple[Any, list[ExportNote], dict[str, Any] | None]:
    """The ``DatasetDict``, the notes on what the tags could not hold, and the split's record."""
    datasets = require_datasets()
    scheme = scheme or _default_scheme()
    names = tag_names(scheme, units)
    if split is None:
        parts = {TRAIN: {unit.doc_id for unit in units}}
        split_info = None
    else:
        train, dev = split_documents([unit.doc_id for unit in units], split, seed=seed)
        parts = {TRAIN: set(train), VALIDATION: set(dev)}
        # The manifest's record of the split, the same as the DocBin export's.
        split_info = {"ratio": split, "seed": seed, "train_docs": len(train), "dev_docs": len(dev)}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in parts}
    notes: list[ExportNote] = []
    nlp = blank_nlp()
    doc: Any = None
    for unit in units:
        if doc is None or doc.text != unit.text:
            doc = nlp.make_doc(unit.text)
        row, row_notes = to_row(doc, unit, list(names))
        notes.extend(row_notes)
        part = next(name for name, ids in parts.items() if unit.doc_id in ids)
        rows[part].append(row)
    schema = features(names)
    dataset = datasets.DatasetDict(
        {
            name: datasets.Dataset.from_list(part_rows, features=schema)
            for name, part_rows in rows.items()
        }
    )
    return dataset, notes, split_info


def write_units(
    units: Sequence[AnnotatedDoc],
    out_dir: Path,
    *,
    split: float | None = None,
    seed: int = 0,
    scheme: Scheme | None = None,
) -> tuple[WriteReport, dict[str, Any] | None]:
    """Save the dataset into ``out_dir`` (``datasets.load_from_disk(out_dir)`` reads it)."""
    dataset, notes, split_info = build(units, split=split, seed=seed, scheme=scheme)
    out_dir.mkdir(parents=True, exist_ok=True)
    datasets = require_datasets()
    # An export reports through its manifest; a progress bar per split only adds noise.
    quiet = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        dataset.save_to_disk(str(out_dir))
    finally:
        if not quiet:
            datasets.enable_progress_bars()
    report = WriteReport(files=sorted(p for p in out_dir.rglob("*") if p.is_file()),
                         notes=Notes(notes))
    return report, split_info


def to_hf_dataset(
    tables: Mapping[str, pd.DataFrame],
    *,
    split: float | None = None,
    seed: int = 0,
    scheme: Scheme | None = None,
) -> Any:
    """The contract tables as a ``datasets.DatasetDict`` (see the module docstring)."""
    require_datasets()  # before any work: E380 says how to install it
    units, _ = annotated_docs(tables, fmt=FORMAT)
    dataset, _, _ = build(units, split=split, seed=seed, scheme=scheme)
    return dataset
