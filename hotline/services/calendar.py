"""The working calendar: whether a moment is in working hours, and deadlines counted on it.

The one place where deadlines are computed (STYLE.md). Chinese calendars move working days:
a holiday is off even on a weekday, an extra working day (调休) works even on a weekend, and the
hours of an extra working day are those of a Monday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.config import WorkingCalendar

_SEARCH_DAYS = 400
"""How far ahead a deadline may be looked for before the calendar is declared to have no
working time at all (a configuration with no working hours)."""


def intervals(calendar: WorkingCalendar, day: date) -> tuple[tuple[time, time], ...]:
    """The working intervals of one local day."""
    if day in calendar.holidays:
        return ()
    if day in calendar.extra_workdays:
        return calendar.hours.get(0, ())
    return calendar.hours.get(day.weekday(), ())


def is_working_time(calendar: WorkingCalendar, moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz)
    now = local.time()
    return any(start <= now < end for start, end in intervals(calendar, local.date()))


def add_working_hours(
    calendar: WorkingCalendar, start: datetime, hours: float, tz: ZoneInfo
) -> datetime:
    """The moment `hours` of working time after `start` (the SLA deadline of a department).

    A transfer at 17:50 on the Friday before a holiday gets its deadline on the next working day.

    Raises:
        ValueError: the calendar has no working time in the next ~400 days.
    """
    remaining = timedelta(hours=hours)
    local = start.astimezone(tz)
    day = local.date()
    for _ in range(_SEARCH_DAYS):
        for begin, end in intervals(calendar, day):
            seg_start = datetime.combine(day, begin, tz)
            seg_end = datetime.combine(day, end, tz)
            if seg_end <= local:
                continue
            seg_start = max(seg_start, local)
            available = seg_end - seg_start
            if remaining <= available:
                return seg_start + remaining
            remaining -= available
        day += timedelta(days=1)
    raise ValueError("the working calendar has no working hours")


def deadline(
    calendar: WorkingCalendar, start: datetime, hours: float, tz: ZoneInfo, *, business: bool
) -> datetime:
    """A deadline `hours` after `start`, on working hours when `business`, else on the clock."""
    if business:
        return add_working_hours(calendar, start, hours, tz)
    return start + timedelta(hours=hours)
