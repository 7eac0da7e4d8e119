"""The audit log (supervisors): every op as a sentence, newest first, filtered by agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services.agents import list_agents
from hotline.services.audit import audit_log
from hotline.widgets.keys import localized

if TYPE_CHECKING:
    from hotline.app import HotlineApp

SCREEN_LIMIT = 500
"""Entries on screen at once: a shift's worth for one desk; the CLI pages further."""


@localized
class AuditScreen(Screen[None]):
    """Newest first; Tab to the agent filter, Enter applies it, Esc goes back."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("escape", "back", "audit.key_back", id="audit-back"),
        Binding("f5,ctrl+r", "reload", "audit.key_refresh", id="audit-refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield self.app.make_header()
        yield Label(t("audit.title"), id="audit-title")
        yield Input(id="audit-agent", placeholder=t("audit.filter"), max_length=10,
                    restrict=r"[A-Za-z0-9]*")
        yield DataTable(id="audit-log", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#audit-log", DataTable)
        for key in ("time", "desk", "agent", "subject", "what"):
            table.add_column(t(f"audit.col_{key}"), key=key)
        self.action_reload()
        table.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_reload()
        self.query_one("#audit-log", DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        desk = self.app.desk
        who = self.query_one("#audit-agent", Input).value.strip().upper() or None
        try:
            entries = audit_log(desk, agent=who, limit=SCREEN_LIMIT)
            names = {a["code"]: a["name"] for a in list_agents(desk)}
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False)
            return
        table = self.query_one("#audit-log", DataTable)
        with self.app.batch_update():
            table.clear()
            for entry in entries:
                agent = entry.agent or "-"
                shown_agent = f"{names[agent]} ({agent})" if agent in names else agent
                table.add_row(
                    Text(desk.local(entry.at).strftime("%m-%d %H:%M:%S")),
                    Text(entry.desk),
                    Text(shown_agent),
                    Text(entry.subject),
                    Text(entry.text),
                    key=entry.op_id,
                )
        self.query_one("#audit-status", Static).update(
            t("audit.count", count=len(entries), limit=SCREEN_LIMIT)
        )
