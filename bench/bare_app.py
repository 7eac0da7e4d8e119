"""The floor for start-up and memory: a bare Textual app with the widgets of hotline's first
screen (a one-line header with a clock, a centred box with two labelled inputs, an error line,
a footer), and nothing else — no store, no configuration, no catalogs."""

from __future__ import annotations

from datetime import datetime

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

CSS = """
BareScreen { align: center middle; }
BareScreen #bare-header { dock: top; height: 1; background: $primary; padding: 0 1; }
BareScreen #bare-who { width: 1fr; }
BareScreen #bare-clock { width: auto; }
BareScreen #box { width: 40; height: auto; border: round $primary; padding: 1 2; }
BareScreen #error { color: $error; height: auto; margin-top: 1; }
"""


class BareScreen(Screen[None]):
    BINDINGS = [Binding("enter", "advance", "Next", priority=True)]

    def compose(self) -> ComposeResult:
        with Horizontal(id="bare-header"):
            yield Static("Company  Desk D01", id="bare-who")
            yield Static(datetime.now().strftime("%Y-%m-%d %H:%M:%S"), id="bare-clock")
        with Center(), Vertical(id="box"):
            yield Label("Sign in")
            yield Label("Agent code")
            yield Input(id="code", max_length=10)
            yield Label("PIN")
            yield Input(id="pin", password=True, max_length=12)
            yield Static("", id="error", markup=False)
        yield Footer()

    def action_advance(self) -> None:
        self.focus_next()


class BareApp(App[None]):
    CSS = CSS
    BINDINGS = [Binding("f1", "help", "Help", priority=True),
                Binding("ctrl+q", "quit", "Quit", priority=True)]

    def on_mount(self) -> None:
        self.push_screen(BareScreen())


if __name__ == "__main__":
    BareApp().run()
