"""Schema migrations: forward only, an old store is brought up to date, a newer one refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from hotline.errors import UsageError
from hotline.store import Store
from hotline.store.schema import SCHEMA_VERSION, migrations


def test_a_new_store_has_every_migration_and_the_pragmas(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    assert store.schema_version == SCHEMA_VERSION
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA synchronous") == 2  # FULL
    assert store.scalar("PRAGMA busy_timeout") >= 5000


def test_an_old_store_is_migrated_forward_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(str(path))
    first = migrations._migrations[0].name
    later = [m.name for m in migrations._migrations[1:]]
    migrations.apply(db, stop_before=later[0]) if later else migrations.apply(db)
    assert [m.name for m in migrations.applied(db)][0] == first
    db.execute("INSERT INTO meta(key, value) VALUES ('desk', 'D01')")
    db.conn.commit()
    db.close()
    store = Store.open(path, desk="D01")
    assert store.schema_version == SCHEMA_VERSION
    assert store.meta("desk") == "D01"


def test_a_store_from_a_newer_hotline_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store.open(path, desk="D01", create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
        "VALUES ('hotline', 'm999_future', 'later')"
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UsageError) as err:
        Store.open(path, desk="D01")
    assert err.value.key == "error.store_newer"
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_hotline_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x(a)")
    conn.commit()
    conn.close()
    with pytest.raises(UsageError) as err:
        Store.open(path, desk="D01")
    assert err.value.key == "error.store_not_hotline"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(UsageError):
        Store.open(junk, desk="D01")


def test_a_missing_store_is_not_created_by_accident(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        Store.open(tmp_path / "nope.db", desk="D01")
    assert err.value.key == "error.no_store"
    assert not (tmp_path / "nope.db").exists()
