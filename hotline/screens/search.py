"""F4: search calls and customers from one box, while the caller is still talking.

Typing is never held up by a query: each change waits `DEBOUNCE_SECONDS` for the next key, then
a thread worker runs the search (`services.search.iter_search`) and posts what it finds as
messages — customers first, then calls. A newer text cancels the older search and any result of
an older text is dropped, so the lists always belong to what is in the box.

Keys: ↓ (or Tab) from the box to the results, Enter opens the call under the cursor (from the
box: the first call); Enter on a customer searches their number, listing all their calls.
Escape goes back; F4 again (from a call opened here) comes back to the same results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Label, Static
from textual.worker import get_current_worker

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services.search import LIMIT, SearchResults, iter_search
from hotline.widgets.keys import localized
from hotline.widgets.text_field import TextField

if TYPE_CHECKING:
    from hotline.app import HotlineApp

DEBOUNCE_SECONDS = 0.12
"""Wait this long after a key before searching: a burst of typing runs one search, not ten."""
CUSTOMER_COLUMNS = ("name", "phone", "calls", "last_call", "tags")
CALL_COLUMNS = ("number", "time", "status", "customer", "model", "symptom")
MODEL_WIDTH = 14
SYMPTOM_WIDTH = 16
"""Characters of the model and symptom shown, so a row fits 100 columns (the call has all)."""


@localized
class SearchScreen(Screen[None]):
    """One search box over two result lists: customers, then calls."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("enter", "open", "search.key_open", id="search-open", priority=True),
        Binding("down", "to_results", show=False),
        Binding("tab", "app.focus_next", "search.key_next", id="search-next-list",
                key_display="Tab"),
        Binding("escape", "back", "search.key_back", id="back-from-search"),
    ]

    @dataclass
    class Found(Message):
        """A part of the results of search number `generation` (posted from the worker)."""

        generation: int
        results: SearchResults

    @dataclass
    class Failed(Message):
        generation: int
        message: str

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.generation = 0
        """Bumped on every change of the text; results of another generation are stale."""
        self.results = SearchResults("")
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield self.app.make_header()
        yield TextField(self.initial, placeholder=t("search.placeholder"), id="search-box",
                        max_length=200)
        yield Label(t("search.customers"), id="search-customers-title")
        yield DataTable(id="search-customers", cursor_type="row", zebra_stripes=True)
        yield Label(t("search.calls"), id="search-calls-title")
        yield DataTable(id="search-calls", cursor_type="row", zebra_stripes=True)
        yield Static(t("search.hint"), id="search-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        customers = self.query_one("#search-customers", DataTable)
        for key in CUSTOMER_COLUMNS:
            customers.add_column(t(f"search.col_{key}"), key=key)
        calls = self.query_one("#search-calls", DataTable)
        for key in CALL_COLUMNS:
            calls.add_column(t(f"search.col_{key}"), key=key)
        self._show_groups(customers=False, calls=False)
        self.focus_box()
        if self.initial.strip():
            self._schedule(self.initial)

    def focus_box(self) -> None:
        """Put the cursor in the box with its text selected, ready for a new search."""
        box = self.query_one("#search-box", Input)
        box.focus()
        box.select_all()

    # -- searching ---------------------------------------------------------------------------

    @on(Input.Changed, "#search-box")
    def _text_changed(self, event: Input.Changed) -> None:
        self._schedule(event.value)

    def _schedule(self, text: str) -> None:
        self.generation += 1
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if not text.strip():
            self.workers.cancel_group(self, "search")
            self._show(SearchResults(text, done=True))
            self._status(t("search.hint"))
            return
        self._status(t("search.searching"))
        generation = self.generation
        self._pending = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(text, generation))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, generation: int) -> None:
        worker = get_current_worker()
        try:
            for part in iter_search(self.app.desk, text, limit=LIMIT):
                if worker.is_cancelled or generation != self.generation:
                    return
                self.post_message(self.Found(generation, part))
        except HotlineError as exc:
            self.post_message(self.Failed(generation, exc.message()))
        except Exception as exc:  # noqa: BLE001 - a failed search is said, never a traceback
            self.post_message(self.Failed(
                generation, t("search.failed", detail=f"{type(exc).__name__}: {exc}")))

    @on(Found)
    def _found(self, message: Found) -> None:
        if message.generation != self.generation:
            return
        self._show(message.results)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.generation == self.generation:
            self._status(message.message)
            self.notify(message.message, severity="error", markup=False)

    # -- showing -----------------------------------------------------------------------------

    def _show(self, results: SearchResults) -> None:
        self.results = results
        desk = self.app.desk
        locale = desk.config.site.locale
        customers = self.query_one("#search-customers", DataTable)
        calls = self.query_one("#search-calls", DataTable)
        with self.app.batch_update():
            customers.clear()
            for row in results.customers:
                customers.add_row(*self._customer_cells(row), key=row["id"])
            calls.clear()  # the calls of the text before are not kept while these are found
            for row in results.calls:
                calls.add_row(*self._call_cells(row, locale), key=row["id"])
            self._show_groups(customers=bool(results.customers),
                              calls=bool(results.calls) or not results.done)
        if results.done:
            self._status(self._summary(results))

    def _show_groups(self, *, customers: bool, calls: bool) -> None:
        for name, shown in (("customers", customers), ("calls", calls)):
            self.query_one(f"#search-{name}-title").display = shown
            self.query_one(f"#search-{name}").display = shown

    def _summary(self, results: SearchResults) -> str:
        text = results.text.strip()
        if not text:
            return t("search.hint")
        if not results.customers and not results.calls:
            parts = [t("search.nothing", text=text)]
        else:
            parts = []
            if results.customers:
                more = "+" if results.more_customers else ""
                parts.append(t("search.found_customers", n=f"{len(results.customers)}{more}"))
            more = "+" if results.more_calls else ""
            parts.append(t("search.found_calls", n=f"{len(results.calls)}{more}"))
        if results.window:
            parts.append(t("search.recent", window=f"{results.window:,}"))
        return " · ".join(parts)

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Text(text))

    def _when(self, value: str | None) -> str:
        if not value:
            return ""
        from hotline.services.clock import from_text

        return self.app.desk.local(from_text(value)).strftime("%y-%m-%d %H:%M")

    def _customer_cells(self, row: dict[str, Any]) -> list[Text]:
        from hotline.screens.queues import masked_phone

        return [
            Text(row.get("name") or "—"),
            Text(masked_phone(row.get("phone"))),
            Text(str(row.get("call_count") or 0), justify="right"),
            Text(self._when(row.get("last_call_at"))),
            Text(" ".join(row.get("tags") or [])),
        ]

    def _call_cells(self, row: dict[str, Any], locale: str) -> list[Text]:
        from hotline.screens.queues import masked_phone

        status = Text(t(f"status.{row['status']}") if row.get("status") else "")
        if row.get("escalated"):
            status.append(" ▲", style="bold red")
        customer = " ".join(p for p in (row.get("customer_name") or "",
                                        masked_phone(row.get("phone"))) if p)
        return [
            Text(row.get("number") or ""),
            Text(self._when(row.get("started_at"))),
            status,
            Text(customer),
            Text((row.get("product_model") or "")[:MODEL_WIDTH]),
            Text((row.get("symptom") or "")[:SYMPTOM_WIDTH]),
        ]

    # -- keys --------------------------------------------------------------------------------

    def action_to_results(self) -> None:
        for name in ("customers", "calls"):
            table = self.query_one(f"#search-{name}", DataTable)
            if table.display and table.row_count:
                table.focus()
                return

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.row_count:
            key = str(focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value)
            if focused.id == "search-customers":
                self._search_customer(key)
            else:
                self._open_call(key)
            return
        calls = self.query_one("#search-calls", DataTable)
        if calls.row_count and self.results.done:
            key = str(calls.coordinate_to_cell_key(calls.cursor_coordinate).row_key.value)
            self._open_call(key)

    @on(DataTable.RowSelected)
    def _row_clicked(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if event.data_table.id == "search-customers":
            self._search_customer(key)
        else:
            self._open_call(key)

    def _search_customer(self, key: str) -> None:
        """A customer's whole history: search their number."""
        from hotline.services.phones import display

        row = next((c for c in self.results.customers if c["id"] == key), None)
        if row is None or not row.get("phone"):
            return
        try:
            number = display(row["phone"]).split(" ext ")[0]
        except Exception:  # noqa: BLE001 - a damaged stored phone: search it as it is
            number = row["phone"]
        box = self.query_one("#search-box", Input)
        box.value = number
        box.focus()

    def _open_call(self, key: str) -> None:
        row = next((c for c in self.results.calls if c["id"] == key), None)
        if row is None:
            return
        from hotline.screens.call import open_call

        try:
            open_call(self.app, row["number"])
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()


def show_search(app: HotlineApp) -> None:
    """F4 from anywhere: the search box, ready to type (back to the same results from a call
    opened there; a dialog is finished first)."""
    from textual.screen import ModalScreen

    from hotline.screens.call import CallScreen

    screen = app.screen
    if isinstance(screen, SearchScreen):
        screen.focus_box()
        return
    if isinstance(screen, ModalScreen):
        return
    stack = app.screen_stack
    below = [i for i, s in enumerate(stack) if isinstance(s, SearchScreen)]
    if below and all(isinstance(s, CallScreen) for s in stack[below[-1] + 1:]):
        while not isinstance(app.screen, SearchScreen):
            app.pop_screen()
        app.screen.focus_box()
        return
    app.push_screen(SearchScreen())
