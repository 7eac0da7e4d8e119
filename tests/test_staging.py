"""Stages: new records written by a maker into a scratch file, numbered and copied in by SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hotline.store import Store
from hotline.store.core import created_row
from hotline.store.oplog import CREATE, Op
from hotline.store.plain_json import plain_bytes, plain_text
from hotline.store.staging import EMPTY_NUMBER, Group, copy_stages, write_stage


def call_value(description: str) -> dict[str, object]:
    return {"status": "new", "number": "", "phone": "+8613800000000", "customer_name": "王先生",
            "description": description, "started_at": "2026-11-25T02:00:00Z", "training": 0,
            "confirmations": {"phone": {"by": "A01", "value": "13800000000"}}}


def stage_of(path: Path, groups: list[list[tuple[str, str, str, object]]]) -> Path:
    """A stage holding `groups` of create ops (op id, entity, entity id, value), places
    counted from 1 across the groups, as a maker writes them."""
    op_rows, state = [], {}
    i = 0
    for g, group in enumerate(groups):
        for op_id, entity, entity_id, value in group:
            i += 1
            # As a seed's lanes write them: the JSON as UTF-8 bytes, stored as text by the copy.
            op_rows.append((i, g, op_id, 100 + i, "D01", "A01", entity, entity_id, CREATE,
                            plain_bytes(value), "[]"))
            state.setdefault(entity, []).append(
                created_row(entity, entity_id, value, plain_text, (g,)))
    write_stage(path, op_rows, state)
    return path


def test_the_writer_numbers_ops_and_calls_while_copying(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    before = store.scalar("SELECT max(seq) FROM ops WHERE desk = 'D01'") or 0
    one = stage_of(tmp_path / "one.db", [
        [("o1", "customer", "k1", {"name": "王先生", "phone": "+8613800000000"}),
         ("o2", "call", "c1", call_value("洗衣机脱水时噪音很大"))],
        [("o3", "call", "c2", call_value("冰箱不制冷"))],
    ])
    two = stage_of(tmp_path / "two.db", [[("o4", "note", "n1", {"call_id": "c1", "text": "好"})]])
    # Groups in the order a writer interleaves two lanes: one's 0, two's 0, one's 1.
    copy_stages(store, [
        (one, [Group(0, before, "D01-20261125-0001"), Group(1, before + 1, "D01-20261125-0002")]),
        (two, [Group(0, before + 2)]),
    ], newest=104)
    seqs = {r["op_id"]: r["seq"] for r in store.query("SELECT op_id, seq FROM ops")}
    assert [seqs[o] for o in ("o1", "o2", "o4", "o3")] == [before + n for n in (1, 2, 3, 4)]
    assert store.get("call", "c1")["number"] == "D01-20261125-0001"  # type: ignore[index]
    assert store.get("call", "c2")["number"] == "D01-20261125-0002"  # type: ignore[index]
    created = Op.from_row(store.query("SELECT * FROM ops WHERE op_id = 'o3'")[0])
    assert created.value["number"] == "D01-20261125-0002"
    assert EMPTY_NUMBER not in str(store.scalar("SELECT group_concat(value) FROM ops"))
    assert store.scalar("SELECT count(*) FROM ops WHERE typeof(value) != 'text'") == 0
    assert store.get("note", "n1")["text"] == "好"  # type: ignore[index]
    # The state is what the op log gives, and the search trigger saw the calls.
    digest = store.digest()
    store.rebuild()
    assert store.digest() == digest
    assert store.scalar("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH '不制冷'") == 1
    assert store.last_hlc() >= 104
    # Nothing of the stages stays attached.
    assert [r[1] for r in store.conn.execute("PRAGMA database_list")] == ["main"]


def test_a_record_the_store_has_is_refused_and_nothing_is_copied(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    first = stage_of(tmp_path / "a.db", [[("o1", "call", "c1", call_value("电视黑屏"))]])
    copy_stages(store, [(first, [Group(0, 10, "D01-20261125-0001")])], newest=1)
    digest, ops = store.digest(), store.scalar("SELECT count(*) FROM ops")
    again = stage_of(tmp_path / "b.db", [
        [("o7", "note", "n9", {"call_id": "c1", "text": "x"})],
        [("o8", "call", "c1", call_value("电视黑屏"))],
    ])
    with pytest.raises(ValueError, match="entity c1 already has ops"):
        copy_stages(store, [(again, [Group(0, 20), Group(1, 20, "D01-20261125-0002")])],
                    newest=2)
    assert store.digest() == digest
    assert store.scalar("SELECT count(*) FROM ops") == ops
    assert [r[1] for r in store.conn.execute("PRAGMA database_list")] == ["main"]


def test_a_bulk_load_by_stages_leaves_the_store_checkpointable(tmp_path: Path) -> None:
    """A temporary table on the store's connection, made while the bulk load had the rollback
    journal, kept `PRAGMA wal_checkpoint` from running afterwards ("database table is locked"):
    the writer's numbers go into the stage instead."""
    from hotline.store.bulk_load import bulk_load

    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    stage = stage_of(tmp_path / "a.db", [[("o1", "call", "c1", call_value("电视黑屏"))]])
    with bulk_load(store):
        copy_stages(store, [(stage, [Group(0, 0, "D01-20261125-0001")])], newest=1,
                    checked=False)
    assert store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    assert store.scalar("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH '电视黑'") == 1


def test_copying_inside_a_transaction_is_refused_and_leaves_nothing_attached(
        tmp_path: Path) -> None:
    """SQLite cannot detach a file a transaction has read: a caller's transaction would end
    with the stage still attached."""
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    stage = stage_of(tmp_path / "a.db", [[("o1", "call", "c1", call_value("电视黑屏"))]])
    with store.transaction(), pytest.raises(RuntimeError, match="own transaction"):
        copy_stages(store, [(stage, [Group(0, 0, "D01-20261125-0001")])], newest=1)
    assert [r[1] for r in store.conn.execute("PRAGMA database_list")] == ["main"]
    assert store.get("call", "c1") is None
    # And the stage still copies afterwards.
    copy_stages(store, [(stage, [Group(0, 0, "D01-20261125-0001")])], newest=1)
    assert store.get("call", "c1")["number"] == "D01-20261125-0001"  # type: ignore[index]


def test_a_failed_copy_detaches_its_stages_and_copies_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db", desk="D01", create=True)
    one = stage_of(tmp_path / "a.db", [[("o1", "call", "c1", call_value("电视黑屏"))]])
    # The same op id again, for another record: the op log's primary key refuses it.
    two = stage_of(tmp_path / "b.db", [[("o1", "note", "n1", {"call_id": "c1", "text": "x"})]])
    with pytest.raises(sqlite3.IntegrityError):
        copy_stages(store, [(one, [Group(0, 0, "D01-20261125-0001")]), (two, [Group(0, 1)])],
                    newest=1, checked=False)
    assert [r[1] for r in store.conn.execute("PRAGMA database_list")] == ["main"]
    assert store.get("call", "c1") is None
    assert store.scalar("SELECT count(*) FROM ops WHERE op_id = 'o1'") == 0
