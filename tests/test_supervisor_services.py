"""Supervisor services: role refusals in the one place they are decided, notices as ops, the
audit log's attribution and sentences, and the supervisor's figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hotline.errors import InputRefused, NotAllowed
from hotline.services import notices
from hotline.services.agents import add_agent, unlock_agent
from hotline.services.audit import audit_log
from hotline.services.calls import CallIntake, take_call
from hotline.services.desk import Desk
from hotline.services.supervision import supervisor_figures
from hotline.store.oplog import Op


def as_(desk: Desk, agent: str, role: str) -> Desk:
    return Desk(store=desk.store, config=desk.config, agent=agent, role=role, clock=desk.clock)


def call(desk: Desk, phone: str = "13800138000", **extra: Any) -> dict[str, Any]:
    intake = CallIntake(phone=phone, customer_name="张三", product_model="KFR-35GW",
                        symptom="空调不制冷", **extra)
    intake.confirmed = {f: {"value": intake.value(f), "by": desk.agent or "", "at": "t"}
                        for f in desk.config.key_fields}
    return take_call(desk, intake)


SUPERVISOR_ONLY: dict[str, Callable[[Desk], object]] = {
    "add_agent": lambda d: add_agent(d, "A09", name="新人", role="agent", pin="1234"),
    "unlock_agent": lambda d: unlock_agent(d, "A01"),
    "set_notice": lambda d: notices.set_notice(d, "系统维护"),
    "clear_notice": lambda d: notices.clear_notice(d),
    "audit_log (everyone's)": lambda d: audit_log(d),
    "audit_log (another agent's)": lambda d: audit_log(d, agent="S01"),
    "supervisor_figures": lambda d: supervisor_figures(d),
}


@pytest.mark.parametrize("role", ["agent", "senior"])
@pytest.mark.parametrize("name", list(SUPERVISOR_ONLY))
def test_every_supervisor_only_service_refuses_anyone_else(desk: Desk, name: str,
                                                           role: str) -> None:
    notices.set_notice(desk, "已有公告")
    before = desk.store.scalar("SELECT count(*) FROM ops")
    with pytest.raises(NotAllowed) as err:
        SUPERVISOR_ONLY[name](as_(desk, "A01", role))
    assert err.value.exit_code == 3
    assert "主管" in err.value.message() and "A01" in err.value.message()
    assert desk.store.scalar("SELECT count(*) FROM ops") == before


@pytest.mark.parametrize("name", list(SUPERVISOR_ONLY))
def test_a_signed_out_desk_is_refused_too(desk: Desk, name: str) -> None:
    if name == "add_agent":
        pytest.skip("the very first supervisor is made by `hotline init` on a signed-out desk")
    with pytest.raises(NotAllowed):
        SUPERVISOR_ONLY[name](Desk(store=desk.store, config=desk.config, clock=desk.clock))


def test_a_notice_is_an_op_and_clearing_is_one_too(desk: Desk) -> None:
    assert notices.current_notice(desk) is None
    shown = notices.set_notice(desk, "  系统故障，\n预计 15:00 恢复  ")
    assert shown == {"text": "系统故障， 预计 15:00 恢复", "set_by": "S01",
                     "set_at": "2026-11-25T02:30:00Z"}
    assert notices.notice_text(desk) == "系统故障， 预计 15:00 恢复"
    ops = desk.store.query("SELECT entity, entity_id, agent FROM ops WHERE entity = 'notice'")
    assert ops == [{"entity": "notice", "entity_id": "site", "agent": "S01"}]
    assert notices.clear_notice(desk) is True
    assert notices.current_notice(desk) is None
    assert notices.clear_notice(desk) is False  # nothing up: nothing written
    assert desk.store.scalar("SELECT count(*) FROM ops WHERE entity = 'notice'") == 2


def test_a_notice_from_another_desk_arrives_with_its_ops(desk: Desk) -> None:
    from hotline.store import Store

    other = Store.open(":memory:", desk="D02")
    far = Desk(store=other, config=desk.config, agent="S02", role="supervisor",
               clock=desk.clock)
    notices.set_notice(far, "全国系统升级")
    rows = other.query("SELECT * FROM ops")
    desk.store.apply(Op.from_row(r) for r in rows)
    assert notices.notice_text(desk) == "全国系统升级"


def test_a_bad_notice_is_refused(desk: Desk) -> None:
    for text, key in (("  \n ", "notice.empty"), ("长" * 201, "notice.too_long")):
        with pytest.raises(InputRefused) as err:
            notices.set_notice(desk, text)
        assert err.value.key == key
    assert desk.store.scalar("SELECT count(*) FROM ops") == 0


def test_every_op_names_the_agent_who_was_signed_in(desk: Desk) -> None:
    """Whatever the use case, the op log records who did it (the audit needs nothing else)."""
    steps: list[tuple[str, Callable[[Desk], object]]] = [
        ("S01", lambda d: add_agent(d, "A01", name="李明", role="agent", pin="1234")),
        ("S01", lambda d: add_agent(d, "A02", name="张伟", role="senior", pin="1234")),
        ("A01", lambda d: call(d)),
        ("A02", lambda d: call(d, "13912345678")),
        ("S01", lambda d: notices.set_notice(d, "停电")),
        ("A01", lambda d: call(d, "02162345678")),
        ("S01", lambda d: notices.clear_notice(d)),
    ]
    roles = {"S01": "supervisor", "A01": "agent", "A02": "senior"}
    for who, step in steps:
        before = {r["op_id"] for r in desk.store.query("SELECT op_id FROM ops")}
        step(as_(desk, who, roles[who]))
        new = desk.store.query("SELECT op_id, agent FROM ops")
        written = [r for r in new if r["op_id"] not in before]
        assert written and {r["agent"] for r in written} == {who}
    assert desk.store.scalar("SELECT count(*) FROM ops WHERE agent IS NULL") == 0
    # and the audit shows every one of them, attributed
    entries = audit_log(desk, limit=1000)
    assert len(entries) == desk.store.scalar("SELECT count(*) FROM ops")
    assert {e.agent for e in entries} == {"S01", "A01", "A02"}


def test_the_audit_reads_as_sentences_and_never_shows_a_pin_hash(desk: Desk) -> None:
    desk.store.clock = lambda: 1_795_000_000_000  # HLC wall time, for a stable "at"
    add_agent(desk, "A01", name="李明", role="agent", pin="1234")
    taken = call(as_(desk, "A01", "agent"))
    notices.set_notice(desk, "[b]系统[/b]故障")
    notices.clear_notice(desk)
    entries = audit_log(desk)
    texts = [e.text for e in entries]
    assert texts[0] == "撤下全站公告"
    assert texts[1] == "发布全站公告：[b]系统[/b]故障"
    about = {(e.subject, e.text) for e in entries}
    assert (taken["number"], "受理来电（已解决）") in about
    assert ("A01", "新增坐席 李明（客服）") in about
    assert ("138****8000", "新建客户") in about
    assert all("scrypt" not in t for t in texts)
    assert entries[0].as_json()["at"].endswith("Z")
    english = audit_log(desk, locale="en")
    assert english[0].text == "took down the site notice"
    mine = audit_log(as_(desk, "A01", "agent"), agent="a01")
    assert {e.agent for e in mine} == {"A01"} and len(mine) == 2  # customer + call
    assert [e.entity for e in audit_log(desk, entity="notice")] == ["notice", "notice"]
    with pytest.raises(InputRefused):
        audit_log(desk, entity="bogus")
    with pytest.raises(InputRefused):
        audit_log(desk, limit=0)
    with pytest.raises(InputRefused):
        audit_log(desk, since="yesterday")
    assert audit_log(desk, since="2099-01-01") == []


def test_field_changes_read_with_their_labels(desk: Desk) -> None:
    taken = call(as_(desk, "A01", "agent"))
    desk.store.write("S01", "call", taken["id"], {
        "status": "closed", "escalated": 1, "priority": "urgent", "phone": "+8613900139000"})
    texts = [e.text for e in audit_log(desk, entity="call", limit=4)]
    assert texts == ["来电号码 改为 139****9000", "优先级 改为 紧急", "升级 改为 是",
                     "状态 改为 已关闭"]


def test_supervisor_figures_count_by_department_and_agent(desk: Desk) -> None:
    add_agent(desk, "A01", name="李明", role="agent", pin="1234")
    add_agent(desk, "A02", name="张伟", role="agent", pin="1234")
    a1, a2 = as_(desk, "A01", "agent"), as_(desk, "A02", "agent")
    first = call(a1)
    call(a1, "13912345678")
    call(a2, "02162345678")
    drill = call(a2, "13700137000", training=True)
    depts = [d.id for d in desk.config.departments]
    # one overdue transfer to the first department, one not yet due to the second
    desk.store.write("A01", "call", first["id"], {
        "status": "transferred", "department": depts[0], "due_at": "2026-11-24T00:00:00Z"})
    second = call(a2, "13600136000")
    desk.store.write("A02", "call", second["id"], {
        "status": "transferred", "department": depts[1], "due_at": "2026-11-30T00:00:00Z"})
    desk.store.write("A02", "call", drill["id"], {
        "status": "transferred", "department": depts[0], "due_at": "2026-11-01T00:00:00Z"})
    figures = supervisor_figures(desk)
    assert figures.site["today"] == 4 and figures.desk_today == 4
    assert figures.site["open"] == 2 and figures.site["overdue"] == 1
    assert [(d["department"], d["open"], d["overdue"]) for d in figures.departments] == [
        (depts[0], 1, 1), (depts[1], 1, 0)]
    assert figures.departments[0]["label"] == desk.config.label("department", depts[0], "zh_CN")
    by_code = {a["code"]: (a["open"], a["today"]) for a in figures.agents}
    assert by_code == {"A01": (1, 2), "A02": (1, 2)}
