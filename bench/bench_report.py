"""DESIGN.md section 6: the monthly report over 1,000,000 calls, every section, within 1 s.

The floor is "one grouped scan of a month" on the same store in the same run: the month's
calls by category, through the `calls_report` index. The report reads the month's calls once
for the agents' figures (with what each call needs from its transfers, callbacks and op log),
once by dimension, once for time to close, the month's transfers once, the root causes from
their own index, and three earlier months for the trend, the alerts and the retraining rule;
so it costs a few dozen floors, and the target is 1 s.

The statements run one after another on one connection, so the CPU time is the report's cost on
any machine; the wall time also shows how busy the machine was (the load is recorded). The CPU
of each statement is printed too, to see where a change went.

Run: `.venv/bin/python -m bench report` (builds the shared 1 M store on first use).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.common import CALLS, SAMPLES, figure, load_average, open_desk, percentile, time_calls

MONTH = "2026-10"
"""A whole month well inside the seeded year, with three months of history before it."""
RUNS = max(3, min(SAMPLES, 9))
"""A report takes up to a second: a few runs give its p50/p95 (the floor gets many more)."""
TARGET_MS = 1000.0
SMOKE = True
"""Follows HOTLINE_BENCH_CALLS/SAMPLES, so the test suite can run it on a small store."""


def _cpu_ms(fn: Callable[[], object]) -> float:
    """Median CPU milliseconds of `fn()` over `RUNS` runs (after one untimed)."""
    fn()
    out = []
    for _ in range(RUNS):
        started = time.process_time()
        fn()
        out.append((time.process_time() - started) * 1000)
    return statistics.median(out)


def _statements(desk: Any) -> dict[str, Callable[[], object]]:
    """Each statement of the report, runnable alone on the report's own connection."""
    from hotline.services import reports
    from hotline.store import report_queries as q

    now = desk.now()
    p = reports._params(desk.config, MONTH, desk.tz, now)
    earlier = [reports._params(desk.config, reports.shift_month(MONTH, -back), desk.tz, now)
               for back in range(reports.TREND_MONTHS, 0, -1)]

    def calls(query: q.Query) -> object:
        params: dict[str, Any] = {}
        parts = q._calls_parts(p, params)
        return q._run(query, q._month_ctes(p, params), parts, params)

    def transfers(query: q.Query) -> object:
        params: dict[str, Any] = {}
        return q._run(query, q._transfer_ctes(p, params), q._transfer_parts(), params)

    def roots(query: q.Query) -> object:
        return q._root_causes(query, p, reports.ROOT_CAUSES)

    def trend(query: q.Query) -> object:
        return [q.trend_figures(query, other) for other in earlier]

    return {"the month's calls": calls, "the month's transfers": transfers,
            "root causes": roots, f"trend: {len(earlier)} earlier months": trend}


def run() -> list[dict[str, Any]]:
    from hotline.services.reports import monthly_report
    from hotline.store.report_queries import reader

    desk = open_desk()
    store = desk.store
    try:
        report = monthly_report(desk, MONTH)
        bounds = (report.start, report.end)

        def floor(_: object) -> None:
            store.query(
                "SELECT category, count(*) FROM calls WHERE started_at >= ? AND started_at < ?"
                " AND training = 0 GROUP BY category", bounds)

        floor_ms = time_calls(floor, list(range(RUNS * 3)), warm=2)
        cpu_before = time.process_time()
        report_ms = time_calls(lambda _: monthly_report(desk, MONTH), list(range(RUNS)), warm=1)
        cpu_ms = (time.process_time() - cpu_before) * 1000 / (RUNS + 1)
        with reader(store) as query:
            parts = {name: _cpu_ms(lambda fn=fn: fn(query))  # type: ignore[misc]
                     for name, fn in _statements(desk).items()}
    finally:
        store.close()
    base = statistics.median(floor_ms)
    p50, p95 = statistics.median(report_ms), percentile(report_ms, 95)
    size = f"{CALLS:,} calls"
    month_calls = f"{report.volume.calls:,} calls in {MONTH}"
    load = round(load_average(), 2)
    return [
        figure(f"report floor: one grouped scan of a month ({month_calls})", base, "ms", "-",
               None, samples=len(floor_ms)),
        figure(f"monthly report, every section, {size}, p50", p50, "ms",
               f"<= {TARGET_MS:g} ms", p50 <= TARGET_MS, baseline=base, samples=len(report_ms),
               load=load),
        figure(f"monthly report, every section, {size}, p95", p95, "ms",
               f"<= {TARGET_MS:g} ms", p95 <= TARGET_MS, baseline=base, samples=len(report_ms),
               load=load),
        figure(f"monthly report, CPU, {size}", cpu_ms, "ms", "-", None, baseline=base,
               load=load),
        *(figure(f"  CPU of one statement: {name}", ms, "ms", "-", None, baseline=base,
                 samples=RUNS)
          for name, ms in parts.items()),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
