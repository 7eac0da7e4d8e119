"""The site notice dialog (supervisors): type it, Enter puts it up on every desk; empty and
Enter takes it down; Esc leaves it as it is."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from hotline.i18n import t
from hotline.services.notices import MAX_LENGTH
from hotline.widgets.keys import localized


@localized
class NoticeModal(ModalScreen[str | None]):
    """Returns the new text ("" to take the notice down), or None when cancelled."""

    DEFAULT_CSS = """
    NoticeModal { align: center middle; }
    NoticeModal > Vertical {
        width: 76; max-width: 95%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    NoticeModal #notice-title { text-style: bold; margin-bottom: 1; }
    NoticeModal #notice-current, NoticeModal #notice-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "notice.key_cancel", id="notice-cancel")]

    def __init__(self, current: dict[str, Any] | None, *, when: str = "") -> None:
        super().__init__()
        self._current = current
        self._when = when

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("notice.title"), id="notice-title")
            about = (t("notice.current", agent=self._current["set_by"] or "-", time=self._when)
                     if self._current else t("notice.nothing"))
            yield Static(about, id="notice-current", markup=False)
            yield Input(self._current["text"] if self._current else "", id="notice-text",
                        max_length=MAX_LENGTH)
            yield Static(t("notice.hint"), id="notice-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#notice-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
