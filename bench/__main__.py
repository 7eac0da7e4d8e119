"""`make bench`: run every `bench/bench_*.py`, print a table, write `bench/results.json`.

Each module exposes `run() -> list[dict]` with keys name, value, unit, target, pass (and
optionally baseline and ratio). The exit code is 1 when any target is missed, so a regression
is visible; machines here are noisy, so targets are ratios to a floor measured in the same run
wherever DESIGN.md gives one.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    results: list[dict[str, object]] = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            row.setdefault("bench", name)
            results.append(row)
            _print_row(row)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    written = merged(_previous(), results) if wanted else results
    (HERE / "results.json").write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n")
    missed = [r for r in results if r.get("pass") is False]
    print(f"\n{len(results) - len(missed)} of {len(results)} figures on target; "
          f"results in {HERE / 'results.json'}")
    return 1 if missed else 0


def merged(previous: list[dict[str, object]], results: list[dict[str, object]]
           ) -> list[dict[str, object]]:
    """What a partial run (`python -m bench NAME…`) leaves in results.json: its own figures,
    and the other benches' last ones."""
    ran = {r.get("bench") for r in results}
    return [r for r in previous if r.get("bench") not in ran] + results


def _previous() -> list[dict[str, object]]:
    try:
        rows = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _print_row(row: dict[str, object]) -> None:
    value = row["value"]
    shown = f"{value:,.3f}" if isinstance(value, float) else f"{value}"
    ratio = f"  ratio {row['ratio']:.2f}" if isinstance(row.get("ratio"), float) else ""
    mark = {True: "ok  ", False: "MISS", None: "    "}[row.get("pass")]  # type: ignore[index]
    print(f"   {mark} {row['name']:<48} {shown:>12} {row['unit']:<6} "
          f"target {row.get('target', '-')}{ratio}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
