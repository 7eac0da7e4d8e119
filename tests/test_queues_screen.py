"""The follow-up queues screen (F3) driven with Pilot: tabs, rows, paging, opening a call,
drafts, and the overdue tab agreeing with `hotline calls list --queue overdue --json`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, Tabs

from hotline.app import make_app
from hotline.screens.call import CallScreen
from hotline.screens.queues import QueuesScreen
from hotline.services import followup as fu
from hotline.services import queues as qsvc
from hotline.services.clock import from_text
from tests.cli_runner import run
from tests.followup_apps import Clock, followup_app, new_desk, seed_followups, take


async def open_queues(pilot: Pilot[None]) -> QueuesScreen:
    await pilot.press("f3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QueuesScreen)
    return screen


def column(screen: QueuesScreen, key: str) -> list[str]:
    table = screen.query_one(DataTable)
    return [cell.plain if isinstance(cell, Text) else str(cell)
            for cell in table.get_column(key)]


def tab_labels(screen: QueuesScreen) -> list[str]:
    return [str(tab.label) for tab in screen.query_one(Tabs).query("Tab")]


async def test_f3_opens_my_queue_soonest_deadline_first() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        assert screen.queue == "mine"
        assert column(screen, "number") == [numbers["overdue"], numbers["waiting"],
                                            numbers["reopened"]]
        customers = column(screen, "customer")
        assert customers[0] == "张三 138****8000"
        assert customers[2] == "[b]王[/b]五 139****5678"  # shown literally, never as markup
        badges = column(screen, "sla")
        assert badges[0] == "超时 1天0小时"  # due Tue 10:30 (8 working hours from Mon 10:30)
        assert badges[1] == "剩 1天0小时" and badges[2] == "剩 2天19小时"
        assert tab_labels(screen)[:5] == ["我的 3", "待部门处理 3", "已超时 1", "待回访 1",
                                          "已重开 1"]
        assert "已升级" not in " ".join(tab_labels(screen))  # an agent has no escalated tab
        assert "第 1 页" in str(screen.query_one("#queue-status", Static).render())


async def test_tabs_switch_with_the_arrows_and_the_digits() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        await pilot.press("right")
        await pilot.pause()
        assert screen.queue == "awaiting-department"
        assert set(column(screen, "number")) == {numbers["overdue"], numbers["escalated"],
                                                 numbers["waiting"]}
        await pilot.press("3")
        await pilot.pause()
        assert screen.queue == "overdue"
        assert column(screen, "number") == [numbers["overdue"]]
        await pilot.press("4")
        await pilot.pause()
        assert column(screen, "number") == [numbers["callback"]]
        await pilot.press("left", "left")
        await pilot.pause()
        assert screen.queue == "awaiting-department"


async def test_a_supervisor_sees_the_escalated_tab() -> None:
    app, numbers = followup_app(role="supervisor", agent="S01")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        assert "escalated" in screen.tabs
        await pilot.press(str(screen.tabs.index("escalated") + 1))
        await pilot.pause()
        assert column(screen, "number") == [numbers["escalated"]]
        assert "升级" in column(screen, "status")[0]


async def test_enter_opens_the_call_and_f3_comes_back() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        call = app.screen
        assert isinstance(call, CallScreen) and call.number == numbers["waiting"]
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(DataTable).cursor_row == 1  # still on the call it opened


async def test_pages_of_fifty_turn_with_pgdn_and_at_the_end_of_a_page() -> None:
    desk = new_desk()
    for i in range(120):
        fu.take_transferred_call(desk, take(desk, f"1380000{i:04d}", f"客户{i}", "不制冷"),
                                 fu.TransferChoice("tech_support", "上门"))
    app = make_app(desk, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        table = screen.query_one(DataTable)
        first = column(screen, "number")
        assert len(first) == 50 and screen.page == 1
        await pilot.press("pagedown")
        await pilot.pause()
        second = column(screen, "number")
        assert screen.page == 2 and len(second) == 50 and not set(first) & set(second)
        table.move_cursor(row=49)
        await pilot.press("down")  # past the last row: the next page
        await pilot.pause()
        third = column(screen, "number")
        assert screen.page == 3 and len(third) == 20 and table.cursor_row == 0
        assert "第 3 页 · 第 101–120 条" in str(screen.query_one("#queue-status", Static).render())
        await pilot.press("up")  # before the first row: back a page, on its last row
        await pilot.pause()
        assert screen.page == 2 and table.cursor_row == 49
        await pilot.press("pageup")
        await pilot.pause()
        assert column(screen, "number") == first
        assert sorted(first + second + third) == sorted(set(first + second + third))
        deadlines = [row["due_at"] for row in qsvc.queue_page(desk, "mine", limit=200).rows]
        assert deadlines == sorted(deadlines)


async def test_badges_and_rows_follow_the_clock() -> None:
    app, numbers = followup_app()
    desk = app.desk
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        await pilot.press("3")
        await pilot.pause()
        assert column(screen, "number") == [numbers["overdue"]]
        clock = desk.clock
        assert isinstance(clock, Clock)
        clock.advance(days=1, minutes=1)  # the logistics transfer is now overdue too
        screen.refresh_page()
        await pilot.pause()
        assert numbers["waiting"] in column(screen, "number")
        assert all(b.startswith("超时") for b in column(screen, "sla"))


async def test_the_drafts_tab_lists_my_unsaved_calls() -> None:
    from hotline.services.intake import new_intake, save_draft

    app, _ = followup_app()
    desk = app.desk
    draft = new_intake(desk)
    draft.phone, draft.customer_name, draft.symptom = "13800138000", "吴九", "漏水"
    save_draft(desk, draft)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # not now, says the agent to the draft offered at sign-in
        screen = await open_queues(pilot)
        await pilot.press(str(len(screen.tabs)))
        await pilot.pause()
        assert screen.queue == "drafts"
        assert column(screen, "number") == [draft.number]
        assert column(screen, "customer") == ["吴九 138****8000"]
        await pilot.press("enter")
        await pilot.pause()
        from hotline.screens.intake import IntakeScreen

        assert isinstance(app.screen, IntakeScreen)


async def test_an_empty_queue_says_so() -> None:
    app, _ = followup_app(seeded=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        assert column(screen, "number") == []
        assert "此队列为空" in str(screen.query_one("#queue-status", Static).render())
        await pilot.press("enter", "pagedown", "down", "up")  # nothing to open, nothing breaks
        assert app.screen is screen


def test_the_overdue_tab_matches_the_cli(desk_dir: Path) -> None:
    """`hotline calls list --queue overdue --json` lists what the overdue tab shows."""
    import asyncio
    from datetime import UTC, datetime

    from hotline.config import load_config
    from hotline.services.desk import Desk
    from hotline.store import Store

    config = load_config(desk_dir / "hotline.toml")
    store = Store.open(desk_dir / "hotline.db", desk=config.site.desk)
    # Calls made ten days ago: every deadline has passed by now, whatever the calendar, so
    # the CLI (on the real clock) and the tab (a second later) see the same queue.
    clock = Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=10))
    desk = Desk(store=store, config=config, agent="S01", role="supervisor", clock=clock)
    numbers = seed_followups(desk)
    clock.moment = datetime.now(UTC)
    cli = run("--config", str(desk_dir / "hotline.toml"), "calls", "list", "--queue", "overdue",
              "--json")
    assert cli.code == 0, cli.err
    listed = [row["number"] for row in cli.json()]  # type: ignore[union-attr]
    assert set(listed) == {numbers[k] for k in ("overdue", "reopened", "callback", "escalated",
                                                "waiting")}
    assert all(row["overdue"] for row in cli.json())  # type: ignore[union-attr]

    async def tab() -> list[str]:
        app = make_app(desk, signed_in=True)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_queues(pilot)
            await pilot.press(str(screen.tabs.index("overdue") + 1))
            await pilot.pause()
            return column(screen, "number")

    assert asyncio.run(tab()) == listed
    assert [from_text(r["due_at"]) for r in cli.json()] == sorted(  # type: ignore[union-attr]
        from_text(r["due_at"]) for r in cli.json())  # type: ignore[union-attr]
    store.close()


async def test_resolved_calls_stay_out_of_the_queues() -> None:
    app, numbers = followup_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_queues(pilot)
        for n in range(1, len(screen.tabs)):
            await pilot.press(str(n))
            await pilot.pause()
            assert numbers["closed"] not in column(screen, "number")
