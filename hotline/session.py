"""The desk session, as the app runs it: who is signed in, signing out, the supervisor's
app-wide keys, the site notice banner, and switching to the training store.

A mixin of `HotlineApp` (its bindings are declared in app.py, where every app key is listed);
kept here so app.py stays the App's outline. Roles are decided by the services: a key hidden
here is a convenience, the refusal that counts is `Desk.require` in the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hotline.errors import HotlineError, NotAllowed
from hotline.i18n import t

if TYPE_CHECKING:
    from textual.screen import Screen

    from hotline.services.desk import Desk

NOTICE_REFRESH_SECONDS = 5.0
"""How often the app looks for a notice that arrived in a bundle (a cheap primary-key read)."""
SUPERVISOR_ACTIONS = frozenset({"audit_log", "edit_notice"})
SESSION_ACTIONS = frozenset({"sign_out", "training_mode", "refuse_supervisor"}) | SUPERVISOR_ACTIONS
"""The app actions this module decides on (`session_allows`)."""


class DeskSession:
    """Sign-out, supervisor tools, notice banner and training switch for `HotlineApp`."""

    desk: Desk
    training: bool
    _notice: str | None = None

    # -- set up by HotlineApp.on_mount ------------------------------------------------------

    def start_session(self) -> None:
        """Read the notice now and keep it fresh (a bundle may bring or clear one)."""
        self.refresh_notice()
        self.set_interval(NOTICE_REFRESH_SECONDS, self.refresh_notice)  # type: ignore[attr-defined]

    @property
    def notice(self) -> str | None:
        """The site notice on show, for the header banner and the script panel's `{notice}`."""
        return self._notice

    def refresh_notice(self) -> None:
        from hotline.services.notices import notice_text

        try:
            self._notice = notice_text(self.desk)
        except Exception:  # noqa: BLE001 - a store closed under a switch: keep the last one
            pass

    # -- which keys work now ------------------------------------------------------------------

    def session_allows(self, action: str) -> bool:
        """Whether one of `SESSION_ACTIONS` is available now (HotlineApp.check_action asks).

        False hides the key from the footer, the palette and F1; a supervisor's key pressed by
        somebody else then falls through to `refuse_supervisor`, which says why.
        """
        if action == "training_mode":
            return True
        if self.desk.agent is None:
            return False
        if action in SUPERVISOR_ACTIONS:
            return self.desk.role == "supervisor"
        if action == "refuse_supervisor":
            return self.desk.role != "supervisor"
        return True

    def action_refuse_supervisor(self) -> None:
        """A supervisor's key pressed by somebody else: say why nothing happens."""
        self._refuse(NotAllowed("role.required", role=t("role.supervisor"), agent=self.desk.agent))

    def _refuse(self, exc: HotlineError) -> None:
        self.notify(exc.message(), severity="error", markup=False)  # type: ignore[attr-defined]

    # -- signing out --------------------------------------------------------------------------

    async def action_sign_out(self) -> None:
        """Back to the sign-in screen. The screens close first, while the agent is still signed
        in, so an intake form on screen is kept as *their* draft, offered to nobody else."""
        if self.desk.agent is None:
            return
        await self._close_screens()
        self.desk.agent = self.desk.role = None
        await self._show_sign_in()

    async def _close_screens(self) -> None:
        app: Any = self
        while len(app.screen_stack) > 2:
            await app.pop_screen()

    async def _show_sign_in(self) -> None:
        from hotline.screens.signin import SignInScreen

        app: Any = self
        if len(app.screen_stack) > 1:
            await app.switch_screen(SignInScreen())
        else:
            await app.push_screen(SignInScreen())

    # -- supervisor tools ---------------------------------------------------------------------

    def action_audit_log(self) -> None:
        from hotline.screens.audit import AuditScreen

        app: Any = self
        if self.desk.role != "supervisor":
            self.action_refuse_supervisor()
            return
        if not isinstance(app.screen, AuditScreen):
            app.push_screen(AuditScreen())

    def action_edit_notice(self) -> None:
        from hotline.screens.notice import NoticeModal

        app: Any = self
        if self.desk.role != "supervisor":
            self.action_refuse_supervisor()
            return
        if isinstance(app.screen, NoticeModal):
            return
        from hotline.services.clock import from_text
        from hotline.services.notices import current_notice

        current = current_notice(self.desk)
        when = (self.desk.local(from_text(current["set_at"])).strftime("%m-%d %H:%M")
                if current and current["set_at"] else "")
        app.push_screen(NoticeModal(current, when=when), self._notice_chosen)

    def _notice_chosen(self, text: str | None) -> None:
        from hotline.services.notices import clear_notice, set_notice

        if text is None:
            return
        app: Any = self
        try:
            if text.strip():
                set_notice(self.desk, text)
                message = t("notice.set_done")
            else:
                message = t("notice.cleared") if clear_notice(self.desk) else t("notice.none")
        except HotlineError as exc:
            self._refuse(exc)
            return
        self.refresh_notice()
        app.notify(message, markup=False)

    # -- training mode ------------------------------------------------------------------------

    async def action_training_mode(self) -> None:
        """Switch between the real store and the training store, at the sign-in screen.

        Done in place rather than by restarting the process: the same window, the same
        configuration; whoever was signed in is signed out first (their form kept as a draft
        in the store it was typed in).
        """
        from hotline.services.training import switch_desk

        try:
            new = switch_desk(self.desk, training=not self.training)
        except HotlineError as exc:
            self._refuse(exc)
            return
        await self._close_screens()
        old = self.desk
        self.desk = new
        self.training = not self.training
        self.refresh_notice()
        await self._show_sign_in()
        old.store.close()
        app: Any = self
        app.notify(t("session.training_on" if self.training else "session.training_off"),
                   markup=False, severity="warning" if self.training else "information")

    # -- where a signed-in agent lands --------------------------------------------------------

    def home_screen(self) -> Screen[Any]:
        """The supervisor's home for supervisors, the agent's home for everyone else."""
        if self.desk.role == "supervisor":
            from hotline.screens.supervisor_home import SupervisorHomeScreen

            return SupervisorHomeScreen()
        from hotline.screens.home import HomeScreen

        return HomeScreen()
