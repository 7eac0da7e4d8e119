"""Start an app as a fresh process through `bench.first_frame` and read what it noted."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Start:
    """One start of an app as a fresh process."""

    seconds: float
    """Wall time from starting the process to the first frame of the screen."""
    rss_kib: int
    """Peak resident memory at that frame."""
    cpu_seconds: float
    """CPU time (user + system) of the whole process, to its exit right after that frame:
    steadier than wall time on a busy machine, so it is reported beside it."""


def compile_sources() -> None:
    """Write the bytecode of hotline and of the benchmarks, as installing a package does.

    The libraries in the venv were compiled when pip installed them; hotline, installed in
    editable mode, is compiled by whichever process imports it first — or by every process when
    PYTHONDONTWRITEBYTECODE is set (it is on some of our machines), which would charge the
    compiler to hotline's start-up and not to the bare app's.
    """
    import compileall

    for folder in ("hotline", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def first_frame(screen: str, *app: str, keys: str = "") -> Start:
    """Start `app` (see `bench.first_frame`) and wait for the first frame of `screen`."""
    with tempfile.TemporaryDirectory() as tmp:
        mark = Path(tmp) / "mark"
        err = Path(tmp) / "stderr"
        env = {**os.environ, "HOTLINE_BENCH_KEYS": keys}
        env.pop("HOTLINE_DB", None)
        env.pop("HOTLINE_CONFIG", None)
        with open(err, "wb") as err_fh:
            started = time.time()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.first_frame", screen, str(mark), *app],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err_fh,
            )
            deadline = started + 120
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.time() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.005)
            proc.returncode = os.waitstatus_to_exitcode(status)
        if not mark.exists():
            raise RuntimeError(f"{' '.join(app)} never showed {screen} (exit {proc.returncode}): "
                               f"{err.read_text(errors='replace')[-2000:]}")
        at, rss = mark.read_text(encoding="ascii").split()
        return Start(float(at) - started, int(rss), usage.ru_utime + usage.ru_stime)
