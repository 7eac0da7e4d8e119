"""The supervisor's home: the site's live figures, open and overdue calls by department, and
what each agent is carrying, refreshed every few seconds without taking a key away."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.screens.home import ALERTING, FIGURES, REFRESH_SECONDS
from hotline.services.agents import locked_codes
from hotline.services.supervision import SupervisorFigures, supervisor_figures
from hotline.widgets.figures import FigureTile

if TYPE_CHECKING:
    from hotline.app import HotlineApp


class SiteDeskTile(FigureTile):
    """Calls today at the site, with this desk's share under the label ("本席 12")."""

    def show_with_desk(self, value: int, desk_value: int) -> None:
        self.show(value)
        text = Text(justify="center")
        text.append(f"{value:,}\n", style="bold")
        text.append(f"{t('home.today')}\n")
        text.append(t("supervisor.desk_today", count=f"{desk_value:,}"), style="dim")
        self.update(text)


class SupervisorHomeScreen(Screen[None]):
    """Site figures on top; departments (most overdue first) and agents side by side."""

    app: HotlineApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield self.app.make_header()
        with Horizontal(id="sup-figures"):
            for name in FIGURES:
                tile_id = f"sup-fig-{name.replace('_', '-')}"
                if name == "today":
                    yield SiteDeskTile(t("home.today"), id=tile_id)
                else:
                    yield FigureTile(t(f"home.{name}"), id=tile_id)
        with Horizontal(id="sup-tables"):
            with Vertical(id="sup-departments-box"):
                yield Label(t("supervisor.departments"), classes="sup-title")
                yield DataTable(id="sup-departments", cursor_type="row", zebra_stripes=True)
            with Vertical(id="sup-agents-box"):
                yield Label(t("supervisor.agents"), classes="sup-title")
                yield DataTable(id="sup-agents", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sup-locked", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        departments = self.query_one("#sup-departments", DataTable)
        for key in ("department", "open", "overdue"):
            departments.add_column(t(f"supervisor.col_{key}"), key=key)
        agents = self.query_one("#sup-agents", DataTable)
        for key in ("agent", "role", "open", "today"):
            agents.add_column(t(f"supervisor.col_{key}"), key=key)
        self.refresh_figures()
        self.set_interval(REFRESH_SECONDS, self.refresh_figures)
        agents.focus()

    def on_screen_resume(self) -> None:
        self.refresh_figures()

    def refresh_figures(self) -> None:
        if self.app.desk.role != "supervisor":
            return  # signed out underneath (the screen is on its way out)
        try:
            figures = supervisor_figures(self.app.desk)
            locked = locked_codes(self.app.desk)
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False)
            return
        with self.app.batch_update():
            self._show_tiles(figures)
            self._show_departments(figures)
            self._show_agents(figures)
            banner = self.query_one("#sup-locked", Static)
            codes = ", ".join(row["code"] for row in locked)
            banner.update(t("supervisor.locked", codes=codes) if codes else "")
            banner.display = bool(codes)

    def _show_tiles(self, figures: SupervisorFigures) -> None:
        for name in FIGURES:
            tile = self.query_one(f"#sup-fig-{name.replace('_', '-')}", FigureTile)
            if isinstance(tile, SiteDeskTile):
                tile.show_with_desk(figures.site[name], figures.desk_today)
            else:
                tile.show(figures.site[name], alert=name in ALERTING)

    def _show_departments(self, figures: SupervisorFigures) -> None:
        table = self.query_one("#sup-departments", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in figures.departments:
            overdue = Text(f"{row['overdue']:,}", style="bold red" if row["overdue"] else "")
            table.add_row(Text(row["label"]), Text(f"{row['open']:,}"), overdue,
                          key=row["department"] or "-")
        _keep_cursor(table, cursor)

    def _show_agents(self, figures: SupervisorFigures) -> None:
        table = self.query_one("#sup-agents", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in figures.agents:
            table.add_row(
                Text(f"{row['name']} ({row['code']})"),
                Text(t(f"role.{row['role']}")),
                Text(f"{row['open']:,}"),
                Text(f"{row['today']:,}"),
                key=row["code"],
            )
        _keep_cursor(table, cursor)


def _keep_cursor(table: DataTable[object], row: int) -> None:
    """A refresh must not throw the supervisor's cursor back to the top."""
    if table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1), animate=False, scroll=False)
