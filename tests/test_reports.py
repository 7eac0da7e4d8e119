"""The monthly report: every figure against values counted by hand from `tests/report_data.py`,
empty months, months without satisfaction answers, every format, the CLI and the screen."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hotline.app import HotlineApp
from hotline.config import DEFAULT_CONFIG_PATH, parse_config
from hotline.errors import InputRefused
from hotline.services import report_formats as fmt
from hotline.services.desk import Desk
from hotline.services.reports import (
    Ratio,
    Report,
    as_data,
    local_days,
    month_bounds,
    monthly_report,
    shift_month,
)
from hotline.store import Store
from tests import report_data
from tests.cli_runner import run
from tests.conftest import FROZEN

H = 3600


@pytest.fixture
def oct_report(desk: Desk) -> Report:
    report_data.build(desk)
    return monthly_report(desk, "2026-10")


def r(count: int, total: int) -> Ratio:
    return Ratio(count, total)


# -- months --------------------------------------------------------------------------------------


def test_months_are_local_months_stored_as_utc_bounds() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    start, end = month_bounds("2026-10", tz)
    assert (start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()) == (
        "2026-09-30T16:00:00+00:00", "2026-10-31T16:00:00+00:00")
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2026-12", 1) == "2027-01"
    assert shift_month("2026-10", -3) == "2026-07"


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "", "x"])
def test_a_bad_month_is_refused(desk: Desk, bad: str) -> None:
    with pytest.raises(InputRefused) as caught:
        monthly_report(desk, bad)
    assert caught.value.exit_code == 2


def test_daylight_saving_months_count_days_on_local_midnights(desk: Desk) -> None:
    """New York, March 2026: EST (-5 h) until 03-08 07:00 UTC, EDT (-4 h) after."""
    tz = ZoneInfo("America/New_York")
    start, end = month_bounds("2026-03", tz)
    days = {day: (lo, hi) for day, lo, hi in local_days("2026-03", tz)}
    assert len(days) == 31 and start.astimezone(UTC).isoformat() == "2026-03-01T05:00:00+00:00"
    assert days["2026-03-08"] == ("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")  # 23 h
    assert days["2026-03-31"][1] == end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "America/New_York"', 1)
    ny = Desk(store=desk.store, config=parse_config(text), agent="S01", role="supervisor",
              clock=lambda: FROZEN)
    for call_id, started in (("N1", "2026-03-08T04:30:00Z"),   # 03-07 23:30 EST
                             ("N2", "2026-03-09T03:30:00Z"),   # 03-08 23:30 EDT
                             ("N3", "2026-03-09T04:30:00Z")):  # 03-09 00:30 EDT
        report_data._call(ny, call_id, started, started)
    days = {d.day: d.calls for d in monthly_report(ny, "2026-03").volume.by_day}
    assert (days["2026-03-07"], days["2026-03-08"], days["2026-03-09"]) == (1, 1, 1)
    assert len(days) == 31


# -- October, figure by figure ------------------------------------------------------------------


def test_volume(oct_report: Report) -> None:
    v = oct_report.volume
    assert v.calls == 6  # C1–C6; C7 is training, C8 is 1 November local
    days = {d.day: d.calls for d in v.by_day}
    assert len(days) == 31 and sum(days.values()) == 6
    assert {d: n for d, n in days.items() if n} == {
        "2026-10-01": 1, "2026-10-08": 2, "2026-10-09": 1, "2026-10-15": 1, "2026-10-20": 1}
    assert [(i.id, i.calls) for i in v.by_channel] == [
        ("phone", r(4, 6)), ("online", r(1, 6)), ("email", r(1, 6)), ("walk_in", r(0, 6))]
    assert [(i.id, i.calls.count) for i in v.by_category] == [
        ("inquiry", 2), ("repair", 2), ("installation", 0), ("return_exchange", 0),
        ("complaint", 2), ("suggestion", 0)]
    assert [(i.id, i.calls.count) for i in v.by_priority] == [
        ("urgent", 2), ("important", 1), ("normal", 3)]
    assert v.after_hours == r(2, 6)  # C4 at 20:00, C6 at 00:30
    assert [(m.month, m.calls, m.complaints, m.response_avg_s) for m in v.trend] == [
        ("2026-07", 2, r(1, 2), 2 * H), ("2026-08", 2, r(0, 2), 3 * H),
        ("2026-09", 2, r(0, 2), None)]
    assert v.trend_average == 2.0
    assert v.trend_change == 2.0  # 6 against 2: +200 %


def test_handling(oct_report: Report) -> None:
    h = oct_report.handling
    assert h.first_contact == r(2, 6)  # C1 closed, C5 resolved; C6 was reopened
    assert h.transferred == r(3, 6)  # C2, C3, C4
    departments = {d.id: d for d in h.departments}
    assert list(departments) == ["tech_support", "logistics", "refunds", "quality", "sales",
                                 "installation"]
    tech, logistics, quality = (departments[k] for k in ("tech_support", "logistics", "quality"))
    assert (tech.transfers, tech.calls, tech.response.count, tech.response.median_s,
            tech.response.p90_s, tech.overdue) == (1, r(1, 6), 1, 3 * H, 3 * H, r(0, 1))
    assert (tech.sla_hours, tech.business_hours) == (8, True)
    # T2 answered after 48 h, past its deadline; T3 unanswered and past its deadline.
    assert (quality.transfers, quality.calls, quality.response.count, quality.response.median_s,
            quality.response.p90_s, quality.overdue) == (2, r(1, 6), 1, 48 * H, 48 * H, r(2, 2))
    assert (logistics.transfers, logistics.response.median_s, logistics.overdue) == (
        1, 12 * H, r(0, 1))
    assert departments["refunds"].transfers == 0
    assert departments["refunds"].response.median_s is None
    assert departments["refunds"].overdue.rate is None
    assert h.overdue == r(2, 4)
    assert h.reopened == r(2, 6)  # C3, C6
    # Heard back in time: C1, C5, C6 during the call; C2 and C3 at the callback with the
    # result; C4 never reached, past its 72 h.
    assert h.responded_on_time == r(5, 6)
    # Results T1, T2, T4: T1 and T2 told within 24 h, T4 never told.
    assert h.callbacks == r(2, 3)
    assert h.callbacks_on_time == r(2, 3)
    assert h.duration_avg_s == pytest.approx((300 + 600 + 900 + 120 + 200 + 60) / 6)
    # Closed: C1 after 360 s, C2 after 5 h 10 min, C4 after 9 days 12 h.
    assert (h.time_to_close.count, h.time_to_close.median_s, h.time_to_close.p90_s) == (
        3, 5 * H + 600, 228 * H)


def test_satisfaction(oct_report: Report) -> None:
    s = oct_report.satisfaction
    assert s.satisfied == r(2, 4)  # C1 5, C2 4 of C1 5, C2 4, C3 2, C6 3
    assert (s.threshold, s.pass_rate, s.reward_rate, s.verdict) == (4, 0.9, 0.95, "below")
    assert s.distribution == (0, 1, 1, 1, 1)
    by_category = {row.id: row.satisfied for row in s.by_category}
    assert by_category["inquiry"] == r(1, 1)
    assert by_category["repair"] == r(1, 1)
    assert by_category["complaint"] == r(0, 2)
    assert by_category["installation"].rate is None
    by_department = {row.id: row.satisfied for row in s.by_department}
    assert by_department["tech_support"] == r(1, 1)
    assert by_department["quality"] == r(0, 1)
    assert by_department["logistics"].rate is None  # C4 never answered


def test_quality(oct_report: Report) -> None:
    q = oct_report.quality
    assert q.accuracy == r(5, 6)  # C3's phone was corrected; C1's description is no key field
    assert q.corrected == 1
    assert q.escalated == 1
    # C3 escalated 10-09 02:00; first solution: quality's result on 10-11, after 24 h.
    assert q.escalations_in_time == r(0, 1)
    assert q.escalations_pending == 0


def test_agents(oct_report: Report) -> None:
    a = oct_report.agents
    assert [(g.code, g.name, g.calls, g.score, g.band) for g in a.grades] == [
        # 25 + 0.25·66.67 + 30 + 10 + 10
        ("A01", "李明", 3, 91.7, "excellent"),
        # (25 + 0 + 0 + 10) / 0.9: no callback was due, its weight goes to the others
        ("A03", "刘洋", 1, 38.9, "needs_improvement"),
        # 0.25·50 + 0 + 0 + 0.1·50 + 0.1·50
        ("A02", "张伟", 2, 22.5, "needs_improvement"),
    ]
    kpis = {g.code: g.kpis for g in a.grades}
    assert kpis["A01"] == {"response_speed": r(3, 3), "resolution": r(2, 3),
                           "satisfaction": r(2, 2), "accuracy": r(3, 3), "callback": r(1, 1)}
    assert kpis["A02"] == {"response_speed": r(1, 2), "resolution": r(0, 2),
                           "satisfaction": r(0, 1), "accuracy": r(1, 2), "callback": r(1, 2)}
    assert kpis["A03"]["callback"].rate is None
    # A02 below 合格 in August, September and October; A03 passed in September.
    assert [(x.code, x.name, x.months) for x in a.retrain] == [
        ("A02", "张伟", ("2026-08", "2026-09", "2026-10"))]


def test_alerts(oct_report: Report) -> None:
    complaints, response = oct_report.alerts.items
    # Complaints: 2 of 6 against the average of 50 %, 0 %, 0 %.
    assert complaints.kind == "complaint_share" and complaints.raised
    assert complaints.current == pytest.approx(1 / 3)
    assert complaints.baseline == pytest.approx(1 / 6)
    assert complaints.change == pytest.approx(1.0)
    # Response: (3 h + 48 h + 12 h) / 3 = 21 h against (2 h + 3 h) / 2 (September had none).
    assert response.kind == "response_time" and response.raised
    assert response.current == pytest.approx(21 * H)
    assert response.baseline == pytest.approx(2.5 * H)
    assert response.change == pytest.approx(21 / 2.5 - 1)
    assert [(x.product_model, x.symptom, x.calls) for x in oct_report.alerts.root_causes] == [
        ("M1", report_data.SCRIPT_SYMPTOM, 2)]  # C1 and C5; C7 is training, C8 November


def test_an_empty_month_has_no_rates_and_no_zero_percent(desk: Desk) -> None:
    report_data.build(desk)
    report = monthly_report(desk, "2026-05")
    assert report.volume.calls == 0
    assert len(report.volume.by_day) == 31 and not any(d.calls for d in report.volume.by_day)
    assert report.volume.trend_average is None and report.volume.trend_change is None
    h = report.handling
    for ratio in (h.first_contact, h.transferred, h.overdue, h.reopened, h.responded_on_time,
                  h.callbacks, h.callbacks_on_time, report.volume.after_hours,
                  report.quality.accuracy, report.quality.escalations_in_time):
        assert ratio.rate is None
    assert h.duration_avg_s is None and h.time_to_close.median_s is None
    assert report.satisfaction.satisfied.rate is None and report.satisfaction.verdict is None
    assert report.agents.grades == () and report.alerts.root_causes == ()
    assert not any(a.raised for a in report.alerts.items)
    text = fmt.render(report, desk.config, "zh_CN", "md")
    assert "| 0.0% |" not in text and "—" in text
    assert "| 满意（评分 ≥ 4） | — |" in text


def test_a_month_without_satisfaction_answers_shows_a_dash(desk: Desk) -> None:
    report_data.build(desk)
    report = monthly_report(desk, "2026-11")
    assert report.volume.calls == 1  # C8, 00:30 on 1 November local
    assert report.satisfaction.satisfied == r(0, 0)
    assert report.satisfaction.verdict is None
    text = fmt.render(report, desk.config, "zh_CN", "md")
    assert "| 满意（评分 ≥ 4） | — | 0 / 0 |" in text
    assert "| 结论 | — |" in text
    en = fmt.render(report, desk.config, "en", "md")
    assert "| Satisfied (score ≥ 4) | — | 0 / 0 |" in en


# -- formats ------------------------------------------------------------------------------------


def test_markdown_shows_the_figures_in_the_desks_words(oct_report: Report, desk: Desk) -> None:
    text = fmt.render(oct_report, desk.config, "zh_CN", "md")
    assert text.startswith("# 示例电器有限公司 客户反馈报告 2026-10")
    for line in ("| 一次性解决率 | 33.3% | 2 / 6 |", "| 转派率 | 50.0% | 3 / 6 |",
                 "| 超时转派 | 50.0% | 2 / 4 |", "| 平均通话时长（分:秒） | 6:03 |  |",
                 "| 结案用时中位数（小时） | 5.2 | 已结 3 通 |",
                 "| 结案用时 P90（小时） | 228.0 |  |",
                 "| 记录准确率 | 83.3% | 5 / 6 |", "| 结论 | 未达合格线 |  |",
                 "| A01 | 李明 | 3 | 100.0% | 66.7% | 100.0% | 100.0% | 100.0% | 91.7 | 优秀 |",
                 "| A02 | 张伟 | 2026-08, 2026-09, 2026-10 |",
                 "| 技术支持 | 1 | 16.7% | 1 | 3.0 | 3.0 | 8 工作小时 | 0 | 0.0% |",
                 "| 投诉占比 | 33.3% | 16.7% | +100.0% | +50% | 预警 |"):
        assert line in text, line
    assert "<script>" not in text and "\\<script\\>" in text


def test_csv_starts_with_a_bom_and_holds_every_figure(oct_report: Report, desk: Desk) -> None:
    text = fmt.render(oct_report, desk.config, "zh_CN", "csv")
    assert isinstance(text, str) and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["部分", "表", "项目", "指标", "数值"]
    assert ["处理情况", "处理情况", "一次性解决率", "数值", "33.3%"] in rows
    assert ["来电量", "每日来电量", "2026-10-08", "来电", "2"] in rows
    assert ["坐席考核", rows[[r[2] for r in rows].index("A01")][1], "A01", "得分", "91.7"] in rows
    assert {len(row) for row in rows} == {5}


def test_html_is_one_escaped_printable_page(oct_report: Report, desk: Desk) -> None:
    page = fmt.render(oct_report, desk.config, "zh_CN", "html")
    assert isinstance(page, str)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<script" not in page
    assert "开机&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<svg") == 4  # calls by day, by category, trend, scores
    assert "@media print" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_xlsx_has_one_sheet_per_section_with_numbers(oct_report: Report, desk: Desk) -> None:
    from openpyxl import load_workbook

    data = fmt.render(oct_report, desk.config, "zh_CN", "xlsx")
    assert isinstance(data, bytes)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["来电量", "处理情况", "客户满意度", "服务质量", "坐席考核",
                               "预警与问题根源"]
    sheet = book["处理情况"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value}
    assert cells["一次性解决率"].value == pytest.approx(2 / 6)
    assert cells["一次性解决率"].number_format == "0.0%"
    roots = [row for row in book["预警与问题根源"].iter_rows(values_only=True)
             if row[0] == "M1"]
    assert roots == [("M1", report_data.SCRIPT_SYMPTOM, 2, None, None, None)]


def test_xlsx_keeps_formula_like_text_as_text(desk: Desk) -> None:
    from openpyxl import load_workbook

    report_data.build(desk)
    for call_id in ("E1", "E2"):
        report_data._call(desk, call_id, "2026-10-21T02:00:00Z", "2026-10-21T02:01:00Z",
                          product_model="=HYPERLINK(\"http://x\")", symptom="=1+1")
    data = fmt.render(monthly_report(desk, "2026-10"), desk.config, "en", "xlsx")
    book = load_workbook(io.BytesIO(data))
    sheet = book[book.sheetnames[-1]]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"


def test_json_data_carries_rates(oct_report: Report) -> None:
    data = as_data(oct_report)
    assert data["handling"]["first_contact"] == {"count": 2, "total": 6, "rate": 2 / 6}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_english_layout_uses_the_english_catalog(oct_report: Report, desk: Desk) -> None:
    text = fmt.render(oct_report, desk.config, "en", "md")
    assert "## Handling" in text and "| First-contact resolution | 33.3% | 2 / 6 |" in text
    assert "| Technical support |" in text


# -- command line -------------------------------------------------------------------------------


def _desk_with_calls(desk_dir: Path) -> None:
    from hotline.config import load_config

    config = load_config(desk_dir / "hotline.toml")
    store = Store.open(desk_dir / "hotline.db", desk="D01")
    try:
        desk = Desk(store=store, config=config, agent="S01", role="supervisor",
                    clock=lambda: FROZEN)
        report_data.build(desk)
    finally:
        store.close()


def test_cli_report_formats_and_exit_codes(desk_dir: Path, tmp_path: Path) -> None:
    _desk_with_calls(desk_dir)
    cfg = ["--config", str(desk_dir / "hotline.toml")]
    md = run(*cfg, "report", "--month", "2026-10")
    assert md.code == 0, md.err
    assert md.out.startswith("# 示例电器 客户反馈报告 2026-10") and "| 受理来电 | 6 |" in md.out
    as_json = run(*cfg, "report", "--month", "2026-10", "--json")
    assert as_json.code == 0
    doc = as_json.json()
    assert isinstance(doc, dict) and doc["volume"]["calls"] == 6
    for kind in ("csv", "html", "xlsx", "md"):
        out = tmp_path / f"r.{kind}"
        result = run(*cfg, "report", "--month", "2026-10", "--format", kind, "--out", str(out))
        assert result.code == 0, result.err
        assert str(out) in result.out and out.stat().st_size > 500
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    bad = run(*cfg, "report", "--month", "2026-13")
    assert bad.code == 2 and bad.err.startswith("hotline: error: ") and "2026-13" in bad.err
    assert bad.err.count("\n") == 1
    assert run(*cfg, "report", "--month", "2026-10", "--format", "xlsx").code == 1
    assert run(*cfg, "report", "--month", "2026-10", "--format", "pdf").code == 1
    assert run(*cfg, "report").code == 1  # --month is required
    nowhere = run(*cfg, "report", "--month", "2026-10", "--out",
                  str(tmp_path / "missing" / "r.md"))
    assert nowhere.code == 1 and "Traceback" not in nowhere.err


# -- screen -------------------------------------------------------------------------------------


def _app() -> HotlineApp:
    """The app on the report test store, signed in as supervisor S01, clock frozen."""
    from hotline.app import make_app
    from tests.apps import make_desk

    desk = make_desk(now=FROZEN, calls=0)
    desk.agent, desk.role = "S01", "supervisor"
    report_data.build(desk)
    return make_app(desk, signed_in=True)


async def test_reports_screen_moves_months_and_exports(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from hotline.screens.reports import ReportsScreen

    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.month == "2026-11"  # the desk's current month
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report is not None and screen.report.volume.calls == 1
        await pilot.press("left")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.month == "2026-10" and screen.report is not None
        assert screen.report.volume.calls == 6
        table = screen.query_one("#report-handling-summary", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["一次性解决率", "33.3%", "2 / 6"]
        assert screen.query_one("#chart-days") and screen.query_one("#chart-scores")
        screen._export_dir = tmp_path
        await pilot.press("f")  # xlsx → html
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "hotline-report-2026-10.html").exists()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportsScreen)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)


async def test_a_late_result_for_another_month_is_dropped() -> None:
    from hotline.screens.reports import ReportsScreen

    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        stale = monthly_report(app.desk, "2026-10")
        screen.post_message(ReportsScreen.Ready("2026-10", stale))
        await pilot.pause()
        assert screen.month == "2026-11" and screen.report is not None
        assert screen.report.month == "2026-11"


async def test_an_agent_sees_the_desk_figures_and_only_their_own_grade() -> None:
    """Grades and the retraining list are a personnel assessment: the supervisor's."""
    from hotline.screens.reports import ReportsScreen

    async def october(app: HotlineApp) -> Report:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f9")
            await app.workers.wait_for_complete()
            await pilot.press("left")
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReportsScreen) and screen.report is not None
            assert bool(screen.query("#report-own-grade")) == (app.desk.role != "supervisor")
            return screen.report

    everyone = await october(_app())
    assert {g.code for g in everyone.agents.grades} >= {"A01", "A02"}
    agent_app = _app()
    agent_app.desk.agent, agent_app.desk.role = "A02", "agent"
    own = await october(agent_app)
    assert [g.code for g in own.agents.grades] == ["A02"]
    assert all(r.code == "A02" for r in own.agents.retrain)
    assert own.volume == everyone.volume and own.handling == everyone.handling


def test_reports_screen_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def show_october(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f9")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("left")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=(100, 36), run_before=show_october)
