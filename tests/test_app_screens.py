"""Sign-in, home and help screens, driven with Pilot."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from hotline.screens.help import HelpModal
from hotline.screens.home import HomeScreen
from hotline.screens.signin import SignInScreen
from hotline.widgets.figures import FigureTile
from tests.apps import make_test_app
from tests.conftest import FROZEN


async def test_sign_in_with_code_and_pin_opens_home() -> None:
    app = make_test_app(now=FROZEN)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.focused is app.screen.query_one("#signin-code")
        await pilot.press(*"a01", "enter", *"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.desk.agent == "A01" and app.desk.role == "agent"


async def test_a_wrong_pin_is_refused_without_saying_which_part() -> None:
    app = make_test_app(now=FROZEN)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"A01", "enter", *"9999", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert str(app.screen.query_one("#signin-error", Static).content) == "工号或密码错误"
        assert app.screen.query_one("#signin-pin", Input).value == ""
        assert app.desk.agent is None


async def test_home_shows_the_figures_and_latest_calls_from_the_store() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        today = screen.query_one("#fig-today", FigureTile)
        assert "3" in str(today.content)
        table = screen.query_one("#home-recent", DataTable)
        assert table.row_count == 3
        # a customer whose name looks like markup is shown literally
        names = {str(table.get_row_at(i)[4]) for i in range(3)}
        assert "[b]王[/b]五" in names


async def test_f1_lists_the_keys_of_the_screen_and_escape_closes_it() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        table = app.screen.query_one(DataTable)
        actions = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert {"帮助", "退出"} <= actions
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_app_speaks_english_when_the_desk_is_configured_so() -> None:
    app = make_test_app(now=FROZEN, locale="en", signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Calls today" in str(app.screen.query_one("#fig-today", FigureTile).content)


async def test_the_palette_offers_the_screens_keys_by_name() -> None:
    from textual.command import CommandPalette

    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"帮助")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HelpModal)
