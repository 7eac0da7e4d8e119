"""Drive the real `hotline` in a real terminal (tmux) as an agent would: keys in, screen out.

Waits poll the screen for the text expected next, up to a bound, instead of sleeping a fixed
time: fast on a quiet machine, patient on a loaded one.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

HOTLINE = f"{shlex.quote(sys.executable)} -m hotline"
"""The installed package, run the way the `hotline` script runs it."""


def command(args: str, env: Mapping[str, str] | None = None, cwd: str | None = None) -> str:
    """A shell line for tmux: `hotline ARGS` with `env` set (Kitty keys off: tmux sends legacy)."""
    parts = [f"{k}={shlex.quote(v)}" for k, v in {"TEXTUAL_DISABLE_KITTY_KEY": "1",
                                                     **(env or {})}.items()]
    line = f"exec env {' '.join(parts)} {HOTLINE} {args}"
    return f"cd {shlex.quote(cwd)} && {line}" if cwd else line


class Tmux:
    """One tmux session running one command at a fixed terminal size."""

    def __init__(self, line: str, *, width: int = 100, height: int = 30,
                 prefix: str = "hl") -> None:
        self.name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width),
                        "-y", str(height), line], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        """UTF-8 text sent literally (Chinese arrives as an IME would commit it)."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)

    def pid(self) -> int:
        out = subprocess.run(["tmux", "display", "-p", "-t", self.name, "#{pane_pid}"],
                             capture_output=True, text=True, check=True).stdout
        return int(out.strip())

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name],
                              capture_output=True).returncode == 0

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once every one of `texts` is on it (fails with the screen otherwise)."""
        wait_until(lambda: all(t in self.screen() for t in texts), timeout,
                   f"{texts!r} on screen:\n{{}}", self.screen)
        return self.screen()

    def wait_gone(self, text: str, timeout: float = 15.0) -> None:
        wait_until(lambda: text not in self.screen(), timeout,
                   f"{text!r} to leave the screen:\n{{}}", self.screen)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def wait_until(done: Callable[[], bool], timeout: float, message: str,
               detail: Callable[[], str] = lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.1)
    pytest.fail(message.format(detail()))


def hotline_cli(
    *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process (it opens the store as another instance would)."""
    return subprocess.run([sys.executable, "-m", "hotline", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)
