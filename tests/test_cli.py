"""The command line of DESIGN.md section 8: names, options, exit codes, JSON, error lines."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from tests.cli_runner import run


def _cfg(folder: Path) -> list[str]:
    return ["--config", str(folder / "hotline.toml")]


def test_init_creates_a_working_desk_with_its_supervisor(tmp_path: Path) -> None:
    folder = tmp_path / "d1"
    result = run("init", "--desk", "D01", "--company", "示例电器", "--dir", str(folder),
                 env={"HOTLINE_PIN": "1234"})
    assert result.code == 0, result.err
    assert (folder / "hotline.toml").exists() and (folder / "hotline.db").exists()
    listed = run(*_cfg(folder), "agents", "list", "--json")
    assert listed.code == 0
    assert listed.json() == [{"code": "S01", "name": "值班主管", "role": "supervisor",
                              "active": True}]
    plain = run(*_cfg(folder), "agents", "list")
    assert "S01" in plain.out and "值班主管" in plain.out


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_site_key_is_private_and_never_printed(tmp_path: Path) -> None:
    folder = tmp_path / "d1"
    result = run("init", "--desk", "D01", "--company", "X", "--dir", str(folder),
                 env={"HOTLINE_PIN": "1234"})
    key = (folder / "site.key").read_text().split()[-1]
    assert stat.S_IMODE((folder / "site.key").stat().st_mode) == 0o600
    assert key not in result.out + result.err


def test_init_twice_is_refused_and_changes_nothing(desk_dir: Path) -> None:
    before = (desk_dir / "hotline.db").read_bytes()
    again = run("init", "--desk", "D01", "--company", "X", "--dir", str(desk_dir),
                env={"HOTLINE_PIN": "1234"})
    assert again.code == 1
    assert again.err.startswith("hotline: error: ") and again.err.count("\n") == 1
    assert (desk_dir / "hotline.db").read_bytes() == before


def test_init_with_a_bad_pin_writes_nothing(tmp_path: Path) -> None:
    result = run("init", "--desk", "D01", "--company", "X", "--dir", str(tmp_path / "d"),
                 env={"HOTLINE_PIN": "12"})
    assert result.code == 2
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())


def test_a_broken_config_gives_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "hotline.toml"
    bad.write_text('[site]\ncompany = "X"\ndesk = "D01"\nlocale = "fr"\n', encoding="utf-8")
    result = run("--config", str(bad), "calls", "list")
    assert result.code == 1
    assert result.err.startswith("hotline: error: ") and result.err.count("\n") == 1
    assert "locale" in result.err and "Traceback" not in result.err


def test_a_missing_store_gives_one_line_and_exit_1(desk_dir: Path, tmp_path: Path) -> None:
    result = run(*_cfg(desk_dir), "--db", str(tmp_path / "nope.db"), "calls", "list")
    assert result.code == 1
    assert "nope.db" in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "nope.db").exists()


def test_a_missing_config_says_how_to_make_one(tmp_path: Path) -> None:
    result = run("--config", str(tmp_path / "none.toml"), "agents", "list")
    assert result.code == 1 and "hotline init" in result.err


def test_usage_errors_exit_1_with_one_line(desk_dir: Path) -> None:
    result = run(*_cfg(desk_dir), "calls", "list", "--bogus")
    assert result.code == 1
    assert result.err.startswith("hotline: error: ")


def test_environment_variables_select_config_and_store(desk_dir: Path) -> None:
    result = run("agents", "list", "--json",
                 env={"HOTLINE_CONFIG": str(desk_dir / "hotline.toml"),
                      "HOTLINE_DB": str(desk_dir / "hotline.db")})
    assert result.code == 0 and result.json()[0]["code"] == "S01"


def test_agents_add_needs_a_supervisor_with_the_right_pin(desk_dir: Path) -> None:
    ok = run(*_cfg(desk_dir), "agents", "add", "A07", "--name", "赵敏", "--role", "agent",
             "--as", "S01", env={"HOTLINE_PIN": "1234", "HOTLINE_NEW_PIN": "5678"})
    assert ok.code == 0, ok.err
    wrong_pin = run(*_cfg(desk_dir), "agents", "add", "A08", "--name", "x", "--as", "S01",
                    env={"HOTLINE_PIN": "9999", "HOTLINE_NEW_PIN": "5678"})
    assert wrong_pin.code == 3
    not_supervisor = run(*_cfg(desk_dir), "agents", "add", "A09", "--name", "x", "--as", "A07",
                         env={"HOTLINE_PIN": "5678", "HOTLINE_NEW_PIN": "5678"})
    assert not_supervisor.code == 3
    nobody = run(*_cfg(desk_dir), "agents", "add", "A10", "--name", "x",
                 env={"HOTLINE_NEW_PIN": "5678"})
    assert nobody.code == 3
    bad_role = run(*_cfg(desk_dir), "agents", "add", "A11", "--name", "x", "--role", "boss",
                   "--as", "S01", env={"HOTLINE_PIN": "1234", "HOTLINE_NEW_PIN": "5678"})
    assert bad_role.code == 2
    codes = [a["code"] for a in run(*_cfg(desk_dir), "agents", "list", "--json").json()]
    assert codes == ["A07", "S01"]


def _take_call(desk_dir: Path) -> str:
    from hotline.config import load_config
    from hotline.services.calls import CallIntake, take_call
    from hotline.services.desk import Desk
    from hotline.store import Store

    config = load_config(desk_dir / "hotline.toml")
    desk = Desk(store=Store.open(desk_dir / "hotline.db", desk="D01"), config=config,
                agent="S01", role="supervisor")
    intake = CallIntake(phone="13800138000", product_model="KFR-35GW", symptom="空调不制冷",
                        customer_name="张三")
    intake.confirmed = {f: {"value": intake.value(f), "by": "S01", "at": "now"}
                        for f in config.key_fields}
    call = take_call(desk, intake)
    desk.store.close()
    return str(call["number"])


def test_calls_list_and_show(desk_dir: Path) -> None:
    number = _take_call(desk_dir)
    listed = run(*_cfg(desk_dir), "calls", "list", "--json")
    assert listed.code == 0
    [call] = listed.json()
    assert call["number"] == number and call["status"] == "resolved"
    assert set(call) >= {"number", "status", "phone", "customer_name", "category", "priority",
                         "department", "started_at", "due_at", "overdue", "escalated"}
    plain = run(*_cfg(desk_dir), "calls", "list")
    assert number in plain.out and "138****8000" in plain.out
    shown = run(*_cfg(desk_dir), "calls", "show", number, "--json")
    assert shown.code == 0
    doc = shown.json()
    assert doc["number"] == number and doc["timeline"]
    assert run(*_cfg(desk_dir), "calls", "show", number).code == 0
    missing = run(*_cfg(desk_dir), "calls", "show", "D01-20990101-0001")
    assert missing.code == 2 and "D01-20990101-0001" in missing.err


def test_calls_list_refuses_unknown_status_and_queue(desk_dir: Path) -> None:
    assert run(*_cfg(desk_dir), "calls", "list", "--status", "lost").code == 2
    assert run(*_cfg(desk_dir), "calls", "list", "--queue", "nowhere").code == 2
    for queue in ("awaiting-department", "overdue", "callback-due", "reopened", "escalated",
                  "conflicts"):
        assert run(*_cfg(desk_dir), "calls", "list", "--queue", queue).code == 0, queue
    assert run(*_cfg(desk_dir), "calls", "list", "--queue", "mine", "--as", "S01").code == 0


def test_digest_and_doctor(desk_dir: Path) -> None:
    digest = run(*_cfg(desk_dir), "digest")
    assert digest.code == 0 and len(digest.out.strip()) == 64
    doctor = run(*_cfg(desk_dir), "doctor", "--json")
    assert doctor.code == 0 and doctor.json()["ok"] is True
    # In the desk's language, every line (the details were English on a Chinese desk).
    text = run(*_cfg(desk_dir), "doctor")
    assert "与来电一致" in text.out and "个待处理" in text.out and "条操作" in text.out
    assert "in step" not in text.out and "pending" not in text.out


def test_training_store_is_separate(desk_dir: Path) -> None:
    _take_call(desk_dir)
    result = run(*_cfg(desk_dir), "--training", "calls", "list", "--json")
    assert result.code == 0 and result.json() == []  # made on first use, without real calls
    assert (desk_dir / "hotline-training.db").exists()


def test_scripts_check_reports_file_line_and_name(desk_dir: Path) -> None:
    assert run(*_cfg(desk_dir), "scripts", "check").code == 0
    own = desk_dir / "scripts" / "zh_CN"
    own.mkdir(parents=True)
    (own / "mine.toml").write_text(
        '[[template]]\nid = "greeting.custom"\nstage = "greeting"\ntitle = "问候"\n'
        'text = "您好,{costumer}"\n',
        encoding="utf-8",
    )
    config = desk_dir / "hotline.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# scripts_dir", "scripts_dir = \"scripts\"\n# scripts_dir", 1), encoding="utf-8")
    result = run(*_cfg(desk_dir), "scripts", "check", "--json")
    assert result.code == 2, result.err
    [problem] = result.json()
    assert problem["file"].endswith("mine.toml") and problem["line"] == 5
    assert problem["name"] == "costumer"


def test_doctor_exits_2_when_state_differs_from_the_op_log(desk_dir: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(desk_dir / "hotline.db")
    conn.execute("UPDATE agents SET name = 'tampered'")
    conn.commit()
    conn.close()
    result = run(*_cfg(desk_dir), "doctor")
    assert result.code == 2
    assert "op-log" in result.out


def test_a_joining_desk_gets_the_sites_agents_from_its_first_bundle(desk_dir: Path,
                                                                     tmp_path: Path) -> None:
    d2 = tmp_path / "d2"
    joined = run("init", "--desk", "D02", "--company", "示例电器", "--dir", str(d2),
                 "--join", str(desk_dir / "site.key"))
    assert joined.code == 0, joined.err
    assert "hotline import" in joined.out
    assert run(*_cfg(d2), "agents", "list", "--json").json() == []  # no second "S01"
    bundle = tmp_path / "d1.hlbundle"
    assert run(*_cfg(desk_dir), "export", "--out", str(bundle)).code == 0
    assert run(*_cfg(d2), "import", str(bundle)).code == 0
    assert [a["code"] for a in run(*_cfg(d2), "agents", "list", "--json").json()] == ["S01"]
    add = run(*_cfg(d2), "agents", "add", "B01", "--name", "陈静", "--as", "S01",
              env={"HOTLINE_PIN": "1234", "HOTLINE_NEW_PIN": "5678"})
    assert add.code == 0, add.err
    assert run(*_cfg(desk_dir), "digest").out != run(*_cfg(d2), "digest").out


def test_init_answers_in_the_new_desks_language(tmp_path: Path) -> None:
    result = run("init", "--desk", "D01", "--company", "Acme", "--dir", str(tmp_path / "d"),
                 "--locale", "en", env={"HOTLINE_PIN": "1234"})
    assert result.code == 0 and result.out.startswith("Desk D01 is ready")
