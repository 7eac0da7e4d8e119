"""What a supervisor watches: the desk's and the site's figures, open and overdue calls by
department, and what each agent is carrying right now.

"Site" is everything this desk's store holds (its own calls and those imported from the other
desks' bundles); "desk" is the calls taken at this keyboard. Drill calls never count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hotline.services.calls import home_figures
from hotline.services.desk import Desk
from hotline.store import supervision


@dataclass(frozen=True)
class SupervisorFigures:
    site: dict[str, int]
    """Site-wide: today, open, overdue, callback_due, escalated, conflicts."""
    desk_today: int
    """Calls taken at this desk today."""
    departments: list[dict[str, Any]] = field(default_factory=list)
    """{"department", "label", "open", "overdue"} per department, most overdue first."""
    agents: list[dict[str, Any]] = field(default_factory=list)
    """{"code", "name", "role", "open", "today"} per active agent."""


def supervisor_figures(desk: Desk, *, locale: str | None = None) -> SupervisorFigures:
    """The supervisor home's figures (supervisors only).

    Raises:
        NotAllowed: the signed-in agent is not a supervisor.
    """
    desk.require("supervisor")
    loc = locale or desk.config.site.locale
    d0, d1 = desk.today_bounds()
    departments = []
    for row in supervision.open_by_department(desk.store, now=desk.now_text()):
        dept = row["department"]
        departments.append({
            "department": dept,
            "label": _department_label(desk, dept, loc),
            "open": int(row["open"] or 0),
            "overdue": int(row["overdue"] or 0),
        })
    agents = [
        {**row, "open": int(row["open"] or 0), "today": int(row["today"] or 0)}
        for row in supervision.agent_counts(desk.store, day_start=d0, day_end=d1)
    ]
    return SupervisorFigures(
        site=home_figures(desk),
        desk_today=supervision.desk_calls_today(desk.store, desk.store.desk, day_start=d0,
                                                day_end=d1),
        departments=departments,
        agents=agents,
    )


def _department_label(desk: Desk, dept: str | None, loc: str) -> str:
    from hotline.i18n import t

    if not dept:
        return t("supervisor.no_department", loc)
    try:
        return desk.config.label("department", dept, loc)
    except (KeyError, ValueError):
        return dept
