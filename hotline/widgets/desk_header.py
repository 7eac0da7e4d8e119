"""The header every screen shows: company, desk, signed-in agent, ON-DUTY/TRAINING, clock, and
under it the site notice when a supervisor has put one up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from hotline.i18n import t


class DeskHeader(Vertical):
    """One line across the top (two while a site notice is up). The clock ticks once a second
    and repaints only itself, so the terminal cursor stays in the agent's field (IME candidate
    windows do not jump); the notice line is repainted only when the notice changes."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: auto;
        background: $primary;
        color: $text;
    }
    DeskHeader > #header-row { height: 1; padding: 0 1; }
    DeskHeader #header-who { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    DeskHeader #header-clock { width: auto; height: 1; padding-left: 2; }
    DeskHeader > #header-notice {
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    DeskHeader > #header-notice.-empty { display: none; }
    DeskHeader.-training { background: $error; }
    """

    agent: reactive[str] = reactive("", init=False)
    """Name and code of the signed-in agent (empty on the sign-in screen)."""

    def __init__(
        self,
        company: str,
        desk: str,
        *,
        now: Callable[[], datetime],
        training: bool = False,
        on_duty: Callable[[], bool] | None = None,
        notice: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__()
        self._company = company
        self._desk = desk
        self._now = now
        self._training = training
        self.set_class(training, "-training")
        self._on_duty = on_duty
        self._was_on_duty: bool | None = None
        self._notice = notice
        self._shown_notice: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-row"):
            yield Static(id="header-who", markup=False)
            yield Static(id="header-clock", markup=False)
        yield Static(id="header-notice", classes="-empty", markup=False)

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def watch_agent(self) -> None:
        self._show_who()

    def _tick(self) -> None:
        on_duty = bool(self._on_duty and self._on_duty())
        if on_duty != self._was_on_duty:
            self._was_on_duty = on_duty
            self._show_who()
        self._show_notice()
        moment: datetime = self._now()
        # The clock's text is always as wide: a repaint, not a layout of the whole screen each
        # second (on the intake form that layout costs more than a keystroke may take).
        self.query_one("#header-clock", Static).update(
            moment.strftime("%Y-%m-%d %H:%M:%S"), layout=False)

    def _show_who(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(self._company, style="bold")
        line.append(f"  {t('header.desk')} {self._desk}")
        if self.agent:
            line.append(f"  {t('header.agent')} {self.agent}")
        if self._training:
            line.append("  ")
            line.append(f" {t('header.training')} ", style="bold reverse")
        if self._was_on_duty:
            line.append("  ")
            line.append(f" {t('header.on_duty')} ", style="bold reverse")
        self.query_one("#header-who", Static).update(line)

    def _show_notice(self) -> None:
        text = self._notice() if self._notice else None
        if text == self._shown_notice:
            return
        self._shown_notice = text
        banner = self.query_one("#header-notice", Static)
        banner.set_class(not text, "-empty")
        # Plain Text: a notice is typed by a person and must never be read as markup.
        banner.update(Text(f"{t('notice.banner')} {text}" if text else "", no_wrap=True,
                           overflow="ellipsis"))
