"""The store's bulk path for new records (`hotline seed`): the slow path's rows, faster."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from hotline.store import Store
from hotline.store.bulk_load import BULK_CACHE_KIB
from hotline.store.core import (
    insert_new_entities,
    load_new_entities,
    new_entity_rows,
)
from hotline.store.oplog import CREATE, Op, dumps, value_text
from hotline.store.plain_json import plain_bytes, plain_text


def canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize("value", [
    "", "王先生", 'a "quoted" \\ line\n\ttab \x00 \u2028', 0, -7, 2**62, None, True, False, 1.5,
    {}, [], {"b": 1, "a": [1, "二", None]}, ["x"], {"z": {"y": {}, "x": []}},
])
def test_value_text_and_dumps_write_canonical_json(value: object) -> None:
    assert value_text(value) == canonical(value)
    assert dumps(value) == canonical(value)
    assert plain_text(value) == canonical(value)
    assert plain_bytes(value) == canonical(value).encode()


def test_op_row_is_the_op_as_stored() -> None:
    op = Op("01J0", 5, "D01", 3, None, "call", "c1", "status", "closed", ("01H1", "01H0"))
    assert op.row() == ("01J0", 5, "D01", 3, None, "call", "c1", "status", '"closed"',
                        '["01H1","01H0"]')
    assert Op.from_row(op.row()) == op
    assert Op("1", 1, "D01", 1, "A01", "note", "n1", CREATE, {"text": "好"}).row()[8:] == (
        '{"text":"好"}', "[]")


def random_ops(rng: random.Random, entity_id: str) -> list[Op]:
    """A call made by one create op, then edited by two desks that sometimes did not see each
    other's edits (concurrent heads), as a bundle may hold them."""
    ops = [Op(f"{entity_id}-0", 10, "D01", 1, "A01", "call", entity_id, CREATE,
              {"status": "transferred", "priority": "normal", "phone": "+8613800000000",
               "confirmations": {"phone": {"value": "13800000000"}}, "escalated": 0})]
    seen: dict[str, list[str]] = {}
    for i in range(1, rng.randrange(1, 8)):
        name = rng.choice(["status", "priority", "department", "satisfaction", "escalated"])
        value = rng.choice(["closed", "reopened", "urgent", 4, True, None, "quality"])
        heads = seen.get(name, [f"{entity_id}-0"])
        prev = tuple(heads if rng.random() < 0.7 else heads[:1])
        op = Op(f"{entity_id}-{i}", rng.randrange(11, 40), rng.choice(["D01", "D02"]), i + 1,
                "A01", "call", entity_id, name, value, prev if rng.random() < 0.9 else ())
        seen[name] = [op.op_id]
        ops.append(op)
    return ops


def test_bulk_rows_are_what_the_merge_rule_gives() -> None:
    """Records loaded in bulk have the state `Store.apply` (then `rebuild`) gives them."""
    rng = random.Random(3)
    seq: dict[str, int] = {}
    ops = []
    for op in (op for i in range(300) for op in random_ops(rng, f"call{i:03d}")):
        seq[op.desk] = seq.get(op.desk, 0) + 1
        ops.append(replace(op, seq=seq[op.desk]))
    bulk = Store.open(":memory:", desk="D09", create=True)
    load_new_entities(bulk, ops)
    slow = Store.open(":memory:", desk="D09", create=True)
    slow.apply(ops)
    slow.conn.execute("DELETE FROM conflicts")  # the bulk path is for records of one writer
    assert bulk.digest() == slow.digest()
    bulk.rebuild()
    bulk.conn.execute("DELETE FROM conflicts")
    assert bulk.digest() == slow.digest()


def test_a_record_with_ops_already_is_refused_and_nothing_written() -> None:
    store = Store.open(":memory:", desk="D01", create=True)
    store.write("A01", "call", "c1", {"status": "resolved"})
    before = store.digest()
    made = new_entity_rows([Op("x", 99, "D02", 1, "A01", "call", "c2", CREATE, {"status": "new"}),
                            Op("y", 99, "D02", 2, "A01", "call", "c1", CREATE, {"status": "new"})])
    with pytest.raises(ValueError, match="c1"):
        insert_new_entities(store, made)
    assert store.digest() == before
    assert store.scalar("SELECT count(*) FROM ops WHERE desk = 'D02'") == 0


def test_calls_loaded_in_bulk_are_found_by_full_text_search() -> None:
    """Calls go in through a temporary table in one statement (the FTS trigger still fires)."""
    store = Store.open(":memory:", desk="D01", create=True)
    symptoms = ["空调不制冷", "冰箱漏水", "洗衣机不排水"]
    ops = [Op(f"op{i}", 10 + i, "D01", i + 1, "A01", "call", f"call{i:03d}", CREATE,
              {"number": f"D01-20260311-{i + 1:04d}", "symptom": symptoms[i % 3],
               "description": f"客户反映{symptoms[i % 3]}", "customer_name": "王先生"})
           for i in range(30)]
    load_new_entities(store, ops)
    found = store.query("SELECT rowid FROM calls_fts WHERE calls_fts MATCH '\"不制冷\"'")
    assert len(found) == 10
    store.conn.execute("INSERT INTO calls_fts(calls_fts, rank) VALUES('integrity-check', 1)")
    assert store.scalar("SELECT count(*) FROM temp.sqlite_master") == 0


def test_the_larger_page_cache_lasts_only_the_load() -> None:
    store = Store.open(":memory:", desk="D01", create=True)
    store.conn.execute("PRAGMA cache_size = -3000")
    seen: list[int] = []
    original = store.transaction

    def spying() -> object:
        seen.append(store.conn.execute("PRAGMA cache_size").fetchone()[0])
        return original()

    store.transaction = spying  # type: ignore[method-assign]
    load_new_entities(store, [Op("o", 1, "D01", 1, "A01", "note", "n1", CREATE, {"text": "x"})])
    assert seen == [-BULK_CACHE_KIB]
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -3000
