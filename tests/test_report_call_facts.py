"""`call_facts`, the report's per-call facts kept by triggers, equals a computation from scratch
(in Python, from the calls, transfers and callbacks) on every way records reach a store: the
services, `Store.write` edits of each input, `Store.apply`, bundle import (both paths),
`rebuild`, the migration that fills an existing store, a bulk load and its repair after a kill;
and the report made from each of those stores is the same."""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bench.desk_traffic import traffic
from hotline.config import Config
from hotline.services.desk import Desk
from hotline.services.reports import monthly_report
from hotline.store import Op, Store, batch
from hotline.store import call_facts as facts
from hotline.store.batch import apply_batch
from hotline.store.bulk_load import drop_indexes
from hotline.store.core import load_new_entities
from hotline.store.migration_set import MIGRATIONS_TABLE
from hotline.store.oplog import OP_COLUMNS
from tests import report_data
from tests.conftest import FROZEN

Row = tuple[Any, ...]


def _seconds(text: str | None) -> int | None:
    """SQLite's `unixepoch(text)` for the stored UTC times."""
    if text is None:
        return None
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def expected(store: Store) -> set[Row]:
    """The facts computed by hand from the records (`call_facts` says what each one is)."""
    calls = {r["id"]: r for r in store.query("SELECT id, started_at, training FROM calls")}
    transfers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in store.query("SELECT call_id, result_at, sent_at FROM transfers"):
        transfers[t["call_id"]].append(t)
    reached: dict[str, list[str]] = defaultdict(list)
    for f in store.query("SELECT call_id, done_at FROM followups WHERE reached = 1"):
        if f["done_at"] is not None:
            reached[f["call_id"]].append(f["done_at"])
    out = set()
    for call_id, ts in transfers.items():
        call = calls.get(call_id)
        if call is None or call["started_at"] is None:
            continue
        first = min("~" if t["result_at"] is None else t["result_at"] for t in ts)
        told = min((d for d in reached[call_id] if d >= first), default=None) \
            if first < "~" else None
        spans = [_seconds(t["result_at"]) - _seconds(t["sent_at"])  # type: ignore[operator]
                 for t in ts
                 if _seconds(t["result_at"]) is not None and _seconds(t["sent_at"]) is not None]
        out.add((call["started_at"], call_id, call["training"], first, told,
                 sum(spans) if spans else None, len(spans)))
    return out


def stored(store: Store) -> set[Row]:
    rows = store.conn.execute(f"SELECT {', '.join(facts.COLUMNS)} FROM call_facts").fetchall()
    assert len(rows) == len(set(rows))
    return set(rows)


def check(store: Store) -> set[Row]:
    """The table equals the hand computation (and `mismatches` agrees); the rows."""
    rows = stored(store)
    assert rows == expected(store)
    assert facts.mismatches(store.conn) == []
    return rows


def all_ops(store: Store) -> list[Op]:
    return [Op.from_row(r) for r in store.conn.execute(
        f"SELECT {', '.join(OP_COLUMNS)} FROM ops ORDER BY hlc, op_id")]


def desk_on(store: Store, config: Config) -> Desk:
    return Desk(store=store, config=config, agent="S01", role="supervisor", clock=lambda: FROZEN)


def test_the_services_keep_the_facts(desk: Desk) -> None:
    report_data.build(desk)
    rows = check(desk.store)
    assert any(r[4] is not None for r in rows)  # a callback told a result
    assert any(r[5] is not None for r in rows)  # a department answered


def test_every_edit_of_an_input_moves_the_facts(desk: Desk) -> None:
    report_data.build(desk)
    store = desk.store
    followup = store.query(
        "SELECT f.id, f.call_id FROM followups f JOIN transfers t ON t.call_id = f.call_id"
        " WHERE f.reached = 1 AND t.result_at < '2026-11-01' ORDER BY f.id")[0]
    transfer = store.query("SELECT id, call_id FROM transfers WHERE result_at IS NOT NULL"
                           " AND call_id != ? ORDER BY id", (followup["call_id"],))[0]
    other = store.query("SELECT id FROM calls WHERE id NOT IN (SELECT call_id FROM transfers)"
                        " ORDER BY id")
    edits: list[tuple[str, str, dict[str, Any]]] = [
        ("transfer", transfer["id"], {"result_at": "2026-10-20T01:00:00Z"}),
        ("transfer", transfer["id"], {"result_at": None}),
        ("transfer", transfer["id"], {"sent_at": "2026-10-19T01:00:00Z",
                                      "result_at": "2026-10-21T01:00:00Z"}),
        ("transfer", transfer["id"], {"call_id": other[0]["id"]}),
        ("followup", followup["id"], {"reached": 0}),
        ("followup", followup["id"], {"reached": 1, "done_at": "2026-12-01T00:00:00Z"}),
        ("followup", followup["id"], {"done_at": "2026-11-20T00:00:00Z"}),
        ("followup", followup["id"], {"call_id": other[0]["id"]}),
        ("call", other[0]["id"], {"started_at": "2026-09-01T00:00:00Z"}),
        ("call", other[0]["id"], {"training": 1}),
        ("call", other[0]["id"], {"started_at": None}),
        ("call", other[0]["id"], {"started_at": "2026-10-02T00:00:00Z", "training": 0}),
        ("transfer", "T-new", {"call_id": other[1]["id"], "department": "tech_support",
                               "sent_at": "2026-10-03T00:00:00Z"}),
        ("transfer", "T-new", {"result_at": "2026-10-03T05:00:00Z"}),
        ("followup", "F-new", {"call_id": other[1]["id"], "reached": 1,
                               "done_at": "2026-10-04T00:00:00Z"}),
        # A transfer whose call this store has not seen yet: the call's arrival adds the row.
        ("transfer", "T-early", {"call_id": "C-late", "sent_at": "2026-10-05T00:00:00Z",
                                 "result_at": "2026-10-05T01:00:00Z"}),
        ("call", "C-late", {"started_at": "2026-10-04T23:00:00Z", "agent": "A01"}),
    ]
    seen = [stored(store)]
    for entity, entity_id, values in edits:
        store.write("S01", entity, entity_id, values)
        seen.append(check(store))
        if entity_id != "T-early":  # (no row until its call arrives)
            assert seen[-1] != seen[-2], (entity, values)  # each edit changed a fact
    assert any(r[1] == "C-late" for r in stored(store))


@pytest.fixture
def source(desk: Desk) -> Desk:
    """The report's test store plus a day of desk traffic from two other desks."""
    report_data.build(desk)
    desk.store.apply(traffic(3_000, desks=("D02", "D03")))
    check(desk.store)
    return desk


def test_every_import_path_gives_the_same_facts_and_report(
        source: Desk, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ops = all_ops(source.store)
    rows = stored(source.store)
    report = monthly_report(source, "2026-10")
    shuffled = random.Random(8).sample(ops, len(ops))

    applied = Store.open(":memory:", desk="D08")
    for i in range(0, len(shuffled), 400):
        applied.apply(shuffled[i : i + 400])

    monkeypatch.setattr(batch, "BULK_OPS", 10**9)
    in_pieces = Store.open(tmp_path / "pieces.db", desk="D08", create=True)
    apply_batch(in_pieces, shuffled[: len(ops) // 3])
    apply_batch(in_pieces, shuffled[len(ops) // 3 :])

    monkeypatch.setattr(batch, "BULK_OPS", 1)
    bulk = Store.open(tmp_path / "bulk.db", desk="D08", create=True)
    apply_batch(bulk, shuffled)

    for store in (applied, in_pieces, bulk):
        assert check(store) == rows
        assert monthly_report(desk_on(store, config), "2026-10") == report

    bulk.rebuild()
    assert check(bulk) == rows
    assert monthly_report(desk_on(bulk, config), "2026-10") == report


def test_the_migration_fills_a_store_made_before_it(
        source: Desk, config: Config, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Store.open(path, desk="D01", create=True)
    apply_batch(old, all_ops(source.store))
    rows = check(old)
    report = monthly_report(desk_on(old, config), "2026-10")
    # Back to the schema before m010.
    for (name,) in old.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                    " AND name LIKE 'call_facts%'").fetchall():
        old.conn.execute(f"DROP TRIGGER {name}")
    old.conn.execute("DROP TABLE call_facts")
    old.conn.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = 'm010_call_facts'")
    old.close()

    again = Store.open(path, desk="D01")
    assert check(again) == rows
    assert monthly_report(desk_on(again, config), "2026-10") == report


def test_a_bulk_load_and_its_repair_after_a_kill_fill_the_facts(
        source: Desk, tmp_path: Path) -> None:
    ops = all_ops(source.store)
    rows = stored(source.store)
    path = tmp_path / "killed.db"
    store = Store.open(path, desk="D08", create=True)
    drop_indexes(store)  # the triggers go with the indexes
    load_new_entities(store, ops)
    assert stored(store) == set()
    store.close()  # killed before the indexes were put back

    again = Store.open(path, desk="D08")
    assert check(again) == rows
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                       " AND name LIKE 'call_facts%'").fetchone()[0] == 11
    raw.close()


def test_seed_into_an_empty_store_fills_the_facts(config: Config, tmp_path: Path) -> None:
    from hotline.services.seed import seed_store

    store = Store.open(tmp_path / "seeded.db", desk="D01", create=True)
    seed_store(desk_on(store, config), calls=300, days=60)
    rows = check(store)
    assert len(rows) > 50


def test_doctor_tells_when_the_facts_are_out_of_step(desk: Desk) -> None:
    from hotline.services.doctor import run_checks

    report_data.build(desk)
    checks = {c["name"]: c for c in run_checks(desk)}
    assert checks["report-facts"]["ok"] is True
    desk.store.conn.execute("UPDATE call_facts SET told_at = NULL")
    checks = {c["name"]: c for c in run_checks(desk)}
    assert checks["report-facts"]["ok"] is False
