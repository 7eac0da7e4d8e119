"""How the intake form looks: empty, half-filled with the caller panel, confirmed, refused.

Plain `def` tests (snap_compare runs its own event loop). The clock is frozen (fixed call
number, timer at 00:00, header clock) and the cursor does not blink. Bless deliberately:
`pytest tests/test_intake_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from hotline.screens.intake import IntakeScreen
from tests.apps import make_test_app
from tests.conftest import FROZEN


async def _still(pilot: Pilot[None]) -> None:
    """Let timers and lookups settle, and stop the cursor blinking."""
    await pilot.pause(0.4)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def _open(pilot: Pilot[None]) -> IntakeScreen:
    await pilot.press("f2")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


async def _fill(pilot: Pilot[None], values: dict[str, str]) -> IntakeScreen:
    screen = await _open(pilot)
    for name, value in values.items():
        screen.query_one(f"#f-{name}", Input).value = value
    await pilot.pause()
    return screen


KNOWN_CALLER = {"phone": "13800138000", "product_model": "KFR-35GW/N1",
                "symptom": "空调不制冷,外机不转", "description": "[red]开机十分钟后[/] 显示E1"}


def test_intake_empty_zh_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await _open(pilot)
        await _still(pilot)

    app = make_test_app(now=FROZEN, signed_in=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_intake_half_filled_with_caller_zh_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _fill(pilot, {"phone": "13800138000"})
        screen.set_focus(screen.query_one("#f-product_model", Input))
        await _still(pilot)

    app = make_test_app(now=FROZEN, signed_in=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_intake_confirmed_en_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _fill(pilot, KNOWN_CALLER)
        screen.set_focus(screen.query_one("#f-description", Input))
        await pilot.pause()
        for _ in range(2):  # phone and model read back and confirmed; symptom not yet
            await pilot.press("f6")
            await pilot.pause()
            await pilot.press("y")
            await pilot.pause()
        await pilot.press("f6")  # the symptom being read back
        await _still(pilot)

    app = make_test_app(now=FROZEN, locale="en", signed_in=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_intake_refused_save_en_120x36(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await _fill(pilot, KNOWN_CALLER)
        screen.set_focus(screen.query_one("#f-symptom", Input))
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _still(pilot)

    app = make_test_app(now=FROZEN, locale="en", signed_in=True)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
