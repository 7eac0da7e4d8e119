"""Apps for screen tests and snapshots, built from fixture data with a frozen clock."""

from __future__ import annotations

from datetime import datetime

from hotline.app import HotlineApp, make_app
from hotline.config import DEFAULT_CONFIG_PATH, load_config, parse_config
from hotline.services.agents import add_agent
from hotline.services.calls import CallIntake, take_call
from hotline.services.desk import Desk
from hotline.store import Store

PEOPLE = (("S01", "王芳", "supervisor"), ("A01", "李明", "agent"))


def make_desk(*, now: datetime, locale: str = "zh_CN", calls: int = 3) -> Desk:
    """An in-memory desk D01 with two agents (PIN 1234) and a few resolved calls."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    config = (parse_config(text.replace('locale = "zh_CN"', f'locale = "{locale}"', 1))
              if locale != "zh_CN" else load_config(DEFAULT_CONFIG_PATH))
    desk = Desk(store=Store.open(":memory:", desk="D01"), config=config, clock=lambda: now)
    for code, name, role in PEOPLE:
        add_agent(desk, code, name=name, role=role, pin="1234")
    desk.agent, desk.role = "A01", "agent"
    samples = [
        ("13800138000", "张三", "KFR-35GW/N1", "空调不制冷,外机不转"),
        ("021-62345678", "Li Lei", "XQG100-14", "脱水时噪音很大"),
        ("13912345678", "[b]王[/b]五", "BCD-470WDPG", "冰箱冷藏室漏水"),
    ]
    for phone, name, model, symptom in samples[:calls]:
        intake = CallIntake(phone=phone, customer_name=name, product_model=model,
                            symptom=symptom)
        intake.confirmed = {f: {"value": intake.value(f), "by": "A01", "at": "t"}
                            for f in config.key_fields}
        take_call(desk, intake)
    desk.agent = desk.role = None
    return desk


def make_test_app(*, now: datetime, locale: str = "zh_CN", signed_in: bool = False) -> HotlineApp:
    desk = make_desk(now=now, locale=locale)
    if signed_in:
        desk.agent, desk.role = "A01", "agent"
    return make_app(desk, signed_in=signed_in)


async def wait_until(pilot: object, done: object, timeout: float = 5.0) -> None:
    """Pause the app until `done()` holds (a bound, not a fixed sleep: quick on a quiet
    machine, patient on a loaded one); fails when it never does."""
    import time

    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and callable(done)
    end = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < end, f"not done within {timeout} s"
        await pilot.pause(0.05)
