"""The callback (回访): reach the customer, tell them the result, ask their satisfaction.

One key per answer, in the order of the conversation: `y`/`n` — was the customer reached;
then the result told (prefilled with the department's answer; Enter goes on); then `1`–`5`, the
satisfaction. A score below the threshold asks what the customer was unhappy with (the call is
reopened). The script panel follows along. `dismiss` returns a `CallbackChoice` (None: Esc).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from hotline.i18n import t
from hotline.scripts import render
from hotline.services.desk import Desk
from hotline.services.followup import TEXT_MAX
from hotline.services.followup_scripts import CallFacts, script_variables
from hotline.widgets.keys import localized
from hotline.widgets.script_panel import ScriptPanel

REACH, TOLD, RATE, COMMENT = "reach", "told", "rate", "comment"


@dataclass(frozen=True)
class CallbackChoice:
    reached: bool
    result_told: str = ""
    satisfaction: int | None = None
    comment: str = ""


@localized
class CallbackModal(ModalScreen[CallbackChoice | None]):
    """A callback, one step per question."""

    AUTO_FOCUS = ""
    """Nothing focused at first: `y`/`n` answer the first question, not type into a field."""

    DEFAULT_CSS = """
    CallbackModal { align: center middle; }
    CallbackModal > #callback-box {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface;
    }
    CallbackModal #callback-form { width: 1fr; height: auto; padding: 0 1; }
    CallbackModal #callback-title { text-style: bold; margin-bottom: 1; }
    CallbackModal #callback-question { text-style: bold; margin-top: 1; color: $text-accent; }
    CallbackModal #callback-told, CallbackModal #callback-comment { display: none; }
    CallbackModal Input, CallbackModal Input:focus { border: none; height: 1; padding: 0 1; }
    CallbackModal Input { background: $boost; }
    CallbackModal Input:focus { background: $primary 25%; }
    CallbackModal #callback-unsatisfied { color: $text-muted; margin-top: 1; height: auto; }
    CallbackModal #callback-script { width: 36; height: auto; max-height: 22; }
    """
    BINDINGS = [
        Binding("y", "reached(True)", "callback.key_reached", id="callback-reached"),
        Binding("n", "reached(False)", "callback.key_unreached", id="callback-unreached"),
        Binding("1", "rate(1)", "callback.key_rate", id="callback-rate", key_display="1-5"),
        Binding("2", "rate(2)", "", show=False, id="callback-rate-2"),
        Binding("3", "rate(3)", "", show=False, id="callback-rate-3"),
        Binding("4", "rate(4)", "", show=False, id="callback-rate-4"),
        Binding("5", "rate(5)", "", show=False, id="callback-rate-5"),
        Binding("ctrl+s", "next", "callback.key_next", id="callback-next", priority=True),
        Binding("escape", "cancel", "callback.key_cancel", id="callback-cancel"),
    ]

    def __init__(self, desk: Desk, call: dict[str, Any], *, result: str = "",
                 department: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.facts = CallFacts.of(desk, call)
        self.locale = desk.config.site.locale
        self.step = REACH
        self._result = result
        self._department = department
        self._score: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="callback-box"):
            with Vertical(id="callback-form"):
                yield Static(Text(t("callback.title", number=self.facts.number)),
                             id="callback-title")
                who = " ".join(p for p in (self.facts.customer, self._phone()) if p)
                yield Static(Text(t("callback.customer", customer=who or "-")))
                if self._result:
                    yield Static(Text(t("callback.result", result=self._result)))
                yield Static("", id="callback-question", markup=False)
                yield Input(self._result, id="callback-told", max_length=TEXT_MAX)
                yield Input(id="callback-comment", max_length=TEXT_MAX,
                            placeholder=t("callback.comment_hint"))
                yield Static("", id="callback-unsatisfied", markup=False)
            from hotline.screens.transfer import script_library_for

            yield ScriptPanel(script_library_for(self.desk), id="callback-script")
        yield Footer()

    def _phone(self) -> str:
        from hotline.services.phones import display

        return display(self.facts.phone) if self.facts.phone else ""

    def on_mount(self) -> None:
        self._go(REACH)

    # -- steps -------------------------------------------------------------------------------

    def _go(self, step: str) -> None:
        self.step = step
        told = self.query_one("#callback-told", Input)
        comment = self.query_one("#callback-comment", Input)
        told.display = step == TOLD
        comment.display = step == COMMENT
        question = {
            REACH: t("callback.ask_reached"),
            TOLD: t("callback.ask_told"),
            RATE: t("callback.ask_rate", threshold=self.desk.config.satisfaction.threshold),
            COMMENT: t("callback.ask_comment", score=self._score or "-"),
        }[step]
        self.query_one("#callback-question", Static).update(Text(question))
        if step == TOLD:
            told.focus()
        elif step == COMMENT:
            comment.focus()
        else:
            self.set_focus(None)
        self._script()
        self.refresh_bindings()

    def _script(self) -> None:
        stage = "callback" if self.step in (REACH, TOLD) else "satisfaction"
        variables = script_variables(self.desk, self.facts, locale=self.locale,
                                     result=self._result, department=self._department)
        self.query_one(ScriptPanel).show(stage, variables, locale=self.locale,
                                         category=self.facts.category or None)
        unsatisfied = self.query_one("#callback-unsatisfied", Static)
        template = None
        if self.step == COMMENT:
            from hotline.screens.transfer import script_library_for

            template = script_library_for(self.desk).get("satisfaction.unsatisfied", self.locale)
        unsatisfied.update(Text(render(template, variables)) if template is not None else "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reached":
            return self.step == REACH
        if action == "rate":
            return self.step == RATE
        if action == "next":
            return self.step in (TOLD, COMMENT)
        return True

    def action_reached(self, reached: bool) -> None:
        if not reached:
            self.dismiss(CallbackChoice(reached=False))
            return
        self._go(TOLD)

    @on(Input.Submitted, "#callback-told")
    @on(Input.Submitted, "#callback-comment")
    def _entered(self) -> None:
        self.action_next()

    def action_next(self) -> None:
        if self.step == TOLD:
            self._go(RATE)
        elif self.step == COMMENT:
            self._finish()

    def action_rate(self, score: int) -> None:
        self._score = score
        if score >= self.desk.config.satisfaction.threshold:
            self._finish()
        else:
            self._go(COMMENT)

    def _finish(self) -> None:
        self.dismiss(CallbackChoice(
            reached=True,
            result_told=self.query_one("#callback-told", Input).value.strip(),
            satisfaction=self._score,
            comment=self.query_one("#callback-comment", Input).value.strip(),
        ))

    def action_cancel(self) -> None:
        self.dismiss(None)
