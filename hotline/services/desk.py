"""The desk a service works for: its store, its configuration, who is signed in, and the time.

Screens and CLI commands build one `Desk` and pass it to every use case, so nothing reads
globals and tests can freeze the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hotline.config import Config
from hotline.errors import NotAllowed
from hotline.services.clock import to_text, utcnow
from hotline.store import Store

ROLES = ("agent", "senior", "supervisor")


@dataclass
class Desk:
    store: Store
    config: Config
    agent: str | None = None
    """Code of the signed-in agent; ops are attributed to them."""
    role: str | None = None
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()

    def now_text(self) -> str:
        return to_text(self.now())

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.site.timezone)

    def local(self, moment: datetime | None = None) -> datetime:
        """A moment in the desk's time zone (working hours, call numbers, "today")."""
        return (moment or self.now()).astimezone(self.tz)

    def today_bounds(self) -> tuple[str, str]:
        """Start and end of the desk's local today, as stored UTC text."""
        start = self.local().replace(hour=0, minute=0, second=0, microsecond=0)
        return to_text(start), to_text(start + timedelta(days=1))

    def require(self, role: str) -> None:
        """Refuse unless the signed-in agent has `role` or a higher one.

        Raises:
            NotAllowed: the role is too low (CLI exit code 3).
        """
        have = ROLES.index(self.role) if self.role in ROLES else -1
        if have < ROLES.index(role):
            from hotline.i18n import t

            raise NotAllowed("role.required", role=t(f"role.{role}"), agent=self.agent or "-")
