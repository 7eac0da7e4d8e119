"""The call timer: how long the caller has been on the line, ticking once a second.

It repaints only its own few cells and never takes focus, so the terminal cursor stays in the
field the agent types in and an input method's candidate window does not jump (STYLE.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.timer import Timer
from textual.widgets import Static

from hotline.i18n import t


def format_duration(seconds: int) -> str:
    """`mm:ss`, or `h:mm:ss` past an hour."""
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class CallTimer(Static, can_focus=False):
    """Shows the time since `start()`; `stop()` freezes it (the saved call's duration)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", markup=False, id=id)
        self._started: datetime | None = None
        self._now: Callable[[], datetime] | None = None
        self._ticker: Timer | None = None
        self._shown = ""

    def start(self, started: datetime, now: Callable[[], datetime]) -> None:
        self._started, self._now = started, now
        self._tick()
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)
        else:
            self._ticker.resume()

    def stop(self) -> None:
        self._tick()
        if self._ticker is not None:
            self._ticker.pause()

    @property
    def seconds(self) -> int:
        if self._started is None or self._now is None:
            return 0
        return int((self._now() - self._started).total_seconds())

    def _tick(self) -> None:
        text = f"{t('intake.timer')} {format_duration(self.seconds)}"
        if text != self._shown:  # repaint only when the figure changes
            # A relayout of the screen only when the width changes (past an hour), not
            # every second under the agent's typing.
            relayout = len(text) != len(self._shown)
            self._shown = text
            self.update(text, layout=relayout)
