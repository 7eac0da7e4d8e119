"""A call's timeline: one line per event (when, who, what), what was said indented beneath.

A scrollable table rendered by Rich, so Chinese text wraps and lines up; every value goes in as
plain `Text` (a note saying `[red]` is shown as typed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from hotline.services.timeline import TimelineEvent

KIND_STYLES = {
    "taken": "bold",
    "transferred": "bold cyan",
    "result": "bold green",
    "callback": "bold magenta",
    "escalated": "bold red",
    "status": "bold",
}


class TimelineView(VerticalScroll):
    """Scrolls with the arrow and page keys once focused; newest events at the bottom."""

    DEFAULT_CSS = """
    TimelineView { height: 1fr; padding: 0 1; }
    TimelineView > Static { width: 1fr; }
    """

    def __init__(
        self,
        *,
        local: Callable[[datetime], datetime],
        empty_text: str,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
    ) -> None:
        super().__init__(id=id)
        self._local = local
        self._empty = empty_text
        self.events: list[TimelineEvent] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(self._empty), id="timeline-body")

    def show(self, events: Sequence[TimelineEvent]) -> None:
        """Replace the events shown, and scroll to the newest."""
        self.events = list(events)
        body = self.query_one("#timeline-body", Static)
        if not self.events:
            body.update(Text(self._empty, style="dim"))
            return
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True, style="dim")
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for event in self.events:
            what = Text(event.text, style=KIND_STYLES.get(event.kind, ""))
            if event.detail:
                what.append("\n")
                what.append(Text(event.detail))
            table.add_row(
                Text(self._local(event.at).strftime("%m-%d %H:%M")),
                Text(event.agent or "-"),
                what,
            )
        body.update(table)
        self.call_after_refresh(self.scroll_end, animate=False)

    def plain(self) -> str:
        """The events as plain lines (tests and screen readers)."""
        return "\n".join(
            f"{event.agent or '-'} {event.text}" + (f" — {event.detail}" if event.detail else "")
            for event in self.events
        )
