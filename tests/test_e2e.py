"""The real app in a real terminal, driven as an agent would: F-keys, typed Chinese, read-back,
save, transfer, department result, callback, satisfaction; checked on screen (capture-pane) and
in the store (`hotline calls show --json`, another process). zh_CN on the demo desk at 80×24
and 120×36; en on a desk made with `hotline init --locale en`, through the real sign-in.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hotline.i18n import t
from tests.tmux import Tmux, command, hotline_cli, needs_tmux, wait_until

pytestmark = [pytest.mark.e2e, needs_tmux]

NUMBER = re.compile(r"D01-\d{8}-\d{4}")


class Desk:
    """Where the app under test keeps its store, and how to ask the CLI about it."""

    def __init__(self, args: list[str], env: dict[str, str], locale: str) -> None:
        self.args, self.env, self.locale = args, env, locale

    def call(self, number: str) -> dict[str, Any]:
        out = hotline_cli(*self.args, "calls", "show", number, "--json", env=self.env)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert isinstance(doc, dict)
        return doc

    def status_becomes(self, number: str, status: str) -> dict[str, Any]:
        seen: dict[str, Any] = {}

        def done() -> bool:
            out = hotline_cli(*self.args, "calls", "show", number, "--json", env=self.env)
            if out.returncode:
                return False
            seen.update(json.loads(out.stdout))
            return seen.get("status") == status

        wait_until(done, 20, f"{number} to become {status} in the store, last seen {{}}",
                   lambda: str(seen.get("status")))
        return seen


def take_call(tm: Tmux, loc: str, phone: str, name: str, model: str, symptom: str) -> str:
    """Open the form (F2), type a caller, read back and confirm the three key fields."""
    before = NUMBER.search(tm.screen().splitlines()[1])
    tm.keys("F2")

    def fresh_form() -> bool:  # F2 after a save readies the next call in place
        lines = tm.screen().splitlines()
        found = NUMBER.search(lines[1]) if len(lines) > 1 else None
        return found is not None and (before is None or found.group(0) != before.group(0))

    wait_until(fresh_form, 20, "a new call form:\n{}", tm.screen)
    tm.wait_for(t("intake.field.phone", loc))
    match = NUMBER.search(tm.screen().splitlines()[1])
    assert match
    tm.type(phone)
    tm.keys("Enter")
    tm.type(name)
    tm.keys("Enter", "Enter", "Enter")  # name → second phone → channel → model
    tm.type(model)
    tm.keys("Enter", "Enter", "Enter")  # model → serial → purchase date → symptom
    tm.type(symptom)
    tm.wait_for(name, model, symptom)
    for done in range(1, 4):
        tm.keys("F6")
        tm.wait_for(t("intake.key_yes", loc))
        tm.keys("y")
        wait_until(lambda n=done: tm.screen().count("✓") >= n, 10, "mark {}", tm.screen)
        tm.wait_gone(t("intake.key_yes", loc))  # the read-back is over: F6 works again
    return match.group(0)


def poll(done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.1)
    return False


def resolve_and_transfer(tm: Tmux, desk: Desk) -> None:
    loc = desk.locale
    first = take_call(tm, loc, "13800138000", "王小明", "KFR-35GW", "空调不制冷 外机不转")
    tm.keys("F7")
    tm.wait_for(t("status.resolved", loc))
    call = desk.status_becomes(first, "resolved")
    assert (call["customer_name"], call["symptom"]) == ("王小明", "空调不制冷 外机不转")
    assert set(call["confirmed"]) == {"phone", "product_model", "symptom"}

    second = take_call(tm, loc, "13900139000", "李四", "XQG70", "漏水")
    tm.keys("F8")
    tm.wait_for(t("transfer.title", loc, number=second), desk_label("tech_support", loc))
    title = t("transfer.title", loc, number=second)
    for _ in range(4):  # the modal focuses its list once mounted; nothing on screen tells when
        time.sleep(0.3)
        tm.keys("Enter")  # the first department, then the reason
        tm.type("需要上门检修")
        poll(lambda: "需要上门检修" in tm.screen() or title not in tm.screen(), 3)
        if title not in tm.screen():
            break  # a second Enter already sent it
        if "需要上门检修" in tm.screen():
            tm.keys("Enter")
            break
    call = desk.status_becomes(second, "transferred")
    assert call["department"] == "tech_support"

    tm.keys("Escape")
    tm.keys("F4")
    tm.wait_for(t("search.hint", loc)[:6])
    tm.type(second)
    tm.wait_for(t("status.transferred", loc))  # the call found
    for _ in range(5):  # an exact call number opens the call (once the search has answered)
        tm.keys("Enter")
        try:
            tm.wait_for(second, t("callview.key_result", loc), timeout=3)
            break
        except pytest.fail.Exception:
            continue
    tm.wait_for(second, t("callview.key_result", loc))
    tm.keys("r")
    tm.wait_for(t("result.title", loc, number=second))
    tm.type("已上门更换水管")
    tm.wait_for("已上门更换水管")
    tm.keys("C-s")
    tm.wait_for(t("status.awaiting_callback", loc))
    desk.status_becomes(second, "awaiting_callback")
    tm.keys("c")
    tm.wait_for(t("callback.ask_reached", loc)[:12])
    tm.keys("y")
    tm.wait_for(t("callback.ask_told", loc)[:12])
    tm.keys("Enter")
    tm.wait_for(t("callback.ask_rate", loc, threshold=4)[:20])
    tm.keys("5")
    tm.wait_for(t("status.closed", loc))
    call = desk.status_becomes(second, "closed")
    assert call["satisfaction"] == 5
    assert "Traceback" not in tm.screen()


def desk_label(dept: str, loc: str) -> str:
    from hotline.config import DEFAULT_CONFIG_PATH, load_config

    return load_config(DEFAULT_CONFIG_PATH).label("department", dept, loc)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """XDG_DATA_HOME of a demo desk made once for the module (the demo builds its store)."""
    home = tmp_path_factory.mktemp("xdg")
    tm = Tmux(command("demo", {"XDG_DATA_HOME": str(home)}), width=80, height=24)
    try:
        tm.wait_for("今日来电", timeout=60)
    finally:
        tm.close()
    return home


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_zh_cn_demo_a_whole_call_life(demo_home: Path, size: tuple[int, int]) -> None:
    env = {"XDG_DATA_HOME": str(demo_home)}
    config = demo_home / "hotline" / "demo" / "hotline.toml"
    assert config.exists(), list(demo_home.rglob("*"))
    desk = Desk(["--config", str(config)], env, "zh_CN")
    tm = Tmux(command("demo", env), width=size[0], height=size[1])
    try:
        tm.wait_for("今日来电", "李明")  # signed in as demo agent A01
        resolve_and_transfer(tm, desk)
    finally:
        tm.close()
    assert hotline_cli(*desk.args, "doctor", env=env).returncode == 0


def test_en_desk_signs_in_and_takes_the_same_calls(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    env = {"HOTLINE_PIN": "1234"}
    made = hotline_cli("init", "--dir", str(folder), "--desk", "D01", "--company", "Acme",
                       "--locale", "en", env=env)
    assert made.returncode == 0, made.stderr
    args = ["--config", str(folder / "hotline.toml")]
    assert hotline_cli(*args, "seed", "--calls", "30", env=env).returncode == 0
    desk = Desk(args, env, "en")
    tm = Tmux(command(" ".join(args)), width=80, height=24)
    try:
        tm.wait_for(t("signin.code", "en"))
        tm.keys("S01", "Enter")
        tm.keys("1234", "Enter")
        tm.wait_for("Calls today")
        resolve_and_transfer(tm, desk)
    finally:
        tm.close()
    assert hotline_cli(*args, "doctor").returncode == 0
