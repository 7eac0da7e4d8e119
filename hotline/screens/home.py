"""Home: the desk's live figures (calls today, open, overdue…) and the latest calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from hotline.i18n import t
from hotline.services.calls import home_figures, list_calls
from hotline.services.clock import from_text
from hotline.services.phones import mask
from hotline.widgets.figures import FigureTile

if TYPE_CHECKING:
    from hotline.app import HotlineApp

FIGURES = ("today", "open", "overdue", "callback_due", "escalated", "conflicts")
ALERTING = frozenset({"overdue", "escalated", "conflicts"})
REFRESH_SECONDS = 15.0
RECENT_ROWS = 20


class HomeScreen(Screen[None]):
    """What the desk is carrying right now; refreshed every few seconds, never blocking keys."""

    app: HotlineApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield self.app.make_header()
        with Horizontal(id="home-figures"):
            for name in FIGURES:
                yield FigureTile(t(f"home.{name}"), id=f"fig-{name.replace('_', '-')}")
        yield Label(t("home.recent"), id="home-recent-title")
        yield DataTable(id="home-recent", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#home-recent", DataTable)
        for key in ("number", "time", "status", "phone", "customer", "category", "symptom"):
            table.add_column(t(f"home.col_{key}"), key=key)
        self.refresh_figures()
        self.set_interval(REFRESH_SECONDS, self.refresh_figures)

    def on_screen_resume(self) -> None:
        self.refresh_figures()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a latest call: the call screen (its facts, timeline and follow-up keys)."""
        from hotline.screens.call import open_call

        number = event.data_table.get_row(event.row_key)[0]
        open_call(self.app, str(getattr(number, "plain", number)))

    def refresh_figures(self) -> None:
        desk = self.app.desk
        figures = home_figures(desk)
        for name in FIGURES:
            self.query_one(f"#fig-{name.replace('_', '-')}", FigureTile).show(
                figures[name], alert=name in ALERTING
            )
        table = self.query_one("#home-recent", DataTable)
        locale = desk.config.site.locale
        with self.app.batch_update():
            table.clear()
            for row in list_calls(desk, limit=RECENT_ROWS):
                started = desk.local(from_text(row["started_at"])).strftime("%m-%d %H:%M")
                table.add_row(
                    Text(row["number"]),
                    Text(started),
                    Text(t(f"status.{row['status']}")),
                    Text(mask(row["phone"] or "")),
                    Text(row["customer_name"] or ""),
                    Text(desk.config.label("category", row["category"], locale)
                         if row["category"] else ""),
                    Text(row["symptom"] or ""),
                    key=row["id"],
                )
