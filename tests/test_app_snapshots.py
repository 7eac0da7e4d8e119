"""How the sign-in and home screens look, zh_CN and en (blessed on purpose only)."""

from __future__ import annotations

from tests.apps import make_test_app
from tests.conftest import FROZEN


def test_signin_zh(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_test_app(now=FROZEN), terminal_size=(80, 24))


def test_home_zh_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_test_app(now=FROZEN, signed_in=True), terminal_size=(80, 24))


def test_home_en_120x36(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(now=FROZEN, locale="en", signed_in=True)
    assert snap_compare(app, terminal_size=(120, 36))
