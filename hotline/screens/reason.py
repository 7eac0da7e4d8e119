"""A one-line text asked for with a change: a note, a reason to close, escalate or reopen, a
resolution. Enter (or ctrl+s) accepts, Esc cancels; `dismiss` returns the text or None."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from hotline.i18n import t
from hotline.widgets.keys import localized


@localized
class ReasonModal(ModalScreen[str | None]):
    """Asks for one text; refuses an empty one when `required`, without closing."""

    DEFAULT_CSS = """
    ReasonModal { align: center middle; }
    ReasonModal > Vertical {
        width: 72; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ReasonModal #reason-title { text-style: bold; }
    ReasonModal #reason-context { color: $text-muted; margin-bottom: 1; }
    ReasonModal #reason-error { color: $error; height: auto; }
    ReasonModal Input, ReasonModal Input:focus { border: none; height: 1; padding: 0 1; }
    ReasonModal Input { background: $boost; }
    ReasonModal Input:focus { background: $primary 25%; }
    """
    BINDINGS = [
        Binding("ctrl+s", "accept", "reason.key_accept", id="reason-accept", priority=True),
        Binding("escape", "cancel", "reason.key_cancel", id="reason-cancel"),
    ]

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        context: str = "",
        required: bool = True,
        max_length: int = 500,
        value: str = "",
    ) -> None:
        super().__init__()
        self._heading = title
        self._question = prompt
        self._about = context
        self._must_have = required
        self._most = max_length
        self._initial = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._heading), id="reason-title")
            if self._about:
                yield Static(Text(self._about), id="reason-context")
            yield Static(Text(self._question))
            yield Input(self._initial, id="reason-text", max_length=self._most)
            yield Static("", id="reason-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reason-text", Input).focus()

    @on(Input.Submitted, "#reason-text")
    def _entered(self) -> None:
        self.action_accept()

    def action_accept(self) -> None:
        text = self.query_one("#reason-text", Input).value.strip()
        if self._must_have and not text:
            self.query_one("#reason-error", Static).update(Text(t("reason.required")))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
