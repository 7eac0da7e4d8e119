"""Cold start: a fresh `hotline` process on the 1,000,000-call store to its first interactive
screen (sign-in), against a bare Textual app with the same widgets (`bench.bare_app`), both
started the same way (`bench.first_frame`, headless, to the first rendered frame), in pairs in
the same run so both see the same machine; the figure is the median of the pairs' ratios
(DESIGN.md: ≤ 1.3×). The CPU time of each process is reported beside it: it varies less with
the load of the machine than wall time does."""

from __future__ import annotations

import statistics
from typing import Any

from bench.common import CALLS, SAMPLES, figure

RUNS = 15
"""Starts of each app (alternating); a start takes about half a second."""
SMOKE = True
"""`run()` follows HOTLINE_BENCH_CALLS/SAMPLES, so the test suite can run it small."""


def run() -> list[dict[str, Any]]:
    from bench.bigstore import big_store
    from bench.process import compile_sources, first_frame
    from hotline.config import DEFAULT_CONFIG_PATH

    store = big_store(CALLS)
    compile_sources()
    hotline = ("hotline", "--config", str(DEFAULT_CONFIG_PATH), "--db", str(store))
    runs = RUNS if SAMPLES >= 1000 else 1
    if runs > 1:  # warm the file cache for both
        first_frame("BareScreen", "bare")
        first_frame("SignInScreen", *hotline)
    bare_runs = []
    app_runs = []
    for _ in range(runs):
        bare_runs.append(first_frame("BareScreen", "bare"))
        app_runs.append(first_frame("SignInScreen", *hotline))
    bare = statistics.median(r.seconds for r in bare_runs)
    app = statistics.median(r.seconds for r in app_runs)
    # Each pair ran back to back, under the same load: the median of the pairs' ratios is
    # steadier on a busy machine than the ratio of the medians.
    pairs = list(zip(app_runs, bare_runs, strict=True))
    ratio = statistics.median(a.seconds / b.seconds for a, b in pairs)
    cpu_ratio = statistics.median(a.cpu_seconds / b.cpu_seconds for a, b in pairs)
    return [
        figure("cold start to first screen (headless), median", app, "s", "<= 1.3x bare",
               ratio <= 1.3, baseline=bare, ratio=ratio, samples=runs,
               min=round(min(r.seconds for r in app_runs), 4),
               bare_min=round(min(r.seconds for r in bare_runs), 4)),
        figure("cold start, CPU time of the process, median",
               statistics.median(r.cpu_seconds for r in app_runs), "s", "(steadier)", None,
               baseline=statistics.median(r.cpu_seconds for r in bare_runs), ratio=cpu_ratio,
               samples=runs),
    ]
