"""The call screen: one call's facts, its live deadline, its whole story, and what to do next.

Opened with Enter on a queue row (or on a latest call at home). Only the actions the call's
status allows show in the footer — F8 transfer (again), `r` the department's result, `c` the
callback, `n` a note, F7 resolve, `e` escalate, `o` reopen, `x` close (supervisors, with a
reason) — and each asks what it needs in a small dialog, calls its use case in
`services.followup`, and shows the outcome in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services import callstate
from hotline.services import followup as fu
from hotline.services.calls import get_call
from hotline.services.clock import from_text
from hotline.services.followup_scripts import eta_words
from hotline.services.phones import display
from hotline.services.timeline import call_timeline
from hotline.store import call_records
from hotline.widgets.keys import localized
from hotline.widgets.sla_badge import SlaBadge
from hotline.widgets.timeline import TimelineView

if TYPE_CHECKING:
    from hotline.app import HotlineApp


def open_call(app: HotlineApp, number: str) -> None:
    """Show the call with this number, or say there is none."""
    call = get_call(app.desk, number)
    if call is None:
        app.notify(t("call.not_found", number=number), severity="error", markup=False)
        return
    app.push_screen(CallScreen(call["number"]))


@localized
class CallScreen(Screen[None]):
    """One call, worked on until the customer is satisfied."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("f8,ctrl+t", "transfer", "callview.key_transfer", id="transfer-call"),
        Binding("r", "record_result", "callview.key_result", id="record-result"),
        Binding("c", "call_back", "callview.key_callback", id="call-back"),
        Binding("n", "add_note", "callview.key_note", id="add-note"),
        Binding("f7,ctrl+s", "resolve", "callview.key_resolve", id="resolve-call"),
        Binding("e", "escalate", "callview.key_escalate", id="escalate-call"),
        Binding("o", "reopen", "callview.key_reopen", id="reopen-call"),
        Binding("x", "close_call", "callview.key_close", id="close-call"),
        Binding("escape", "back", "callview.key_back", id="back-from-call"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.call: dict[str, Any] = {}

    @property
    def locale(self) -> str:
        return self.app.desk.config.site.locale

    def compose(self) -> ComposeResult:
        desk = self.app.desk
        yield self.app.make_header()
        with Horizontal(id="call-title-row"):
            yield Static("", id="call-title", markup=False)
            yield SlaBadge(None, now=desk.now, id="call-sla")
        yield Static("", id="call-facts", markup=False)
        yield Static(Text(t("callview.timeline")), id="call-timeline-title")
        yield TimelineView(local=desk.local, empty_text=t("callview.no_events"),
                           id="call-timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(TimelineView).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    # -- showing the call ------------------------------------------------------------------

    def reload(self) -> None:
        """Read the call again and show it (after every action, and when coming back)."""
        desk = self.app.desk
        call = get_call(desk, self.number)
        if call is None:  # cannot happen for a call once shown; keep the last view
            return
        self.call = call
        title = Text(call["number"], style="bold")
        title.append(f"  {t('status.' + call['status'])}")
        if call.get("escalated") and fu.escalation_deadline(desk, call) is not None:
            title.append(f"  {t('callview.escalated')}", style="bold red")
        self.query_one("#call-title", Static).update(title)
        running = call["status"] in callstate.OPEN_STATUSES and call.get("due_at")
        self.query_one(SlaBadge).set_due(from_text(call["due_at"]) if running else None)
        self.query_one("#call-facts", Static).update(self._facts(call))
        self.query_one(TimelineView).show(call_timeline(desk, call))
        self.refresh_bindings()

    def _label(self, kind: str, value: str | None) -> str:
        if not value:
            return "—"
        try:
            return self.app.desk.config.label(kind, value, self.locale)
        except KeyError:
            return value

    def _when(self, value: str | None) -> str:
        return self.app.desk.local(from_text(value)).strftime("%m-%d %H:%M") if value else "—"

    def _facts(self, call: dict[str, Any]) -> Group:
        pairs = [
            ("customer", call.get("customer_name") or "—"),
            ("phone", display(call["phone"]) if call.get("phone") else "—"),
            ("category", self._label("category", call.get("category"))),
            ("priority", self._label("priority", call.get("priority"))),
            ("department", self._label("department", call.get("department"))),
            ("due", self._when(call.get("due_at"))),
            ("model", call.get("product_model") or "—"),
            ("serial", call.get("serial_no") or "—"),
            ("channel", self._label("channel", call.get("channel"))),
            ("started", self._when(call.get("started_at"))),
        ]
        if call.get("alt_phone"):
            pairs.append(("alt_phone", display(call["alt_phone"])))
        if call.get("purchase_date"):
            pairs.append(("purchase_date", call["purchase_date"]))
        if call["status"] == callstate.AWAITING_CALLBACK:
            pairs.append(("callback_due", self._when(call.get("callback_due_at"))))
        if call.get("reopen_count"):
            pairs.append(("reopened", str(call["reopen_count"])))
        if call.get("satisfaction"):
            pairs.append(("satisfaction", f"{call['satisfaction']}/5"))
        if call.get("escalated_at"):
            pairs.append(("escalated_at", self._when(call["escalated_at"])))
        texts = [key for key in ("symptom", "description") if call.get(key)]
        labels = [key for key, _ in pairs] + texts
        label_width = max(cell_len(t(f"callview.{key}")) for key in labels)
        grid = Table.grid(padding=(0, 1), expand=True)
        for _ in range(2):
            grid.add_column(no_wrap=True, style="bold", min_width=label_width)
            grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        for i in range(0, len(pairs), 2):
            cells: list[Text] = []
            for key, value in pairs[i : i + 2]:
                cells += [Text(t(f"callview.{key}")), Text(value)]
            grid.add_row(*cells)
        long = Table.grid(padding=(0, 1), expand=True)
        long.add_column(no_wrap=True, style="bold", min_width=label_width)
        long.add_column(ratio=1)
        for key in texts:
            long.add_row(Text(t(f"callview.{key}")), Text(call[key]))
        return Group(grid, long)

    # -- which actions the call allows -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        status = self.call.get("status")
        if status is None:
            return action == "back"
        desk = self.app.desk
        if action == "transfer":
            return callstate.allowed(status, callstate.TRANSFERRED, role=desk.role)
        if action == "record_result":
            return status == callstate.TRANSFERRED
        if action == "call_back":
            return status in (callstate.AWAITING_CALLBACK, callstate.RESOLVED)
        if action == "resolve":
            return callstate.allowed(status, callstate.RESOLVED, role=desk.role)
        if action == "escalate":
            return status != callstate.CLOSED and fu.escalation_deadline(desk, self.call) is None
        if action == "reopen":
            return callstate.allowed(status, callstate.REOPENED, role=desk.role)
        if action == "close_call":
            return desk.role == "supervisor" and status != callstate.CLOSED
        return True

    # -- actions -----------------------------------------------------------------------------

    def _run(self, use_case: Callable[[], Any], done: Callable[[Any], str]) -> None:
        """Run one use case; show its outcome, or its refusal, in one line."""
        try:
            outcome = use_case()
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False, timeout=8)
            self.reload()  # the call may have changed under us (another desk, a sync)
            return
        self.reload()
        self.notify(done(outcome), markup=False)

    def action_transfer(self) -> None:
        from hotline.screens.transfer import TransferModal

        def chosen(choice: fu.TransferChoice | None) -> None:
            if choice is None:
                return
            self._run(
                lambda: fu.transfer_call(self.app.desk, self.number, choice.department,
                                         choice.reason, priority=choice.priority,
                                         hours=choice.hours),
                self._transferred_outcome,
            )

        self.app.push_screen(TransferModal(self.app.desk, self.call), chosen)

    def _transferred_outcome(self, call: dict[str, Any]) -> str:
        """Where the call went, and when the department's answer is due (its own SLA)."""
        transfer = call_records.latest_transfer(self.app.desk.store, call["id"]) or {}
        due = transfer.get("due_at") or call["due_at"]
        return t("callview.transferred", department=self._label("department", call["department"]),
                 eta=eta_words(self.app.desk, from_text(due), self.locale))

    def action_record_result(self) -> None:
        from hotline.screens.result import ResultEntry, ResultModal

        transfer = call_records.latest_transfer(self.app.desk.store, self.call["id"])
        if transfer is None or transfer.get("result_at"):
            self.notify(t("followup.no_open_transfer", number=self.number), severity="error",
                        markup=False)
            return
        department = self._label("department", transfer["department"])
        line = t("result.transfer", department=department, at=self._when(transfer["sent_at"]),
                 reason=transfer["reason"] or "")

        def entered(entry: ResultEntry | None) -> None:
            if entry is None:
                return
            self._run(
                lambda: fu.record_result(self.app.desk, self.number, entry.result,
                                         reported_by=entry.reported_by),
                lambda call: t("callview.result_recorded"),
            )

        self.app.push_screen(ResultModal(self.number, line, department), entered)

    def action_call_back(self) -> None:
        from hotline.screens.callback import CallbackChoice, CallbackModal

        transfer = call_records.latest_transfer(self.app.desk.store, self.call["id"])
        result = (transfer or {}).get("result") or ""
        department = self._label("department", (transfer or {}).get("department"))
        if self.call["status"] == callstate.RESOLVED:
            result, department = "", ""

        def answered(choice: CallbackChoice | None) -> None:
            if choice is None:
                return
            self._run(
                lambda: fu.call_back(self.app.desk, self.number, reached=choice.reached,
                                     result_told=choice.result_told,
                                     satisfaction=choice.satisfaction, comment=choice.comment),
                self._callback_outcome,
            )

        self.app.push_screen(
            CallbackModal(self.app.desk, self.call, result=result, department=department),
            answered,
        )

    def _callback_outcome(self, call: dict[str, Any]) -> str:
        status = call["status"]
        if status == callstate.CLOSED:
            return t("callview.callback_closed", satisfaction=call.get("satisfaction") or "-")
        if status == callstate.REOPENED:
            return t("callview.callback_reopened", satisfaction=call.get("satisfaction") or "-")
        if call.get("callback_due_at"):
            return t("callview.callback_retry", at=self._when(call["callback_due_at"]))
        if call.get("escalated"):
            return t("callback.unreached_escalated")
        return t("callview.callback_recorded")

    def _ask(self, key: str, use_case: Callable[[str], Any], done: Callable[[Any], str], *,
             max_length: int = fu.REASON_MAX) -> None:
        """Ask for the text a change needs (`callview.<key>_title/_prompt`), then make it."""
        from hotline.screens.reason import ReasonModal

        def given(text: str | None) -> None:
            if text is not None:
                self._run(lambda: use_case(text), done)

        context = f"{self.number}  {self.call.get('customer_name') or ''}".strip()
        self.app.push_screen(
            ReasonModal(t(f"callview.{key}_title"), t(f"callview.{key}_prompt"),
                        context=context, max_length=max_length),
            given,
        )

    def action_add_note(self) -> None:
        self._ask("note", lambda text: fu.add_note(self.app.desk, self.number, text),
                  lambda _: t("callview.note_added"), max_length=fu.TEXT_MAX)

    def action_resolve(self) -> None:
        self._ask("resolve", lambda text: fu.resolve(self.app.desk, self.number, text),
                  lambda _: t("callview.resolved"), max_length=fu.TEXT_MAX)

    def action_escalate(self) -> None:
        self._ask("escalate", lambda text: fu.escalate(self.app.desk, self.number, text),
                  self._escalated_outcome)

    def _escalated_outcome(self, call: dict[str, Any]) -> str:
        due = fu.escalation_deadline(self.app.desk, call)
        at = self.app.desk.local(due).strftime("%m-%d %H:%M") if due else "—"
        return t("callview.escalated_done", at=at)

    def action_reopen(self) -> None:
        self._ask("reopen", lambda text: fu.reopen(self.app.desk, self.number, text),
                  lambda _: t("callview.reopened_done"))

    def action_close_call(self) -> None:
        self._ask("close", lambda text: fu.close_by_supervisor(self.app.desk, self.number, text),
                  lambda _: t("callview.closed_done"))

    def action_back(self) -> None:
        self.app.pop_screen()
