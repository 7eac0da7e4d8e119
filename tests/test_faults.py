"""Faults a desk lives through: kill -9 at any moment, two instances on one store, a full disk,
a read-only store, a store from a newer hotline, a deleted config.

`HOTLINE_E2E_KILLS=50` runs the kill loop 50 times (10 by default, to keep `make test` short).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.config import load_config
from hotline.i18n import t
from hotline.services.calls import CallIntake, take_call
from hotline.services.desk import Desk
from hotline.services.doctor import run_checks
from hotline.services.intake import load_drafts
from hotline.store import Store
from tests.cli_runner import run
from tests.test_e2e import take_call as type_call
from tests.tmux import Tmux, command, needs_tmux, wait_until

KILLS = int(os.environ.get("HOTLINE_E2E_KILLS", "10"))


def open_desk(folder: Path, agent: str = "S01") -> Desk:
    store = Store.open(folder / "hotline.db", desk="D01")
    return Desk(store=store, config=load_config(folder / "hotline.toml"), agent=agent,
                role="supervisor")


def app(folder: Path, **size: int) -> Tmux:
    return Tmux(command(f"--config {folder / 'hotline.toml'}", cwd=str(folder)), prefix="hl-f",
                **size)


def sign_in(tm: Tmux, code: str = "S01") -> None:
    tm.wait_for(t("signin.code", "zh_CN"))
    tm.keys(code, "Enter")
    tm.keys("1234", "Enter")


def store_facts(folder: Path) -> tuple[list[str], list[str], list[str]]:
    """(saved call numbers, S01's draft call ids, ids of saved calls) after checking the store."""
    desk = open_desk(folder)
    try:
        checks = run_checks(desk)
        assert all(c["ok"] for c in checks), checks
        rows = desk.store.query("SELECT id, number FROM calls")
        drafts = [d.intake.call_id for d in load_drafts(desk)]
    finally:
        desk.store.close()
    return [r["number"] for r in rows], drafts, [r["id"] for r in rows]


@pytest.mark.e2e
@needs_tmux
def test_kill_9_at_random_moments_loses_and_doubles_nothing(desk_dir: Path) -> None:
    rng = random.Random(int(os.environ.get("HOTLINE_E2E_SEED", "10")))
    saved: set[str] = set()
    drafts: list[str] = []
    outcomes: set[str] = set()
    for round_ in range(KILLS + 1):
        tm = app(desk_dir)
        try:
            sign_in(tm)
            if drafts:  # the call being typed when the app died is offered back
                desk = open_desk(desk_dir)
                [draft] = load_drafts(desk)
                desk.store.close()
                tm.wait_for(draft.intake.number)
                tm.keys("n")  # discard it: this round types a new one
                tm.wait_gone(draft.intake.number)
            tm.wait_for("今日来电")
            if round_ == KILLS:
                break
            kill_at = time.monotonic() + rng.uniform(0.1, 2.0)
            steps = [("F2",), ("-l", f"1380013{8000 + round_:04d}"), ("Enter",), ("-l", "张三"),
                     ("Enter", "Enter", "Enter"), ("-l", "KFR-35GW"),
                     ("Enter", "Enter", "Enter"), ("-l", "空调不制冷")]
            steps += [("F6",), ("y",)] * 3 + [("F7",)]
            for step in steps:
                if time.monotonic() >= kill_at:
                    break
                subprocess.run(["tmux", "send-keys", "-t", tm.name, *step], capture_output=True)
                time.sleep(rng.uniform(0.02, 0.15))
            else:
                time.sleep(max(0.0, kill_at - time.monotonic()))
            os.kill(tm.pid(), signal.SIGKILL)
            wait_until(lambda pane=tm: not pane.alive(), 10, "the pane to close")
        finally:
            tm.close()
        before = len(saved)
        numbers, drafts, ids = store_facts(desk_dir)
        assert len(numbers) == len(set(numbers)), "a call doubled"
        assert saved <= set(numbers), f"lost {saved - set(numbers)}"
        assert not set(drafts) & set(ids), "a saved call still offered as a draft"
        assert len(drafts) <= 1
        saved = set(numbers)
        outcomes.add("saved" if len(numbers) > before else "draft" if drafts else "nothing")
    print(f"kill -9 x{KILLS}: outcomes {sorted(outcomes)}, {len(saved)} calls saved")
    assert run("--config", str(desk_dir / "hotline.toml"), "doctor").code == 0


@pytest.mark.e2e
@needs_tmux
def test_two_instances_and_a_busy_writer_share_one_store(desk_dir: Path) -> None:
    from hotline.services.agents import add_agent

    desk = open_desk(desk_dir)
    add_agent(desk, "A02", name="李明", role="agent", pin="1234")
    desk.store.close()
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:  # a third writer: the CLI or a sync running on the same desk
        mine = open_desk(desk_dir)
        try:
            while not stop.is_set():
                intake = CallIntake(phone="13700137000", symptom="后台写入", product_model="M")
                intake.confirmed = {f: {"value": intake.value(f), "by": "S01", "at": "t"}
                                    for f in mine.config.key_fields}
                written.append(take_call(mine, intake)["number"])
                time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            mine.store.close()

    one, two = app(desk_dir), app(desk_dir)
    thread = threading.Thread(target=writer)
    try:
        sign_in(one, "S01")
        sign_in(two, "A02")
        one.wait_for("今日来电")
        two.wait_for("今日来电")
        thread.start()
        numbers = []
        for i in range(2):
            for tm in (one, two):
                numbers.append(type_call(tm, "zh_CN", f"1390013{9000 + len(numbers):04d}",
                                         "王五", "BCD-470", f"冰箱漏水{i}"))
                tm.keys("F7")
                tm.wait_for("已保存")
        stop.set()
        thread.join(20)
        for tm in (one, two):
            screen = tm.screen()
            busy = t("error.store_locked", "zh_CN")
            assert "locked" not in screen and busy[:8] not in screen, screen
    finally:
        stop.set()
        one.close()
        two.close()
    assert not errors, errors
    saved, _, _ = store_facts(desk_dir)
    assert set(numbers) | set(written) <= set(saved)
    assert len(saved) == len(set(saved)) and len(numbers) == len(set(numbers)) == 4


# -- the store's surroundings ------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs root to mount; skipped where it cannot be)."""
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs: {done.stderr.strip() or done.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _make_desk(folder: Path) -> Path:
    from hotline.services.setup import init_desk

    init_desk(desk="D01", company="示例电器", folder=folder / "desk", join=None,
              supervisor="S01", supervisor_name="", pin="1234")
    return folder / "desk"


def _fill(folder: Path, leave: int) -> Path:
    """Fill the disk until about `leave` bytes are free."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


def test_a_full_disk_during_save_is_a_clear_message_and_the_store_survives(
    small_disk: Path,
) -> None:
    from hotline.errors import HotlineError

    folder = _make_desk(small_disk)
    desk = open_desk(folder)
    refused = None
    _fill(small_disk, 48 * 1024)
    try:
        for _ in range(2000):
            intake = CallIntake(phone="13800138000", symptom="满盘" * 90, product_model="M",
                                description="说明" * 900)
            intake.confirmed = {f: {"value": intake.value(f), "by": "S01", "at": "t"}
                                for f in desk.config.key_fields}
            try:
                take_call(desk, intake)
            except HotlineError as exc:
                refused = exc.message()
                break
    finally:
        desk.store.close()
    assert refused is not None and ("磁盘已满" in refused or "disk" in refused), refused
    (small_disk / "filler").unlink()
    result = run("--config", str(folder / "hotline.toml"), "doctor")
    assert result.code == 0, result


def test_a_full_disk_during_import_writes_nothing(small_disk: Path) -> None:
    folder = _make_desk(small_disk)
    config = str(folder / "hotline.toml")
    header = ("phone,customer_name,product_model,symptom,description,category,priority,"
              "channel,started_at,status,department,reason")
    rows = [f"1380013{8000 + i:04d},张三,KFR,不制冷,{'说明' * 900},,,,2026-11-20 09:15,resolved,,"
            for i in range(400)]
    csv_file = small_disk.parent / "outage.csv"  # on a disk with room
    csv_file.write_text("\n".join([header, *rows]), encoding="utf-8")
    before = run("--config", config, "calls", "list", "--json").json()
    _fill(small_disk, 64 * 1024)
    result = run("--config", config, "calls", "import-csv", str(csv_file), "--as", "S01",
                 env={"HOTLINE_PIN": "1234"})
    (small_disk / "filler").unlink()
    assert result.code == 1, result
    assert result.err.startswith("hotline: error: ") and result.err.count("\n") == 1
    assert "磁盘已满" in result.err, result.err
    assert run("--config", config, "calls", "list", "--json").json() == before
    assert run("--config", config, "doctor").code == 0


def test_a_read_only_store_is_a_clear_message(small_disk: Path) -> None:
    folder = _make_desk(small_disk)
    config = str(folder / "hotline.toml")
    done = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if done.returncode:
        pytest.skip("cannot remount read-only")
    result = run("--config", config, "notice", "set", "停电", "--as", "S01",
                 env={"HOTLINE_PIN": "1234"})
    assert result.code in (1, 2), result
    assert result.err.startswith("hotline: error: ") and result.err.count("\n") == 1
    assert "意外问题" not in result.err, result.err


def test_a_newer_store_and_a_deleted_config_are_clear_messages(desk_dir: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(desk_dir / "hotline.db")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('hotline', 'm999_from_the_future', '2099-01-01')")
    conn.commit()
    conn.close()
    newer = run("--config", str(desk_dir / "hotline.toml"), "calls", "list")
    assert newer.code == 1 and "升级" in newer.err and newer.err.count("\n") == 1, newer
    (desk_dir / "hotline.toml").unlink()
    gone = run("--config", str(desk_dir / "hotline.toml"), "calls", "list")
    assert gone.code == 1 and gone.err.count("\n") == 1 and "hotline.toml" in gone.err, gone
