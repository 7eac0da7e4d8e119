"""The header every screen shows: company, desk, signed-in agent, ON-DUTY/TRAINING, clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from hotline.i18n import t


class DeskHeader(Horizontal):
    """One line across the top. The clock ticks once a second and repaints only itself, so
    the terminal cursor stays in the agent's field (IME candidate windows do not jump)."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
    DeskHeader > #header-who { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    DeskHeader > #header-clock { width: auto; height: 1; padding-left: 2; }
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
    ) -> None:
        super().__init__()
        self._company = company
        self._desk = desk
        self._now = now
        self._training = training
        self._on_duty = on_duty
        self._was_on_duty: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="header-who", markup=False)
        yield Static(id="header-clock", markup=False)

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
        moment: datetime = self._now()
        self.query_one("#header-clock", Static).update(moment.strftime("%Y-%m-%d %H:%M:%S"))

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
