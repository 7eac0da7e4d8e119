"""Sign-in: agent code and PIN, before anything else on a shared desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services.agents import authenticate
from hotline.widgets.desk_header import DeskHeader

if TYPE_CHECKING:
    from hotline.app import HotlineApp


class SignInScreen(Screen[None]):
    """Code, then PIN, then enter. A refusal says so without telling which part was wrong."""

    app: HotlineApp  # type: ignore[assignment]

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

    @on(Input.Submitted, "#signin-code")
    def _code_entered(self) -> None:
        # set_focus now, not focus() (which waits a frame): a PIN typed right after enter
        # must land in the PIN field.
        self.set_focus(self.query_one("#signin-pin", Input))

    @on(Input.Submitted, "#signin-pin")
    def _pin_entered(self) -> None:
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
