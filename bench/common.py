"""What the benchmarks share: the store size and sample count, the desk on the big store,
percentiles, and the row format `make bench` prints (see `bench/__main__.py`).

`HOTLINE_BENCH_CALLS` and `HOTLINE_BENCH_SAMPLES` shrink a run (the test suite runs every
benchmark on a few hundred calls with a handful of samples, to notice a broken benchmark
without waiting for a million calls).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotline.services.desk import Desk

CALLS = int(os.environ.get("HOTLINE_BENCH_CALLS", "1000000"))
"""Calls in the big store (DESIGN.md section 6: 1,000,000)."""
SAMPLES = int(os.environ.get("HOTLINE_BENCH_SAMPLES", "1000"))
"""Samples per timed figure (DESIGN.md section 6: at least 1,000 for p50/p95)."""
SMALL_CALLS = 1000
"""The small store some figures are compared with (queue pages: 1 M against 1,000 calls)."""


def open_desk(calls: int | None = None, *, agent: str | None = "S01",
              role: str | None = "supervisor") -> Desk:
    """A desk on the cached seeded store of `calls` calls (built the first time), its clock at
    the seeded data's "now", signed in as `agent`."""
    from bench.bigstore import END, big_store
    from hotline.config import DEFAULT_CONFIG_PATH, load_config
    from hotline.services.desk import Desk
    from hotline.store import Store

    path = big_store(CALLS if calls is None else calls)
    store = Store.open(path, desk="D01")
    return Desk(store=store, config=load_config(DEFAULT_CONFIG_PATH), agent=agent, role=role,
                clock=lambda: END)


def percentile(values: list[float], q: float) -> float:
    """The `q`-th percentile (0–100) by the nearest-rank rule: a real observed value."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def time_calls(fn: Callable[[Any], object], args: list[Any], *, warm: int = 20) -> list[float]:
    """Milliseconds of `fn(arg)` for each of `args` (after `warm` untimed calls)."""
    for arg in args[:warm]:
        fn(arg)
    out: list[float] = []
    clock = time.perf_counter
    for arg in args:
        started = clock()
        fn(arg)
        out.append((clock() - started) * 1000)
    return out


def p50_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), percentile(samples, 95)


def figure(name: str, value: float, unit: str, target: str, passed: bool | None, *,
           baseline: float | None = None, ratio: float | None = None,
           samples: int | None = None, **extra: Any) -> dict[str, Any]:
    """One row of results.json; `ratio` is value / baseline unless given."""
    row: dict[str, Any] = {"name": name, "value": round(value, 4), "unit": unit,
                           "target": target, "pass": passed}
    if baseline is not None:
        row["baseline"] = round(baseline, 4)
        if ratio is None and baseline:
            ratio = value / baseline
    if ratio is not None:
        row["ratio"] = round(ratio, 2)
    if samples is not None:
        row["samples"] = samples
    row.update(extra)
    return row


def load_average() -> float:
    """The 1-minute load average (figures are noisy on a busy machine: it is recorded)."""
    try:
        return os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on every platform
        return float("nan")
