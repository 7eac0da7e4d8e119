"""The Textual App: screens, global bindings, command palette. Nothing else lives here."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding

from hotline.i18n import set_locale
from hotline.services.calendar import is_working_time
from hotline.services.desk import Desk
from hotline.session import SESSION_ACTIONS, DeskSession
from hotline.widgets.desk_header import DeskHeader
from hotline.widgets.keys import localized, relabel


def _hotline_commands() -> type:
    """Imported when the palette first opens, not at start-up."""
    from hotline.commands import HotlineCommands

    return HotlineCommands


@localized
class HotlineApp(DeskSession, App[None]):
    """One desk's workstation. Built by `make_app` for the CLI and for tests."""

    CSS_PATH = "hotline.tcss"
    COMMANDS = App.COMMANDS | {_hotline_commands}
    TITLE = "hotline"
    BINDINGS = [
        # The footer shows the keys of the job; quitting is in F1 help and the palette (a
        # priority binding would come first in the footer and push F-keys off at 80 columns).
        Binding("f1,ctrl+g", "help", "keys.help", id="help", priority=True),
        Binding("f2,ctrl+n", "new_call", "keys.new_call", id="new-call"),
        Binding("f3,ctrl+l", "queues", "keys.queues", id="queues"),
        Binding("f4,ctrl+f", "search", "keys.search", id="search"),
        Binding("f9,ctrl+b", "reports", "keys.reports", id="reports"),
        # Not in the footer (the F-keys fill it at 80 columns); in F1 help and the palette.
        Binding("ctrl+f5,ctrl+z", "sync", "syncscreen.key_open", id="sync-screen", show=False),
        Binding("f10,ctrl+right_square_bracket", "edit_notice", "session.key_notice",
                id="site-notice"),
        Binding("f11,ctrl+backslash", "audit_log", "session.key_audit", id="audit-log"),
        Binding("f12,ctrl+y", "sign_out", "session.key_sign_out", id="sign-out"),
        Binding("ctrl+q", "quit", "keys.quit", id="quit", priority=True, show=False),
        Binding("ctrl+f12", "training_mode", "session.key_training", id="training-mode",
                show=False),
        # Same keys for everyone else: a refusal that says why (see session.py).
        Binding("f10,ctrl+right_square_bracket,f11,ctrl+backslash", "refuse_supervisor",
                show=False),
    ]

    def __init__(self, desk: Desk, *, signed_in: bool = False, training: bool = False) -> None:
        super().__init__()
        self.desk = desk
        self.training = training
        self._start_signed_in = signed_in and desk.agent is not None

    def on_mount(self) -> None:
        self.set_keymap(dict(self.desk.config.keymap))
        self.start_session()
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
            notice=lambda: self.notice,
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
        home = self.home_screen()
        self.switch_screen(home) if len(self.screen_stack) > 1 else self.push_screen(home)
        self.call_after_refresh(self._offer_drafts)

    def _offer_drafts(self) -> None:
        """A call left unsaved by a crash or a closed terminal is offered back at sign-in."""
        from hotline.screens.intake import offer_drafts

        offer_drafts(self)

    def action_new_call(self) -> None:
        """F2 from anywhere (once signed in): the intake form."""
        from hotline.screens.intake import start_intake

        start_intake(self)

    def action_queues(self) -> None:
        """F3 from anywhere (once signed in): the follow-up queues."""
        from hotline.screens.queues import show_queues

        show_queues(self)

    def action_search(self) -> None:
        """F4 from anywhere (once signed in): search calls and customers."""
        from hotline.screens.search import show_search

        show_search(self)

    def action_sync(self) -> None:
        """Ctrl+F5 (or ctrl+z) from anywhere once signed in: exchange bundles, review conflicts."""
        from hotline.screens.sync import show_sync

        show_sync(self)

    def action_reports(self) -> None:
        """F9 from anywhere (once signed in): the monthly report."""
        from hotline.screens.reports import show_reports

        show_reports(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SESSION_ACTIONS:
            return self.session_allows(action)
        if action == "sync" and self.training:
            return False  # drill ops never travel (services.training.refuse_sync)
        if action in ("new_call", "queues", "search", "reports", "sync"):
            from hotline.screens.signin import SignInScreen

            return self.desk.agent is not None and not isinstance(self.screen, SignInScreen)
        return True

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
