"""A site of 20 desks syncing through a hub (issue 6): time and bundle sizes.

Every desk takes its own calls offline (`bench/desk_traffic.py`, ~15 ops per call), then:
1. each desk exports what its peers lack (everything: it has heard from no one yet);
2. the hub imports the 20 bundles and writes one bundle for everyone ("*");
3. every desk imports the hub's bundle.
At the end every desk must hold the same digest as the hub (checked: the run fails otherwise).
The figures are informational (no DESIGN.md target): total time, the hub's import rate, one
desk's import of the whole site, bundle sizes.

The default is a quick site (`HOTLINE_BENCH_HUB_CALLS`, default 1,000 calls in all); the issue's
scale is 100,000 calls: `HOTLINE_BENCH_HUB_CALLS=100000 .venv/bin/python -m bench sync_hub`
(1.5 million ops; every desk then imports all of them, about 30 s each on the 2-core machine,
so the run takes about a quarter of an hour and 2.5 GB of memory). The 20 desks run one after
the other on one machine; on a real site each imports on its own machine at the same time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DESKS = 20
END = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
KEY = bytes(range(32))


def _desk(path: Path, code: str) -> Any:
    from hotline.config import DEFAULT_CONFIG_PATH, load_config
    from hotline.services.desk import Desk
    from hotline.store import Store

    return Desk(store=Store.open(path, desk=code, create=True),
                config=load_config(DEFAULT_CONFIG_PATH), clock=lambda: END)


def run() -> list[dict[str, Any]]:
    from bench.common import load_average
    from bench.desk_traffic import traffic
    from hotline.services.sync import export_bundle, import_bundle
    from hotline.store.core import load_new_entities

    calls = int(os.environ.get("HOTLINE_BENCH_HUB_CALLS", "1000"))
    folder = Path(tempfile.mkdtemp(prefix="hotline-bench-hub-"))
    try:
        codes = [f"D{n:02d}" for n in range(1, DESKS + 1)]
        desks = [_desk(folder / f"{code}.db", code) for code in codes]
        for n, desk in enumerate(desks):
            load_new_entities(desk.store, traffic(calls // DESKS * 15, desks=(desk.store.desk,),
                                                  seed=n + 1))
        hub = _desk(folder / "hub.db", "H01")
        load_before = load_average()
        started = time.perf_counter()
        up = [export_bundle(d, to_dir=folder, key=KEY) for d in desks]
        exported = time.perf_counter()
        for report in up:
            import_bundle(hub, report.path, key=KEY)
        hub_done = time.perf_counter()
        down = export_bundle(hub, to_dir=folder, key=KEY)
        down_done = time.perf_counter()
        each: list[float] = []
        for desk in desks:
            begun = time.perf_counter()
            import_bundle(desk, down.path, key=KEY)
            each.append(time.perf_counter() - begun)
        finished = time.perf_counter()
        load_after = load_average()
        digest = hub.store.digest()
        converged = sum(d.store.digest() == digest for d in desks)
        assert converged == DESKS, f"only {converged} of {DESKS} desks hold the hub's digest"
        ops = int(hub.store.scalar("SELECT count(*) FROM ops"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    up_bytes = sum(r.bytes for r in up)
    up_ops = sum(r.ops for r in up)
    load = f"load {load_before:.1f} -> {load_after:.1f}"
    return [
        {"name": f"hub site: {DESKS} desks, {calls:,} calls, {ops:,} ops, "
                 f"{converged} desks' digests = hub's",
         "value": round(finished - started, 1), "unit": "s", "target": load, "pass": None},
        {"name": f"hub site: desks export ({DESKS} bundles)", "value": round(exported - started, 2),
         "unit": "s", "target": f"{up_bytes / 1e6:.1f} MB in all, {up_bytes / up_ops:.0f} B/op",
         "pass": None},
        {"name": f"hub site: hub imports the {DESKS} bundles",
         "value": round(ops / (hub_done - exported)), "unit": "ops/s",
         "target": f"{hub_done - exported:.1f} s", "pass": None},
        {"name": "hub site: the hub's bundle for every desk", "value": round(down.bytes / 1e6, 2),
         "unit": "MB", "target": f"{down.ops:,} ops, {down.bytes / max(down.ops, 1):.0f} B/op, "
                                 f"written in {down_done - hub_done:.1f} s", "pass": None},
        {"name": "hub site: one desk imports the hub's bundle (median)",
         "value": round(statistics.median(each), 1), "unit": "s",
         "target": f"{down.ops / statistics.median(each):,.0f} ops/s; slowest {max(each):.1f} s",
         "pass": None},
        {"name": f"hub site: {DESKS} desks import the hub's bundle, one after another",
         "value": round(finished - down_done, 1), "unit": "s", "target": "-", "pass": None},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
