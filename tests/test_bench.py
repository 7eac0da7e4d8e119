"""Benchmarks are not part of `make test`, but a broken one should be noticed here: every
`bench/bench_*.py` is imported, and those that can run small (`SMOKE = True`: they follow
HOTLINE_BENCH_CALLS/SAMPLES) run on a 300-call store with a few samples, in a fresh process
with a cache folder of its own (the real bench cache and results.json are left alone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DRIVER = """
import importlib, json, math, pathlib, sys
rows = {}
for path in sorted(pathlib.Path("bench").glob("bench_*.py")):
    module = importlib.import_module(f"bench.{path.stem}")
    assert callable(getattr(module, "run", None)), path
    if getattr(module, "SMOKE", False):
        rows[path.stem] = module.run()
print(json.dumps(rows, default=str))
"""


def test_every_bench_imports_and_the_small_ones_run(tmp_path: Path) -> None:
    env = {**os.environ, "HOTLINE_BENCH_CALLS": "300", "HOTLINE_BENCH_SAMPLES": "5",
           "HOTLINE_BENCH_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", DRIVER], cwd=ROOT, env=env, timeout=600,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"bench_search", "bench_lookup", "bench_queue", "bench_startup", "bench_memory",
            "bench_keystroke", "bench_seed"} <= set(rows)
    for name, figures in rows.items():
        assert figures, name
        for row in figures:
            assert {"name", "value", "unit", "target", "pass"} <= set(row), (name, row)


def test_a_partial_run_keeps_the_other_benches_figures() -> None:
    from bench.__main__ import merged

    old = [{"bench": "bench_seed", "name": "seed", "value": 200.0},
           {"bench": "bench_report", "name": "p50", "value": 900.0},
           {"bench": "bench_report", "name": "p95", "value": 1200.0}]
    new = [{"bench": "bench_report", "name": "p50", "value": 700.0}]
    assert merged(old, new) == [old[0], new[0]]
