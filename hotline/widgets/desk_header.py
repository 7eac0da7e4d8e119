"""The header every screen shows: company, desk, signed-in agent, ON-DUTY/TRAINING, clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hotline.i18n import t


class DeskHeader(Static):
    """One line across the top. The clock ticks once a second and only repaints this line,
    so the terminal cursor stays in the agent's field (IME candidate windows do not jump)."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
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
        super().__init__(markup=False)
        self._company = company
        self._desk = desk
        self._now = now
        self._training = training
        self._on_duty = on_duty

    def on_mount(self) -> None:
        self._refresh_line()
        self.set_interval(1.0, self._refresh_line)

    def watch_agent(self) -> None:
        self._refresh_line()

    def _refresh_line(self) -> None:
        moment: datetime = self._now()
        line = Text()
        line.append(self._company, style="bold")
        line.append(f"  {t('header.desk')} {self._desk}")
        if self.agent:
            line.append(f"  {t('header.agent')} {self.agent}")
        if self._training:
            line.append(f"  {t('header.training')} ", style="bold reverse")
        if self._on_duty is not None and self._on_duty():
            line.append(f"  {t('header.on_duty')} ", style="bold")
        clock = moment.strftime("%Y-%m-%d %H:%M:%S")
        width = self.size.width - 2 if self.size.width else 80
        gap = max(2, width - line.cell_len - len(clock))
        line.append(" " * gap + clock)
        self.update(line)
