"""F8: transfer a call to a department — which one, why, and by when the customer hears back.

`TransferModal(desk, call_or_intake)` serves the call screen (a saved call) and the intake form
(the call still being taken) alike: it writes nothing, checks the choice with the same rules as
the service, and returns a `TransferChoice` through `dismiss` (None when cancelled). The caller
then makes the transfer (`transfer_call`, or `take_transferred_call` from intake).

Keys: ↑↓ pick the department (its SLA prefills the handling time), Enter moves to the reason,
Enter or ctrl+s transfers, Esc cancels. The script panel shows the words to say to the customer,
with the department and the expected time filled in.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services.calls import CallIntake
from hotline.services.desk import Desk
from hotline.services.followup import (
    ETA_MAX_HOURS,
    REASON_MAX,
    TransferChoice,
    TransferDeadline,
    check_transfer,
)
from hotline.services.followup_scripts import CallFacts, eta_words, script_variables
from hotline.widgets.keys import localized
from hotline.widgets.script_panel import ScriptPanel


def hours_text(hours: float) -> str:
    return f"{hours:g}"


def sla_words(hours: float, business: bool, locale: str | None = None) -> str:
    """`8 working hours` / `24 h` (`8 工作小时` / `24 小时`)."""
    key = "transfer.sla_business" if business else "transfer.sla_clock"
    return t(key, locale, hours=hours_text(hours))


def script_library_for(desk: Desk) -> Any:
    """The desk's script templates, loaded once per process (shared with the intake form)."""
    from hotline.screens.intake import script_library

    return script_library(desk.config.scripts_dir)


@localized
class TransferModal(ModalScreen[TransferChoice | None]):
    """Choose the department, the reason and the expected handling time of a transfer."""

    DEFAULT_CSS = """
    TransferModal { align: center middle; }
    TransferModal > #transfer-box {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface;
    }
    TransferModal #transfer-form { width: 1fr; height: auto; padding: 0 1; }
    TransferModal #transfer-title { text-style: bold; margin-bottom: 1; }
    TransferModal #transfer-department {
        height: auto; max-height: 8; border: none; padding: 0; margin-bottom: 1;
    }
    TransferModal .transfer-row { height: 1; margin-bottom: 1; }
    TransferModal .transfer-row > Static { width: auto; min-width: 10; padding-right: 1; }
    TransferModal Input { border: none; height: 1; padding: 0 1; background: $boost; }
    TransferModal Input:focus { border: none; background: $primary 25%; }
    TransferModal #transfer-hours { width: 10; }
    TransferModal #transfer-eta { color: $text-accent; height: auto; }
    TransferModal #transfer-error { color: $error; height: auto; }
    TransferModal #transfer-script { width: 36; height: auto; max-height: 18; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "transfer.key_submit", id="transfer-submit", priority=True),
        Binding("escape", "cancel", "transfer.key_cancel", id="transfer-cancel"),
    ]

    def __init__(self, desk: Desk, call: dict[str, Any] | CallIntake) -> None:
        super().__init__()
        self.desk = desk
        self.facts = CallFacts.of(desk, call)
        self.locale = desk.config.site.locale
        self.deadline: TransferDeadline | None = None
        self._department = desk.config.departments[0].id if desk.config.departments else ""
        current = call.get("department") if isinstance(call, dict) else None
        if current and any(d.id == current for d in desk.config.departments):
            self._department = current

    def compose(self) -> ComposeResult:
        config = self.desk.config
        with Horizontal(id="transfer-box"):
            with Vertical(id="transfer-form"):
                yield Static(Text(t("transfer.title", number=self.facts.number)),
                             id="transfer-title")
                yield Static(Text(t("transfer.department")))
                options = []
                for dept in config.departments:
                    line = Text(dept.label.text(self.locale))
                    line.append("  " + sla_words(dept.sla_hours, dept.business_hours), "dim")
                    options.append(Option(line, id=dept.id))
                yield OptionList(*options, id="transfer-department")
                with Horizontal(classes="transfer-row"):
                    yield Static(Text(t("transfer.reason")))
                    yield Input(id="transfer-reason", max_length=REASON_MAX,
                                placeholder=t("transfer.reason_hint"))
                with Horizontal(classes="transfer-row"):
                    yield Static(Text(t("transfer.hours")))
                    yield Input(id="transfer-hours", max_length=6, restrict=r"[0-9]*\.?[0-9]*")
                yield Static("", id="transfer-eta", markup=False)
                yield Static("", id="transfer-error", markup=False)
            yield ScriptPanel(script_library_for(self.desk), id="transfer-script")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#transfer-department", OptionList)
        ids = [d.id for d in self.desk.config.departments]
        if self._department in ids:
            options.highlighted = ids.index(self._department)
        self._prefill_hours()
        options.focus()

    # -- the choice as it changes ------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#transfer-department")
    def _department_moved(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self._department:
            self._department = event.option.id
            self._prefill_hours()

    @on(OptionList.OptionSelected, "#transfer-department")
    def _department_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#transfer-reason", Input).focus()

    @on(Input.Changed)
    def _typed(self) -> None:
        self._refresh()

    @on(Input.Submitted, "#transfer-reason")
    @on(Input.Submitted, "#transfer-hours")
    def _entered(self) -> None:
        self.action_submit()

    def _prefill_hours(self) -> None:
        dept = self.desk.config.department(self._department)
        self.query_one("#transfer-hours", Input).value = hours_text(dept.sla_hours)
        self._refresh()

    def _hours(self) -> float | None:
        text = self.query_one("#transfer-hours", Input).value.strip()
        try:
            return float(text) if text else None
        except ValueError:
            return None

    def choice(self) -> TransferChoice:
        """The transfer as the modal holds it now."""
        dept = self.desk.config.department(self._department)
        hours = self._hours()
        return TransferChoice(
            department=self._department,
            reason=self.query_one("#transfer-reason", Input).value.strip(),
            hours=None if hours == dept.sla_hours else hours,
        )

    def _refresh(self) -> None:
        """The expected time and the script follow the department, the hours and the reason."""
        eta = self.query_one("#transfer-eta", Static)
        choice = self.choice()
        hours = self._hours()
        if hours is None or not 0 < hours <= ETA_MAX_HOURS:
            self.deadline = None
            eta.update(Text(t("followup.bad_hours", value=hours_text(hours or 0),
                              most=ETA_MAX_HOURS)))
        else:
            try:
                probe = TransferChoice(choice.department, "-", choice.hours)
                self.deadline = check_transfer(self.desk, probe, priority=self.facts.priority)
            except HotlineError as exc:
                self.deadline = None
                eta.update(Text(exc.message()))
            else:
                eta.update(self._eta_line(self.deadline))
        dept_label = self.desk.config.label("department", choice.department, self.locale)
        variables = script_variables(
            self.desk, self.facts, locale=self.locale, department=dept_label,
            eta=eta_words(self.desk, self.deadline.at, self.locale) if self.deadline else "",
            reason=choice.reason,
        )
        self.query_one(ScriptPanel).show("transfer", variables, locale=self.locale,
                                         category=self.facts.category or None)

    def _eta_line(self, deadline: TransferDeadline) -> Text:
        line = Text(t("transfer.eta", eta=eta_words(self.desk, deadline.at, self.locale)))
        line.append(" · " + sla_words(deadline.hours, deadline.business), "dim")
        if deadline.by_priority:
            label = self.desk.config.label("priority", self.facts.priority, self.locale)
            line.append(" · " + t("transfer.by_priority", priority=label), "bold")
        return line

    # -- done --------------------------------------------------------------------------------

    def action_submit(self) -> None:
        choice = self.choice()
        error = self.query_one("#transfer-error", Static)
        try:
            if self._hours() is None:
                from hotline.errors import InputRefused

                raise InputRefused("followup.bad_hours", value="", most=ETA_MAX_HOURS)
            check_transfer(self.desk, choice, priority=self.facts.priority)
        except HotlineError as exc:
            error.update(Text(exc.message()))
            if exc.key == "followup.no_reason":
                self.query_one("#transfer-reason", Input).focus()
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
