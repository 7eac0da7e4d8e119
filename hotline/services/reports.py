"""The monthly customer-feedback report (客户反馈报告) and the agents' monthly assessment.

The source rules ask the hotline to report periodically to the quality department and the
management: problem types and counts, how they were handled and how fast, customer
satisfaction, trends and suggestions; and to assess every agent once a month. `monthly_report`
answers all of it as a tree of dataclasses with no text in it: the renderers
(`report_formats`) and the reports screen word it in the desk's language.

What a month means: the calls *received* in that local month (the desk's time zone), followed
through their whole life up to the moment the report is made; training calls are left out.
Every count comes from SQL (`hotline.store.report_queries`); this module only turns counts into
rates, grades and alerts with the desk's configured lines. A rate with nothing to count is
None, shown as "—", never 0 %.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hotline.config import Config
from hotline.errors import InputRefused
from hotline.services.clock import to_text
from hotline.services.desk import Desk
from hotline.store import report_queries as q

MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
TREND_MONTHS = 3
"""Months before the report's month that trends and alerts compare against."""
ROOT_CAUSES = 10
"""Most repeated problems (product model × symptom) listed as root-cause candidates."""
SCORES = (1, 2, 3, 4, 5)
SECTIONS = ("volume", "handling", "satisfaction", "quality", "agents", "alerts")
"""The report's sections, in the order every format shows them."""


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """`count` out of `total`; its rate is None when there is nothing to count."""

    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile (nearest rank) of durations in seconds."""

    count: int
    median_s: int | None
    p90_s: int | None


@dataclass(frozen=True)
class Item:
    """Calls of one configured item (channel, category, priority); id None: calls without one."""

    id: str | None
    calls: Ratio
    """Calls with this item out of the month's calls."""


@dataclass(frozen=True)
class DayCount:
    day: str
    """Local date, YYYY-MM-DD."""
    calls: int


@dataclass(frozen=True)
class MonthTotal:
    """One earlier month, for trends and alerts."""

    month: str
    calls: int
    complaints: Ratio
    """Calls in complaint categories out of the month's calls."""
    response_avg_s: float | None
    """Average department response time (transfer sent → result back)."""


@dataclass(frozen=True)
class Volume:
    calls: int
    by_day: tuple[DayCount, ...]
    """Every local day of the month, days without calls included."""
    by_channel: tuple[Item, ...]
    by_category: tuple[Item, ...]
    by_priority: tuple[Item, ...]
    """Each in the configuration's order, then ids the configuration no longer has."""
    after_hours: Ratio
    trend: tuple[MonthTotal, ...]
    """The previous `TREND_MONTHS` months, oldest first."""
    trend_average: float | None
    """Average calls of the previous months that had any; None: no history."""
    trend_change: float | None
    """Relative change of this month's calls against `trend_average` (0.1 = +10 %)."""


@dataclass(frozen=True)
class DepartmentFigures:
    id: str
    transfers: int
    """Transfers of the month's calls to this department."""
    calls: Ratio
    """Calls transferred here at least once, out of the month's calls (the transfer rate)."""
    response: Spread
    """Time from sending the transfer to the department's result, of answered transfers."""
    sla_hours: float | None
    """The configured SLA (None: a department no longer configured)."""
    business_hours: bool
    """True: the SLA counts working hours, so wall-clock times above it may still be on time."""
    overdue: Ratio
    """Transfers answered after their deadline or still unanswered past it, out of transfers."""


@dataclass(frozen=True)
class Handling:
    first_contact: Ratio
    """Solved during the call: never transferred, never reopened, resolved or closed."""
    transferred: Ratio
    """Calls transferred at least once."""
    departments: tuple[DepartmentFigures, ...]
    overdue: Ratio
    """Overdue transfers out of all transfers of the month's calls."""
    reopened: Ratio
    responded_on_time: Ratio
    """Customers who heard back (during the call, or at the callback with the result) within
    their priority's response time (or the category's resolve time); out of those on time or
    late, calls still within their time left out."""
    callbacks: Ratio
    """Calls whose department result was told to the customer at a callback, out of calls with
    a result whose callback is due (made, or `followup.callback_hours` after the first result
    passed)."""
    callbacks_on_time: Ratio
    """Of the same calls, those told within `followup.callback_hours` of the first result."""
    duration_avg_s: float | None
    time_to_close: Spread
    """Call received → closed, of the month's calls closed so far."""


@dataclass(frozen=True)
class RateRow:
    id: str | None
    satisfied: Ratio
    """Satisfied answers out of answers."""


@dataclass(frozen=True)
class Satisfaction:
    satisfied: Ratio
    """Scores at or above `threshold`, out of calls with a score (each call's latest)."""
    threshold: int
    pass_rate: float
    reward_rate: float
    verdict: str | None
    """"reward", "pass" or "below"; None without answers."""
    distribution: tuple[int, ...]
    """Calls by score 1, 2, 3, 4, 5."""
    by_category: tuple[RateRow, ...]
    by_department: tuple[RateRow, ...]
    """By the department the call was last transferred to."""


@dataclass(frozen=True)
class Quality:
    accuracy: Ratio
    """Calls whose confirmed key fields were never corrected afterwards, out of the calls."""
    corrected: int
    escalated: int
    escalations_in_time: Ratio
    """Escalations given a solution (a department result or the call closed) within the
    escalation deadline, out of those solved or past it."""
    escalations_pending: int
    """Escalations still within their deadline without a solution."""


@dataclass(frozen=True)
class AgentGrade:
    code: str
    name: str
    calls: int
    """Calls this agent took first (the first-contact owner answers for the whole call)."""
    kpis: Mapping[str, Ratio]
    """KPI name (`config.KPI_NAMES`) → what it counts; its rate × 100 is the KPI's score."""
    score: float | None
    """Weighted KPI score 0–100 (weights over the KPIs that have data); None: no data."""
    band: str | None
    """Grade band id."""


@dataclass(frozen=True)
class Retraining:
    code: str
    name: str
    months: tuple[str, ...]
    """The months running (this one last) graded below the passing band."""


@dataclass(frozen=True)
class Agents:
    weights: Mapping[str, float]
    grades: tuple[AgentGrade, ...]
    """By score, best first; agents without a score last."""
    retrain: tuple[Retraining, ...]
    pass_band: str
    retrain_after_months: int


@dataclass(frozen=True)
class Alert:
    kind: str
    """"complaint_share" or "response_time"."""
    current: float | None
    baseline: float | None
    """Average over the previous months with data; None: no history."""
    change: float | None
    """Relative change against the baseline; None when the baseline is 0 or missing."""
    threshold: float
    raised: bool


@dataclass(frozen=True)
class RootCause:
    product_model: str
    symptom: str
    calls: int


@dataclass(frozen=True)
class Alerts:
    items: tuple[Alert, ...]
    root_causes: tuple[RootCause, ...]


@dataclass(frozen=True)
class Report:
    month: str
    """YYYY-MM, a local month of the desk."""
    timezone: str
    start: str
    end: str
    """The month's bounds as stored UTC text: start inclusive, end exclusive."""
    generated_at: str
    volume: Volume
    handling: Handling
    satisfaction: Satisfaction
    quality: Quality
    agents: Agents
    alerts: Alerts


# -- months -------------------------------------------------------------------------------------


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM".

    Raises:
        InputRefused: anything else.
    """
    match = MONTH_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise InputRefused("report.bad_month", value=text)
    return int(match.group(1)), int(match.group(2))


def shift_month(month: str, delta: int) -> str:
    year, mon = parse_month(month)
    index = year * 12 + mon - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def current_month(desk: Desk) -> str:
    return desk.local().strftime("%Y-%m")


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of the month's first day and of the next month's, as aware datetimes."""
    year, mon = parse_month(month)
    nyear, nmon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return datetime(year, mon, 1, tzinfo=tz), datetime(nyear, nmon, 1, tzinfo=tz)


def local_days(month: str, tz: ZoneInfo) -> list[tuple[str, str, str]]:
    """Every local day of the month: (YYYY-MM-DD, its local midnight, the next local midnight),
    the moments as stored UTC text; a daylight-saving day is 23 or 25 hours long."""
    start, end = month_bounds(month, tz)
    day, last = start.date(), end.date()
    out = []
    while day < last:
        following = day + timedelta(days=1)
        out.append((day.isoformat(),
                    to_text(datetime(day.year, day.month, day.day, tzinfo=tz)),
                    to_text(datetime(following.year, following.month, following.day, tzinfo=tz))))
        day = following
    return out


def _params(config: Config, month: str, tz: ZoneInfo, now: datetime) -> q.MonthParams:
    start, end = month_bounds(month, tz)
    return q.MonthParams(
        start=to_text(start),
        end=to_text(end),
        days=local_days(month, tz),
        now=to_text(now),
        threshold=config.satisfaction.threshold,
        complaint_categories=[c.id for c in config.categories if c.complaint],
        respond_seconds={p.id: round(p.respond_hours * 3600) for p in config.priorities
                         if p.respond_hours is not None},
        resolve_seconds={c.id: round(c.resolve_hours * 3600) for c in config.categories},
        escalation_seconds=round(config.followup.escalation_hours * 3600),
        callback_seconds=round(config.followup.callback_hours * 3600),
        key_fields=list(config.key_fields),
    )


# -- the report ---------------------------------------------------------------------------------


def monthly_report(desk: Desk, month: str) -> Report:
    """The report of the calls received in `month` ("YYYY-MM", the desk's local month).

    Raises:
        InputRefused: `month` is not YYYY-MM.
    """
    parse_month(month)
    config = desk.config
    tz = desk.tz
    now = desk.now()
    params = _params(config, month, tz, now)
    earlier = [shift_month(month, -back) for back in range(TREND_MONTHS, 0, -1)]
    with q.reader(desk.store) as query:
        figures = q.month_figures(query, params, root_limit=ROOT_CAUSES)
        trend = tuple(_month_total(other, q.trend_figures(query, _params(config, other, tz, now)))
                      for other in earlier)
        names = q.agent_names(query)
        agents = _agents(desk, query, month, figures, names)
    return Report(
        month=month,
        timezone=config.site.timezone,
        start=params.start,
        end=params.end,
        generated_at=to_text(now),
        volume=_volume(config, month, tz, figures, trend),
        handling=_handling(config, figures),
        satisfaction=_satisfaction(config, figures),
        quality=_quality(figures),
        agents=agents,
        alerts=_alerts(config, figures, trend),
    )


def _month_total(month: str, f: Mapping[str, Any]) -> MonthTotal:
    calls = int(f["calls"])
    return MonthTotal(month, calls, Ratio(int(f["complaints"]), calls),
                      float(f["response_avg_s"]) if f["response_avg_s"] is not None else None)


def _items(ids: Iterable[str], rows: Sequence[Sequence[Any]], total: int) -> tuple[Item, ...]:
    """Configured ids first (zero counts kept), then ids found only in the data."""
    counts = {row[0]: int(row[1]) for row in rows}
    ordered = list(ids)
    extra = sorted((k for k in counts if k not in ordered), key=lambda k: (k is None, k or ""))
    return tuple(Item(k, Ratio(counts.get(k, 0), total)) for k in [*ordered, *extra])


def _volume(config: Config, month: str, tz: ZoneInfo, f: Mapping[str, Any],
            trend: tuple[MonthTotal, ...]) -> Volume:
    calls = int(f["calls"])
    per_day = {row[0]: int(row[1]) for row in f["by_day"]}
    with_calls = [m.calls for m in trend if m.calls]
    average = sum(with_calls) / len(with_calls) if with_calls else None
    return Volume(
        calls=calls,
        by_day=tuple(DayCount(d, per_day.get(d, 0)) for d, _, _ in local_days(month, tz)),
        by_channel=_items((c.id for c in config.channels), f["by_channel"], calls),
        by_category=_items((c.id for c in config.categories), f["by_category"], calls),
        by_priority=_items((p.id for p in config.priorities), f["by_priority"], calls),
        after_hours=Ratio(int(f["calls_totals"]["after_hours"]), calls),
        trend=trend,
        trend_average=average,
        trend_change=(calls - average) / average if average else None,
    )


def _handling(config: Config, f: Mapping[str, Any]) -> Handling:
    totals, per_call = f["totals"], f["calls_totals"]
    calls = int(f["calls"])
    rows = {row[0]: row for row in f["departments"]}
    known = [d.id for d in config.departments]
    departments = []
    for dept in [*known, *sorted(k for k in rows if k not in known and k)]:
        row = rows.get(dept, [dept, 0, 0, 0, None, None, 0])
        _, transfers, dept_calls, answered, median, p90, overdue = row
        configured = next((d for d in config.departments if d.id == dept), None)
        departments.append(DepartmentFigures(
            id=dept,
            transfers=int(transfers),
            calls=Ratio(int(dept_calls), calls),
            response=Spread(int(answered), median, p90),
            sla_hours=configured.sla_hours if configured else None,
            business_hours=configured.business_hours if configured else False,
            overdue=Ratio(int(overdue or 0), int(transfers)),
        ))
    transfers, overdue = f["transfers"]
    closed, close_median, close_p90 = f["time_to_close"]
    return Handling(
        first_contact=Ratio(int(totals["first_contact"]), calls),
        transferred=Ratio(int(totals["transferred"]), calls),
        departments=tuple(departments),
        overdue=Ratio(int(overdue), int(transfers)),
        reopened=Ratio(int(per_call["reopened"]), calls),
        responded_on_time=Ratio(int(totals["on_time"]),
                                int(totals["on_time"]) + int(totals["late"])),
        callbacks=Ratio(int(totals["called_back"]), int(totals["callback_due"])),
        callbacks_on_time=Ratio(int(totals["called_in_time"]), int(totals["callback_due"])),
        duration_avg_s=per_call["duration_avg_s"],
        time_to_close=Spread(int(closed), close_median, close_p90),
    )


def _verdict(config: Config, satisfied: Ratio) -> str | None:
    rate = satisfied.rate
    if rate is None:
        return None
    if rate >= config.satisfaction.reward_rate:
        return "reward"
    if rate >= config.satisfaction.pass_rate:
        return "pass"
    return "below"


def _rate_rows(ids: Iterable[str], rows: Mapping[Any, tuple[int, int]]) -> tuple[RateRow, ...]:
    ordered = list(ids)
    extra = sorted((k for k in rows if k not in ordered), key=lambda k: (k is None, k or ""))
    return tuple(RateRow(k, Ratio(*rows.get(k, (0, 0)))) for k in [*ordered, *extra])


def _satisfaction(config: Config, f: Mapping[str, Any]) -> Satisfaction:
    totals = f["totals"]
    satisfied = Ratio(int(totals["satisfied"]), int(totals["answered"]))
    scores = {int(s): int(n) for s, n in f["scores"]}
    by_category = {row[0]: (int(row[3]), int(row[2])) for row in f["by_category"]}
    by_department = {row[0]: (int(row[2]), int(row[1])) for row in f["sat_by_department"]}
    return Satisfaction(
        satisfied=satisfied,
        threshold=config.satisfaction.threshold,
        pass_rate=config.satisfaction.pass_rate,
        reward_rate=config.satisfaction.reward_rate,
        verdict=_verdict(config, satisfied),
        distribution=tuple(scores.get(s, 0) for s in SCORES),
        by_category=_rate_rows((c.id for c in config.categories), by_category),
        by_department=_rate_rows((d.id for d in config.departments), by_department),
    )


def _quality(f: Mapping[str, Any]) -> Quality:
    calls = int(f["calls"])
    corrected = int(f["totals"]["corrected"])
    escalated, in_time, late = (int(x) for x in f["escalations"])
    return Quality(
        accuracy=Ratio(calls - corrected, calls),
        corrected=corrected,
        escalated=escalated,
        escalations_in_time=Ratio(in_time, in_time + late),
        escalations_pending=escalated - in_time - late,
    )


def _kpis(row: Sequence[Any]) -> dict[str, Ratio]:
    n = {name: int(value or 0) for name, value in zip(q.AGENT_COLUMNS[1:], row[1:], strict=True)}
    return {
        "response_speed": Ratio(n["on_time"], n["on_time"] + n["late"]),
        "resolution": Ratio(n["first_contact"], n["calls"]),
        "satisfaction": Ratio(n["satisfied"], n["answered"]),
        "accuracy": Ratio(n["calls"] - n["corrected"], n["calls"]),
        "callback": Ratio(n["called_back"], n["callback_due"]),
    }


def score(kpis: Mapping[str, Ratio], weights: Mapping[str, float]) -> float | None:
    """Weighted KPI score 0–100, to one decimal; KPIs without data give their weight to the
    others (an agent who never had a callback due is not marked down for it)."""
    total = weight_sum = 0.0
    for name, weight in weights.items():
        rate = kpis[name].rate if name in kpis else None
        if weight <= 0 or rate is None:
            continue
        total += weight * rate * 100
        weight_sum += weight
    return round(total / weight_sum, 1) if weight_sum else None


def band_of(config: Config, value: float | None) -> str | None:
    if value is None:
        return None
    for band in config.grading.bands:
        if value >= band.min_score:
            return band.id
    return config.grading.bands[-1].id


def _below_pass(config: Config, band: str | None) -> bool:
    if band is None:
        return False
    bands = config.grading.bands
    minimum = {b.id: b.min_score for b in bands}
    return minimum[band] < minimum[config.grading.pass_band]


def _grades(config: Config, rows: Sequence[Sequence[Any]], names: Mapping[str, str]
            ) -> list[AgentGrade]:
    weights = config.grading.kpi_weights
    grades = []
    for row in rows:
        kpis = _kpis(row)
        value = score(kpis, weights)
        code = row[0] or ""
        grades.append(AgentGrade(code, names.get(code, ""), int(row[1]), kpis, value,
                                 band_of(config, value)))
    return grades


def _agents(desk: Desk, query: q.Query, month: str, f: Mapping[str, Any],
            names: Mapping[str, str]) -> Agents:
    config = desk.config
    grades = _grades(config, f["agents"], names)
    grades.sort(key=lambda g: (g.score is None, -(g.score or 0), g.code))
    months_needed = config.grading.retrain_after_months
    # Below the passing band this month; then month by month back, only those still below.
    below = [g.code for g in grades if _below_pass(config, g.band)]
    for back in range(1, months_needed):
        if not below:
            break
        other = _params(config, shift_month(month, -back), desk.tz, desk.now())
        past = _grades(config, q.agent_figures(query, other, below), names)
        below = [g.code for g in past if _below_pass(config, g.band)]
    run = tuple(shift_month(month, -back) for back in range(months_needed - 1, -1, -1))
    by_code = {g.code: g for g in grades}
    retrain = tuple(Retraining(code, by_code[code].name, run) for code in sorted(below))
    return Agents(
        weights=dict(config.grading.kpi_weights),
        grades=tuple(grades),
        retrain=retrain,
        pass_band=config.grading.pass_band,
        retrain_after_months=months_needed,
    )


def _alert(kind: str, current: float | None, history: Sequence[float], threshold: float
           ) -> Alert:
    baseline = sum(history) / len(history) if history else None
    change = (current - baseline) / baseline if current is not None and baseline else None
    raised = current is not None and baseline is not None and (
        (change is not None and change > threshold) or (baseline == 0 and current > 0))
    return Alert(kind, current, baseline, change, threshold, raised)


def _alerts(config: Config, f: Mapping[str, Any], trend: Sequence[MonthTotal]) -> Alerts:
    calls = int(f["calls"])
    share = int(f["complaints"]) / calls if calls else None
    response = float(f["response_avg_s"]) if f["response_avg_s"] is not None else None
    items = (
        _alert("complaint_share", share,
               [m.complaints.rate for m in trend if m.complaints.rate is not None],
               config.alerts.complaint_share_jump),
        _alert("response_time", response,
               [m.response_avg_s for m in trend if m.response_avg_s is not None],
               config.alerts.response_time_jump),
    )
    roots = tuple(RootCause(model or "", symptom, int(n)) for model, symptom, n in f["root_causes"])
    return Alerts(items, roots)


# -- plain data ---------------------------------------------------------------------------------


def as_data(value: Any) -> Any:
    """The report as JSON-ready data (`--json`): a ratio carries its rate too."""
    if isinstance(value, Ratio):
        return {"count": value.count, "total": value.total, "rate": value.rate}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: as_data(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [as_data(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
