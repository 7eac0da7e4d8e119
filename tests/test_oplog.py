"""The op log: every write produces ops; state equals replaying the ops into an empty store."""

from __future__ import annotations

import pytest

from hotline.store import Store
from hotline.store.oplog import CREATE, merge_field


def test_creating_an_entity_is_one_op_with_every_field(store: Store) -> None:
    ops = store.write("A01", "customer", "c1", {"phone": "+8613800138000", "name": "张三"})
    assert len(ops) == 1
    assert ops[0].field == CREATE and ops[0].value["name"] == "张三" and ops[0].prev == ()
    assert store.scalar("SELECT count(*) FROM ops") == 1


def test_an_edit_lists_the_op_it_overwrites(store: Store) -> None:
    [create] = store.write("A01", "customer", "c1", {"phone": "+8613800138000", "name": "张三"})
    [edit] = store.write("A01", "customer", "c1", {"name": "张三丰", "phone": "+8613800138000"})
    assert edit.field == "name" and edit.prev == (create.op_id,)
    assert store.get("customer", "c1")["name"] == "张三丰"


def test_an_unchanged_write_records_nothing(store: Store) -> None:
    store.write("A01", "customer", "c1", {"name": "张三"})
    assert store.write("A01", "customer", "c1", {"name": "张三"}) == []


def test_clearing_a_field_never_set_records_nothing(store: Store) -> None:
    store.write("A01", "call", "c1", {"status": "transferred"})
    assert store.write("A01", "call", "c1", {"callback_due_at": None}) == []
    assert store.scalar("SELECT count(*) FROM ops WHERE entity_id = 'c1'") == 1
    written = store.write("A01", "call", "c1", {"callback_due_at": "2026-03-11T08:00:00Z"})
    assert [op.field for op in written] == ["callback_due_at"]
    cleared = store.write("A01", "call", "c1", {"callback_due_at": None})
    assert [(op.field, op.value) for op in cleared] == [("callback_due_at", None)]


def test_ops_carry_desk_agent_sequence_and_increasing_hlc(store: Store) -> None:
    a = store.write("A01", "customer", "c1", {"name": "a"})[0]
    b = store.write("A02", "customer", "c1", {"name": "b"})[0]
    assert (a.desk, a.agent, a.seq) == ("D01", "A01", 1)
    assert (b.agent, b.seq) == ("A02", 2)
    assert b.hlc > a.hlc


def test_control_characters_are_stripped_on_the_way_in(store: Store) -> None:
    store.write("A01", "customer", "c1", {"name": "evil\x1b]0;PWNED\x07\x9bname\ttab"})
    assert store.get("customer", "c1")["name"] == "evil]0;PWNEDname\ttab"


def test_unknown_fields_are_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        store.write("A01", "customer", "c1", {"shoe_size": 42})


def test_notes_are_append_only(store: Store) -> None:
    store.write("A01", "note", "n1", {"call_id": "x", "text": "hello"})
    with pytest.raises(ValueError):
        store.write("A01", "note", "n1", {"text": "changed"})


def test_a_failed_write_leaves_nothing_behind(store: Store) -> None:
    before = store.digest()
    with pytest.raises(RuntimeError), store.transaction():
        store.write("A01", "customer", "c1", {"name": "x"})
        raise RuntimeError("crash mid-save")
    assert store.digest() == before
    assert store.scalar("SELECT count(*) FROM ops") == 0


def test_state_equals_a_replay_of_the_ops_into_an_empty_store(store: Store) -> None:
    store.write("A01", "customer", "c1", {"phone": "+8613800138000", "name": "张三"})
    store.write("A01", "call", "k1", {"number": "D01-20261126-0001", "status": "resolved",
                                       "symptom": "不制冷", "confirmations": {"phone": {}}})
    store.write("A02", "call", "k1", {"status": "closed", "satisfaction": 5})
    store.write("A02", "customer", "c1", {"name": "张三丰"})
    replica = Store.open(":memory:", desk="D02")
    ops = [op for op_id in store.query("SELECT op_id FROM ops")
           for op in store.ops_of(store.query("SELECT entity_id FROM ops WHERE op_id = ?",
                                              (op_id["op_id"],))[0]["entity_id"])
           if op.op_id == op_id["op_id"]]
    replica.apply(reversed(ops))
    assert replica.digest() == store.digest()
    digest = store.digest()
    store.rebuild()
    assert store.digest() == digest


def _all_ops(store: Store):
    from hotline.store.oplog import OP_COLUMNS, Op

    return [Op.from_row(r) for r in store.conn.execute(f"SELECT {', '.join(OP_COLUMNS)} FROM ops")]


def test_reapplying_ops_changes_nothing(store: Store) -> None:
    store.write("A01", "customer", "c1", {"name": "张三"})
    ops = _all_ops(store)
    digest = store.digest()
    result = store.apply(ops)
    assert (result.applied, result.duplicates) == (0, len(ops))
    assert store.digest() == digest


def test_concurrent_key_field_edits_become_a_conflict_and_a_later_write_resolves_it() -> None:
    d1, d2 = Store.open(":memory:", desk="D01"), Store.open(":memory:", desk="D02")
    d1.write("A01", "call", "k1", {"status": "transferred", "symptom": "漏水"})
    d2.apply(_all_ops(d1))
    d1.write("A01", "call", "k1", {"status": "awaiting_callback", "symptom": "漏水严重"})
    d2.write("B01", "call", "k1", {"status": "closed", "description": "note"})
    d1.apply(_all_ops(d2))
    d2.apply(_all_ops(d1))
    assert d1.digest() == d2.digest()
    fields = {r["field"] for r in d1.query("SELECT field FROM conflicts")}
    assert fields == {"status"}  # symptom was edited on one desk only
    # a supervisor's choice lists both heads and clears the conflict everywhere
    [resolution] = d1.write("S01", "call", "k1", {"status": "closed"})
    assert len(resolution.prev) == 2
    d2.apply(_all_ops(d1))
    assert d1.scalar("SELECT count(*) FROM conflicts") == 0
    assert d1.digest() == d2.digest()


def test_the_causally_later_edit_wins_even_from_a_slow_clock() -> None:
    fast, slow = Store.open(":memory:", desk="D01"), Store.open(":memory:", desk="D02")
    fast.clock = lambda: 2_000_000_000_000
    slow.clock = lambda: 1_000_000_000_000
    fast.write("A01", "customer", "c1", {"name": "old"})
    slow.apply(_all_ops(fast))
    slow.write("B01", "customer", "c1", {"name": "new"})  # saw "old", so it supersedes it
    fast.apply(_all_ops(slow))
    assert fast.get("customer", "c1")["name"] == "new"


def test_merge_field_picks_the_largest_hlc_among_heads() -> None:
    from hotline.store.oplog import Op

    a = Op("01A", 5, "D01", 1, None, "customer", "c", CREATE, {"name": "a"})
    b = Op("01B", 7, "D02", 1, None, "customer", "c", CREATE, {"name": "b"})
    state = merge_field([a, b], "name")
    assert state.value == "b" and len(state.heads) == 2
