"""Who sees which agents' grades in the monthly report.

The report's desk figures are for everyone at the desk; its agents section is a personnel
assessment (score, band 待改进, the list for retraining) that DESIGN.md gives to the supervisor
and quality team. In the app, a supervisor sees every agent; anyone else sees their own row
only. `hotline report` on the command line is the operator's and prints everything.
"""

from __future__ import annotations

from dataclasses import replace

from hotline.services.desk import Desk
from hotline.services.reports import Report


def sees_every_agent(desk: Desk) -> bool:
    return desk.role == "supervisor"


def as_seen_by(report: Report, desk: Desk) -> Report:
    """`report` with only the signed-in agent's grade and retraining entry, unless they may
    see every agent's."""
    if sees_every_agent(desk):
        return report
    own = desk.agent
    agents = replace(
        report.agents,
        grades=tuple(g for g in report.agents.grades if g.code == own),
        retrain=tuple(r for r in report.agents.retrain if r.code == own),
    )
    return replace(report, agents=agents)
