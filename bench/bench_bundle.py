"""Bundle export and import of about 100,000 ops against a raw `executemany` of the same rows
(DESIGN.md section 6: target >= 50 % of that rate, same run).

The ops are two desks' traffic as the services write it (`bench/desk_traffic.py`: whole call
lives, about 15 ops per call: creations, transfers and their results, callbacks, satisfaction,
closing, notes, each later step one op per changed field), so the mix is what desks send.

- baseline: the same op rows, `executemany` into an `ops` table with the same primary key,
  indexes and pragmas (WAL, synchronous=FULL), one transaction; the no-index insert is shown as
  the absolute ceiling;
- export: `hotline export --full` end to end: keyset read, JSON lines, gzip, AES-GCM, write,
  fsync, read back and compare;
- import: `hotline import` end to end into an empty store (a desk joining its site): read,
  verify everything, apply in one transaction, materialise the state (calls, customers,
  transfers… with their indexes and the trigram search index) and record the peer. A bundle
  this large into a store holding fewer ops is loaded as `hotline seed` loads, the indexes
  built once at the end (`store.batch.BULK_OPS`), inside the import's one transaction;
- import, indexes kept up to date (shown, no target): the same import with that bulk path
  switched off, which is what a store holding more ops than the bundle does;
- re-import: the same bundle again, every op a duplicate;
- floor of an import (shown, no target): the SQL alone of what an import writes, i.e. the op
  rows plus the materialised state rows (`executemany` into a fresh store, with the state
  tables' indexes and the trigram search index of calls). It bounds what an import that keeps
  its indexes up to date can reach with this schema: at ~15 ops per call, indexing the calls
  for search costs about as much as inserting the ops themselves.

Each timing is the best of `ROUNDS` runs, the runs of all figures taken in turn (machines
here are noisy: compare the ratios, and the load average the baseline's row gives).
Run alone: `.venv/bin/python -m bench bundle`.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OPS = 100_000
TARGET = 0.5
END = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
KEY = bytes(range(32))
ROUNDS = 5
"""Each figure is the best of this many runs, taken in turn with the others."""


def _desk(path: Path, code: str) -> Any:
    from hotline.config import DEFAULT_CONFIG_PATH, load_config
    from hotline.services.desk import Desk
    from hotline.store import Store

    store = Store.open(path, desk=code, create=True)
    return Desk(store=store, config=load_config(DEFAULT_CONFIG_PATH), clock=lambda: END)


def _baseline(rows: list[tuple[Any, ...]], ddl: list[str], path: Path) -> float:
    """Seconds to insert `rows` into a fresh file with the `ops` table made by `ddl`."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    for statement in ddl:
        conn.execute(statement)
    marks = ", ".join("?" * len(rows[0]))
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO ops VALUES ({marks})", rows)
    conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took


def _sql_floor(rows: list[tuple[Any, ...]], tables: dict[str, list[tuple[Any, ...]]],
               path: Path) -> float:
    """Seconds to write the op rows and the state rows `tables` into a fresh store."""
    from hotline.store import Store

    store = Store.open(path, desk="D03", create=True)
    started = time.perf_counter()
    with store.transaction():
        marks = ", ".join("?" * len(rows[0]))
        store.conn.executemany(f"INSERT INTO ops VALUES ({marks})", rows)
        for table, state in tables.items():
            if state:
                store.conn.executemany(
                    f"INSERT INTO {table} VALUES ({', '.join('?' * len(state[0]))})", state)
    took = time.perf_counter() - started
    store.close()
    return took


def measure(folder: Path, n_ops: int = OPS) -> dict[str, Any]:
    """Every figure of this bench, measured in `folder`: each the best of `ROUNDS`, the rounds
    of every figure taken in turn (baseline, import, export… then again), so a change of load
    on the machine during the run weighs on all of them alike."""
    from bench.desk_traffic import traffic
    from hotline.services.sync import export_bundle, import_bundle
    from hotline.store import batch
    from hotline.store.core import load_new_entities
    from hotline.store.oplog import OP_COLUMNS
    from hotline.store.schema import ENTITIES

    source = _desk(folder / "source.db", "D01")
    load_new_entities(source.store, traffic(n_ops))
    store = source.store
    ops = int(store.scalar("SELECT count(*) FROM ops"))
    rows = store.conn.execute(
        f"SELECT {', '.join(OP_COLUMNS)} FROM ops ORDER BY desk, seq").fetchall()
    ddl = [r[0] for r in store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'ops' AND sql IS NOT NULL "
        "ORDER BY type DESC")]  # the table first, then its indexes
    tables = {kind.table: store.conn.execute(f"SELECT * FROM {kind.table}").fetchall()
              for kind in ENTITIES.values()}
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, float("inf")), seconds)

    bundle = folder / "all.hlbundle"
    size = 0
    for i in range(ROUNDS):
        keep("baseline_s", _baseline(rows, ddl, folder / f"baseline-{i}.db"))
        keep("ceiling_s", _baseline(rows, [ddl[0].replace("PRIMARY KEY", "")],
                                    folder / f"ceiling-{i}.db"))
        keep("floor_s", _sql_floor(rows, tables, folder / f"floor-{i}.db"))
        started = time.perf_counter()
        size = export_bundle(source, out=bundle, full=True, key=KEY).bytes
        keep("export_s", time.perf_counter() - started)
        target = _desk(folder / f"target-{i}.db", "D03")
        started = time.perf_counter()
        done = import_bundle(target, bundle, key=KEY)
        keep("import_s", time.perf_counter() - started)
        assert done.applied == ops
        started = time.perf_counter()
        again = import_bundle(target, bundle, key=KEY)
        keep("reimport_s", time.perf_counter() - started)
        assert again.duplicates == ops
        assert target.store.digest() == store.digest()
        target.store.close()
        target = _desk(folder / f"incremental-{i}.db", "D03")
        bulk_ops, batch.BULK_OPS = batch.BULK_OPS, ops + 1
        try:
            started = time.perf_counter()
            import_bundle(target, bundle, key=KEY)
            keep("incremental_s", time.perf_counter() - started)
        finally:
            batch.BULK_OPS = bulk_ops
        assert target.store.digest() == store.digest()
        target.store.close()
        for done_with in folder.glob(f"*-{i}.db*"):
            done_with.unlink()
    store.close()
    return {"ops": ops, "bytes": size, **best}


def run() -> list[dict[str, Any]]:
    from bench.common import load_average

    folder = Path(tempfile.mkdtemp(prefix="hotline-bench-bundle-"))
    load_before = load_average()
    try:
        m = measure(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load = f"load {load_before:.1f} -> {load_average():.1f}"
    ops = m["ops"]
    base_rate = ops / m["baseline_s"]

    def rate_row(name: str, seconds: float, target: float | None) -> dict[str, Any]:
        rate = ops / seconds
        ratio = rate / base_rate
        return {"name": name, "value": round(rate), "unit": "ops/s", "baseline": round(base_rate),
                "ratio": round(ratio, 3),
                "target": f">= {target:.0%} of baseline" if target else "-",
                "pass": (ratio >= target) if target else None}

    return [
        {"name": f"baseline: executemany {ops:,} op rows, same PK+indexes",
         "value": round(base_rate),
         "unit": "rows/s", "target": load, "pass": None},
        {"name": "ceiling: executemany, no PK, no index", "value": round(ops / m["ceiling_s"]),
         "unit": "rows/s", "target": "-", "pass": None},
        rate_row("bundle export (--full, end to end)", m["export_s"], TARGET),
        rate_row("bundle import (empty store, end to end)", m["import_s"], TARGET),
        rate_row("bundle import, indexes kept up to date", m["incremental_s"], None),
        rate_row("bundle re-import (all duplicates)", m["reimport_s"], None),
        rate_row("floor: SQL alone of an import (ops + state rows)", m["floor_s"], None),
        {"name": "bundle size", "value": round(m["bytes"] / ops, 1), "unit": "B/op",
         "target": f"{m['bytes'] / 1e6:.1f} MB for {ops:,} ops", "pass": None},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
