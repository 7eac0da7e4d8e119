"""`hotline calls import-csv`: outage logs come in whole, or not at all unless --skip-bad."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import Result, run

HEADER = ("phone,customer_name,product_model,symptom,description,category,priority,channel,"
          "started_at,status,department,reason")
GOOD = [
    "13800138000,张三,KFR-35GW,不制冷,外机不转,报修,重要,phone,2026-11-20 09:15,resolved,,",
    "13900139000,李四,XQG70,漏水,,repair,normal,电话,2026-11-20 10:02,transferred,技术支持,需上门",
]
PIN = {"HOTLINE_PIN": "1234"}


def _import(desk_dir: Path, lines: list[str], *extra: str, encoding: str = "utf-8",
            bom: bool = False) -> Result:
    path = desk_dir / "outage.csv"
    data = "\r\n".join([HEADER, *lines]).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return _run(desk_dir, "calls", "import-csv", str(path), "--as", "S01", *extra)


def _run(desk_dir: Path, *args: str) -> Result:
    return run("--config", str(desk_dir / "hotline.toml"), *args, env=PIN)


def _calls(desk_dir: Path) -> list[dict[str, object]]:
    out = _run(desk_dir, "calls", "list", "--limit", "1000", "--json").json()
    assert isinstance(out, list)
    return out


def test_good_rows_become_calls_through_the_intake_use_cases(desk_dir: Path) -> None:
    result = _import(desk_dir, GOOD, bom=True)
    assert result.code == 0, result.err
    calls = sorted(_calls(desk_dir), key=lambda c: str(c["started_at"]))
    assert [(c["customer_name"], c["status"], c["category"], c["priority"], c["department"])
            for c in calls] == [("张三", "resolved", "repair", "important", None),
                                ("李四", "transferred", "repair", "normal", "tech_support")]
    assert calls[0]["started_at"] == "2026-11-20T01:15:00Z"  # Asia/Shanghai local time
    assert str(calls[0]["number"]).startswith("D01-20261120-")
    shown = _run(desk_dir, "calls", "show", str(calls[1]["number"]), "--json").json()
    assert isinstance(shown, dict)
    assert shown["confirmed"]["phone"]["agent"] == "S01"
    assert shown["confirmations"]["symptom"]["via"] == "csv"
    assert _run(desk_dir, "doctor").code == 0


def test_gbk_from_chinese_excel_is_read(desk_dir: Path) -> None:
    result = _import(desk_dir, GOOD, encoding="gb18030")
    assert result.code == 0, result.err
    assert {c["customer_name"] for c in _calls(desk_dir)} == {"张三", "李四"}


def test_one_bad_row_and_nothing_is_imported(desk_dir: Path) -> None:
    bad = [
        GOOD[0],
        "12345,王五,M1,坏了,,报修,,,2026-11-20 11:00,resolved,,",          # line 3: phone
        "13700137000,赵六,M2,坏了,,火星,,,2026-11-20 11:00,resolved,,",     # line 4: category
        "13700137001,钱七,M3,坏了,,,,,2026/11/20 11:00,resolved,,",          # line 5: time
        "13700137002,孙八,M4,,,,,,2026-11-20 11:00,resolved,,",              # line 6: symptom
        "13700137003,周九,M5,坏了,,,,,2026-11-20 11:00,transferred,,",       # line 7: department
        "13700137004,吴十,M6,坏了,,,,,2026-11-20 11:00,closed,,",            # line 8: status
    ]
    result = _import(desk_dir, bad)
    assert result.code == 2
    assert [line.split("：")[0] for line in result.out.splitlines()] == [
        f"第 {n} 行" for n in range(3, 9)]
    assert result.err.startswith("hotline: error: 6 ") and result.err.count("\n") == 1
    assert _calls(desk_dir) == []


def test_skip_bad_imports_the_good_rows_and_lists_the_bad(desk_dir: Path) -> None:
    result = _import(desk_dir, [GOOD[0], "x,y,z,w,,,,,2026-11-20 11:00,resolved,,", GOOD[1]],
                     "--skip-bad", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert isinstance(doc, dict)
    assert len(doc["imported"]) == 2 and [b["line"] for b in doc["bad"]] == [3]
    assert len(_calls(desk_dir)) == 2


def test_garbage_and_invalid_utf8_are_refused_whole(desk_dir: Path) -> None:
    for data in (b"\x00\x01\x02\xff\xfe\x00binary", b"phone,symptom\n\x1b]0;PWNED\x07,x\n",
                 bytes(range(256)) * 4):
        path = desk_dir / "junk.csv"
        path.write_bytes(data)
        result = _run(desk_dir, "calls", "import-csv", str(path), "--as", "S01")
        assert result.code == 2, (data[:20], result)
        assert result.err.startswith("hotline: error: ") and result.err.count("\n") == 1
    assert _calls(desk_dir) == []


def test_a_wrong_header_names_the_columns(desk_dir: Path) -> None:
    path = desk_dir / "h.csv"
    path.write_text("tel,problem\n13800138000,x\n", encoding="utf-8")
    result = _run(desk_dir, "calls", "import-csv", str(path), "--as", "S01")
    assert result.code == 2 and "tel" in result.err and "started_at" in result.err


def test_import_needs_a_signed_in_agent(desk_dir: Path) -> None:
    path = desk_dir / "o.csv"
    path.write_text("\n".join([HEADER, *GOOD]), encoding="utf-8")
    assert _run(desk_dir, "calls", "import-csv", str(path)).code == 3
    wrong = run("--config", str(desk_dir / "hotline.toml"), "calls", "import-csv", str(path),
                "--as", "S01", env={"HOTLINE_PIN": "0000"})
    assert wrong.code != 0 and _calls(desk_dir) == []


def test_a_future_time_and_control_characters(desk_dir: Path) -> None:
    result = _import(desk_dir, [
        "13800138000,张\x07三,KFR,不制冷\x1b[31m,,,,,2026-11-20 09:15,resolved,,"])
    assert result.code == 2  # ESC in the file: refused as a whole
    result = _import(desk_dir, ["13800138000,张三,KFR,不制冷,,,,,2099-01-01 09:15,resolved,,"])
    assert result.code == 2 and "2099" in result.out
