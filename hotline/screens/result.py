"""The department's answer to a transfer: what they say, and who said it.

Shows the open transfer (department, when, why); Enter moves from "reported by" to the result and
accepts there, ctrl+s accepts from anywhere, Esc cancels. `dismiss` returns a `ResultEntry`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from hotline.i18n import t
from hotline.services.followup import NAME_MAX, TEXT_MAX
from hotline.widgets.keys import localized


@dataclass(frozen=True)
class ResultEntry:
    result: str
    reported_by: str


@localized
class ResultModal(ModalScreen[ResultEntry | None]):
    """Record what the department answered."""

    DEFAULT_CSS = """
    ResultModal { align: center middle; }
    ResultModal > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ResultModal #result-title { text-style: bold; }
    ResultModal #result-transfer { color: $text-muted; margin-bottom: 1; }
    ResultModal .result-row { height: 1; margin-bottom: 1; }
    ResultModal .result-row > Static { width: auto; min-width: 10; padding-right: 1; }
    ResultModal Input, ResultModal Input:focus { border: none; height: 1; padding: 0 1; }
    ResultModal Input { background: $boost; }
    ResultModal Input:focus { background: $primary 25%; }
    ResultModal #result-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "accept", "result.key_accept", id="result-accept", priority=True),
        Binding("escape", "cancel", "result.key_cancel", id="result-cancel"),
    ]

    def __init__(self, number: str, transfer_line: str, reporter: str) -> None:
        super().__init__()
        self._number = number
        self._transfer_line = transfer_line
        self._reporter = reporter

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("result.title", number=self._number)), id="result-title")
            yield Static(Text(self._transfer_line), id="result-transfer")
            with Horizontal(classes="result-row"):
                yield Static(Text(t("result.reported_by")))
                yield Input(self._reporter, id="result-by", max_length=NAME_MAX)
            with Horizontal(classes="result-row"):
                yield Static(Text(t("result.text")))
                yield Input(id="result-text", max_length=TEXT_MAX,
                            placeholder=t("result.text_hint"))
            yield Static("", id="result-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#result-text", Input).focus()

    @on(Input.Submitted, "#result-by")
    def _by_entered(self) -> None:
        self.query_one("#result-text", Input).focus()

    @on(Input.Submitted, "#result-text")
    def _text_entered(self) -> None:
        self.action_accept()

    def action_accept(self) -> None:
        by = self.query_one("#result-by", Input).value.strip()
        text = self.query_one("#result-text", Input).value.strip()
        error = self.query_one("#result-error", Static)
        if not by:
            error.update(Text(t("followup.no_reporter")))
            self.query_one("#result-by", Input).focus()
            return
        if not text:
            error.update(Text(t("followup.no_result")))
            self.query_one("#result-text", Input).focus()
            return
        self.dismiss(ResultEntry(text, by))

    def action_cancel(self) -> None:
        self.dismiss(None)
