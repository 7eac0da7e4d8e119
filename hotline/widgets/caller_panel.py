"""The caller panel: who is on the line, what they called about before, what is still open.

Filled from a `CallerLookup` (services.intake) the screen receives from its lookup worker.
Every value is user data, so it goes in as plain `Text`, never as markup.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from hotline.i18n import t
from hotline.services.clock import from_text
from hotline.services.phones import display, mask

if TYPE_CHECKING:
    from hotline.services.intake import CallerLookup

_HEADING = "bold"
_WARN = "bold reverse"


def _age(started: str, now: datetime, tz: tzinfo) -> str:
    days = (now.astimezone(tz).date() - from_text(started).astimezone(tz).date()).days
    return t("intake.caller.today") if days <= 0 else t("intake.caller.days_ago", days=days)


def _status(status: str | None) -> str:
    return t(f"status.{status}") if status else ""


class CallerPanel(Static, can_focus=False):
    """A few lines about the caller; empty-handed callers get one line saying they are new."""

    DEFAULT_CSS = """
    CallerPanel {
        height: auto;
        max-height: 12;
        padding: 0 1;
        border-bottom: solid $primary 40%;
        background: $surface;
    }
    CallerPanel.-warn {
        background: $warning-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", markup=False, id=id)
        self.lookup: CallerLookup | None = None
        self._shown: tuple[object, ...] | None = None

    def on_mount(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.lookup = None
        text = Text()
        text.append(t("intake.caller.title"), style=_HEADING)
        text.append("\n")
        text.append(t("intake.caller.waiting"), style="dim")
        self._put(text, False)

    def show(self, lookup: CallerLookup, *, now: datetime, tz: tzinfo, open_key: str) -> None:
        """Show what the lookup found; `open_key` is the key that opens the open call."""
        self.lookup = lookup
        text = Text()
        text.append(t("intake.caller.title"), style=_HEADING)
        customer = lookup.customer
        if customer is None:
            text.append("\n")
            if lookup.phone is not None:
                text.append(t("intake.caller.new"))
            elif lookup.candidates:
                text.append(t("intake.caller.candidates"), style="dim")
                for row in lookup.candidates:
                    text.append("\n")
                    text.append(f"{mask(row['phone'] or '')}  ")
                    text.append(row.get("name") or "")
            else:
                text.append(t("intake.caller.waiting"), style="dim")
            self._put(text, False)
            return
        text.append("\n")
        text.append(customer.get("name") or t("intake.caller.no_name"), style="bold")
        text.append(f"  {display(customer.get('phone') or '')}")
        if customer.get("tags"):
            text.append("\n")
            text.append(t("intake.caller.tags",
                          tags=t("intake.list_separator").join(customer["tags"])))
        warn = False
        if lookup.open_call is not None:
            warn = True
            call = lookup.open_call
            text.append("\n")
            text.append(t("intake.caller.open_call", number=call["number"],
                          status=_status(call.get("status")), key=open_key), style=_WARN)
        if lookup.repeat is not None:
            warn = True
            rep = lookup.repeat
            text.append("\n")
            text.append(t("intake.caller.repeat", age=_age(rep["started_at"], now, tz),
                          model=rep.get("product_model") or "-", number=rep["number"]),
                        style="bold")
        text.append("\n")
        text.append(t("intake.caller.history", count=lookup.call_count), style=_HEADING)
        width = self.content_size.width or 34
        for row in lookup.calls:
            text.append("\n")
            text.append(self._history_line(row, tz, width))
        self._put(text, warn)

    def _put(self, text: Text, warn: bool) -> None:
        """Repaint only when something changed: the panel's height is automatic, so each
        update lays the screen out again, and lookups come back while the agent types."""
        key = (text.plain, tuple((s.start, s.end, str(s.style)) for s in text.spans), warn)
        if key == self._shown:
            return
        self._shown = key
        self.set_class(warn, "-warn")
        self.update(text)

    @staticmethod
    def _history_line(row: dict[str, Any], tz: tzinfo, width: int) -> Text:
        """One past call on one line (cut to the panel's width, CJK-aware)."""
        line = Text()
        line.append(from_text(row["started_at"]).astimezone(tz).strftime("%m-%d"))
        line.append(f" {_status(row.get('status'))} ", style="bold")
        line.append(row.get("symptom") or row.get("product_model") or "")
        line.truncate(width, overflow="ellipsis")
        return line
