"""Resident memory of the app open on the follow-up queues of the 1,000,000-call store: a fresh
process, signed in, F3 pressed, peak RSS (VmHWM) once the queue's first page is painted. The
floor is the bare Textual app with the widgets of the first screen, measured the same way."""

from __future__ import annotations

from typing import Any

from bench.common import CALLS, SAMPLES, figure

LIMIT_MB = 80.0
SMOKE = True


def run() -> list[dict[str, Any]]:
    from bench.bigstore import big_store
    from bench.process import compile_sources, first_frame

    store = big_store(CALLS)
    compile_sources()
    runs = 2 if SAMPLES >= 1000 else 1
    bare = min(first_frame("BareScreen", "bare").rss_kib for _ in range(runs))
    app = max(first_frame("QueuesScreen", "queues", str(store), keys="f3").rss_kib
              for _ in range(runs))
    app_mb, bare_mb = app / 1024, bare / 1024
    return [figure("peak RSS, app open on a queue", app_mb, "MiB", f"<= {LIMIT_MB:.0f} MB",
                   app_mb * 1.048576 <= LIMIT_MB, baseline=bare_mb)]
