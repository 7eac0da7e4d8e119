"""The search screen (F4), driven with Pilot: type, results stream in, Enter opens the call."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from hotline.screens.call import CallScreen
from hotline.screens.search import SearchScreen
from tests.apps import make_test_app
from tests.conftest import FROZEN


async def _settle(app: object, pilot: object) -> None:
    """Past the debounce, the worker, and the messages it posted."""
    await pilot.pause(0.2)  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_type_a_phone_tail_see_the_customer_and_calls_and_enter_opens_the_call() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.focused is screen.query_one("#search-box", Input)
        await pilot.press(*"8000")
        await _settle(app, pilot)
        customers = screen.query_one("#search-customers", DataTable)
        calls = screen.query_one("#search-calls", DataTable)
        assert [str(customers.get_row_at(i)[0]) for i in range(customers.row_count)] == ["张三"]
        assert str(customers.get_row_at(0)[1]) == "138****8000"
        assert calls.row_count == 1
        number = str(calls.get_row_at(0)[0])
        status = str(screen.query_one("#search-status", Static).content)
        assert "1" in status
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.number == number
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and calls.row_count == 1  # the results are still there


async def test_down_goes_to_the_results_and_enter_on_a_customer_lists_their_calls() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"张")
        await _settle(app, pilot)
        await pilot.press("down")
        customers = screen.query_one("#search-customers", DataTable)
        assert screen.focused is customers
        await pilot.press("enter")
        await _settle(app, pilot)
        box = screen.query_one("#search-box", Input)
        assert box.value == "13800138000" and screen.focused is box
        assert screen.query_one("#search-calls", DataTable).row_count == 1


async def test_markup_looking_names_are_shown_literally_and_only_the_last_text_counts() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        await pilot.press(*"空调", "backspace", "backspace", *"[b]王")
        await _settle(app, pilot)
        customers = screen.query_one("#search-customers", DataTable)
        assert [str(customers.get_row_at(i)[0]) for i in range(customers.row_count)] == [
            "[b]王[/b]五"]
        calls = screen.query_one("#search-calls", DataTable)
        assert [str(calls.get_row_at(i)[3]).split()[0] for i in range(calls.row_count)] == [
            "[b]王[/b]五"]
        assert screen.results.text == "[b]王"


async def test_nothing_found_is_said_and_escape_goes_back() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        home = app.screen
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        await pilot.press(*"没有这个人")
        await _settle(app, pilot)
        assert "没有找到" in str(screen.query_one("#search-status", Static).content)
        assert not screen.query_one("#search-calls", DataTable).display
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home


async def test_f4_does_nothing_before_sign_in() -> None:
    app = make_test_app(now=FROZEN)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
