"""The supervisor's commands (notice, audit, agents unlock), role refusals with exit code 3, and
`hotline --training`: a separate store that drill calls never leave."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hotline.config import load_config
from hotline.services.agents import authenticate
from hotline.services.calls import CallIntake, take_call
from hotline.services.desk import Desk
from hotline.services.training import open_training_store
from tests.cli_runner import Result, run

SUP = {"HOTLINE_PIN": "1234"}
AGENT = {"HOTLINE_PIN": "5678"}


@pytest.fixture
def cfg(desk_dir: Path) -> list[str]:
    """`--config` of a desk with supervisor S01 (PIN 1234) and agent A01 (PIN 5678)."""
    args = ["--config", str(desk_dir / "hotline.toml")]
    added = run(*args, "agents", "add", "A01", "--name", "李明", "--as", "S01",
                env={**SUP, "HOTLINE_NEW_PIN": "5678"})
    assert added.code == 0, added.err
    return args


def one_line(result: Result, code: int) -> None:
    assert result.code == code, (result.out, result.err)
    assert result.err.startswith("hotline: error: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", [
    ["notice", "set", "系统维护"],
    ["notice", "clear"],
    ["audit"],
    ["audit", "--agent", "S01"],
    ["agents", "unlock", "S01"],
    ["agents", "add", "A02", "--name", "张伟"],
])
def test_supervisor_commands_refuse_an_agent_with_exit_3(cfg: list[str],
                                                         command: list[str]) -> None:
    result = run(*cfg, *command, "--as", "A01", env={**AGENT, "HOTLINE_NEW_PIN": "1111"})
    one_line(result, 3)
    assert "主管" in result.err and "A01" in result.err
    nobody = run(*cfg, *command, env={"HOTLINE_NEW_PIN": "1111"})
    one_line(nobody, 3)
    assert "--as" in nobody.err


def test_notice_set_show_clear(cfg: list[str]) -> None:
    assert run(*cfg, "notice", "show").out.strip() == "当前没有公告。"
    put = run(*cfg, "notice", "set", "系统故障，预计 15:00 恢复", "--as", "S01", env=SUP)
    assert put.code == 0 and "系统故障，预计 15:00 恢复" in put.out
    shown = run(*cfg, "notice", "show", "--json").json()
    assert isinstance(shown, dict)
    assert shown["text"] == "系统故障，预计 15:00 恢复" and shown["set_by"] == "S01"
    assert "S01" in run(*cfg, "notice", "show").out
    cleared = run(*cfg, "notice", "clear", "--as", "S01", "--json", env=SUP)
    assert cleared.json() == {"cleared": True}
    assert run(*cfg, "notice", "show", "--json").json() is None
    again = run(*cfg, "notice", "clear", "--as", "S01", env=SUP)
    assert again.code == 0 and again.out.strip() == "当前没有公告"
    empty = run(*cfg, "notice", "set", "   ", "--as", "S01", env=SUP)
    one_line(empty, 2)


def test_audit_lists_who_did_what(cfg: list[str]) -> None:
    run(*cfg, "notice", "set", "停电", "--as", "S01", env=SUP)
    doc = run(*cfg, "audit", "--as", "S01", "--json", env=SUP).json()
    assert isinstance(doc, list)
    assert [(e["agent"], e["entity"]) for e in doc[:2]] == [("S01", "notice"), ("S01", "agent")]
    assert doc[0]["text"] == "发布全站公告：停电"
    assert set(doc[0]) == {"op_id", "at", "desk", "agent", "entity", "entity_id", "field",
                           "subject", "text"}
    assert len(run(*cfg, "audit", "--as", "S01", "--limit", "1", "--json", env=SUP).json()) == 1
    table = run(*cfg, "audit", "--as", "S01", env=SUP)
    assert table.code == 0 and "发布全站公告：停电" in table.out and "新增坐席 李明" in table.out
    # an agent may list their own changes (there are none yet)
    own = run(*cfg, "audit", "--as", "A01", "--agent", "A01", "--json", env=AGENT)
    assert own.code == 0 and own.json() == []
    one_line(run(*cfg, "audit", "--as", "S01", "--limit", "0", env=SUP), 2)
    one_line(run(*cfg, "audit", "--as", "S01", "--entity", "bogus", env=SUP), 2)


def test_agents_unlock_lifts_a_lockout_on_this_desk(cfg: list[str]) -> None:
    for _ in range(5):
        run(*cfg, "notice", "show")  # reads need no sign-in and count nothing
        run(*cfg, "audit", "--as", "A01", "--agent", "A01", env={"HOTLINE_PIN": "0000"})
    locked = run(*cfg, "audit", "--as", "A01", "--agent", "A01", env=AGENT)
    one_line(locked, 3)
    assert "锁定" in locked.err
    unlocked = run(*cfg, "agents", "unlock", "a01", "--as", "S01", env=SUP)
    assert unlocked.code == 0 and "A01" in unlocked.out
    assert run(*cfg, "audit", "--as", "A01", "--agent", "A01", env=AGENT).code == 0


# -- training mode ------------------------------------------------------------------------------


def _files(folder: Path, stem: str) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.name.startswith(stem + ".")}


def _drill_call(folder: Path, phone: str, *, flagged: bool) -> str:
    """A call taken in the training store, as the app in training mode takes one."""
    config = load_config(folder / "hotline.toml")
    store = open_training_store(folder / "hotline.db", config)
    try:
        desk = Desk(store=store, config=config)
        authenticate(desk, "A01", "5678")
        intake = CallIntake(phone=phone, customer_name="演练客户", product_model="DRILL-1",
                            symptom="演练：空调不制冷", training=flagged)
        intake.confirmed = {f: {"value": intake.value(f), "by": "A01", "at": "t"}
                            for f in config.key_fields}
        return str(take_call(desk, intake)["number"])
    finally:
        store.close()


def test_drill_calls_never_reach_the_real_store_its_bundles_or_reports(
    cfg: list[str], desk_dir: Path, tmp_path: Path
) -> None:
    digest = run(*cfg, "digest").out
    real_files = _files(desk_dir, "hotline")
    # first use makes the training store, with the real agents so people can sign in
    listed = run(*cfg, "--training", "agents", "list", "--json")
    assert listed.code == 0 and [a["code"] for a in listed.json()] == ["A01", "S01"]
    assert (desk_dir / "hotline-training.db").exists()
    numbers = [_drill_call(desk_dir, "13800138000", flagged=True),
               _drill_call(desk_dir, "13912345678", flagged=False)]
    shown = run(*cfg, "--training", "calls", "show", numbers[1], "--json")
    assert shown.code == 0 and shown.json()["symptom"] == "演练：空调不制冷"
    # not a byte of the real store changed while the drill ran
    assert _files(desk_dir, "hotline") == real_files
    # and nothing of the drill is in the real store, its lists, digest, bundles or reports
    for number in numbers:
        one_line(run(*cfg, "calls", "show", number), 2)
    assert run(*cfg, "calls", "list", "--json").json() == []
    assert run(*cfg, "digest").out == digest
    month = run(*cfg, "report", "--month", _this_month(), "--json").json()
    assert isinstance(month, dict) and month["volume"]["calls"] == 0
    real_ops = _count_ops(desk_dir / "hotline.db")
    bundle = tmp_path / "all.hlbundle"
    exported = run(*cfg, "export", "--full", "--out", str(bundle), "--json")
    assert exported.code == 0, exported.err
    assert exported.json()["ops"] == real_ops
    assert b"DRILL-1" not in bundle.read_bytes()


def test_training_refuses_to_move_ops_or_make_desks(cfg: list[str], tmp_path: Path) -> None:
    for command in (["export", "--out", str(tmp_path / "x.hlbundle")],
                    ["import", str(tmp_path / "x.hlbundle")],
                    ["sync", "--dir", str(tmp_path)],
                    ["init", "--desk", "D09", "--company", "X", "--dir", str(tmp_path / "n")]):
        result = run(*cfg, "--training", *command, env=SUP)
        one_line(result, 1)
        assert "--training" in result.err
    assert not (tmp_path / "x.hlbundle").exists() and not (tmp_path / "n").exists()


def test_training_without_a_real_store_says_so(tmp_path: Path, desk_dir: Path) -> None:
    result = run("--config", str(desk_dir / "hotline.toml"), "--db",
                 str(tmp_path / "none.db"), "--training", "agents", "list")
    one_line(result, 1)
    assert "none.db" in result.err
    assert not (tmp_path / "none-training.db").exists()


def test_an_agent_added_later_can_sign_in_to_the_next_drill(cfg: list[str],
                                                            desk_dir: Path) -> None:
    assert run(*cfg, "--training", "agents", "list").code == 0
    run(*cfg, "agents", "add", "A02", "--name", "张伟", "--as", "S01",
        env={**SUP, "HOTLINE_NEW_PIN": "2222"})
    listed = run(*cfg, "--training", "agents", "list", "--json").json()
    assert isinstance(listed, list) and "A02" in [a["code"] for a in listed]
    drill = run(*cfg, "--training", "notice", "set", "演练公告", "--as", "S01", env=SUP)
    assert drill.code == 0
    assert run(*cfg, "notice", "show", "--json").json() is None  # not on the real desk


def _this_month() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def _count_ops(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM ops").fetchone()[0])
    finally:
        conn.close()


def test_a_training_store_refuses_sync_in_the_service_too(cfg: list[str], desk_dir: Path) -> None:
    from hotline.errors import UsageError
    from hotline.services.training import is_training, refuse_sync

    config = load_config(desk_dir / "hotline.toml")
    store = open_training_store(desk_dir / "hotline.db", config)
    try:
        drill = Desk(store=store, config=config)
        assert is_training(drill)
        with pytest.raises(UsageError):
            refuse_sync(drill)
        assert store.meta("site_id", "").endswith("-training")
    finally:
        store.close()
