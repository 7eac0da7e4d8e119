"""Hostile text everywhere a person can type: shown literally or refused, never interpreted,
never a traceback (escape sequences, Rich/Textual markup, NUL and control characters,
right-to-left marks, 100 KB strings)."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.store.text import clean
from tests.cli_runner import Result, run

FRAGMENTS = [
    "\x1b[31m", "\x1b]0;PWNED\x07", "\x9b2J", "\x00", "\x07", "\r", "\n", "\t", "\x7f", "\x85",
    "[b]", "[/]", "[@click=app.bell]x[/]", "[", "[red", "]", "[/foo]", "\u202e", "\u200f",
    "\u2066", "{", "}", "{0}", "%s", "张三", "漏水", "--", "-x", "\\", "'", '"', ",", ";",
    "\ufeff", "\ud7ff", "😀", "👨‍👩‍👧",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
                   min_size=1, max_size=8).map("".join)
big = st.sampled_from(FRAGMENTS).map(lambda f: (f + "漏a") * (100_000 // (len(f) + 2)))
values = st.one_of(hostile, hostile, hostile, big)

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
_codes = itertools.count(100)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hotline.services.setup import init_desk

    folder = tmp_path_factory.mktemp("hostile") / "desk"
    init_desk(desk="D01", company="示例电器", folder=folder, join=None, supervisor="S01",
              supervisor_name="", pin="1234")
    return folder


def hotline(desk: Path, *args: str) -> Result:
    result = run("--config", str(desk / "hotline.toml"), *args,
                 env={"HOTLINE_PIN": "1234", "HOTLINE_NEW_PIN": "5678"})
    assert_one_line_or_success(result)
    return result


def assert_one_line_or_success(result: Result) -> None:
    from hotline.i18n import t

    assert result.code in (0, 1, 2, 3), result
    lines = result.err.splitlines()
    if result.code:
        assert len(lines) == 1 and lines[0].startswith("hotline: error: "), result
    for locale in ("en", "zh_CN"):  # the last line of defence must never be what answered
        assert t("error.unexpected", locale, detail="\x00").split("\x00")[0] not in result.err
    assert "Traceback" not in result.err + result.out
    for stream in (result.err, result.out):
        assert "\x1b" not in stream and "\x9b" not in stream


@FUZZ
@given(text=values)
def test_search_text(desk: Path, text: str) -> None:
    hotline(desk, "search", text)
    hotline(desk, "search", "--json", "--", text)


@FUZZ
@given(text=values)
def test_notice_set_text(desk: Path, text: str) -> None:
    result = hotline(desk, "notice", "set", "--as", "S01", "--", text)
    if result.code == 0:
        shown = hotline(desk, "notice", "show", "--json")
        assert "\x1b" not in shown.out and "\\u001b" not in shown.out


@FUZZ
@given(name=values)
def test_agents_add_name(desk: Path, name: str) -> None:
    hotline(desk, "agents", "add", f"X{next(_codes)}", "--name", name, "--as", "S01")


@FUZZ
@given(number=values)
def test_calls_show_number(desk: Path, number: str) -> None:
    hotline(desk, "calls", "show", "--", number)


@FUZZ
@given(month=values)
def test_report_month(desk: Path, month: str) -> None:
    hotline(desk, "report", "--month", month, "--json")


HEADER = ("phone,customer_name,product_model,symptom,description,category,priority,channel,"
          "started_at,status,department,reason")


@FUZZ
@given(cells=st.lists(values, min_size=1, max_size=4), raw=st.binary(max_size=200))
def test_import_csv_contents(desk: Path, cells: list[str], raw: bytes) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER.split(","))
    writer.writerow(["13800138000", cells[0][:40], cells[-1][:40], cells[0][:200], cells[-1],
                     "", "", "", "2026-01-05 10:00", "resolved", "", ""])
    writer.writerow(cells)
    path = desk / "fuzz.csv"
    for data in (out.getvalue().encode("utf-8", "surrogatepass"), raw,
                 HEADER.encode() + b"\n" + raw):
        path.write_bytes(data)
        result = hotline(desk, "calls", "import-csv", str(path), "--as", "S01", "--skip-bad",
                         "--json")
        if result.code == 0:
            for number in result.json()["imported"]:  # type: ignore[index]
                shown = hotline(desk, "calls", "show", number, "--json").json()
                assert isinstance(shown, dict)
                for value in (shown["customer_name"], shown["symptom"], shown["description"]):
                    assert clean(value or "") == (value or "")


# -- the intake form ---------------------------------------------------------------------------

TYPED = {"phone": "13900139000", "customer_name": "Wang", "product_model": "KFR-35GW",
         "symptom": "no cooling"}


async def _fuzz_form(name: str, value: str) -> None:
    from datetime import UTC, datetime

    from textual.widgets import Input

    from hotline.screens.intake import IntakeScreen
    from hotline.services.calls import list_calls
    from hotline.services.intake import MAX_LENGTHS, clean_input
    from tests.apps import make_test_app

    app = make_test_app(now=datetime(2026, 11, 25, 2, 0, tzinfo=UTC), signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        for key, typed in TYPED.items():
            screen.query_one(f"#f-{key}", Input).value = typed
        widget = screen.query_one(f"#f-{name}", Input)
        widget.value = ""
        screen.set_focus(widget)
        widget.insert_text_at_cursor(value)  # a paste
        await pilot.press("end", *"ab")  # and typing after it
        await pilot.pause()
        expected = clean_input(value + "ab", MAX_LENGTHS.get(name, 0))
        assert clean(widget.value) == widget.value
        assert widget.value == expected  # kept literally: markup is not interpreted
        for _ in range(3):
            await pilot.press("f6")
            await pilot.pause()
            await pilot.press("y")
            await pilot.pause()
        await pilot.press("f7")
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        for call in list_calls(app.desk, limit=10):
            for text in call.values():
                if isinstance(text, str):
                    assert clean(text) == text
        rendered = "".join(str(s.render()) for s in screen.query("Static"))
        assert "\x1b" not in rendered and "\x9b" not in rendered


TEXT_FIELDS = ["customer_name", "product_model", "symptom", "description", "serial_no",
               "alt_phone", "phone", "purchase_date"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(TEXT_FIELDS), value=values)
def test_every_intake_field_takes_hostile_text(name: str, value: str) -> None:
    asyncio.run(_fuzz_form(name, value))
