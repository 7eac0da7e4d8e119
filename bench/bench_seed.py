"""`hotline seed --calls 1000000`: the time the cached big store took to seed (measured once,
when `bench.bigstore` built it, and kept beside it), against DESIGN.md's 2 minutes. Seeding again
on every bench run would cost minutes; `HOTLINE_BENCH_REBUILD=1` measures it afresh."""

from __future__ import annotations

from typing import Any

from bench.common import CALLS, figure

SMOKE = True
"""`run()` follows HOTLINE_BENCH_CALLS/SAMPLES (the test suite runs it small)."""

LIMIT_S = 120.0


def run() -> list[dict[str, Any]]:
    from bench.bigstore import big_store, build_record

    path = big_store(CALLS)
    record = build_record(path)
    if record is None:
        return [figure(f"hotline seed --calls {CALLS:,} (not recorded)", float("nan"), "s",
                       "<= 120 s", None, store=path.name)]
    seconds = float(record["seconds"])  # type: ignore[arg-type]
    estimated = " (estimated)" if record.get("estimated") else ""
    return [figure(f"hotline seed --calls {CALLS:,}{estimated}", seconds, "s", "<= 120 s",
                   seconds <= LIMIT_S, load=record.get("load_before"),
                   built_at=record.get("built_at"))]
