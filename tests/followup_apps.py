"""A desk with calls in every follow-up state, for the queue and call screen tests.

The clock is frozen (and movable by hand); the store's HLC follows it, so timelines and
snapshots do not depend on when the tests run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hotline.app import HotlineApp, make_app
from hotline.services import callstate
from hotline.services import followup as fu
from hotline.services.calls import CallIntake, take_call
from hotline.services.desk import Desk
from tests.apps import make_desk

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
"""Wednesday 25 November 2026, 10:30 in Shanghai."""


class Clock:
    """A frozen clock a test can move."""

    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def ms(self) -> int:
        return int(self.moment.timestamp() * 1000)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def new_desk(*, locale: str = "zh_CN", role: str = "agent", agent: str = "A01",
             clock: Clock | None = None) -> Desk:
    clock = clock or Clock()
    desk = make_desk(now=NOW, locale=locale, calls=0)
    desk.clock = clock
    desk.store.clock = clock.ms
    desk.agent, desk.role = agent, role
    return desk


def take(desk: Desk, phone: str, name: str, symptom: str, *, category: str = "repair",
         priority: str = "normal", model: str = "KFR-35GW") -> CallIntake:
    intake = CallIntake(phone=phone, customer_name=name, product_model=model, symptom=symptom,
                        category=category, priority=priority)
    intake.confirmed = {f: {"value": intake.value(f), "by": desk.agent or "", "at": desk.now_text()}
                        for f in desk.config.key_fields}
    return intake


def as_agent(desk: Desk, code: str, role: str = "agent") -> tuple[str | None, str | None]:
    before = (desk.agent, desk.role)
    desk.agent, desk.role = code, role
    return before


def seed_followups(desk: Desk) -> dict[str, str]:
    """Calls in each queue, made over the two days before `NOW`; returns their numbers."""
    clock = desk.clock
    assert isinstance(clock, Clock)
    start, who = clock.moment, (desk.agent, desk.role)
    numbers: dict[str, Any] = {}
    clock.moment = start - timedelta(days=2)  # Monday 10:30
    desk.agent, desk.role = "A01", "agent"
    numbers["overdue"] = fu.take_transferred_call(
        desk, take(desk, "13800138000", "张三", "空调不制冷, 外机不转"),
        fu.TransferChoice("tech_support", "需要工程师上门检测"))["number"]
    clock.moment = start - timedelta(hours=5)
    numbers["reopened"] = take_call(desk, take(desk, "13912345678", "[b]王[/b]五",
                                               "冰箱冷藏室漏水"))["number"]
    fu.reopen(desk, numbers["reopened"], "客户说又开始漏水")
    clock.moment = start - timedelta(hours=3)
    desk.agent = "A02"
    numbers["callback"] = fu.take_transferred_call(
        desk, take(desk, "021-62345678", "Li Lei", "洗衣机脱水噪音大", model="XQG100-14"),
        fu.TransferChoice("tech_support", "需要检测电机"))["number"]
    clock.moment = start - timedelta(hours=1)
    fu.record_result(desk, numbers["callback"], "已更换减震器", reported_by="技术支持 王工")
    numbers["escalated"] = fu.take_transferred_call(
        desk, take(desk, "13700137000", "赵六", "安装师傅多收费", category="complaint",
                   priority="important"),
        fu.TransferChoice("installation", "核实收费情况"))["number"]
    fu.escalate(desk, numbers["escalated"], "客户要求书面道歉")
    clock.moment = start
    desk.agent = "A01"
    numbers["waiting"] = fu.take_transferred_call(
        desk, take(desk, "13600136000", "孙七", "物流三天未更新", category="inquiry"),
        fu.TransferChoice("logistics", "查询快递"))["number"]
    numbers["closed"] = take_call(desk, take(desk, "13500135000", "周八", "遥控器失灵",
                                             category="inquiry"),
                                  status=callstate.RESOLVED)["number"]
    desk.agent, desk.role = who
    return numbers


def followup_app(*, locale: str = "zh_CN", role: str = "agent", agent: str = "A01",
                 seeded: bool = True) -> tuple[HotlineApp, dict[str, str]]:
    desk = new_desk(locale=locale, role=role, agent=agent)
    numbers = seed_followups(desk) if seeded else {}
    return make_app(desk, signed_in=True), numbers
