"""Sign-in lockout, sign-out, role-gated keys, supervisor home, audit log, site notice and
training mode, driven with Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from hotline.app import HotlineApp, make_app
from hotline.screens.audit import AuditScreen
from hotline.screens.home import HomeScreen
from hotline.screens.notice import NoticeModal
from hotline.screens.signin import SignInScreen
from hotline.screens.supervisor_home import SupervisorHomeScreen
from hotline.services.notices import notice_text, set_notice
from hotline.widgets.desk_header import DeskHeader
from hotline.widgets.figures import FigureTile
from tests.apps import make_test_app
from tests.conftest import FROZEN
from tests.supervision_apps import supervisor_app

SIZE = (100, 30)


def notes(app: HotlineApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def header_text(app: HotlineApp) -> str:
    header = app.screen.query_one(DeskHeader)
    return str(header.query_one("#header-who", Static).content)


def banner(app: HotlineApp) -> Static:
    return app.screen.query_one(DeskHeader).query_one("#header-notice", Static)


async def sign_in(pilot: Pilot[None], code: str, pin: str = "1234") -> None:
    await pilot.press(*code, "enter", *pin, "enter")
    await pilot.pause()


def footer_actions(app: HotlineApp) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values()}


async def test_five_wrong_pins_show_the_lockout_and_write_nothing() -> None:
    app = make_test_app(now=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        ops = app.desk.store.scalar("SELECT count(*) FROM ops")
        for _ in range(5):
            await sign_in(pilot, "A01", "9999")
        error = str(app.screen.query_one("#signin-error", Static).content)
        assert "A01" in error and "锁定" in error and "10:45" in error
        await sign_in(pilot, "A01", "1234")  # the right PIN, too soon
        assert isinstance(app.screen, SignInScreen) and app.desk.agent is None
        assert "10:45" in str(app.screen.query_one("#signin-error", Static).content)
        assert app.desk.store.scalar("SELECT count(*) FROM ops") == ops


async def test_a_supervisor_lands_on_the_supervisor_home() -> None:
    app = supervisor_app(now=FROZEN, signed_in=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "S01")
        screen = app.screen
        assert isinstance(screen, SupervisorHomeScreen)
        assert "王芳 (S01)" in header_text(app)
        assert "3" in str(screen.query_one("#sup-fig-open", FigureTile).content)
        assert "1" in str(screen.query_one("#sup-fig-overdue", FigureTile).content)
        today = str(screen.query_one("#sup-fig-today", FigureTile).content)
        assert "3" in today and "本席 3" in today
        depts = screen.query_one("#sup-departments", DataTable)
        rows = [[str(c) for c in depts.get_row_at(i)] for i in range(depts.row_count)]
        first = app.desk.config.label("department", app.desk.config.departments[0].id, "zh_CN")
        assert rows[0] == [first, "1", "1"]
        assert ["（未转办）", "1", "0"] in rows
        agents = screen.query_one("#sup-agents", DataTable)
        people = {str(agents.get_row_at(i)[0]): [str(c) for c in agents.get_row_at(i)[2:]]
                  for i in range(agents.row_count)}
        assert people == {"李明 (A01)": ["3", "3"], "王芳 (S01)": ["0", "0"]}


async def test_an_agent_lands_on_the_agent_home_without_supervisor_keys() -> None:
    app = supervisor_app(now=FROZEN, signed_in=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "A01")
        assert isinstance(app.screen, HomeScreen)
        actions = footer_actions(app)
        assert "sign_out" in actions
        assert not {"audit_log", "edit_notice"} & actions
        for key in ("f11", "f10", "ctrl+backslash"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        refusals = [n for n in notes(app) if "主管" in n]
        assert len(refusals) == 3 and "A01" in refusals[0]


async def test_sign_out_returns_to_sign_in_and_the_next_agent_is_everywhere() -> None:
    app = supervisor_app(now=FROZEN, signed_in=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "A01")
        assert "李明 (A01)" in header_text(app)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.desk.agent is None and app.desk.role is None
        assert "李明" not in header_text(app)
        assert "sign_out" not in footer_actions(app)
        assert len(app.screen_stack) == 2
        await sign_in(pilot, "S01")
        assert isinstance(app.screen, SupervisorHomeScreen)
        assert "王芳 (S01)" in header_text(app) and app.desk.role == "supervisor"
        await pilot.press("ctrl+y")  # the ctrl alternative
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_signing_out_keeps_the_form_as_that_agents_own_draft() -> None:
    from hotline.screens.intake import IntakeScreen
    from hotline.services.intake import load_drafts

    app = supervisor_app(now=FROZEN, signed_in=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "A01")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press(*"13700137000")
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert [d.intake.phone for d in load_drafts(app.desk, "A01")] == ["13700137000"]
        await sign_in(pilot, "S01")
        assert load_drafts(app.desk) == []  # S01 is offered nothing of A01's
        assert isinstance(app.screen, SupervisorHomeScreen)


async def test_the_audit_log_shows_who_did_what() -> None:
    app = supervisor_app(now=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f11")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one("#audit-log", DataTable)
        total = app.desk.store.scalar("SELECT count(*) FROM ops")
        assert table.row_count == total
        first = [str(c) for c in table.get_row_at(0)]
        n3 = "D01-20261125-0003"
        assert first[2] == "王芳 (S01)" and first[3] == n3
        assert first[4] == "办结时限 改为 2026-11-26 08:00"
        whats = {str(table.get_row_at(i)[4]) for i in range(total)}
        assert "新增坐席 李明（客服）" in whats
        await pilot.press("tab", *"a01", "enter")
        await pilot.pause()
        agents = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert agents == {"李明 (A01)"}
        assert screen.query_one("#audit-agent", Input).value == "a01"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SupervisorHomeScreen)


async def test_a_supervisor_puts_up_a_notice_and_every_screen_shows_it() -> None:
    app = supervisor_app(now=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not banner(app).display or str(banner(app).content) == ""
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, NoticeModal)
        await pilot.press(*"[b]停电[/b] 15:00 恢复", "enter")
        await pilot.pause(1.2)  # the header looks once a second
        assert isinstance(app.screen, SupervisorHomeScreen)
        assert notice_text(app.desk) == "[b]停电[/b] 15:00 恢复"
        assert str(banner(app).content) == "公告 [b]停电[/b] 15:00 恢复"  # never markup
        assert banner(app).display
        op = app.desk.store.query("SELECT agent FROM ops WHERE entity = 'notice'")
        assert op == [{"agent": "S01"}]
        # the banner is on the next screen and on the sign-in screen too
        await pilot.press("f11")
        await pilot.pause()
        assert "停电" in str(banner(app).content)
        await pilot.press("escape", "f12")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and "停电" in str(banner(app).content)
        await sign_in(pilot, "S01")
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen.query_one("#notice-text", Input).value == "[b]停电[/b] 15:00 恢复"
        await pilot.press("ctrl+u", "enter")  # emptied: taken down
        await pilot.pause(1.2)
        assert notice_text(app.desk) is None and not banner(app).display


async def test_a_notice_that_arrives_later_appears_by_itself() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sup = type(app.desk)(store=app.desk.store, config=app.desk.config, agent="S01",
                             role="supervisor", clock=app.desk.clock)
        set_notice(sup, "系统升级中")  # as if imported from another desk's bundle
        app.refresh_notice()  # (the app polls every few seconds)
        await pilot.pause(1.2)
        assert str(banner(app).content) == "公告 系统升级中"


async def test_training_mode_switches_store_in_place(desk_dir: Path) -> None:
    from hotline.config import load_config
    from hotline.services.desk import Desk
    from hotline.store import Store

    config = load_config(desk_dir / "hotline.toml")
    store = Store.open(desk_dir / "hotline.db", desk="D01")
    app = make_app(Desk(store=store, config=config))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "S01")
        assert "sync" in footer_actions(app)
        await pilot.press("ctrl+f12")
        await pilot.pause()
        assert app.training and isinstance(app.screen, SignInScreen)
        assert app.desk.agent is None
        assert app.desk.store.path == desk_dir / "hotline-training.db"
        assert "培训模式" in header_text(app)
        assert app.screen.query_one(DeskHeader).has_class("-training")
        await sign_in(pilot, "S01")  # the real agents sign in to the drill
        assert isinstance(app.screen, SupervisorHomeScreen)
        assert "sync" not in footer_actions(app)  # drill ops never travel
        await pilot.press("ctrl+f12")
        await pilot.pause()
        assert not app.training and app.desk.store.path == desk_dir / "hotline.db"
        assert "培训模式" not in header_text(app)


async def test_training_mode_needs_a_store_file() -> None:
    app = make_test_app(now=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f12")
        await pilot.pause()
        assert not app.training and any("内存" in n for n in notes(app))


async def test_the_palette_offers_training_mode_and_the_supervisor_tools() -> None:
    from textual.command import CommandPalette

    app = supervisor_app(now=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"操作审计")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"培训模式")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert any("内存" in n for n in notes(app))  # found and run (in-memory: refused)
