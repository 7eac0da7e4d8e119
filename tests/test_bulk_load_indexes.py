"""`store.bulk_load`: a load into an empty store builds its indexes once at the end, writes its
pages once, and never leaves a store without its indexes, even when killed half-way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hotline.store import Store
from hotline.store.bulk_load import META_KEY, bulk_load, deferred, drop_indexes
from hotline.store.core import load_new_entities
from hotline.store.oplog import CREATE, Op


def schema_objects(store: Store) -> list[tuple[str, str, str]]:
    return store.conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY type, name").fetchall()


def call_op(i: int, text: str) -> Op:
    return Op(f"01K{i:023d}", i + 1, "D01", i + 1, "A01", "call", f"c{i}", CREATE,
              {"number": f"D01-20260311-{i:04d}", "description": text, "status": "new",
               "started_at": "2026-03-11T07:00:00Z"})


def found(store: Store, words: str) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT c.id FROM calls_fts JOIN calls c ON c.rowid = calls_fts.rowid"
        " WHERE calls_fts MATCH ? ORDER BY c.id", (f'"{words}"',))]


def test_indexes_are_dropped_during_the_load_and_the_same_afterwards(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    before = schema_objects(store)
    assert any(name == "calls_fts_insert" for _, name, _ in before)
    with bulk_load(store):
        assert deferred(store)
        left = {name for _, name, _ in schema_objects(store)}
        assert not left & {"ops_entity", "ops_hlc", "calls_started", "calls_fts_insert"}
        load_new_entities(store, [call_op(1, "洗衣机脱水时噪音很大"), call_op(2, "冰箱不制冷")])
    assert schema_objects(store) == before
    assert not deferred(store)
    # The search index was rebuilt from the calls loaded without its trigger.
    assert found(store, "不制冷") == ["c2"]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.execute("INSERT INTO calls_fts(calls_fts, rank) VALUES ('integrity-check', 1)")
    # Rebuilt with a larger buffer of pending terms, then FTS5's default for everyday writes.
    assert store.scalar("SELECT v FROM calls_fts_config WHERE k = 'hashsize'") == 1024 * 1024
    # And kept up to date again afterwards.
    load_new_entities(store, [call_op(3, "空调不制冷")])
    assert found(store, "不制冷") == ["c2", "c3"]


def test_a_load_killed_half_way_is_repaired_when_the_store_is_next_opened(
        tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path, desk="D01", create=True)
    before = schema_objects(store)
    drop_indexes(store)
    load_new_entities(store, [call_op(1, "热水器打不着火")])
    store.close()  # as if killed: nothing put back
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT 1 FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    raw.close()

    again = Store.open(path, desk="D01")
    assert schema_objects(again) == before
    assert again.meta(META_KEY) is None
    assert found(again, "打不着火") == ["c1"]


def test_a_failing_load_still_puts_the_indexes_back() -> None:
    store = Store.open(":memory:", desk="D01", create=True)
    before = schema_objects(store)
    with pytest.raises(RuntimeError), bulk_load(store):
        raise RuntimeError("interrupted")
    assert schema_objects(store) == before


def test_the_load_writes_through_the_rollback_journal_only_when_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path, desk="D01", create=True)
    mode = "PRAGMA journal_mode"
    with bulk_load(store):
        assert store.conn.execute(mode).fetchone()[0] == "delete"
    assert store.conn.execute(mode).fetchone()[0] == "wal"

    other = Store.open(path, desk="D01")  # an app open on the same file
    other.query("SELECT count(*) FROM calls")
    with bulk_load(store):
        assert store.conn.execute(mode).fetchone()[0] == "wal"
        load_new_entities(store, [call_op(1, "电视黑屏")])
    assert other.scalar("SELECT count(*) FROM calls") == 1
    assert store.conn.execute(mode).fetchone()[0] == "wal"


def test_indexes_named_to_keep_stay_live_during_the_load(tmp_path: Path) -> None:
    """A loader that fills an index in its own order (the seed: calls in order of their start)
    keeps it up to date instead of sorting it at the end."""
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    before = schema_objects(store)
    with bulk_load(store, keep={"calls_started", "ops_desk_seq"}):
        left = {name for _, name, _ in schema_objects(store)}
        assert {"calls_started", "ops_desk_seq"} <= left
        assert not left & {"ops_entity", "ops_hlc", "calls_number", "calls_fts_insert"}
        load_new_entities(store, [call_op(1, "洗衣机脱水时噪音很大"), call_op(2, "冰箱不制冷")])
        assert store.conn.execute(
            "SELECT id FROM calls INDEXED BY calls_started ORDER BY started_at").fetchall()
    assert schema_objects(store) == before
    assert found(store, "不制冷") == ["c2"]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_search_index_keeps_its_own_buffer_setting_after_a_load(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    store.conn.execute("INSERT INTO calls_fts(calls_fts, rank) VALUES ('hashsize', 4194304)")
    with bulk_load(store):
        load_new_entities(store, [call_op(1, "电视黑屏")])
    assert store.scalar("SELECT v FROM calls_fts_config WHERE k = 'hashsize'") == 4194304
    assert found(store, "电视黑屏") == ["c1"]
