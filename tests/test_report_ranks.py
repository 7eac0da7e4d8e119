"""The monthly report's percentiles and averages over more than a handful of values, counted by
hand (ties, odd and even counts, unanswered transfers, a department no longer configured), and
the report reading the store on a connection of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotline.config import Config
from hotline.services.desk import Desk
from hotline.services.reports import Ratio, monthly_report
from hotline.store import Store
from tests import report_data
from tests.conftest import FROZEN

H = 3600
DAY = "2026-10-05"


def _at(hours: float) -> str:
    """A moment on 5 October 2026 (UTC), `hours` after 01:00."""
    seconds = round(hours * H) + H
    return f"{DAY}T{seconds // H:02d}:{seconds % H // 60:02d}:{seconds % 60:02d}Z"


def _call(desk: Desk, call_id: str, **values: Any) -> None:
    report_data._call(desk, call_id, _at(0), _at(0.1), status="transferred", **values)


def _build(desk: Desk) -> None:
    # Closed after 7, 3, 10, 1, 5, 9, 2, 8, 4, 6 and again 5 hours: 11 values, 5 twice.
    for i, hours in enumerate((7, 3, 10, 1, 5, 9, 2, 8, 4, 6, 5)):
        report_data._call(desk, f"K{i}", _at(0), _at(0.1), closed_at=_at(hours))
    report_data._call(desk, "OPEN", _at(0), _at(0.1), status="resolved")  # never closed
    # Technical support: four calls, X1 sent twice; answered after 4, 1, 3, 2 hours; X4 still
    # unanswered, its deadline after the report's moment.
    for call_id in ("X1", "X2", "X3", "X4"):
        _call(desk, call_id, department="tech_support")
    for transfer_id, call_id, hours in (("TX1a", "X1", 4), ("TX1b", "X1", 1), ("TX2", "X2", 3),
                                        ("TX3", "X3", 2)):
        report_data._transfer(desk, transfer_id, call_id, "tech_support", _at(0.1),
                              "2026-10-20T00:00:00Z", _at(0.1 + hours))
    report_data._transfer(desk, "TX4", "X4", "tech_support", _at(0.1), "2026-12-01T00:00:00Z",
                          None)
    # Logistics: seven calls answered after 7, 3, 5, 1, 6, 2, 4 hours.
    for i, hours in enumerate((7, 3, 5, 1, 6, 2, 4)):
        _call(desk, f"L{i}", department="logistics")
        report_data._transfer(desk, f"TL{i}", f"L{i}", "logistics", _at(0.1),
                              "2026-10-20T00:00:00Z", _at(0.1 + hours))
    # Refunds: one transfer never answered, past its deadline.
    _call(desk, "R1", department="refunds")
    report_data._transfer(desk, "TR1", "R1", "refunds", _at(0.1), "2026-10-06T00:00:00Z", None)
    # A department the configuration no longer has: answered after half an hour.
    _call(desk, "G1", department="legal")
    report_data._transfer(desk, "TG1", "G1", "legal", _at(0.1), "2026-10-20T00:00:00Z",
                          _at(0.6))


def test_time_to_close_ranks_ties_and_an_odd_count(desk: Desk) -> None:
    _build(desk)
    h = monthly_report(desk, "2026-10").handling
    # Sorted: 1 2 3 4 5 5 6 7 8 9 10 (hours); median rank ceil(11/2) = 6, p90 rank
    # ceil(9.9) = 10.
    assert (h.time_to_close.count, h.time_to_close.median_s, h.time_to_close.p90_s) == (
        11, 5 * H, 9 * H)


def test_department_response_ranks(desk: Desk) -> None:
    _build(desk)
    report = monthly_report(desk, "2026-10")
    calls = report.volume.calls
    assert calls == 11 + 1 + 4 + 7 + 1 + 1
    departments = {d.id: d for d in report.handling.departments}
    assert list(departments) == ["tech_support", "logistics", "refunds", "quality", "sales",
                                 "installation", "legal"]
    tech, logistics, refunds, legal = (departments[k] for k in (
        "tech_support", "logistics", "refunds", "legal"))
    # 1 2 3 4 hours answered: median rank 2, p90 rank ceil(3.6) = 4; X1 counts once.
    assert (tech.transfers, tech.calls, tech.response.count, tech.response.median_s,
            tech.response.p90_s, tech.overdue) == (5, Ratio(4, calls), 4, 2 * H, 4 * H,
                                                   Ratio(0, 5))
    # 1 … 7 hours: median rank 4, p90 rank ceil(6.3) = 7.
    assert (logistics.transfers, logistics.response.count, logistics.response.median_s,
            logistics.response.p90_s) == (7, 7, 4 * H, 7 * H)
    assert (refunds.transfers, refunds.response.count, refunds.response.median_s,
            refunds.response.p90_s, refunds.overdue) == (1, 0, None, None, Ratio(1, 1))
    assert (legal.transfers, legal.response.median_s, legal.response.p90_s, legal.sla_hours) == (
        1, H // 2, H // 2, None)
    assert departments["quality"].transfers == 0
    assert departments["quality"].response.median_s is None
    assert report.handling.overdue == Ratio(1, 14)
    assert report.handling.transferred == Ratio(4 + 7 + 1 + 1, calls)
    # Twelve answered transfers: (1+2+3+4) + (1+…+7) + 0.5 = 38.5 hours.
    response = next(a for a in report.alerts.items if a.kind == "response_time")
    assert response.current == pytest.approx(38.5 * H / 12)


def test_the_report_never_reads_on_the_apps_connection(tmp_path: Path, config: Config,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A desk keeps taking calls while a supervisor counts a month: every statement of the
    report (retraining months and agents' names included) runs on a read-only connection of
    its own, never holding the store's lock."""
    store = Store.open(tmp_path / "hotline.db", desk="D01", create=True)
    try:
        desk = Desk(store=store, config=config, agent="S01", role="supervisor",
                    clock=lambda: FROZEN)
        report_data.build(desk)

        def refuse(*_: object, **__: object) -> None:
            raise AssertionError("the report read on the app's connection")

        monkeypatch.setattr(store, "query", refuse)
        monkeypatch.setattr(store, "scalar", refuse)
        report = monthly_report(desk, "2026-10")
    finally:
        store.close()
    assert report.volume.calls == 6
    assert [x.code for x in report.agents.retrain] == ["A02"]
