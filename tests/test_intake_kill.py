"""A call being typed survives `kill -9` of the real app, and is offered back on the next start.

Drives the installed `hotline` in tmux (skipped where tmux is missing): sign in, F2, type a
caller, kill the process without warning, look in the store, start again, resume.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.tmux import Tmux, command, needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]


def sign_in(tmux: Tmux) -> None:
    tmux.wait_for("工号")
    tmux.keys("S01", "Enter")
    time.sleep(0.3)
    tmux.keys("1234", "Enter")


def test_kill_9_mid_call_loses_nothing_and_the_draft_is_offered(desk_dir: Path) -> None:
    from hotline.config import load_config
    from hotline.services.desk import Desk
    from hotline.services.intake import load_drafts
    from hotline.store import Store

    line = command(f"--config {desk_dir / 'hotline.toml'}", cwd=str(desk_dir))
    first = Tmux(line, prefix="hl-kill")
    try:
        sign_in(first)
        first.wait_for("今日来电")
        first.keys("F2")
        first.wait_for("来电单号")
        first.keys("13800138000", "Enter", "张三", "Enter", "Enter", "Enter", "KFR-35GW")
        first.wait_for("KFR-35GW")
        time.sleep(1.0)  # the draft is written within a quarter of a second of a change
        os.kill(first.pid(), signal.SIGKILL)
    finally:
        first.close()

    config = load_config(desk_dir / "hotline.toml")
    store = Store.open(desk_dir / "hotline.db", desk="D01")
    try:
        [draft] = load_drafts(Desk(store=store, config=config, agent="S01"))
    finally:
        store.close()
    assert (draft.intake.phone, draft.intake.customer_name, draft.intake.product_model) == (
        "13800138000", "张三", "KFR-35GW")

    again = Tmux(line, prefix="hl-kill")
    try:
        sign_in(again)
        again.wait_for(draft.intake.number)  # "you have an unsaved call D01-…: resume?"
        again.keys("y")
        again.wait_for("KFR-35GW")
        assert "张三" in again.screen()
    finally:
        again.close()
