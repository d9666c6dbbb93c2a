"""Writing another tool's annotations: one transaction per file, checked inside it.

The caller (:mod:`annotate.formats.importing`) knows the file and the rules; the store knows
what the project holds. :func:`import_batch` reads, inside the write transaction, what the
file's records must agree with (:class:`ProjectView`), hands it to the caller's ``plan``
(which checks the records and raises to refuse the file) and writes what the plan keeps: so
the checks and the write see the same project even while others write to it. Importing the
same file again adds nothing: spans and relations already there are counted, not repeated.

The view finds the project's documents by id, by text (so a file's document attaches to the
article already ingested, whatever id the file gives it) and by the file they were ingested
from; the plan decides which document each of the file's documents is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core.names import GOLD
from ..core.records import ImportCounts, ImportLookup, ImportPlan, ProjectView
from ..errors import FormatError
from . import tables as t
from .checks import annotator_row, ensure_annotator, insert_for, new_id


def import_batch(
    connection: Connection,
    *,
    path: str,
    fmt: str,
    annotators: Sequence[str],
    lookup: ImportLookup,
    reviewer: str | None,
    plan: Callable[[ProjectView], ImportPlan],
    scheme_toml: str | None = None,
) -> ImportCounts:
    """Check (through ``plan``) and write one file's records; see the module docstring.

    ``lookup`` says which documents the checks need to see; ``reviewer`` imports gold on a
    reviewer's behalf (E330 unless they are one), and then the events name them.
    ``scheme_toml``, a scheme grown to take the file's labels, becomes the project's in the
    same transaction: the scheme grows only with the annotations that need it.
    """
    if reviewer is not None:
        _check_reviewer(connection, reviewer)
    chosen = plan(project_view(connection, annotators, lookup))
    if scheme_toml is not None:
        insert = insert_for(connection)(t.settings).values(key="scheme_toml", value=scheme_toml)
        connection.execute(
            insert.on_conflict_do_update(index_elements=["key"], set_={"value": scheme_toml})
        )
    counts = ImportCounts()
    now = t.utcnow()
    doc_id_of = {key: document.doc_id for key, document in chosen.documents}
    texts = _add_documents(connection, chosen, path=path, now=now, counts=counts)
    for name in chosen.annotators:
        ensure_annotator(connection, name, kind="gold" if name == GOLD else "human")
    span_ids, per_answer = _add_spans(connection, chosen, doc_id_of, texts, now, counts)
    _add_relations(connection, chosen, doc_id_of, span_ids, now, counts)
    st = t.doc_status.c
    for doc_key, annotator in chosen.units:
        doc_id = doc_id_of[doc_key]
        has_status = connection.execute(
            sa.select(st.status).where(st.doc_id == doc_id, st.annotator == annotator)
        ).first()
        if has_status is None:
            # The file holds this annotator's finished answer for the document.
            connection.execute(t.doc_status.insert().values(
                doc_id=doc_id, annotator=annotator, status="done", comment=None, updated_at=now))
        if per_answer.get((doc_id, annotator)):
            connection.execute(t.events.insert().values(
                at=now, annotator=annotator, actor=reviewer or annotator, doc_id=doc_id,
                action="import",
                payload={"path": path, "format": fmt, "spans": per_answer[(doc_id, annotator)]},
                undoes=None,
            ))
    return counts


def project_view(
    connection: Connection, annotators: Sequence[str], lookup: ImportLookup
) -> ProjectView:
    """The project's documents with the lookup's ids, texts or files, their texts' hashes, and
    the annotators' spans on them."""
    d, s = t.documents.c, t.spans.c
    view = ProjectView()
    for chunk in _chunks(sorted(set(lookup.shas))):
        for found in connection.execute(
            sa.select(d.doc_id, d.text_sha256)
            .where(d.text_sha256.in_(chunk))
            .order_by(d.position, d.doc_id)
        ):
            view.by_text.setdefault(found.text_sha256, []).append(found.doc_id)
    path = d.meta["path"].as_string()
    for chunk in _chunks(sorted(set(lookup.paths))):
        for found in connection.execute(
            sa.select(d.doc_id, d.text_sha256, path.label("path"))
            .where(path.in_(chunk))
            .order_by(d.position, d.doc_id)
        ):
            view.by_path.setdefault(found.path, (found.doc_id, found.text_sha256))
    doc_ids = set(lookup.doc_ids) | {doc_id for ids in view.by_text.values() for doc_id in ids}
    doc_ids |= {doc_id for doc_id, _ in view.by_path.values()}
    for chunk in _chunks(sorted(doc_ids)):
        for found in connection.execute(
            sa.select(d.doc_id, d.text_sha256).where(d.doc_id.in_(chunk))
        ):
            view.texts[found.doc_id] = found.text_sha256
        for row in connection.execute(
            sa.select(s.doc_id, s.annotator, s.layer, s.label, s.start, s.end).where(
                s.doc_id.in_(chunk), s.annotator.in_(list(annotators))
            )
        ):
            view.spans.setdefault((row.doc_id, row.annotator, row.layer), []).append(
                (row.start, row.end, row.label)
            )
    return view


def _check_reviewer(connection: Connection, reviewer: str) -> None:
    row = annotator_row(connection, reviewer)
    if row is None:
        raise FormatError("E330", name=reviewer, detail="no one of that name is registered")
    if row["kind"] != "human" or row["role"] != "reviewer":
        raise FormatError(
            "E330", name=reviewer, detail=f"registered as {row['kind']} {row['role']}"
        )


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    # Bound the IN (...) lists: SQLite caps the number of parameters in one statement.
    return [values[i : i + size] for i in range(0, len(values), size)]


def _add_documents(
    connection: Connection, chosen: ImportPlan, *, path: str, now: Any, counts: ImportCounts
) -> dict[str, tuple[str, str]]:
    """Add the documents the project lacks; return key -> (text, sha256) for every one."""
    d = t.documents.c
    position = int(connection.execute(sa.select(sa.func.max(d.position))).scalar() or 0)
    texts: dict[str, tuple[str, str]] = {}
    for key, document in chosen.documents:
        sha = document.text_sha256
        found = connection.execute(
            sa.select(d.text_sha256).where(d.doc_id == document.doc_id)
        ).scalar()
        if found is None:
            position += 1
            connection.execute(t.documents.insert().values(
                doc_id=document.doc_id, title=document.title, source=document.source,
                byline=document.byline, published=document.published, text=document.text,
                text_sha256=sha, n_chars=document.n_chars, meta=document.meta,
                position=position, created_at=now, updated_at=now,
            ))
            counts.documents_added += 1
        elif found != sha:  # the plan's checks refuse these first
            raise FormatError("E320", path=path, doc_id=document.doc_id)
        texts[key] = (document.text, sha)
    return texts


def _add_spans(
    connection: Connection,
    chosen: ImportPlan,
    doc_id_of: Mapping[str, str],
    texts: Mapping[str, tuple[str, str]],
    now: Any,
    counts: ImportCounts,
) -> tuple[dict[str, str], dict[tuple[str, str], int]]:
    existing: dict[tuple[str, str], dict[tuple[str, str, int, int], str]] = defaultdict(dict)
    s = t.spans.c
    for chunk in _chunks(sorted(set(doc_id_of.values()))):
        for row in connection.execute(
            sa.select(s.span_id, s.doc_id, s.annotator, s.layer, s.label, s.start, s.end).where(
                s.doc_id.in_(chunk), s.annotator.in_(chosen.annotators)
            )
        ):
            existing[(row.doc_id, row.annotator)][(row.layer, row.label, row.start, row.end)] = (
                row.span_id
            )
    span_ids: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    per_answer: dict[tuple[str, str], int] = defaultdict(int)
    for span in chosen.spans:
        doc_id = doc_id_of[span.doc]
        key = (span.layer, span.label, span.start, span.end)
        already = existing[(doc_id, span.annotator)].get(key)
        if already:
            span_ids[span.key] = already
            counts.spans_already_there += 1
            continue
        span_id = new_id()
        existing[(doc_id, span.annotator)][key] = span_id
        span_ids[span.key] = span_id
        text, sha = texts[span.doc]
        rows.append({
            "span_id": span_id, "doc_id": doc_id, "annotator": span.annotator,
            "layer": span.layer, "label": span.label, "start": span.start, "end": span.end,
            "text": text[span.start : span.end], "origin": "imported",
            "attrs": dict(span.attrs), "doc_sha256": sha, "source_span_id": None,
            "created_at": now, "updated_at": now, "fragments": span.fragments,
        })
        per_answer[(doc_id, span.annotator)] += 1
    if rows:
        connection.execute(t.spans.insert(), rows)
    counts.spans_added = len(rows)
    return span_ids, per_answer


def _add_relations(
    connection: Connection,
    chosen: ImportPlan,
    doc_id_of: Mapping[str, str],
    span_ids: Mapping[str, str],
    now: Any,
    counts: ImportCounts,
) -> None:
    r = t.relations.c
    known: set[tuple[str, str, str, str]] = set()
    for chunk in _chunks(sorted(set(doc_id_of.values()))):
        known |= {
            (row.annotator, row.type, row.head_span_id, row.tail_span_id)
            for row in connection.execute(
                sa.select(r.annotator, r.type, r.head_span_id, r.tail_span_id).where(
                    r.doc_id.in_(chunk), r.annotator.in_(chosen.annotators)
                )
            )
        }
    rows = []
    for relation in chosen.relations:
        identity = (relation.annotator, relation.type, span_ids[relation.head],
                    span_ids[relation.tail])
        if identity in known:
            continue
        known.add(identity)
        rows.append({
            "relation_id": new_id(), "doc_id": doc_id_of[relation.doc],
            "annotator": relation.annotator, "type": relation.type,
            "head_span_id": span_ids[relation.head], "tail_span_id": span_ids[relation.tail],
            "origin": "imported", "created_at": now, "attrs": dict(relation.attrs) or None,
        })
    if rows:
        connection.execute(t.relations.insert(), rows)
    counts.relations_added = len(rows)
