"""The call screen and its dialogs driven with Pilot: the whole loop transfer → result →
callback unsatisfied → reopened → transfer → callback satisfied → closed (queues checked at each
step), the transfer modal (prefilled SLA, refusal, reuse from intake), notes, escalation,
supervisor-only close, and unreached callbacks."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from hotline.app import HotlineApp
from hotline.screens.call import CallScreen, open_call
from hotline.screens.callback import CallbackModal
from hotline.screens.reason import ReasonModal
from hotline.screens.result import ResultModal
from hotline.screens.transfer import TransferModal
from hotline.services import followup as fu
from hotline.services.calls import get_call
from hotline.services.queues import queue_page
from hotline.store import call_records
from hotline.widgets.script_panel import ScriptPanel
from hotline.widgets.timeline import TimelineView
from tests.followup_apps import followup_app, take


def messages(app: HotlineApp) -> list[str]:
    return [n.message for n in app._notifications]


def queues_of(app: HotlineApp, number: str) -> set[str]:
    desk = app.desk
    found = set()
    for queue in ("mine", "awaiting-department", "overdue", "callback-due", "reopened",
                  "escalated"):
        if number in {row["number"] for row in queue_page(desk, queue).rows}:
            found.add(queue)
    return found


async def show(pilot: Pilot[None], number: str) -> CallScreen:
    open_call(pilot.app, number)  # type: ignore[arg-type]
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CallScreen)
    return screen


async def modal(pilot: Pilot[None], key: str, kind: type) -> Any:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, kind), pilot.app.screen
    return pilot.app.screen


def status(app: HotlineApp, number: str) -> str:
    return (get_call(app.desk, number) or {})["status"]


async def test_the_whole_loop_from_the_call_screen() -> None:
    app, numbers = followup_app()
    number = numbers["overdue"]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await show(pilot, number)
        assert queues_of(app, number) == {"mine", "awaiting-department", "overdue"}

        result = await modal(pilot, "r", ResultModal)
        assert result.query_one("#result-by", Input).value == "技术支持"
        await pilot.press(*"建议清洗滤网", "enter")
        await pilot.pause()
        assert app.screen is screen and status(app, number) == "awaiting_callback"
        assert queues_of(app, number) == {"mine", "callback-due"}

        callback = await modal(pilot, "c", CallbackModal)
        assert "建议清洗滤网" in callback.query_one(ScriptPanel).now_text
        await pilot.press("y")
        await pilot.pause()
        assert callback.query_one("#callback-told", Input).value == "建议清洗滤网"
        await pilot.press("enter", "2")
        await pilot.pause()
        assert callback.step == "comment"
        await pilot.press(*"还是不制冷", "enter")
        await pilot.pause()
        assert status(app, number) == "reopened"
        assert queues_of(app, number) == {"mine", "reopened"}
        assert any("不满意" in m for m in messages(app))

        transfer = await modal(pilot, "f8", TransferModal)
        await pilot.press("down", "down", "down", "enter")  # tech support → quality
        await pilot.press(*"客户仍不满意", "enter")
        await pilot.pause()
        call = get_call(app.desk, number) or {}
        assert call["status"] == "transferred" and call["department"] == "quality"
        assert transfer.deadline is not None
        assert queues_of(app, number) == {"mine", "awaiting-department"}

        app.desk.clock.advance(hours=5)  # type: ignore[attr-defined]
        await modal(pilot, "r", ResultModal)
        await pilot.press(*"更换压缩机", "enter")
        await pilot.pause()
        await modal(pilot, "c", CallbackModal)
        await pilot.press("y", "enter", "5")
        await pilot.pause()
        call = get_call(app.desk, number) or {}
        assert call["status"] == "closed" and call["satisfaction"] == 5
        assert queues_of(app, number) == set()
        story = screen.query_one(TimelineView).plain()
        for words in ("转派至技术支持", "技术支持反馈结果", "满意度 2/5", "还是不制冷",
                      "转派至质量", "第 1 次回访: 已联系上客户, 满意度 5/5",
                      "状态: 待回访 → 已关闭"):
            assert words in story, words
        assert screen.check_action("transfer", ()) is False  # a closed call: F8 is gone
        assert "f8" not in {k for k, b in screen.active_bindings.items() if b.enabled}


async def test_the_expected_answer_fits_the_transfer_form_at_80_columns() -> None:
    """The deadline line wrapped mid-phrase out of its column at 80 columns."""
    from rich.cells import cell_len

    app, numbers = followup_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(pilot, numbers["reopened"])
        transfer = await modal(pilot, "f8", TransferModal)
        eta = transfer.query_one("#transfer-eta", Static)
        lines = str(eta.render()).split("\n")
        assert len(lines) == 2 and "11月26日(周四) 10:30" in lines[1]
        assert all(cell_len(line) <= eta.size.width for line in lines), (lines, eta.size)


async def test_the_transfer_modal_prefills_the_sla_and_follows_the_department() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await show(pilot, numbers["reopened"])
        transfer = await modal(pilot, "f8", TransferModal)
        hours = transfer.query_one("#transfer-hours", Input)
        assert hours.value == "8"  # technical support's SLA
        eta = str(transfer.query_one("#transfer-eta", Static).render())
        assert eta.startswith("预计答复时间:\n11月26日(周四) 10:30") and "8 工作小时" in eta
        await pilot.press("down")  # logistics: round the clock
        await pilot.pause()
        assert hours.value == "24"
        assert "物流" in transfer.query_one(ScriptPanel).now_text
        assert "11月26日(周四) 10:30" in transfer.query_one(ScriptPanel).now_text
        await pilot.press("enter", "enter")  # no reason typed: refused, the modal stays
        await pilot.pause()
        assert app.screen is transfer
        assert "必须填写原因" in str(transfer.query_one("#transfer-error", Static).render())
        assert len(call_records.transfers_of(app.desk.store, (get_call(
            app.desk, numbers["reopened"]) or {})["id"])) == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and status(app, numbers["reopened"]) == "reopened"


async def test_the_transfer_modal_serves_the_intake_form_too() -> None:
    app, _ = followup_app(seeded=False)
    chosen: list[fu.TransferChoice | None] = []
    async with app.run_test(size=(100, 30)) as pilot:
        intake = take(app.desk, "13800138000", "张三", "不制冷", category="complaint")
        intake.number = "D01-20261125-0099"
        app.push_screen(TransferModal(app.desk, intake), chosen.append)
        await pilot.pause()
        assert "非常抱歉" in app.screen.query_one(ScriptPanel).now_text  # the complaint wording
        await pilot.press("down", "down", "down", "enter", *"质量问题", "tab")
        await pilot.press(*"16", "ctrl+s")  # the hours are selected on focus: typed over
        await pilot.pause()
    assert chosen == [fu.TransferChoice("quality", "质量问题", hours=16.0)]
    call = fu.take_transferred_call(app.desk, intake, chosen[0])
    assert call["department"] == "quality"


async def test_unreached_callback_schedules_another_attempt() -> None:
    app, numbers = followup_app()
    number = numbers["callback"]
    async with app.run_test(size=(100, 30)) as pilot:
        await show(pilot, number)
        await modal(pilot, "c", CallbackModal)
        await pilot.press("n")
        await pilot.pause()
        call = get_call(app.desk, number) or {}
        assert call["status"] == "awaiting_callback"
        assert call["callback_due_at"] > app.desk.now_text()
        assert any("下次回访" in m for m in messages(app))
        assert "callback-due" not in queues_of(app, number)


async def test_notes_escalation_and_markup_are_shown_literally() -> None:
    app, numbers = followup_app()
    number = numbers["waiting"]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await show(pilot, number)
        await modal(pilot, "n", ReasonModal)
        await pilot.press(*"客户说[red]很急[/]", "enter")
        await pilot.pause()
        assert "客户说[red]很急[/]" in screen.query_one(TimelineView).plain()
        await modal(pilot, "e", ReasonModal)
        await pilot.press("enter")  # empty: refused inside the dialog
        await pilot.pause()
        assert isinstance(app.screen, ReasonModal)
        await pilot.press(*"扬言投诉到消协", "enter")
        await pilot.pause()
        call = get_call(app.desk, number) or {}
        assert call["escalated"] == 1
        assert "已升级" in str(screen.query_one("#call-title", Static).render())
        assert any("主管须在" in m for m in messages(app))
        assert not screen.check_action("escalate", ())


async def test_only_a_supervisor_gets_the_close_key() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await show(pilot, numbers["waiting"])
        assert screen.check_action("close_call", ()) is False
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen and status(app, numbers["waiting"]) == "transferred"

    app, numbers = followup_app(role="supervisor", agent="S01")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await show(pilot, numbers["waiting"])
        await modal(pilot, "x", ReasonModal)
        await pilot.press(*"客户已自行解决", "enter")
        await pilot.pause()
        assert status(app, numbers["waiting"]) == "closed"
        assert "客户已自行解决" in screen.query_one(TimelineView).plain()


async def test_a_refusal_from_the_service_is_a_notification_not_a_crash() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await show(pilot, numbers["reopened"])
        fu.transfer_call(app.desk, numbers["reopened"], "sales", "换货")  # another desk's change
        await modal(pilot, "f7", ReasonModal)  # the screen still offers resolve…
        await pilot.press(*"已解决", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert any("不能变为" in m for m in messages(app))  # …and the service refuses it
        assert status(app, numbers["reopened"]) == "transferred"
        assert screen.check_action("resolve", ()) is False  # the screen caught up


async def test_an_unknown_call_number_is_a_message() -> None:
    app, _ = followup_app(seeded=False)
    async with app.run_test(size=(100, 30)) as pilot:
        before = app.screen
        open_call(app, "D01-20991231-0001")
        await pilot.pause()
        assert app.screen is before
        assert any("没有单号为" in m for m in messages(app))


async def test_the_department_list_shows_each_sla() -> None:
    app, numbers = followup_app(locale="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await show(pilot, numbers["waiting"])
        transfer = await modal(pilot, "ctrl+t", TransferModal)
        options = transfer.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown[0] == "Technical support  8 working h"
        assert shown[1] == "Logistics  24 h"
        assert options.highlighted == 1  # the call's current department


async def test_enter_on_a_latest_call_at_home_opens_it() -> None:
    from textual.widgets import DataTable

    from hotline.screens.home import HomeScreen

    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen, HomeScreen):  # another home (a supervisor's): not this test
            return
        table = app.screen.query_one("#home-recent", DataTable)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert app.screen.number in numbers.values()
