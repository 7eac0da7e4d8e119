"""Sign-in: agent code and PIN, before anything else on a shared desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services.agents import authenticate
from hotline.widgets.keys import localized

if TYPE_CHECKING:
    from hotline.app import HotlineApp


@localized
class SignInScreen(Screen[None]):
    """Code, then PIN, then enter. A refusal says so without telling which part was wrong."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        # A priority binding runs in the app's own task as the key arrives, so focus moves
        # before the next typed key is delivered: "S01⏎1234⏎" typed at full speed lands right.
        # (Input.Submitted is a message handled later, after the type-ahead went to the code.)
        Binding("enter", "advance", "signin.enter", id="signin-enter", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield self.app.make_header()
        with Center(), Vertical(id="signin-box"):
            yield Label(t("signin.title"), id="signin-title")
            yield Label(t("signin.code"))
            yield Input(id="signin-code", max_length=10, restrict=r"[A-Za-z0-9]*")
            yield Label(t("signin.pin"))
            yield Input(id="signin-pin", password=True, max_length=12, restrict=r"[0-9]*")
            yield Static("", id="signin-error", markup=False)
        yield Footer()

    def action_advance(self) -> None:
        """Enter: from the code to the PIN, from the PIN to signing in.

        Runs in the app's task as the key arrives, while characters typed before the enter may
        still wait in the focused field's own queue: focus moves now (later keys go to the PIN),
        and signing in is queued behind those characters with `call_later` on the field.
        """
        code = self.query_one("#signin-code", Input)
        pin = self.query_one("#signin-pin", Input)
        if self.focused is pin:
            pin.call_later(self._sign_in)
        else:
            self.set_focus(pin)

    def _sign_in(self) -> None:
        code = self.query_one("#signin-code", Input).value
        pin_input = self.query_one("#signin-pin", Input)
        try:
            agent = authenticate(self.app.desk, code, pin_input.value)
        except HotlineError as exc:
            pin_input.value = ""
            self.query_one("#signin-error", Static).update(exc.message())
            self.set_focus(self.query_one("#signin-code", Input))
            return
        self.app.signed_in(agent)
