"""The working calendar (services/calendar.py): holidays, extra workdays (调休), lunch breaks,
nights and weekends, and deadlines that span several days — with the shipped 2026 calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.config import DEFAULT_CONFIG_PATH, WorkingCalendar, load_config
from hotline.services.calendar import add_working_hours, deadline, intervals, is_working_time

TZ = ZoneInfo("Asia/Shanghai")
CAL: WorkingCalendar = load_config(DEFAULT_CONFIG_PATH).calendar
DAY = ((time(8, 30), time(12, 0)), (time(13, 0), time(17, 30)))


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def test_a_weekday_has_the_morning_and_the_afternoon() -> None:
    assert intervals(CAL, date(2026, 11, 25)) == DAY


def test_weekends_and_holidays_have_no_working_time() -> None:
    assert intervals(CAL, date(2026, 11, 28)) == ()  # a Saturday
    assert intervals(CAL, date(2026, 10, 1)) == ()  # National Day, a Thursday
    assert intervals(CAL, date(2026, 2, 16)) == ()  # Spring Festival, a Monday


def test_an_extra_workday_on_a_weekend_has_a_mondays_hours() -> None:
    assert date(2026, 9, 20).weekday() == 6  # Sunday, worked for National Day
    assert intervals(CAL, date(2026, 9, 20)) == DAY
    assert is_working_time(CAL, at(2026, 9, 20, 10), TZ)
    assert intervals(CAL, date(2026, 10, 10)) == DAY  # Saturday


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(2026, 11, 25, 8, 29), False),
        (at(2026, 11, 25, 8, 30), True),
        (at(2026, 11, 25, 11, 59), True),
        (at(2026, 11, 25, 12, 0), False),  # lunch break
        (at(2026, 11, 25, 12, 30), False),
        (at(2026, 11, 25, 13, 0), True),
        (at(2026, 11, 25, 17, 29), True),
        (at(2026, 11, 25, 17, 30), False),  # the end of an interval is closed time
        (at(2026, 11, 25, 23, 0), False),
        (at(2026, 10, 5, 10, 0), False),  # a holiday Monday
    ],
)
def test_is_working_time(moment: datetime, working: bool) -> None:
    assert is_working_time(CAL, moment, TZ) is working


def test_a_moment_in_another_zone_is_judged_in_the_desks_zone() -> None:
    assert is_working_time(CAL, datetime(2026, 11, 25, 2, 30, tzinfo=UTC), TZ)  # 10:30 local
    assert not is_working_time(CAL, datetime(2026, 11, 25, 10, 0, tzinfo=UTC), TZ)  # 18:00


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 11, 25, 10, 30), 1, at(2026, 11, 25, 11, 30)),
        (at(2026, 11, 25, 11, 30), 1, at(2026, 11, 25, 13, 30)),  # across the lunch break
        (at(2026, 11, 25, 12, 15), 0.5, at(2026, 11, 25, 13, 30)),  # starts in the break
        (at(2026, 11, 25, 7, 0), 1, at(2026, 11, 25, 9, 30)),  # before opening
        (at(2026, 11, 25, 17, 0), 1, at(2026, 11, 26, 9, 0)),  # overnight
        (at(2026, 11, 27, 17, 0), 1, at(2026, 11, 30, 9, 0)),  # over a weekend
        (at(2026, 11, 28, 10, 0), 8, at(2026, 11, 30, 17, 30)),  # from a Saturday
        (at(2026, 11, 25, 11, 0), 1, at(2026, 11, 25, 12, 0)),  # ends as the break starts
    ],
)
def test_add_working_hours(start: datetime, hours: float, due: datetime) -> None:
    assert add_working_hours(CAL, start, hours, TZ) == due


def test_a_transfer_at_1750_before_national_day_is_due_on_the_next_working_day() -> None:
    # 2026-09-30 (Wed) is the last working day before the National Day week (10-01..10-07).
    due = deadline(CAL, at(2026, 9, 30, 17, 50), 8, TZ, business=True)
    assert due == at(2026, 10, 8, 17, 30)
    assert deadline(CAL, at(2026, 9, 30, 17, 50), 1, TZ, business=True) == at(2026, 10, 8, 9, 30)


def test_a_transfer_at_1750_on_the_friday_before_qingming_waits_for_tuesday() -> None:
    assert date(2026, 4, 3).weekday() == 4  # Friday; Qingming is 04-04..04-06
    assert deadline(CAL, at(2026, 4, 3, 17, 50), 2, TZ, business=True) == at(2026, 4, 7, 10, 30)


def test_a_weekend_extra_workday_counts() -> None:
    # Friday 2026-09-18 17:50: the next working day is Sunday 09-20 (调休), not Monday.
    assert deadline(CAL, at(2026, 9, 18, 17, 50), 8, TZ, business=True) == at(2026, 9, 20, 17, 30)


def test_a_deadline_over_several_days_skips_nights_weekends_and_mid_autumn() -> None:
    # Wed 09-23 10:30 + 72 working hours: 09-25..27 is Mid-Autumn, 09-28 on is a normal week,
    # then National Day — so it lands after the holiday week.
    due = deadline(CAL, at(2026, 9, 23, 10, 30), 72, TZ, business=True)
    # Wed 6h, Thu 8h (14), Mon 28 8h (22), Tue 29 (30), Wed 30 (38), Thu 10-08 (46),
    # Fri 10-09 (54), Sat 10-10 extra workday (62), Mon 10-12 (70), Tue 10-13 +2h.
    assert due == at(2026, 10, 13, 10, 30)


def test_round_the_clock_hours_ignore_the_calendar() -> None:
    start = at(2026, 9, 30, 17, 50)
    assert deadline(CAL, start, 24, TZ, business=False) == start + timedelta(hours=24)


def test_a_calendar_with_no_working_hours_is_an_error_not_a_hang() -> None:
    closed = replace(CAL, hours={}, extra_workdays=frozenset())
    with pytest.raises(ValueError):
        add_working_hours(closed, at(2026, 11, 25, 10), 1, TZ)


# -- invariants ------------------------------------------------------------------------------

START = datetime(2026, 1, 1, tzinfo=TZ)
moments = st.integers(min_value=0, max_value=2 * 365 * 24 * 60).map(
    lambda minutes: START + timedelta(minutes=minutes)
)
spans = st.integers(min_value=0, max_value=200 * 60).map(lambda minutes: minutes / 60)


def _inside_or_at_the_end_of_an_interval(moment: datetime) -> bool:
    local = moment.astimezone(TZ)
    return any(begin <= local.time() <= end for begin, end in intervals(CAL, local.date()))


@settings(max_examples=300, deadline=None)
@given(moments, spans)
def test_a_business_deadline_is_never_inside_closed_hours(start: datetime, hours: float) -> None:
    due = add_working_hours(CAL, start, hours, TZ)
    assert due >= start
    assert _inside_or_at_the_end_of_an_interval(due)


@settings(max_examples=300, deadline=None)
@given(moments)
def test_adding_zero_hours_in_working_time_is_identity(start: datetime) -> None:
    due = add_working_hours(CAL, start, 0, TZ)
    if is_working_time(CAL, start, TZ):
        assert due == start
    else:  # from closed time, zero hours is the next opening
        assert due > start and is_working_time(CAL, due, TZ)


@settings(max_examples=200, deadline=None)
@given(moments, spans, spans.filter(lambda hours: hours > 0))
def test_working_hours_add_up(start: datetime, first: float, second: float) -> None:
    # (`second` > 0: a deadline may fall on 12:00 exactly, and 0 more hours from there is the
    # next opening, 13:00 — which is right, and not the same moment.)
    once = add_working_hours(CAL, start, first + second, TZ)
    twice = add_working_hours(CAL, add_working_hours(CAL, start, first, TZ), second, TZ)
    assert abs((once - twice).total_seconds()) < 0.01
