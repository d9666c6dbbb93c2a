"""Gold for training: the project's annotations as spaCy ``Doc`` files, split as the export splits.

The documents are the ones an export with the same filters writes (one annotator, documents
with the given status), placed on tokens exactly as ``annotate export --format spacy`` places
them (:func:`annotate.formats.docbin.to_doc`: entities in ``doc.ents``, every layer in
``doc.spans[layer]``), and split into train and dev by
:func:`annotate.formats.docbin.split_documents` with the same ratio and seed, so the dev
documents of a run are the ``dev.spacy`` of that export.

A finished document with no entities is a true "nothing here": its tokens are marked outside
any entity, so the recogniser learns from it, where a document nobody finished would teach
nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnnotateError

if TYPE_CHECKING:
    import pandas as pd

    from ..formats.docs import AnnotatedDoc
    from ..store import Store

ENTITY = "entity"  # the layer the entity recogniser learns; every other layer is spancat's
SHORT = 6  # spans of at most this many tokens (95th percentile) get every n-gram as candidate


@dataclass(slots=True)
class LayerStats:
    """What the training part holds of one layer: labels, lengths in tokens, and the words
    gold spans begin after (for the clause suggester)."""

    labels: Counter[str] = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=list)
    after: Counter[str] = field(default_factory=Counter)

    @property
    def spans(self) -> int:
        return sum(self.labels.values())

    def long_length(self, percentile: float = 0.95) -> int:
        ordered = sorted(self.lengths)
        return ordered[min(len(ordered) - 1, int(percentile * len(ordered)))] if ordered else 1


@dataclass(slots=True)
class GoldData:
    """One annotator's gold, split into train and dev documents."""

    annotator: str
    status: str | None
    split: float
    seed: int
    layers: list[str]
    tables: dict[str, pd.DataFrame]
    units: dict[str, AnnotatedDoc]  # doc_id -> the annotator's view of it
    train_ids: list[str]
    dev_ids: list[str]
    notes: list[str] = field(default_factory=list)

    def texts(self, doc_ids: Iterable[str]) -> list[str]:
        return [self.units[d].text for d in doc_ids]

    def gold_tables(self, doc_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
        """The gold tables limited to ``doc_ids``."""
        keep = set(doc_ids)
        return {
            name: frame[frame["doc_id"].isin(keep)].reset_index(drop=True)
            for name, frame in self.tables.items()
            if "doc_id" in frame.columns
        }

    def counts(self, doc_ids: Sequence[str]) -> dict[str, Any]:
        """Documents, spans per layer and label, and relations per type, of ``doc_ids``."""
        spans: dict[str, Counter[str]] = {}
        relations: Counter[str] = Counter()
        for doc_id in doc_ids:
            unit = self.units[doc_id]
            for span in unit.spans:
                spans.setdefault(span.layer, Counter())[span.label] += 1
            relations.update(r.type for r in unit.relations)
        return {
            "documents": len(doc_ids),
            "tokens": sum(len(self.units[d].text.split()) for d in doc_ids),
            "spans": {layer: dict(sorted(c.items())) for layer, c in sorted(spans.items())},
            "relations": dict(sorted(relations.items())),
        }

    def subset(self, fraction: float, *, seed: int) -> list[str]:
        """The first ``fraction`` of the training documents in a seeded order: the parts of
        a learning curve are nested, so each adds documents to the one before."""
        order = sorted(self.train_ids)
        random.Random(seed).shuffle(order)
        n = max(1, round(len(order) * fraction))
        return sorted(order[:n])


def load_gold(
    store: Store,
    *,
    annotator: str = "gold",
    status: str | None = "done",
    split: float = 0.8,
    seed: int = 0,
    layers: Sequence[str] | None = None,
) -> GoldData:
    """The annotator's documents with ``status`` (any status with spans when ``None``),
    limited to ``layers`` (default: every layer with spans), split into train and dev."""
    from ..formats.dataset import Filters, load_tables
    from ..formats.docbin import split_documents
    from ..formats.docs import annotated_docs

    if not isinstance(split, (int, float)) or isinstance(split, bool) or not 0 < split < 1:
        raise AnnotateError("E225", option="split", expected="a number between 0 and 1",
                            value=split)  # fmt: skip
    known = store.scheme.layer_names
    for layer in layers or ():
        store.scheme.layer(layer)  # E104 for an unknown layer
    if status is not None and not any(
        record.status == status for record in store.statuses(annotator=annotator)
    ):
        raise AnnotateError("E220", annotator=annotator, status=status, n_docs=0)
    tables = load_tables(store, Filters.of(annotator=annotator, status=status, layer=layers))
    units_list, notes = annotated_docs(tables, fmt="spacy")
    units = {u.doc_id: u for u in units_list if u.annotator == annotator}
    present = {span.layer for unit in units.values() for span in unit.spans}
    chosen = [layer for layer in known if layer in present]
    if not units or not chosen:
        raise AnnotateError("E220", annotator=annotator, status=status or "any",
                            n_docs=len(units))  # fmt: skip
    if len(units) < 2:
        raise AnnotateError("E221", annotator=annotator, n_docs=len(units))
    train_ids, dev_ids = split_documents(list(units), split, seed=seed)
    return GoldData(
        annotator=annotator,
        status=status,
        split=float(split),
        seed=seed,
        layers=chosen,
        tables=tables,
        units=units,
        train_ids=train_ids,
        dev_ids=dev_ids,
        notes=[f"{n.doc_id}: {n.detail}" for n in notes],
    )


def layer_stats(data: GoldData, doc_ids: Iterable[str]) -> dict[str, LayerStats]:
    """Per layer: labels, token lengths and the words before each gold span, in ``doc_ids``."""
    from ..formats.tokens import blank_nlp

    nlp = blank_nlp()
    stats = {layer: LayerStats() for layer in data.layers}
    for doc_id in doc_ids:
        unit = data.units[doc_id]
        doc = nlp.make_doc(unit.text)
        for span in unit.spans:
            if span.layer not in stats:
                continue
            tokens = doc.char_span(span.start, span.end, alignment_mode="expand")
            if tokens is None:
                continue
            entry = stats[span.layer]
            entry.labels[span.label] += 1
            entry.lengths.append(len(tokens))
            if tokens.start > 0:
                before = doc[tokens.start - 1]
                if before.is_alpha:
                    entry.after[before.lower_] += 1
    return stats


def write_docs(data: GoldData, doc_ids: Iterable[str], path: Path) -> int:
    """Write the documents as a DocBin at ``path`` the way the spaCy export does; returns how
    many. Layers not trained are left out."""
    from spacy.tokens import DocBin

    from ..formats.docbin import DOCBIN_ATTRS, to_doc
    from ..formats.docs import AnnotatedDoc
    from ..formats.tokens import blank_nlp

    nlp = blank_nlp()
    docbin = DocBin(attrs=DOCBIN_ATTRS, store_user_data=False)
    layers = set(data.layers)
    count = 0
    for doc_id in doc_ids:
        unit = data.units[doc_id]
        kept = [s for s in unit.spans if s.layer in layers]
        ids = {s.span_id for s in kept}
        view = AnnotatedDoc(
            unit.doc_id, unit.annotator, unit.text, spans=kept,
            relations=[r for r in unit.relations if r.head in ids and r.tail in ids],
        )  # fmt: skip
        doc, _ = to_doc(nlp.make_doc(unit.text), view)
        if ENTITY in layers and not any(s.layer == ENTITY for s in kept):
            doc.ents = []  # a finished document without entities: every token is outside one
        docbin.add(doc)
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return count
