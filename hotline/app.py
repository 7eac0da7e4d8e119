"""The Textual App: screens, global bindings, command palette. Nothing else lives here."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding

from hotline.i18n import set_locale
from hotline.services.calendar import is_working_time
from hotline.services.desk import Desk
from hotline.widgets.desk_header import DeskHeader
from hotline.widgets.keys import localized, relabel


def _hotline_commands() -> type:
    """Imported when the palette first opens, not at start-up."""
    from hotline.commands import HotlineCommands

    return HotlineCommands


@localized
class HotlineApp(App[None]):
    """One desk's workstation. Built by `make_app` for the CLI and for tests."""

    CSS_PATH = "hotline.tcss"
    COMMANDS = App.COMMANDS | {_hotline_commands}
    TITLE = "hotline"
    BINDINGS = [
        Binding("f1,ctrl+g", "help", "keys.help", id="help", priority=True),
        Binding("ctrl+q", "quit", "keys.quit", id="quit", priority=True),
    ]

    def __init__(self, desk: Desk, *, signed_in: bool = False, training: bool = False) -> None:
        super().__init__()
        self.desk = desk
        self.training = training
        self._start_signed_in = signed_in and desk.agent is not None

    def on_mount(self) -> None:
        self.set_keymap(dict(self.desk.config.keymap))
        if self._start_signed_in:
            self._show_home()
        else:
            from hotline.screens.signin import SignInScreen

            self.push_screen(SignInScreen())

    def make_header(self) -> DeskHeader:
        """The header of every screen, showing who is signed in."""
        header = DeskHeader(
            self.desk.config.site.company,
            self.desk.store.desk,
            now=self.desk.local,
            training=self.training,
            on_duty=self._after_hours,
        )
        header.set_reactive(DeskHeader.agent, self._agent_label())
        return header

    def _agent_label(self) -> str:
        if self.desk.agent is None:
            return ""
        from hotline.services.agents import get_agent

        agent = get_agent(self.desk, self.desk.agent)
        return f"{agent['name']} ({agent['code']})" if agent else self.desk.agent

    def _after_hours(self) -> bool:
        return not is_working_time(self.desk.config.calendar, self.desk.now(), self.desk.tz)

    def signed_in(self, agent: dict[str, Any]) -> None:
        """Called by the sign-in screen once the PIN checked out."""
        self._show_home()

    def _show_home(self) -> None:
        from hotline.screens.home import HomeScreen

        self.switch_screen(HomeScreen()) if len(self.screen_stack) > 1 else self.push_screen(
            HomeScreen()
        )

    def action_help(self) -> None:
        from hotline.screens.help import HelpModal

        if isinstance(self.screen, HelpModal):
            self.screen.dismiss()
            return
        self.push_screen(HelpModal(self.screen))


def make_app(desk: Desk, *, signed_in: bool = False, training: bool = False) -> HotlineApp:
    """The app for `desk`, in the desk's locale (the CLI and the tests build it here)."""
    set_locale(desk.config.site.locale)
    relabel()
    return HotlineApp(desk, signed_in=signed_in, training=training)
