"""F3: the follow-up queues — what the desk owes its customers, soonest deadline first.

Tabs (← → or the digits 1–7): mine, awaiting department, overdue, callback due, reopened,
escalated (supervisors), drafts. Each row: call number, a live SLA badge, the customer (phone
masked), category, priority, department, status. One page of 50 rows is in the table at a time:
PgDn/PgUp turn pages, and ↓ on the last row (↑ on the first) carries on into the next (previous)
page, so a queue of a million calls scrolls like one of a hundred. Enter opens the call (or
resumes a draft). Badges and rows refresh once a minute, and whenever the screen comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, Tab, Tabs

from hotline.i18n import t
from hotline.services import queues as svc
from hotline.services.clock import from_text
from hotline.services.phones import mask
from hotline.widgets.keys import localized
from hotline.widgets.sla_badge import TICK_SECONDS, sla_text

if TYPE_CHECKING:
    from hotline.app import HotlineApp

COLUMNS = ("number", "sla", "customer", "category", "priority", "department", "status")


def masked_phone(phone: str | None) -> str:
    """`138****8000` from a stored (E.164) phone, or from what was typed on a draft."""
    if not phone:
        return ""
    if phone.startswith("+"):
        try:
            return mask(phone)
        except Exception:  # noqa: BLE001 - a damaged stored value must not break a list
            pass
    digits = "".join(ch for ch in phone if ch.isdigit())
    return mask(digits) if digits else ""


@localized
class QueuesScreen(Screen[None]):
    """The follow-up queues, one tab each."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("right", "tab(1)", "queues.key_tabs", id="queue-next-tab", priority=True,
                key_display="←→"),
        Binding("left", "tab(-1)", "queues.key_prev_tab", id="queue-prev-tab", priority=True,
                show=False),
        Binding("enter", "open", "queues.key_open", id="queue-open", priority=True),
        Binding("pagedown", "page(1)", "queues.key_next_page", id="queue-next-page",
                priority=True),
        Binding("pageup", "page(-1)", "queues.key_prev_page", id="queue-prev-page",
                priority=True),
        Binding("down", "down", show=False, priority=True, id="queue-down"),
        Binding("up", "up", show=False, priority=True, id="queue-up"),
        Binding("1", "pick(1)", "queues.key_pick", id="queue-pick", show=False,
                key_display=f"1-{len(svc.TABS)}"),
        *(Binding(str(n), f"pick({n})", show=False, id=f"queue-pick-{n}")
          for n in range(2, len(svc.TABS) + 1)),
        Binding("escape", "back", "queues.key_back", id="back-from-queues"),
    ]

    def __init__(self, queue: str = "mine") -> None:
        super().__init__()
        self.queue = queue
        self.tabs: tuple[str, ...] = ()
        self.page_starts: list[tuple[str, str] | None] = [None]
        """The cursor each page was loaded from: page n starts after page_starts[n]."""
        self.next_after: tuple[str, str] | None = None
        self.rows: dict[str, dict[str, Any]] = {}

    @property
    def page(self) -> int:
        """The page shown, from 1."""
        return len(self.page_starts)

    def compose(self) -> ComposeResult:
        self.tabs = svc.tabs_for(self.app.desk)
        if self.queue not in self.tabs:
            self.queue = self.tabs[0]
        yield self.app.make_header()
        yield Tabs(*(Tab(Text(t(f"queues.tab.{name}")), id=f"tab-{name}") for name in self.tabs),
                   active=f"tab-{self.queue}", id="queue-tabs")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="queue-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(t(f"queues.col.{key}"), key=key)
        self.load(first=True)
        table.focus()
        self.set_interval(TICK_SECONDS, self.refresh_page)

    def on_screen_resume(self) -> None:
        self.refresh_page()

    # -- loading -----------------------------------------------------------------------------

    def load(self, *, first: bool = False, keep: str | None = None, at_end: bool = False,
             counts: bool = False) -> None:
        """Show the page that starts at the last of `page_starts`.

        Args:
            first: start the queue over at its first page.
            keep: the row to keep the cursor on (a refresh), when it is still there.
            at_end: put the cursor on the last row (paging back with ↑).
            counts: count every tab again (done with `first` anyway).
        """
        desk = self.app.desk
        if first:
            self.page_starts = [None]
        page = svc.queue_page(desk, self.queue, after=self.page_starts[-1])
        self.next_after = page.next_after
        table = self.query_one(DataTable)
        now = desk.now()
        locale = desk.config.site.locale
        with self.app.batch_update():
            table.clear()
            self.rows = {}
            for row in page.rows:
                key = f"{row.get('kind', 'call')}:{row['id']}"
                self.rows[key] = row
                table.add_row(*self._cells(row, now, locale), key=key)
            if keep is not None and keep in self.rows:
                table.move_cursor(row=table.get_row_index(keep), animate=False)
            elif at_end and self.rows:
                table.move_cursor(row=len(self.rows) - 1, animate=False)
            else:
                table.move_cursor(row=0, animate=False)
        self._show_status(len(page.rows))
        if first or counts:  # not on every page turn: counts cost more than a page
            self._show_counts()

    def refresh_page(self) -> None:
        """Rows and badges again, the cursor kept on its call (once a minute, and on return)."""
        table = self.query_one(DataTable)
        keep = None
        if table.row_count:
            keep = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.load(keep=keep, counts=True)

    def _cells(self, row: dict[str, Any], now: Any, locale: str) -> list[Text]:
        config = self.app.desk.config

        def label(kind: str, value: str | None) -> str:
            if not value:
                return "—"
            try:
                return config.label(kind, value, locale)
            except KeyError:
                return value

        customer = " ".join(p for p in (row.get("customer_name") or "",
                                        masked_phone(row.get("phone"))) if p)
        if row.get("kind") == "draft":
            saved = self.app.desk.local(from_text(row["updated_at"])).strftime("%m-%d %H:%M")
            badge = Text(t("queues.draft_saved", at=saved), style="dim")
            status = Text(t("queues.tab.drafts"), style="dim")
        else:
            badge = sla_text(from_text(row["due_at"]) if row.get("due_at") else None, now, locale)
            status = Text(t(f"status.{row['status']}"))
            if row.get("escalated"):
                status.append(" " + t("queues.escalated_mark"), style="bold red")
        return [
            Text(row.get("number") or ""),
            badge,
            Text(customer or "—"),
            Text(label("category", row.get("category"))),
            Text(label("priority", row.get("priority"))),
            Text(label("department", row.get("department"))),
            status,
        ]

    def _show_status(self, count: int) -> None:
        start = (self.page - 1) * svc.PAGE_SIZE
        if count:
            text = t("queues.page", page=self.page, first=start + 1, last=start + count)
            if self.next_after is not None:
                text += " · " + t("queues.more")
        else:
            text = t("queues.empty") if self.page == 1 else t("queues.page_empty")
        self.query_one("#queue-status", Static).update(Text(text))

    def _show_counts(self) -> None:
        sizes = svc.queue_sizes(self.app.desk, self.tabs)
        for name in self.tabs:
            size = sizes.get(name, 0)
            shown = f"{svc.COUNT_CAP - 1}+" if size >= svc.COUNT_CAP else str(size)
            self.query_one(f"#tab-{name}", Tab).label = Text(
                f"{t(f'queues.tab.{name}')} {shown}")

    # -- tabs --------------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#queue-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "").removeprefix("tab-")
        if name and name != self.queue and self.is_mounted:
            self.queue = name
            self.load(first=True)

    def action_tab(self, step: int) -> None:
        index = (self.tabs.index(self.queue) + step) % len(self.tabs)
        self.query_one(Tabs).active = f"tab-{self.tabs[index]}"

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.tabs):
            self.query_one(Tabs).active = f"tab-{self.tabs[number - 1]}"

    # -- paging ------------------------------------------------------------------------------

    def action_page(self, step: int) -> None:
        if step > 0 and self.next_after is not None:
            self.page_starts.append(self.next_after)
            self.load()
        elif step < 0 and self.page > 1:
            self.page_starts.pop()
            self.load()
        else:
            table = self.query_one(DataTable)
            if step > 0:
                table.action_page_down()
            else:
                table.action_page_up()

    def action_down(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count and table.cursor_row >= table.row_count - 1 and self.next_after:
            self.page_starts.append(self.next_after)
            self.load()
        else:
            table.action_cursor_down()

    def action_up(self) -> None:
        table = self.query_one(DataTable)
        if table.cursor_row <= 0 and self.page > 1:
            self.page_starts.pop()
            self.load(at_end=True)
        else:
            table.action_cursor_up()

    # -- opening -----------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#queue-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self._open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, key: str) -> None:
        row = self.rows.get(key)
        if row is None:
            return
        if row.get("kind") == "draft":
            self._resume_draft(row)
            return
        from hotline.screens.call import open_call

        open_call(self.app, row["number"])

    def _resume_draft(self, row: dict[str, Any]) -> None:
        from hotline.screens.intake import IntakeScreen

        if any(isinstance(s, IntakeScreen) for s in self.app.screen_stack):
            self.notify(t("queues.finish_call_first"), severity="warning", markup=False)
            return
        self.app.push_screen(IntakeScreen(row["draft"]))

    def action_back(self) -> None:
        self.app.pop_screen()


def show_queues(app: HotlineApp) -> None:
    """F3 from anywhere: back to the queues from a call opened there, else open them on top
    (a call on the intake form stays as it is; a dialog is finished first)."""
    from textual.screen import ModalScreen

    from hotline.screens.call import CallScreen

    screen = app.screen
    if isinstance(screen, QueuesScreen | ModalScreen):
        return
    stack = app.screen_stack
    below = [i for i, s in enumerate(stack) if isinstance(s, QueuesScreen)]
    if below and all(isinstance(s, CallScreen) for s in stack[below[-1] + 1 :]):
        while not isinstance(app.screen, QueuesScreen):
            app.pop_screen()
        return
    app.push_screen(QueuesScreen())
