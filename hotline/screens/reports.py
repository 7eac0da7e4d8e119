"""F9: the monthly report on screen — the same figures as `hotline report`, with two charts.

← → move a month back or forth; the report is counted in a thread worker (a month of a
million-call store takes up to a second), so keys never wait, and a result that arrives after
the agent moved on to another month is dropped. `e` (ctrl+s) writes the report as a file in the
chosen format (`f` cycles xlsx → html → csv → md) and says where it went.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Label, Static
from textual_plotext import PlotextPlot

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services import report_formats as fmt
from hotline.services.report_access import as_seen_by, sees_every_agent
from hotline.services.reports import Report, current_month, monthly_report, shift_month
from hotline.widgets.keys import localized

if TYPE_CHECKING:
    from hotline.app import HotlineApp

EXPORT_FORMATS = ("xlsx", "html", "csv", "md")
"""Export formats in the order `f` cycles through them; XLSX first, what managers open."""


def show_reports(app: HotlineApp) -> None:
    """F9 from anywhere once signed in: the reports screen (once on the stack, not twice)."""
    from textual.screen import ModalScreen

    if isinstance(app.screen, ReportsScreen | ModalScreen):
        return
    app.push_screen(ReportsScreen())


def export_folder(app: HotlineApp) -> Path:
    """Reports are written beside the store (`reports/`), or in the current folder."""
    path = app.desk.store.path
    return (path.parent if path is not None else Path.cwd()) / "reports"


@localized
class ReportsScreen(Screen[None]):
    """One month's report: sections as tables, calls by day and the scores as charts."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("left", "month(-1)", "keys.report_prev", id="report-prev-month", priority=True,
                key_display="←"),
        Binding("right", "month(1)", "keys.report_next", id="report-next-month", priority=True,
                key_display="→"),
        Binding("e,ctrl+s", "export", "keys.report_export", id="report-export"),
        Binding("f", "cycle_format", "keys.report_format", id="report-format"),
        Binding("escape", "back", "keys.report_back", id="back-from-reports"),
    ]

    @dataclass
    class Ready(Message):
        """The worker's report for `month`."""

        month: str
        report: Report

    @dataclass
    class Failed(Message):
        month: str
        message: str

    @dataclass
    class Exported(Message):
        path: str | None
        message: str

    def __init__(self, month: str | None = None, *, export_dir: Path | None = None) -> None:
        super().__init__()
        self.month = month or ""
        self.export_format = EXPORT_FORMATS[0]
        self.report: Report | None = None
        self._export_dir = export_dir

    def compose(self) -> ComposeResult:
        if not self.month:
            self.month = current_month(self.app.desk)
        yield self.app.make_header()
        with Horizontal(id="report-bar"):
            yield Static("", id="report-month", markup=False)
            yield Static("", id="report-format", markup=False)
        yield VerticalScroll(Static("", id="report-status", markup=False), id="report-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#report-body").focus()
        self._show_bar()
        self._compute()

    # -- counting --------------------------------------------------------------------------

    def _compute(self) -> None:
        self.report = None
        self.query_one("#report-status", Static).update(
            t("report.screen.computing", month=self.month))
        self._count(self.month)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _count(self, month: str) -> None:
        try:
            report = as_seen_by(monthly_report(self.app.desk, month), self.app.desk)
        except HotlineError as exc:
            self.post_message(self.Failed(month, exc.message()))
            return
        except Exception as exc:  # noqa: BLE001 - never a traceback on an agent's screen
            self.post_message(self.Failed(
                month, t("report.screen.failed", detail=f"{type(exc).__name__}: {exc}")))
            return
        self.post_message(self.Ready(month, report))

    @on(Ready)
    async def _ready(self, message: Ready) -> None:
        if message.month != self.month:
            return  # the agent moved on to another month meanwhile
        self.report = message.report
        await self._show(message.report)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.month == self.month:
            self.query_one("#report-status", Static).update(message.message)
            self.notify(message.message, severity="error", markup=False)

    # -- showing ---------------------------------------------------------------------------

    def _show_bar(self) -> None:
        self.query_one("#report-month", Static).update(
            Text(f"{t('report.screen.title')}  ◀ {self.month} ▶", style="bold"))
        self.query_one("#report-format", Static).update(
            t("report.screen.format", format=self.export_format.upper()))

    async def _show(self, report: Report) -> None:
        desk = self.app.desk
        doc = fmt.layout(report, desk.config, desk.config.site.locale)
        body = self.query_one("#report-body", VerticalScroll)
        widgets: list[Widget] = []
        status = (t("report.screen.empty", month=report.month) if report.volume.calls == 0
                  else doc.subtitle)
        widgets.append(Static(status, id="report-status", markup=False))
        if not sees_every_agent(desk):
            widgets.append(Static(t("report.screen.own_grade_only"), id="report-own-grade",
                                  markup=False))
        charts: dict[str, PlotextPlot] = {}
        if report.volume.calls:
            charts["by_day"] = self._chart("chart-days",
                                           [d.day[-2:] for d in report.volume.by_day],
                                           [d.calls for d in report.volume.by_day])
        if any(report.satisfaction.distribution):
            charts["distribution"] = self._chart("chart-scores", ["1", "2", "3", "4", "5"],
                                                 list(report.satisfaction.distribution))
        for section in doc.sections:
            widgets.append(Label(Text(section.title), classes="report-section"))
            for table in section.tables:
                widgets.append(Label(Text(table.title), classes="report-table-title"))
                if table.key in charts:
                    widgets.append(charts[table.key])  # the bars just above their numbers
                widgets.append(self._table(table))
        with self.app.batch_update():
            await body.remove_children()
            await body.mount_all(widgets)
        body.scroll_home(animate=False)

    def _chart(self, widget_id: str, labels: list[str], values: list[int]) -> PlotextPlot:
        plot = PlotextPlot(id=widget_id, classes="report-chart")
        plt = plot.plt
        plt.bar(labels, values, marker="sd")
        step = max(1, len(labels) // 10)
        plt.xticks(list(range(1, len(labels) + 1, step)), labels[::step])
        # Counts are whole numbers: ticks at 0, then about four whole steps to the top.
        top = max(values) if values else 0
        tick = max(1, -(-top // 4))
        plt.yticks(list(range(0, top + tick, tick)))
        return plot

    def _table(self, table: fmt.Table) -> DataTable[Text]:
        widget: DataTable[Text] = DataTable(
            id=f"report-{table.key.replace('_', '-')}", classes="report-table",
            show_cursor=False, zebra_stripes=True, cursor_type="none")
        widget.can_focus = False
        for i, header in enumerate(table.headers):
            widget.add_column(Text(header), key=str(i))
        for row in table.rows:
            widget.add_row(*(
                Text(c.text, justify="right" if isinstance(c.value, (int, float)) and i else "left")
                for i, c in enumerate(row)))
        if not table.rows:
            widget.add_row(*(Text(fmt.NONE if i == 0 else "") for i in range(len(table.headers))))
        return widget

    # -- keys ------------------------------------------------------------------------------

    def action_month(self, delta: int) -> None:
        self.month = shift_month(self.month, delta)
        self._show_bar()
        self._compute()

    def action_cycle_format(self) -> None:
        index = EXPORT_FORMATS.index(self.export_format)
        self.export_format = EXPORT_FORMATS[(index + 1) % len(EXPORT_FORMATS)]
        self._show_bar()

    def action_export(self) -> None:
        if self.report is None:
            self.notify(t("report.screen.computing", month=self.month), markup=False)
            return
        folder = self._export_dir or export_folder(self.app)
        path = folder / fmt.default_name(self.report.month, self.export_format)
        self._write(self.report, self.export_format, path)

    @work(thread=True, group="report-export", exit_on_error=False)
    def _write(self, report: Report, export_format: str, path: Path) -> None:
        desk = self.app.desk
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fmt.write(report, desk.config, desk.config.site.locale, export_format, path)
        except HotlineError as exc:
            self.post_message(self.Exported(None, exc.message()))
            return
        except Exception as exc:  # noqa: BLE001 - a full disk must not end the app
            self.post_message(self.Exported(None, t("report.screen.export_failed",
                                                    detail=f"{type(exc).__name__}: {exc}")))
            return
        self.post_message(self.Exported(str(path), t("report.screen.exported", path=str(path))))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(message.message, severity="information" if message.path else "error",
                    markup=False, timeout=8)

    def action_back(self) -> None:
        self.dismiss()
