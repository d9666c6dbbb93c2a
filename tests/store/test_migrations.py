"""Schema migrations: recorded, applied once, in order; a newer database is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from annotate.errors import StoreError
from annotate.store import Store
from annotate.store import tables as t
from annotate.store.engine import create_engine, normalise_url
from annotate.store.migrations import LATEST, MIGRATIONS, current_version, migrate


def _versions(url: str) -> list[int]:
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        rows = connection.execute(sa.select(t.schema_migrations.c.version)).all()
    engine.dispose()
    return sorted(row.version for row in rows)


def test_new_database_gets_every_migration(db_url: str) -> None:
    Store(db_url).close()
    assert _versions(db_url) == [m.version for m in MIGRATIONS]
    Store(db_url).close()  # opening again applies nothing
    assert _versions(db_url) == [m.version for m in MIGRATIONS]


def test_old_database_is_upgraded_in_place(db_url: str) -> None:
    url = normalise_url(db_url)
    engine = create_engine(url)
    assert migrate(engine, url=url, target=1) == [1]
    with engine.begin() as connection:
        assert current_version(connection) == 1
        connection.execute(
            t.documents.insert().values(
                doc_id="d",
                text="Kept text.",
                text_sha256="x",
                n_chars=10,
                meta={},
                position=1,
                created_at=t.utcnow(),
                updated_at=t.utcnow(),
            )
        )
    engine.dispose()
    store = Store(db_url)
    assert _versions(db_url) == [m.version for m in MIGRATIONS]
    assert store.document("d").text == "Kept text."
    store.close()


def test_newer_database_is_refused(db_url: str) -> None:
    Store(db_url).close()
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as connection:
        connection.execute(
            t.schema_migrations.insert().values(
                version=LATEST + 1, name="from the future", applied_at=t.utcnow()
            )
        )
    engine.dispose()
    with pytest.raises(StoreError) as caught:
        Store(db_url)
    assert caught.value.code == "E114" and str(LATEST + 1) in str(caught.value)


def test_sqlite_settings(tmp_path: object) -> None:
    store = Store(str(tmp_path) + "/p.db")  # type: ignore[operator]
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.close()


def test_version_2_adjudication_records_move_into_the_decision_tables(db_url: str) -> None:
    """Before version 3, decisions were notes on gold spans plus a ``review:<doc>`` settings
    record for decisions without a span, and concurrent reviewers could write a gold span
    twice. The migration keeps every decision, merges the doubles and drops the records."""
    url = normalise_url(db_url)
    engine = create_engine(url)
    assert migrate(engine, url=url, target=2) == [1, 2]
    now = t.utcnow()
    text = "Vladimir Putin met Donald Trump in Alaska."
    with engine.begin() as connection:
        connection.execute(t.documents.insert().values(
            doc_id="d", text=text, text_sha256="sha", n_chars=len(text), meta={}, position=1,
            created_at=now, updated_at=now))
        for name, kind, role in (("ana", "human", "annotator"), ("lead", "human", "reviewer"),
                                 ("gold", "gold", "annotator")):
            connection.execute(t.annotators.insert().values(
                name=name, kind=kind, role=role, created_at=now))

        def gold_span(span_id: str, start: int, end: int, note: dict[str, object]) -> None:
            connection.execute(t.spans.insert().values(
                span_id=span_id, doc_id="d", annotator="gold", layer="entity", label="PERSON",
                start=start, end=end, text=text[start:end], origin="manual",
                attrs={"_adjudication": note}, doc_sha256="sha", source_span_id=None,
                created_at=now, updated_at=now))

        agreed = {"decision": "agreed", "by": "lead", "unit": "entity:0-14:aaaa",
                  "annotators": ["ana", "ben"], "from": ["ana", "ben"], "span_ids": {}}
        gold_span("g1", 0, 14, agreed)
        gold_span("g2", 0, 14, agreed)  # the same agreement written twice by two reviewers
        gold_span("g3", 19, 31, {"decision": "picked", "by": "lead", "unit": "entity:19-31:bb",
                                 "annotators": ["ana", "ben"], "chosen": "ana"})
        connection.execute(t.relations.insert().values(
            relation_id="r1", doc_id="d", annotator="gold", type="said_by", head_span_id="g2",
            tail_span_id="g3", origin="manual", created_at=now))
        connection.execute(t.settings.insert().values(key="review:d", value={
            "version": 1,
            "empty": {"entity:35-41:cc": {"decision": "rejected", "by": "lead",
                                          "at": "2025-01-02T03:04:05+00:00",
                                          "annotators": ["ana", "ben"]}},
            "history": [{"what": "rejected", "unit": "entity:35-41:cc", "events": [7]}],
        }))
    engine.dispose()

    store = Store(db_url)
    assert _versions(db_url) == [m.version for m in MIGRATIONS]
    gold = store.spans(annotator="gold")
    assert sorted(s.span_id for s in gold) == ["g1", "g3"]
    [relation] = store.relations(annotator="gold")
    assert (relation.head_span_id, relation.tail_span_id) == ("g1", "g3")
    decisions = {d.unit_id: d for d in store.adjudications(doc_id="d")}
    assert set(decisions) == {"entity:0-14:aaaa", "entity:19-31:bb", "entity:35-41:cc"}
    assert decisions["entity:0-14:aaaa"].span_ids == ("g1",)
    picked = decisions["entity:19-31:bb"]
    assert (picked.decision, picked.chosen, picked.reviewer) == ("picked", "ana", "lead")
    rejected = decisions["entity:35-41:cc"]
    assert (rejected.decision, rejected.span_ids, rejected.start, rejected.end) == (
        "rejected", (), 35, 41)
    assert rejected.decided_at.year == 2025
    assert store.get_setting("review:d") is None
    store.close()


def test_a_migration_numbered_below_the_newest_is_still_applied(db_url: str) -> None:
    # Migrations are numbered when work on them starts, so one can land after a higher one: a
    # database that has the higher one still gets it.
    Store(db_url).close()
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP INDEX ix_events_doc_at"))
        connection.execute(t.schema_migrations.delete().where(t.schema_migrations.c.version == 2))
    engine.dispose()
    Store(db_url).close()
    assert _versions(db_url) == [m.version for m in MIGRATIONS]
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as connection:
        indexes = {index["name"] for index in sa.inspect(connection).get_indexes("events")}
    engine.dispose()
    assert "ix_events_doc_at" in indexes


def test_large_project_indexes_exist(db_url: str) -> None:
    Store(db_url).close()
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        documents = {index["name"] for index in inspector.get_indexes("documents")}
        statuses = {index["name"] for index in inspector.get_indexes("doc_status")}
    engine.dispose()
    assert "ix_documents_position" in documents and "ix_doc_status_annotator" in statuses
