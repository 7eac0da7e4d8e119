"""The big benchmark store (DESIGN.md section 6: 1,000,000 calls, 300,000 customers), built once.

Seeding a million calls takes minutes, so every bench shares one copy under `bench/.cache/`
(gitignored), and the time the build took is kept beside it (`store-N-HASH.json`) for the
`hotline seed` figure. The file name carries a hash of the generator's source: a store made by an
older `hotline seed` is still used (its figures are as good, and rebuilding costs minutes each
time the generator is touched), with a note; `HOTLINE_BENCH_REBUILD=1` makes a fresh one. Schema
changes need no rebuild: `Store.open` applies new migrations to the cached file.

Two bench processes may want the same store at once: one builds (into `….building-PID`, renamed
when complete, so a half-built store is never trusted) and the other waits for it.

The data ends at a fixed moment (`END`), so month-based figures (the monthly report) look at
the same calls run after run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from hotline.services.demo import DEMO_AGENTS

HERE = Path(__file__).parent
CACHE = Path(os.environ.get("HOTLINE_BENCH_CACHE", HERE / ".cache"))

END = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
""""Now" of the seeded data: Wednesday 25 November 2026, 10:30 in Shanghai."""
DESKS = ("D01", "D02")
SEED = 1
AGENTS = DEMO_AGENTS
"""The demo's agents (codes the seed uses by default), so reports show names."""


_NOTED: set[Path] = set()
_REBUILT: set[Path] = set()
"""Stores this run has built or used (HOTLINE_BENCH_REBUILD builds each once)."""


def _source_hash() -> str:
    import hotline.services.seed as seed
    import hotline.services.seed_data as seed_data

    digest = hashlib.sha256()
    for module in (seed, seed_data):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:10]


def big_store(calls: int = 1_000_000) -> Path:
    """The path of a seeded store of `calls` calls (desks D01 and D02), built if missing.

    Open it with `Store.open(path, desk="D01")`.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"store-{calls}-{_source_hash()}.db"
    rebuild = os.environ.get("HOTLINE_BENCH_REBUILD") == "1"
    if rebuild and path.exists() and path not in _REBUILT:
        path.unlink()  # asked for a fresh one: once per run, not once per bench
        path.with_suffix(".json").unlink(missing_ok=True)
    while True:
        if path.exists():
            _REBUILT.add(path)
            return path
        built = sorted(CACHE.glob(f"store-{calls}-*.db"), key=lambda p: p.stat().st_mtime)
        if built and not rebuild:
            if built[-1] not in _NOTED:
                _NOTED.add(built[-1])
                print(f"   note: {built[-1].name} was seeded by an older `hotline seed`; "
                      "HOTLINE_BENCH_REBUILD=1 makes a fresh one", flush=True)
            return built[-1]
        if not _wait_for_other_build(calls):
            break
    _build(path, calls)
    _REBUILT.add(path)
    for old in CACHE.glob(f"store-{calls}-*.db"):
        if old != path:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
    return path


def build_record(path: Path) -> dict[str, object] | None:
    """What building the store at `path` took (None when it was built elsewhere or before
    records were kept)."""
    record = path.with_suffix(".json")
    if not record.exists():
        return None
    return dict(json.loads(record.read_text(encoding="utf-8")))


def _wait_for_other_build(calls: int) -> bool:
    """Wait while another live process builds a store of this size; True if one did."""
    waited = False
    while True:
        live = [p for p in CACHE.glob(f"store-{calls}-*.db.building-*")
                if not p.name.endswith(("-wal", "-shm")) and _alive(p.name.rsplit("-", 1)[1])]
        if not live:
            return waited
        if not waited:
            print(f"   waiting for process {live[0].name.rsplit('-', 1)[1]} building "
                  f"{live[0].name} …", flush=True)
        waited = True
        time.sleep(5)


def _alive(pid: str) -> bool:
    return pid.isdigit() and int(pid) != os.getpid() and Path(f"/proc/{pid}").exists()


def _build(path: Path, calls: int) -> None:
    from hotline.config import DEFAULT_CONFIG_PATH, load_config
    from hotline.services.agents import add_agent
    from hotline.services.desk import Desk
    from hotline.services.seed import seed_store
    from hotline.store import Store

    building = path.with_name(path.name + f".building-{os.getpid()}")
    config = load_config(DEFAULT_CONFIG_PATH)
    store = Store.open(building, desk="D01", create=True)
    desk = Desk(store=store, config=config, clock=lambda: END)
    for code, name, role in AGENTS:
        add_agent(desk, code, name=name, role=role, pin="1234")
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    print(f"   building {calls:,}-call store in {path.parent} …", flush=True)
    report = seed_store(desk, calls=calls, seed=SEED, desks=DESKS, end=END)
    seconds = time.perf_counter() - started
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"   built in {seconds:.0f} s", flush=True)
    building.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    path.with_suffix(".json").write_text(json.dumps({
        "calls": report.calls, "customers": report.customers, "ops": report.ops,
        "seconds": round(seconds, 1), "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    print(big_store(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
