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
    return [row.version for row in rows]


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
    assert _versions(db_url) == list(range(1, LATEST + 1))
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
