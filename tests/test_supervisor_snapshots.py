"""How the sign-in lockout, the supervisor home and the notice banner look (frozen clock;
blessed on purpose only)."""

from __future__ import annotations

from textual.pilot import Pilot

from hotline.app import HotlineApp
from hotline.services.notices import set_notice
from tests.apps import make_test_app
from tests.conftest import FROZEN
from tests.supervision_apps import supervisor_app

WRONG_FIVE_TIMES = [key for _ in range(5) for key in ("A", "0", "1", "enter", *"9999", "enter")]


def test_signin_locked_zh(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_test_app(now=FROZEN), press=[*WRONG_FIVE_TIMES, "_"],
                        terminal_size=(80, 24))


def test_signin_locked_en(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_test_app(now=FROZEN, locale="en"),
                        press=[*WRONG_FIVE_TIMES, "_"], terminal_size=(80, 24))


def test_supervisor_home_zh_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(supervisor_app(now=FROZEN), terminal_size=(80, 24))


def test_supervisor_home_en_120x36_with_notice(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = supervisor_app(now=FROZEN, locale="en")

    async def put_up_notice(pilot: Pilot[None]) -> None:
        assert isinstance(pilot.app, HotlineApp)
        set_notice(pilot.app.desk, "[b]Outage[/b] in Building 3: systems back at about 15:00")
        pilot.app.refresh_notice()
        await pilot.pause(1.2)

    assert snap_compare(app, run_before=put_up_notice, terminal_size=(120, 36))
