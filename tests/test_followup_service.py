"""The follow-up use cases (services/followup.py): the loop transfer → result → callback →
closed | reopened → …, every refusal (with nothing written), calendar-aware and priority-aware
deadlines, callbacks that do not reach the customer, escalation, supervisor-only close, and the
queues each step puts the call in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hotline.config import Config
from hotline.errors import InputRefused, NotAllowed
from hotline.i18n import set_locale
from hotline.services import callstate
from hotline.services import followup as fu
from hotline.services.calls import CallIntake, get_call, take_call
from hotline.services.clock import from_text, to_text
from hotline.services.desk import Desk
from hotline.services.queues import queue_page
from hotline.services.timeline import call_timeline
from hotline.store import Store, call_records

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """A clock the test moves by hand; the store's HLC follows it, so timelines are stable."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def ms(self) -> int:
        return int(self.moment.timestamp() * 1000)

    def set_local(self, *args: int) -> None:
        self.moment = datetime(*args, tzinfo=TZ).astimezone(UTC)  # type: ignore[misc]

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(store: Store) -> Clock:
    c = Clock(datetime(2026, 11, 25, 2, 30, tzinfo=UTC))  # Wed 10:30 in Shanghai
    store.clock = c.ms
    return c


@pytest.fixture
def sup(store: Store, config: Config, clock: Clock) -> Desk:
    return Desk(store=store, config=config, agent="S01", role="supervisor", clock=clock)


@pytest.fixture
def agent(store: Store, config: Config, clock: Clock) -> Desk:
    return Desk(store=store, config=config, agent="A01", role="agent", clock=clock)


def intake(desk: Desk, **more: Any) -> CallIntake:
    values = {"phone": "13800138000", "product_model": "KFR-35GW", "symptom": "空调不制冷",
              "category": "repair"}
    values.update(more)
    at = desk.now_text()
    confirmed = {name: {"value": str(values[name]), "by": desk.agent or "", "at": at}
                 for name in desk.config.key_fields}
    return CallIntake(confirmed=confirmed, customer_name="张伟", **values)


def transferred(desk: Desk, department: str = "tech_support", **more: Any) -> dict[str, Any]:
    return fu.take_transferred_call(desk, intake(desk, **more),
                                    fu.TransferChoice(department, "需要上门检测"))


def ops(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM ops"))


def local(text: str) -> datetime:
    return from_text(text).astimezone(TZ)


def in_queue(desk: Desk, queue: str, number: str) -> bool:
    return number in {row["number"] for row in queue_page(desk, queue).rows}


# -- the loop --------------------------------------------------------------------------------


def test_transfer_result_satisfied_callback_closes_the_call(agent: Desk, clock: Clock) -> None:
    call = transferred(agent)
    number = call["number"]
    assert call["status"] == "transferred" and call["department"] == "tech_support"
    # 8 working hours from Wed 10:30: 6 h today, 2 h Thursday morning.
    assert local(call["due_at"]) == datetime(2026, 11, 26, 10, 30, tzinfo=TZ)
    transfers = call_records.transfers_of(agent.store, call["id"])
    assert [(t["department"], t["reason"], t["agent"]) for t in transfers] == [
        ("tech_support", "需要上门检测", "A01")]
    assert in_queue(agent, "mine", number) and in_queue(agent, "awaiting-department", number)

    clock.advance(hours=3)
    call = fu.record_result(agent, number, "已更换压缩机, 试机正常", reported_by="技术支持 王工")
    assert call["status"] == "awaiting_callback"
    assert call["callback_due_at"] == agent.now_text()  # the first attempt is due at once
    assert call["due_at"] == to_text(agent.now() + timedelta(hours=24))
    result = call_records.latest_transfer(agent.store, call["id"])
    assert result is not None
    assert (result["result"], result["result_by"]) == ("已更换压缩机, 试机正常", "技术支持 王工")
    assert in_queue(agent, "callback-due", number)
    assert not in_queue(agent, "awaiting-department", number)

    clock.advance(minutes=30)
    call = fu.call_back(agent, number, reached=True, result_told="压缩机已更换", satisfaction=5)
    assert call["status"] == "closed" and call["satisfaction"] == 5
    assert call["closed_at"] == agent.now_text() and call["callback_due_at"] is None
    [attempt] = call_records.followups_of(agent.store, call["id"])
    assert (attempt["kind"], attempt["attempt"], attempt["reached"], attempt["satisfaction"],
            attempt["result_told"]) == ("callback", 1, 1, 5, "压缩机已更换")
    for queue in ("mine", "callback-due", "overdue", "awaiting-department"):
        assert not in_queue(agent, queue, number)


def test_unsatisfied_customer_reopens_then_a_second_transfer_closes(agent: Desk,
                                                                      clock: Clock) -> None:
    number = transferred(agent)["number"]
    fu.record_result(agent, number, "建议恢复出厂设置", reported_by="技术支持")
    call = fu.call_back(agent, number, reached=True, result_told="恢复出厂设置",
                        satisfaction=2, comment="问题没有解决")
    assert call["status"] == "reopened" and call["reopen_count"] == 1
    assert call["due_at"] == to_text(agent.now() + timedelta(hours=72))  # repair: 72 h
    assert in_queue(agent, "reopened", number)
    [note] = call_records.notes_of(agent.store, call["id"])
    assert (note["kind"], note["text"]) == ("feedback", "问题没有解决")

    clock.advance(minutes=5)
    call = fu.transfer_call(agent, number, "quality", "客户仍不满意, 请质量部检测")
    assert call["status"] == "transferred" and call["department"] == "quality"
    assert [t["department"] for t in call_records.transfers_of(agent.store, call["id"])] == [
        "tech_support", "quality"]  # history kept
    assert not in_queue(agent, "reopened", number)
    fu.record_result(agent, number, "更换整机", reported_by="质量部 李工")
    call = fu.call_back(agent, number, reached=True, satisfaction=4)
    assert call["status"] == "closed" and call["reopen_count"] == 1


def test_a_call_taken_as_transferred_is_transferred_by_the_follow_up(agent: Desk) -> None:
    call = take_call(agent, intake(agent), status=callstate.TRANSFERRED)
    with pytest.raises(InputRefused) as err:  # no department yet: nothing to get a result for
        fu.record_result(agent, call["number"], "x", reported_by="y")
    assert err.value.key == "followup.no_open_transfer"
    call = fu.transfer_call(agent, call["number"], "logistics", "查询物流")
    assert call["department"] == "logistics"
    # Logistics works round the clock: 24 h on the clock.
    assert call["due_at"] == to_text(agent.now() + timedelta(hours=24))


def test_a_transfer_can_be_re_coordinated_while_waiting(agent: Desk, clock: Clock) -> None:
    number = transferred(agent)["number"]
    clock.advance(hours=1)
    call = fu.transfer_call(agent, number, "refunds", "改为退款处理")
    assert call["status"] == "transferred" and call["department"] == "refunds"
    transfers = call_records.transfers_of(agent.store, call["id"])
    assert len(transfers) == 2 and transfers[0]["result"] is None
    fu.record_result(agent, number, "已退款", reported_by="财务")
    assert call_records.latest_transfer(agent.store, call["id"])["department"] == "refunds"


def test_a_resolved_call_takes_the_satisfaction_question(agent: Desk) -> None:
    call = take_call(agent, intake(agent), status=callstate.RESOLVED)
    call = fu.call_back(agent, call["number"], reached=True, satisfaction=5)
    assert call["status"] == "closed"


def test_reopen_and_resolve_write_their_reasons(agent: Desk) -> None:
    call = take_call(agent, intake(agent), status=callstate.RESOLVED)
    number = call["number"]
    call = fu.reopen(agent, number, "客户来电说问题又出现了")
    assert call["status"] == "reopened" and call["reopen_count"] == 1
    call = fu.resolve(agent, number, "电话指导客户重置遥控器")
    assert call["status"] == "resolved"
    kinds = [(n["kind"], n["text"]) for n in call_records.notes_of(agent.store, call["id"])]
    assert kinds == [("reopen", "客户来电说问题又出现了"), ("resolution", "电话指导客户重置遥控器")]
    call = fu.call_back(agent, number, reached=True, satisfaction=3)
    assert call["status"] == "reopened" and call["reopen_count"] == 2


# -- refusals --------------------------------------------------------------------------------


def refused(store: Store, action: Callable[[], object], key: str,
            kind: type[Exception] = InputRefused) -> None:
    before = ops(store)
    with pytest.raises(kind) as err:
        action()
    assert getattr(err.value, "key", None) == key
    assert ops(store) == before, "a refused action wrote something"


def test_illegal_transitions_are_refused_and_write_nothing(agent: Desk) -> None:
    s = agent.store
    resolved = take_call(agent, intake(agent), status=callstate.RESOLVED)["number"]
    waiting = transferred(agent, phone="13900139000")["number"]
    refused(s, lambda: fu.record_result(agent, resolved, "x", reported_by="y"),
            "followup.no_open_transfer")
    refused(s, lambda: fu.call_back(agent, waiting, reached=True, satisfaction=5),
            "followup.no_callback_due")
    refused(s, lambda: fu.resolve(agent, waiting, "x"), "call.bad_transition")
    refused(s, lambda: fu.transfer_call(agent, resolved, "tech_support", "x"),
            "call.bad_transition")
    refused(s, lambda: fu.reopen(agent, waiting, "x"), "call.bad_transition")
    fu.record_result(agent, waiting, "ok", reported_by="技术支持")
    refused(s, lambda: fu.record_result(agent, waiting, "again", reported_by="y"),
            "followup.no_open_transfer")
    fu.call_back(agent, waiting, reached=True, satisfaction=5)
    refused(s, lambda: fu.transfer_call(agent, waiting, "tech_support", "x"),
            "call.bad_transition")
    refused(s, lambda: fu.call_back(agent, waiting, reached=False), "followup.no_callback_due")
    refused(s, lambda: fu.escalate(agent, waiting, "x"), "followup.escalate_closed")


def test_bad_input_is_refused_with_a_message_and_writes_nothing(agent: Desk) -> None:
    s = agent.store
    number = transferred(agent)["number"]
    refused(s, lambda: fu.transfer_call(agent, number, "marketing", "x"),
            "followup.bad_department")
    refused(s, lambda: fu.transfer_call(agent, number, "quality", "   "), "followup.no_reason")
    refused(s, lambda: fu.transfer_call(agent, number, "quality", "长" * 501), "followup.too_long")
    refused(s, lambda: fu.transfer_call(agent, number, "quality", "x", hours=0),
            "followup.bad_hours")
    refused(s, lambda: fu.transfer_call(agent, number, "quality", "x", hours=721),
            "followup.bad_hours")
    refused(s, lambda: fu.transfer_call(agent, number, "quality", "x", priority="vip"),
            "intake.bad_priority")
    refused(s, lambda: fu.transfer_call(agent, "D01-20991231-0001", "quality", "x"),
            "call.not_found")
    refused(s, lambda: fu.record_result(agent, number, "", reported_by="y"), "followup.no_result")
    refused(s, lambda: fu.record_result(agent, number, "ok", reported_by=" "),
            "followup.no_reporter")
    refused(s, lambda: fu.add_note(agent, number, "  \n "), "followup.no_note")
    refused(s, lambda: fu.escalate(agent, number, ""), "followup.no_reason")
    fu.record_result(agent, number, "ok", reported_by="技术支持")
    for score in (None, 0, 6):
        refused(s, lambda score=score: fu.call_back(agent, number, reached=True,
                                                    satisfaction=score),
                "followup.bad_satisfaction")
    refused(s, lambda: fu.call_back(agent, number, reached=False, satisfaction=3),
            "followup.satisfaction_unreached")
    for text in ("too", "many"):  # a taken call refused by take_call writes nothing either
        refused(s, lambda text=text: fu.take_transferred_call(
            agent, intake(agent, symptom=""), fu.TransferChoice("quality", text)),
            "intake.no_symptom")
    refused(s, lambda: fu.take_transferred_call(
        agent, intake(agent), fu.TransferChoice("quality", "")), "followup.no_reason")


def test_only_a_supervisor_closes_a_call_nobody_called_back(agent: Desk, sup: Desk) -> None:
    number = transferred(agent)["number"]
    refused(agent.store, lambda: fu.close_by_supervisor(agent, number, "客户撤诉"),
            "role.required", NotAllowed)
    with pytest.raises(NotAllowed):
        callstate.check_transition("transferred", "closed", role="agent")
    assert not callstate.allowed("reopened", "closed", role="senior")
    assert callstate.allowed("awaiting_callback", "closed", role="agent")  # via the callback
    refused(sup.store, lambda: fu.close_by_supervisor(sup, number, ""), "followup.no_reason")
    call = fu.close_by_supervisor(sup, number, "客户撤诉, 已电话确认")
    assert call["status"] == "closed"
    [note] = call_records.notes_of(sup.store, call["id"])
    assert (note["kind"], note["agent"]) == ("close", "S01")
    refused(sup.store, lambda: fu.close_by_supervisor(sup, number, "again"),
            "call.bad_transition")


# -- deadlines -------------------------------------------------------------------------------


def test_a_transfer_at_1750_before_national_day_is_due_after_the_holiday(agent: Desk,
                                                                           clock: Clock) -> None:
    clock.set_local(2026, 9, 30, 17, 50)  # Wed, last working day before 10-01..10-07
    call = transferred(agent)
    assert local(call["due_at"]) == datetime(2026, 10, 8, 17, 30, tzinfo=TZ)
    [transfer] = call_records.transfers_of(agent.store, call["id"])
    assert transfer["due_at"] == call["due_at"]
    assert call["after_hours"] == 1


def test_a_weekend_extra_workday_counts_for_a_deadline(agent: Desk, clock: Clock) -> None:
    clock.set_local(2026, 9, 18, 17, 50)  # Friday; Sunday 09-20 is a working day (调休)
    call = transferred(agent)
    assert local(call["due_at"]) == datetime(2026, 9, 20, 17, 30, tzinfo=TZ)


def test_priority_response_time_tightens_a_long_sla(agent: Desk, clock: Clock) -> None:
    clock.set_local(2026, 11, 27, 16, 0)  # Friday afternoon
    quality = fu.transfer_deadline(agent, "quality", priority="normal")
    urgent = fu.transfer_deadline(agent, "quality", priority="urgent")
    assert not quality.by_priority and quality.business
    # Urgent: 24 working hours instead of 72 — Fri 1.5 h, Mon 8, Tue 8, Wed 6.5 → 16:00.
    assert urgent.by_priority and urgent.at == datetime(2026, 12, 2, 16, 0, tzinfo=TZ)
    call = fu.take_transferred_call(agent, intake(agent, priority="urgent"),
                                    fu.TransferChoice("quality", "漏电, 有安全隐患"))
    assert local(call["due_at"]) == datetime(2026, 12, 2, 16, 0, tzinfo=TZ)
    tech = fu.transfer_deadline(agent, "tech_support", priority="important")
    assert not tech.by_priority  # 8 working hours come before 72
    # Logistics works round the clock, and so does its urgent promise.
    fast = fu.transfer_deadline(agent, "logistics", priority="urgent", hours=48)
    assert fast.by_priority and fast.at == agent.now() + timedelta(hours=24)


def test_an_after_hours_transfer_is_due_from_the_next_working_period(agent: Desk,
                                                                      clock: Clock) -> None:
    clock.set_local(2026, 11, 27, 22, 0)  # Friday night, on duty
    urgent = fu.transfer_deadline(agent, "tech_support", priority="urgent")
    assert urgent.at == datetime(2026, 11, 30, 17, 30, tzinfo=TZ)  # Monday, 8 working hours


def test_the_agent_may_promise_other_hours_than_the_sla(agent: Desk) -> None:
    choice = fu.TransferChoice("tech_support", "需要备件", hours=16)
    call = fu.take_transferred_call(agent, intake(agent), choice)
    # Wed 10:30 + 16 working hours: 6 today, 8 Thursday, 2 Friday.
    assert local(call["due_at"]) == datetime(2026, 11, 27, 10, 30, tzinfo=TZ)


def test_overdue_is_derived_from_the_current_deadline(agent: Desk, clock: Clock) -> None:
    number = transferred(agent)["number"]
    assert not in_queue(agent, "overdue", number)
    clock.set_local(2026, 11, 26, 10, 31)
    assert in_queue(agent, "overdue", number)
    call = fu.record_result(agent, number, "ok", reported_by="技术支持")  # a new deadline
    assert not in_queue(agent, "overdue", number)
    clock.advance(hours=24, minutes=1)
    assert in_queue(agent, "overdue", number) and in_queue(agent, "callback-due", number)
    assert get_call(agent, number)["due_at"] == call["due_at"]


# -- callbacks that do not reach the customer -------------------------------------------------


def test_unreached_callbacks_are_retried_then_go_to_the_supervisor(agent: Desk, sup: Desk,
                                                                   clock: Clock) -> None:
    number = transferred(agent)["number"]
    fu.record_result(agent, number, "已处理", reported_by="技术支持")
    retry = timedelta(minutes=agent.config.followup.callback_retry_minutes)
    for attempt in range(1, agent.config.followup.callback_max_attempts):
        call = fu.call_back(agent, number, reached=False)
        assert call["status"] == "awaiting_callback" and not call["escalated"]
        assert call["callback_due_at"] == to_text(agent.now() + retry)
        assert not in_queue(agent, "callback-due", number)  # not before the retry time
        clock.advance(minutes=agent.config.followup.callback_retry_minutes)
        assert in_queue(agent, "callback-due", number), attempt
    before = get_call(agent, number) or {}
    call = fu.call_back(agent, number, reached=False)
    assert call["escalated"] == 1 and call["escalated_at"] == agent.now_text()
    assert call["callback_due_at"] is None
    assert fu.escalation_deadline(agent, call) == agent.now() + timedelta(hours=24)
    assert call["due_at"] == before["due_at"]  # the callback's own deadline comes first
    assert in_queue(sup, "escalated", number) and not in_queue(agent, "callback-due", number)
    attempts = call_records.followups_of(agent.store, call["id"])
    assert [(a["attempt"], a["reached"]) for a in attempts] == [(1, 0), (2, 0), (3, 0)]
    call = fu.call_back(sup, number, reached=True, satisfaction=4)  # the supervisor got through
    assert call["status"] == "closed"


# -- escalation ------------------------------------------------------------------------------


def test_escalation_gives_a_24_hour_solution_deadline(agent: Desk, sup: Desk,
                                                      clock: Clock) -> None:
    number = transferred(agent, "quality", category="complaint")["number"]  # 72 working h
    call = fu.escalate(agent, number, "客户称要向媒体投诉")
    assert call["escalated"] == 1 and call["status"] == "transferred"
    assert call["due_at"] == to_text(agent.now() + timedelta(hours=24))
    assert fu.escalation_deadline(agent, call) == agent.now() + timedelta(hours=24)
    assert in_queue(sup, "escalated", number)
    refused(agent.store, lambda: fu.escalate(agent, number, "again"), "followup.already_escalated")
    clock.advance(hours=24, seconds=1)
    assert in_queue(sup, "overdue", number)
    # A re-transfer keeps the escalation's deadline: the solution is still owed by then.
    call = fu.transfer_call(agent, number, "sales", "协商补偿")
    assert call["due_at"] == to_text(from_text(call["escalated_at"]) + timedelta(hours=24))


def test_escalation_keeps_an_earlier_deadline(agent: Desk, clock: Clock) -> None:
    clock.set_local(2026, 11, 25, 16, 0)
    call = fu.take_transferred_call(agent, intake(agent),
                                    fu.TransferChoice("tech_support", "急修", hours=4))
    assert local(call["due_at"]) == datetime(2026, 11, 26, 11, 0, tzinfo=TZ)  # 1.5 h + 2.5 h
    call = fu.escalate(agent, call["number"], "重大投诉")
    assert local(call["due_at"]) == datetime(2026, 11, 26, 11, 0, tzinfo=TZ)


def test_closing_settles_an_escalation(agent: Desk, sup: Desk) -> None:
    number = transferred(agent)["number"]
    fu.escalate(agent, number, "重大投诉")
    call = fu.close_by_supervisor(sup, number, "已与客户达成和解")
    assert fu.escalation_deadline(sup, call) is None
    assert not in_queue(sup, "escalated", number)


# -- notes and the timeline ------------------------------------------------------------------


def test_notes_are_append_only_and_text_is_stored_literally(agent: Desk) -> None:
    number = transferred(agent)["number"]
    note = fu.add_note(agent, number, "客户说 [red]很急[/] \x1b]0;PWNED\x07 下午在家")
    assert note["kind"] == "note" and "\x1b" not in note["text"]
    assert "[red]很急[/]" in note["text"]
    with pytest.raises(ValueError):
        agent.store.write("A01", "note", note["id"], {"text": "changed"})


def test_the_timeline_tells_the_whole_story_in_words(agent: Desk, sup: Desk,
                                                     clock: Clock) -> None:
    set_locale("en")
    number = transferred(agent)["number"]
    clock.advance(minutes=10)
    fu.add_note(agent, number, "customer prefers afternoons")
    fu.record_result(agent, number, "compressor replaced", reported_by="Wang")
    fu.call_back(agent, number, reached=False)
    clock.advance(hours=2)
    fu.call_back(agent, number, reached=True, satisfaction=2, comment="still noisy")
    fu.escalate(sup, number, "third complaint this month")
    fu.close_by_supervisor(sup, number, "refund agreed")
    events = call_timeline(agent, get_call(agent, number) or {})
    lines = [(e.agent, e.kind, e.text, e.detail) for e in events]
    assert [kind for _, kind, _, _ in lines] == [
        "taken", "confirmed", "confirmed", "confirmed", "transferred", "note", "result",
        "callback", "callback", "status", "escalated", "status"]
    assert lines[0][2:] == ("Call taken (Transferred) · Repair · Normal", "空调不制冷")
    assert lines[1][2].endswith("read back to the caller and confirmed")
    assert lines[4][2].startswith("Transferred to Technical support, due ")
    assert lines[4][3] == "需要上门检测"
    assert lines[5][2:] == ("Note", "customer prefers afternoons")
    assert lines[6][2:] == ("Result from Technical support, reported by Wang",
                            "compressor replaced")
    assert lines[7][2] == "Callback, attempt 1: customer not reached"
    assert lines[8][2] == "Callback, attempt 2: customer reached, satisfaction 2/5"
    assert lines[9][2:] == ("Status: Awaiting callback → Reopened", "still noisy")
    assert lines[10][0] == "S01" and lines[10][3] == "third complaint this month"
    assert lines[11][2:] == ("Status: Reopened → Closed", "refund agreed")
    assert events == sorted(events, key=lambda e: e.at)


@pytest.mark.parametrize("current", callstate.STATUSES)
@pytest.mark.parametrize("target", callstate.STATUSES)
def test_the_state_machine_decides_every_pair(current: str, target: str) -> None:
    legal = target in callstate.TRANSITIONS[current]
    supervisor_only = (current, target) in callstate.SUPERVISOR_ONLY
    assert callstate.allowed(current, target, role="supervisor") is legal
    assert callstate.allowed(current, target, role="agent") is (legal and not supervisor_only)
    if not legal:
        with pytest.raises(InputRefused):
            callstate.check_transition(current, target, role="supervisor")
    elif supervisor_only:
        with pytest.raises(NotAllowed):
            callstate.check_transition(current, target, role="senior")
        callstate.check_transition(current, target, role="supervisor")
    else:
        callstate.check_transition(current, target, role="agent")


def test_only_a_supervisor_changes_the_priority_of_an_escalated_call(
    agent: Desk, sup: Desk
) -> None:
    from hotline.errors import NotAllowed

    number = transferred(agent, "quality", category="complaint")["number"]
    fu.escalate(agent, number, "重大投诉")
    before = ops(agent.store)
    with pytest.raises(NotAllowed):
        fu.transfer_call(agent, number, "sales", "协商补偿", priority="urgent")
    assert ops(agent.store) == before
    call = fu.transfer_call(agent, number, "sales", "协商补偿")  # same priority: fine
    call = fu.transfer_call(sup, number, "sales", "主管升级为紧急", priority="urgent")
    assert call["priority"] == "urgent"
