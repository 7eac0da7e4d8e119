"""F1 help: every key of the screen the agent was on, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from hotline.i18n import t
from hotline.widgets.keys import hotline_keys, localized


@localized
class HelpModal(ModalScreen[None]):
    """Lists the active bindings of `screen` (its own and the app's), as the footer would."""

    DEFAULT_CSS = """
    HelpModal { align: center middle; }
    HelpModal > Vertical {
        width: 70; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpModal DataTable { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "dismiss", "help.close", id="close-help")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self._for = screen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("help.title"))
            yield DataTable(id="help-keys", cursor_type="row", show_cursor=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("help.key"), key="key")
        table.add_column(t("help.action"), key="action")
        for binding, _node in hotline_keys(self._for):
            table.add_row(Text(self.app.get_key_display(binding)), Text(binding.description))
        table.focus()
