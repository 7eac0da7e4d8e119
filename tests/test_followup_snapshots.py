"""How the follow-up screens look (frozen clock; blessed on purpose only, with
`pytest tests/test_followup_snapshots.py --snapshot-update`)."""

from __future__ import annotations

from textual.pilot import Pilot

from hotline.screens.call import open_call
from tests.followup_apps import followup_app


def test_queues_zh_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app, _ = followup_app()
    assert snap_compare(app, terminal_size=(100, 30), press=["f3", "_"])


def test_call_screen_en_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app, numbers = followup_app(locale="en")

    async def show_call(pilot: Pilot[None]) -> None:
        await pilot.pause()
        open_call(app, numbers["callback"])
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=show_call)


def test_transfer_modal_zh_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app, numbers = followup_app()

    async def show_transfer(pilot: Pilot[None]) -> None:
        await pilot.pause()
        open_call(app, numbers["reopened"])
        await pilot.pause()
        await pilot.press("f8", "down", "down", "down", "enter", *"客户仍不满意")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=show_transfer)
