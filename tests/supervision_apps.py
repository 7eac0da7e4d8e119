"""Apps for the supervisor's screens: the fixture desk with open, overdue and escalated calls."""

from __future__ import annotations

from datetime import datetime

from hotline.app import HotlineApp, make_app
from hotline.services.desk import Desk
from tests.apps import make_desk


def busy_desk(*, now: datetime, locale: str = "zh_CN") -> Desk:
    """`make_desk` plus two transferred calls (one overdue) and an escalated one, signed out."""
    desk = make_desk(now=now, locale=locale)
    ids = [r["id"] for r in desk.store.query("SELECT id FROM calls ORDER BY number")]
    depts = [d.id for d in desk.config.departments]
    desk.store.write("A01", "call", ids[0], {
        "status": "transferred", "department": depts[0], "due_at": "2026-11-24T00:00:00Z"})
    desk.store.write("A01", "call", ids[1], {
        "status": "transferred", "department": depts[1], "due_at": "2026-11-30T00:00:00Z"})
    desk.store.write("S01", "call", ids[2], {"status": "reopened", "escalated": 1,
                                             "due_at": "2026-11-26T00:00:00Z"})
    return desk


def supervisor_app(*, now: datetime, locale: str = "zh_CN", signed_in: bool = True) -> HotlineApp:
    desk = busy_desk(now=now, locale=locale)
    if signed_in:
        desk.agent, desk.role = "S01", "supervisor"
    return make_app(desk, signed_in=signed_in)
