"""Sign-in lockout: five wrong PINs lock a code on this desk for a while; the PIN is never kept
or shown in clear, and the counter never becomes an op."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hotline.errors import NotAllowed
from hotline.services.agents import add_agent, authenticate, locked_codes, unlock_agent
from hotline.services.desk import Desk
from tests.cli_runner import run
from tests.conftest import FROZEN


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(FROZEN)


@pytest.fixture
def door(desk: Desk, clock: Clock) -> Desk:
    """A signed-out desk with supervisor S01 and agent A01 (PIN 2468), on a movable clock."""
    add_agent(desk, "A01", name="李明", role="agent", pin="2468")
    return Desk(store=desk.store, config=desk.config, clock=clock)


def wrong(desk: Desk, code: str = "A01") -> NotAllowed:
    with pytest.raises(NotAllowed) as err:
        authenticate(desk, code, "0000")
    return err.value


def test_five_wrong_pins_lock_the_code_and_say_until_when(door: Desk) -> None:
    ops = door.store.scalar("SELECT count(*) FROM ops")
    keys = [wrong(door).key for _ in range(4)]
    assert keys == ["agent.bad_login", "agent.bad_login", "agent.bad_login_left",
                    "agent.bad_login_left"]
    fifth = wrong(door)
    assert fifth.key == "agent.locked"
    # 10:30 Shanghai + 15 minutes (security.lockout_minutes), in the desk's time
    assert "10:45" in fifth.message() and "A01" in fifth.message()
    assert "10:45" in fifth.message("en") and "locked" in fifth.message("en")
    # while locked, even the right PIN is refused, with the same message
    with pytest.raises(NotAllowed) as err:
        authenticate(door, "A01", "2468")
    assert err.value.key == "agent.locked" and "10:45" in err.value.message()
    assert door.agent is None
    # the counter is desk-local: not a single op was written
    assert door.store.scalar("SELECT count(*) FROM ops") == ops
    assert [row["code"] for row in locked_codes(door)] == ["A01"]


def test_the_right_pin_works_once_the_lock_has_run_out(door: Desk, clock: Clock) -> None:
    for _ in range(5):
        wrong(door)
    clock.now = FROZEN + timedelta(minutes=14, seconds=59)
    assert wrong(door).key == "agent.locked"
    clock.now = FROZEN + timedelta(minutes=15, seconds=1)
    agent = authenticate(door, "a01", "2468")
    assert agent["code"] == "A01" and door.agent == "A01" and door.role == "agent"
    assert locked_codes(door) == []
    # a fresh count: one wrong PIN is one wrong PIN again, not a lock
    assert wrong(door).key == "agent.bad_login"


def test_a_right_pin_resets_the_count(door: Desk) -> None:
    for _ in range(4):
        wrong(door)
    authenticate(door, "A01", "2468")
    for _ in range(4):
        assert wrong(door).key != "agent.locked"
    assert wrong(door).key == "agent.locked"


def test_unknown_codes_lock_too_so_the_message_tells_nothing(door: Desk) -> None:
    first = wrong(door, "Z99")
    assert first.key == "agent.bad_login" == wrong(door, "A01").key
    for _ in range(4):
        last = wrong(door, "Z99")
    assert last.key == "agent.locked"


def test_only_a_supervisor_unlocks_a_code(door: Desk) -> None:
    for _ in range(5):
        wrong(door)
    agent = Desk(store=door.store, config=door.config, agent="A01", role="agent",
                 clock=door.clock)
    with pytest.raises(NotAllowed):
        unlock_agent(agent, "A01")
    sup = Desk(store=door.store, config=door.config, agent="S01", role="supervisor",
               clock=door.clock)
    assert unlock_agent(sup, "a01") is True
    authenticate(door, "A01", "2468")
    assert door.agent == "A01"


def test_the_cli_as_path_locks_too_and_exits_3(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    assert run("init", "--desk", "D01", "--company", "X", "--dir", str(folder),
               env={"HOTLINE_PIN": "1234"}).code == 0
    cfg = ["--config", str(folder / "hotline.toml")]
    results = [run(*cfg, "notice", "set", "停电", "--as", "S01", env={"HOTLINE_PIN": "9999"})
               for _ in range(5)]
    assert all(r.code == 3 for r in results)
    assert "锁定" in results[-1].err and results[-1].err.count("\n") == 1
    right = run(*cfg, "notice", "set", "停电", "--as", "S01", env={"HOTLINE_PIN": "1234"})
    assert right.code == 3 and "锁定" in right.err
    assert run(*cfg, "notice", "show", "--json").json() is None


def test_no_pin_is_ever_stored_or_printed_in_clear(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    pin, new_pin, typo = "907315", "583146", "468213"
    assert run("init", "--desk", "D01", "--company", "X", "--dir", str(folder),
               env={"HOTLINE_PIN": pin}).code == 0
    cfg = ["--config", str(folder / "hotline.toml")]
    outputs = [
        run(*cfg, "agents", "add", "A07", "--name", "新人", "--as", "S01",
            env={"HOTLINE_PIN": pin, "HOTLINE_NEW_PIN": new_pin}),
        run(*cfg, "notice", "set", "测试", "--as", "A07", env={"HOTLINE_PIN": typo}),
        run(*cfg, "notice", "set", "测试", "--as", "S01", env={"HOTLINE_PIN": pin}),
        run(*cfg, "audit", "--as", "S01", "--json", env={"HOTLINE_PIN": pin}),
        run(*cfg, "--training", "agents", "list", "--json"),
    ]
    assert [r.code for r in outputs] == [0, 3, 0, 0, 0]
    for secret in (pin, new_pin, typo):
        for result in outputs:
            assert secret not in result.out + result.err
        for file in folder.iterdir():
            assert secret.encode() not in file.read_bytes(), file.name
    from hotline.store import Store

    store = Store.open(folder / "hotline.db", desk="D01")
    values = " ".join(str(r["value"]) for r in store.query("SELECT value FROM ops"))
    assert pin not in values and new_pin not in values and "scrypt$" in values
    assert store.query("SELECT * FROM signin_failures") == [
        {"code": "A07", "failures": 1, "locked_until": None,
         "last_failure_at": store.query("SELECT last_failure_at FROM signin_failures")[0][
             "last_failure_at"]}
    ]


def test_the_lockout_time_is_shown_with_its_date_when_it_ends_another_day(
    desk: Desk,
) -> None:
    late = datetime(2026, 11, 25, 15, 55, tzinfo=UTC)  # 23:55 in Shanghai
    add_agent(desk, "A01", name="李明", role="agent", pin="2468")
    door = Desk(store=desk.store, config=desk.config, clock=lambda: late)
    for _ in range(5):
        last = wrong(door)
    assert "2026-11-26 00:10" in last.message()
