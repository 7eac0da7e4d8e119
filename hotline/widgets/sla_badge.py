"""The SLA badge: how long a call has left before its deadline, or how long it is overdue.

`sla_text` is the badge as text (queue tables put it in a cell and recompute it each minute);
`SlaBadge` is the widget the call screen shows, ticking once a minute on its own. Colours say
the urgency at a glance: overdue (red), due within `WARN_WITHIN` (yellow), on time (green).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text
from textual.widgets import Static

from hotline.i18n import t

WARN_WITHIN = timedelta(hours=2)
"""A deadline closer than this is shown in the warning colour."""
TICK_SECONDS = 60.0
"""The badge counts minutes: once a minute is often enough, and never repaints while typing."""

OVERDUE_STYLE = "bold red"
WARN_STYLE = "bold yellow"
OK_STYLE = "green"


def span_text(span: timedelta, locale: str | None = None) -> str:
    """A duration as a person says it: `2d 4h`, `3h 20m`, `45m` (`2天4小时`, `3小时20分`)."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return t("sla.days_hours", locale, days=days, hours=hours)
    if hours:
        return t("sla.hours_minutes", locale, hours=hours, minutes=mins)
    return t("sla.minutes", locale, minutes=mins)


def sla_text(due: datetime | None, now: datetime, locale: str | None = None) -> Text:
    """The badge for a deadline seen at `now`: time left, or overdue by how long."""
    if due is None:
        return Text("—", style="dim")
    left = due - now
    if left < timedelta(0):
        return Text(t("sla.overdue", locale, span=span_text(-left, locale)), style=OVERDUE_STYLE)
    style = WARN_STYLE if left < WARN_WITHIN else OK_STYLE
    return Text(t("sla.left", locale, span=span_text(left, locale)), style=style)


class SlaBadge(Static):
    """A live SLA badge for one deadline (None: no deadline running, shown as a dash)."""

    DEFAULT_CSS = """
    SlaBadge { width: auto; height: 1; }
    """

    def __init__(
        self,
        due: datetime | None,
        *,
        now: Callable[[], datetime],
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
    ) -> None:
        super().__init__(markup=False, id=id)
        self._due = due
        self._now = now

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(TICK_SECONDS, self.tick)

    def set_due(self, due: datetime | None) -> None:
        self._due = due
        self.tick()

    def tick(self) -> None:
        self.update(sla_text(self._due, self._now()))

