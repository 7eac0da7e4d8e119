"""The SQL behind the monthly report: every figure is counted here, none in Python.

A report looks at the calls received in one month, training calls left out. A call row holds its
whole description and confirmations (about 1 KB), so the month is read from the covering index
`calls_report`, which holds only what reports count; each part of the report is one streaming
pass over it (or over the month's transfers, `transfers_report`), and the per-call facts that
need other tables are one seek each: the call's first department result and the first callback
that told it in `call_facts` (kept by triggers, keyed like the month), a correction of a
confirmed key field in `ops_call_edits` (which holds only edits of intake fields). The free text
of the root causes is counted from its own covering index (`calls_problems`). A month is three
statements, each returning its parts as JSON (`month_figures`): the month's calls, their
transfers, the root causes (DESIGN.md section 6: every section over 1,000,000 calls within
1 s). Days are counted as ranges between the desk's local midnights (given by the service), so a
daylight-saving change never moves a call to the wrong day.

Earlier months contribute only totals to trends and alerts (`trend_figures`: two index range
passes a month, cheaper than one grouped pass over four months, which has to sort or test every
call against every month), and agents' figures for the months-running retraining
rule only for the agents it concerns (`agent_figures`).

Percentiles are nearest-rank: the p-quantile of n sorted values is the value at rank ceil(p n)
(so the median of 4 values is the 2nd). Durations are whole seconds (`unixepoch`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from hotline.store.core import BUSY_TIMEOUT_MS, Store

CALL_EDIT_FIELDS = (
    "phone", "customer_name", "alt_phone", "channel", "product_model", "serial_no",
    "purchase_date", "symptom", "description", "category", "priority",
)
"""Intake fields whose later edits the partial index `ops_call_edits` holds (migration
m004_report_indexes). Its WHERE clause repeats this list, and a query must repeat it word for
word for SQLite to use the index: change it only together with a new migration."""


@dataclass(frozen=True)
class MonthParams:
    """What the report's SQL needs to know, already turned into stored forms by the service."""

    start: str
    """First moment of the month, stored UTC text (inclusive)."""
    end: str
    """First moment of the next month, stored UTC text (exclusive)."""
    days: Sequence[tuple[str, str, str]]
    """Every local day of the month: (YYYY-MM-DD, its local midnight, the next one), the
    moments as stored UTC text."""
    now: str
    """The moment the report is made: what is not late yet is pending, not overdue."""
    threshold: int
    """Satisfaction scores at or above this are satisfied."""
    complaint_categories: Sequence[str]
    """Category ids that are complaints."""
    respond_seconds: Mapping[str, int]
    """Priority id → seconds within which the customer hears back (priorities with a deadline)."""
    resolve_seconds: Mapping[str, int]
    """Category id → seconds to resolve: the response deadline of calls whose priority has none."""
    escalation_seconds: int
    """Seconds to give an escalated complaint a solution."""
    callback_seconds: int
    """Seconds after a department's result within which the customer is to be called back."""
    key_fields: Sequence[str]
    """Call fields confirmed at intake; a later edit of one is a correction of the record."""


def _in_list(name: str, values: Sequence[str], params: dict[str, Any]) -> str:
    """`(:name0, :name1, …)` with the values bound, or `(NULL)` for an empty list."""
    if not values:
        return "(NULL)"
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
    return "(" + ", ".join(f":{name}{i}" for i in range(len(values))) + ")"


def _respond_seconds(p: MonthParams, params: dict[str, Any]) -> str:
    """Seconds within which the caller of `c` is to hear back: the priority's response time,
    else the category's resolve time."""
    deadline = "CASE c.priority"
    for i, (pid, seconds) in enumerate(p.respond_seconds.items()):
        params[f"rp{i}"], params[f"rs{i}"] = pid, seconds
        deadline += f" WHEN :rp{i} THEN :rs{i}"
    deadline += " ELSE CASE c.category"
    for i, (cid, seconds) in enumerate(p.resolve_seconds.items()):
        params[f"cp{i}"], params[f"cs{i}"] = cid, seconds
        deadline += f" WHEN :cp{i} THEN :cs{i}"
    return deadline + " END END"


MONTH_CALLS = """calls c INDEXED BY calls_report
    WHERE c.started_at >= :lo AND c.started_at < :hi AND c.training = 0"""
"""The month's calls, from the covering index (`:lo`, `:hi` bound by every query)."""


def _agent_rows(p: MonthParams, params: dict[str, Any], agents: Sequence[str] | None) -> str:
    """Per first-contact owner (or only `agents`), the counts behind each KPI, one row each
    (`AGENT_COLUMNS`); their sums are the month's totals. Callbacks count per call: its first
    department result, told to the customer at a callback (due once made, or once
    `callback_seconds` have passed): the call's first result and that callback are read with
    it from `call_facts` (one seek where three index lookups per call cost a third of the
    pass; NULL: never transferred, `'~'`: no result yet). The inner query is LIMIT -1 so SQLite
    streams it as a co-routine instead of repeating its seeks; times are epoch seconds, each
    parsed once, and only numbers leave the inner query (each text value passed on is copied
    for every call: a tenth of the pass)."""
    params.update(now=p.now, cb_s=p.callback_seconds, threshold=p.threshold)
    only = f"AND c.agent IN {_in_list('ag', agents, params)}" if agents is not None else ""
    # Literal, not bound: it must read exactly as the partial index's WHERE.
    edit_fields = "(" + ", ".join(f"'{f}'" for f in CALL_EDIT_FIELDS) + ")"
    key_fields = _in_list("kf", [f for f in p.key_fields if f in CALL_EDIT_FIELDS], params)
    # Heard back: during the call, or told a department's result at a callback.
    heard = "CASE WHEN transferred THEN told_s ELSE ended_s END"
    return f"""
    SELECT agent, count(*) AS calls,
           coalesce(sum(NOT transferred AND solved_at_once), 0) AS first_contact,
           coalesce(sum({heard} <= respond_by), 0) AS on_time,
           coalesce(sum(coalesce({heard} > respond_by, unixepoch(:now) > respond_by)), 0)
             AS late,
           count(satisfaction) AS answered,
           coalesce(sum(satisfaction >= :threshold), 0) AS satisfied,
           coalesce(sum(corrected), 0) AS corrected,
           coalesce(sum(result_s IS NOT NULL
                        AND (told_s IS NOT NULL OR unixepoch(:now) > result_s + :cb_s)), 0)
             AS callback_due,
           count(told_s) AS called_back,
           coalesce(sum(told_s <= result_s + :cb_s), 0) AS called_in_time,
           coalesce(sum(transferred), 0) AS transferred
    FROM (
        SELECT c.agent, c.satisfaction,
               c.reopen_count = 0 AND c.status IN ('resolved', 'closed') AS solved_at_once,
               unixepoch(coalesce(c.ended_at, c.started_at)) AS ended_s,
               unixepoch(c.started_at) + ({_respond_seconds(p, params)}) AS respond_by,
               f.first_result IS NOT NULL AS transferred,
               unixepoch(nullif(f.first_result, '~')) AS result_s,
               unixepoch(f.told_at) AS told_s,
               EXISTS (SELECT 1 FROM ops o INDEXED BY ops_call_edits
                        WHERE o.entity_id = c.id AND o.entity = 'call'
                          AND o.field IN {edit_fields} AND o.field IN {key_fields})
                 AS corrected
        FROM calls c INDEXED BY calls_report
        LEFT JOIN call_facts f ON f.started_at = c.started_at AND f.id = c.id
        WHERE c.started_at >= :lo AND c.started_at < :hi AND c.training = 0 {only}
        LIMIT -1)
    GROUP BY agent"""


AGENT_COLUMNS = ("agent", "calls", "first_contact", "on_time", "late", "answered", "satisfied",
                 "corrected", "callback_due", "called_back", "called_in_time", "transferred")
"""Columns of an agent's row of KPI counts."""


def _month_ctes(p: MonthParams, params: dict[str, Any]) -> str:
    """`agents` (per-agent KPI counts, whose sums are the month's totals too), `dims` (calls by
    channel, category, priority, department and score, rolled up by the parts; grouped by one
    key holding the five, whose sort compares one value where five columns cost 50 % more;
    the key tells every value and type apart, so each group's columns are its own), `days` (the
    local days as ranges), `closing` (seconds from receiving to closing, of closed calls)."""
    params.update(lo=p.start, hi=p.end)
    days = []
    for i, (day, lo, hi) in enumerate(p.days):
        params[f"d{i}"], params[f"dl{i}"], params[f"dh{i}"] = day, lo, hi
        days.append(f"(:d{i}, :dl{i}, :dh{i})")
    days_values = ", ".join(days) or "(NULL, NULL, NULL)"
    return f"""
    agents AS MATERIALIZED ({_agent_rows(p, params, None)}),
    dims AS MATERIALIZED (
        SELECT c.channel, c.category, c.priority, c.department, c.satisfaction, count(*) AS n
        FROM {MONTH_CALLS}
        GROUP BY json_array(c.channel, c.category, c.priority, c.department, c.satisfaction)
    ),
    days(day, lo, hi) AS (VALUES {days_values}),
    closing AS MATERIALIZED (
        SELECT unixepoch(c.closed_at) - unixepoch(c.started_at) AS s
        FROM {MONTH_CALLS} AND c.closed_at IS NOT NULL AND c.closed_at != ''
    )"""


def _nth(rows: str, column: str, rank: str) -> str:
    """The `column` value at the 1-based `rank` of `rows` sorted by it (NULL first, as SQLite
    sorts), or NULL when there is no such row: a plain sort, where a window function numbering
    every row and counting the whole frame again for each cost 40 % more. Ranks past the
    middle are counted from the top (the same value: NULL sorts last descending), so the sort
    keeps only the rows above the rank. `rank` and the count are scalar subqueries over `rows`:
    SQLite resolves LIMIT and OFFSET without the outer query's columns."""
    ascending = f"(SELECT {column} FROM {rows} ORDER BY {column} LIMIT 1 OFFSET ({rank}) - 1)"
    descending = (f"(SELECT {column} FROM {rows} ORDER BY {column} DESC LIMIT 1"
                  f" OFFSET (SELECT count(*) FROM {rows}) - ({rank}))")
    return f"""CASE WHEN 2 * ({rank}) <= (SELECT count(*) FROM {rows})
                    THEN {ascending} ELSE {descending} END"""


def _median_rank(n: str) -> str:
    """Nearest-rank median of `n` values: rank ceil(n / 2)."""
    return f"({n} + 1) / 2"


def _p90_rank(n: str) -> str:
    """Nearest-rank 90th percentile of `n` values: rank ceil(9 n / 10)."""
    return f"(9 * {n} + 9) / 10"


def _calls_parts(p: MonthParams, params: dict[str, Any]) -> dict[str, str]:
    """Parts counted over the month's calls (`_month_ctes`)."""
    params.update(threshold=p.threshold, esc_s=p.escalation_seconds)
    complaints = _in_list("cc", p.complaint_categories, params)
    agent_sums = ", ".join(f"'{c}', coalesce(sum({c}), 0)" for c in AGENT_COLUMNS[1:])
    return {
        "calls": "SELECT coalesce(sum(n), 0) FROM dims",
        "complaints": f"SELECT coalesce(sum(n), 0) FROM dims WHERE category IN {complaints}",
        "totals": f"SELECT json_object({agent_sums}) FROM agents",
        "calls_totals": f"""
            SELECT json_object(
              'after_hours', coalesce(sum(after_hours), 0),
              'reopened', coalesce(sum(reopen_count > 0), 0),
              'duration_avg_s', avg(duration_s),
              'escalated', coalesce(sum(escalated = 1), 0))
            FROM {MONTH_CALLS}""",
        "by_day": """
            SELECT json_group_array(json_array(day, (SELECT count(*) FROM calls c
                     INDEXED BY calls_report WHERE c.started_at >= days.lo
                       AND c.started_at < days.hi AND c.training = 0)))
            FROM days WHERE day IS NOT NULL""",
        "by_channel": """
            SELECT json_group_array(json_array(channel, n))
            FROM (SELECT channel, sum(n) AS n FROM dims GROUP BY channel)""",
        "by_category": """
            SELECT json_group_array(json_array(category, n, answered, satisfied))
            FROM (SELECT category, sum(n) AS n,
                         coalesce(sum(CASE WHEN satisfaction IS NOT NULL THEN n END), 0)
                           AS answered,
                         coalesce(sum(CASE WHEN satisfaction >= :threshold THEN n END), 0)
                           AS satisfied
                  FROM dims GROUP BY category)""",
        "by_priority": """
            SELECT json_group_array(json_array(priority, n))
            FROM (SELECT priority, sum(n) AS n FROM dims GROUP BY priority)""",
        "scores": """
            SELECT json_group_array(json_array(satisfaction, n))
            FROM (SELECT satisfaction, sum(n) AS n FROM dims
                  WHERE satisfaction IS NOT NULL GROUP BY satisfaction)""",
        "sat_by_department": """
            SELECT json_group_array(json_array(department, answered, satisfied))
            FROM (SELECT department,
                         coalesce(sum(CASE WHEN satisfaction IS NOT NULL THEN n END), 0)
                           AS answered,
                         coalesce(sum(CASE WHEN satisfaction >= :threshold THEN n END), 0)
                           AS satisfied
                  FROM dims WHERE department IS NOT NULL AND department != ''
                  GROUP BY department)""",
        "time_to_close": f"""
            SELECT json_array(
                     count(*),
                     {_nth("closing", "s", f"(SELECT {_median_rank('count(*)')} FROM closing)")},
                     {_nth("closing", "s", f"(SELECT {_p90_rank('count(*)')} FROM closing)")})
            FROM closing""",
        "escalations": f"""
            SELECT json_array(count(*),
                     coalesce(sum(solved_s IS NOT NULL AND solved_s <= esc + :esc_s), 0),
                     coalesce(sum((solved_s IS NOT NULL AND solved_s > esc + :esc_s)
                                  OR (solved_s IS NULL AND unixepoch(:now) > esc + :esc_s)), 0))
            FROM (SELECT esc, coalesce(min(closed_s, result_s), closed_s, result_s) AS solved_s
                  FROM (SELECT unixepoch(c.escalated_at) AS esc,
                               unixepoch(c.closed_at) AS closed_s,
                               (SELECT min(unixepoch(tr.result_at))
                                  FROM transfers tr INDEXED BY transfers_report
                                 WHERE tr.call_id = c.id AND tr.result_at >= c.escalated_at)
                                 AS result_s
                        FROM {MONTH_CALLS} AND c.escalated = 1 AND c.escalated_at IS NOT NULL
                        LIMIT -1))""",
        "agents": f"""
            SELECT json_group_array(json_array({", ".join(AGENT_COLUMNS)}))
            FROM (SELECT * FROM agents ORDER BY agent)""",
    }


def _transfer_ctes(p: MonthParams, params: dict[str, Any]) -> str:
    """`t` (the transfers of the month's calls: the call's id, department, response time,
    overdue; the calls with a transfer are the month's range of `call_facts`, so the half of
    the calls without one costs no seek into `transfers_report`), `dept`
    (their counts by department) and `picks` (the answered transfers at each department's
    median and p90 ranks: one numbering of the sorted responses, instead of also counting
    every partition's rows again for each row)."""
    params.update(lo=p.start, hi=p.end, now=p.now)
    return f"""
    t AS MATERIALIZED (
        SELECT f.id AS call, tr.department,
               unixepoch(tr.result_at) - unixepoch(tr.sent_at) AS response_s,
               (tr.result_at > tr.due_at OR (tr.result_at IS NULL AND tr.due_at < :now))
                 AS overdue
        FROM call_facts f
        JOIN transfers tr INDEXED BY transfers_report ON tr.call_id = f.id
        WHERE f.started_at >= :lo AND f.started_at < :hi AND f.training = 0
    ),
    dept AS MATERIALIZED (
        SELECT department, count(*) AS transfers, count(DISTINCT call) AS calls,
               count(response_s) AS answered, sum(overdue) AS overdue
        FROM t GROUP BY department
    ),
    picks AS MATERIALIZED (
        SELECT department, rn, response_s
        FROM (SELECT department, response_s,
                     row_number() OVER (PARTITION BY department ORDER BY response_s) AS rn
              FROM t WHERE response_s IS NOT NULL)
        WHERE rn IN (SELECT {_median_rank("answered")} FROM dept
                     UNION ALL SELECT {_p90_rank("answered")} FROM dept)
    )"""


def _transfer_parts() -> dict[str, str]:
    """Parts counted over the month's transfers (`_transfer_ctes`)."""
    return {
        "response_avg_s": "SELECT avg(response_s) FROM t",
        "departments": f"""
            SELECT json_group_array(json_array(
                     d.department, d.transfers, d.calls, d.answered,
                     (SELECT r.response_s FROM picks r WHERE r.department IS d.department
                        AND r.rn = {_median_rank("d.answered")}),
                     (SELECT r.response_s FROM picks r WHERE r.department IS d.department
                        AND r.rn = {_p90_rank("d.answered")}),
                     d.overdue))
            FROM dept AS d""",
        "transfers": "SELECT json_array(coalesce(sum(transfers), 0), coalesce(sum(overdue), 0))"
                     " FROM dept",
    }


Query = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]
"""Runs one read statement and gives its rows as dicts (`reader`)."""


def _run(query: Query, ctes: str, parts: Mapping[str, str], params: Mapping[str, Any]
         ) -> dict[str, Any]:
    """One statement computing every part as a column (CTEs no part uses are never run)."""
    columns = ",\n".join(f"({sql}) AS {name}" for name, sql in parts.items())
    row = query(f"WITH {ctes}\nSELECT {columns}", params)[0]
    return {k: json.loads(v) if isinstance(v, str) else v for k, v in row.items()}


@contextmanager
def reader(store: Store) -> Iterator[Query]:
    """Where one report's statements run: a read-only connection of its own to the store's
    file, so a desk keeps taking calls on the app's connection while a supervisor counts a
    month (WAL: the report reads one consistent snapshot per statement and blocks no writer).
    The store's own connection for an in-memory store, or when the file cannot be opened
    read-only.

    One connection, statements in turn. Two threads running halves of a report side by side
    (the previous design) spent up to half as much CPU again and gained little or no wall time
    on two cores: with the SQLite this Python links (Debian 12's 3.40.1, built with
    OMIT_LOOKASIDE and memory statistics on, so every allocation takes one process-wide mutex)
    two connections in two threads of one process ran one at a time, even with a core idle."""
    if store.path is None:
        yield store.query
        return
    try:
        conn = sqlite3.connect(f"{store.path.absolute().as_uri()}?mode=ro", uri=True,
                               check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.Error:
        yield store.query
        return
    try:
        yield partial(_conn_query, conn)
    finally:
        conn.close()


def _conn_query(conn: sqlite3.Connection, sql: str, params: Mapping[str, Any]
                ) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def month_figures(query: Query, p: MonthParams, *, root_limit: int = 10) -> dict[str, Any]:
    """Every count of one month's report by part name (JSON already parsed; rows of grouped
    parts are lists in the column order of their `json_array(…)`): one statement over the
    month's calls, one over their transfers, one for the root causes."""
    params: dict[str, Any] = {}
    calls_parts = _calls_parts(p, params)
    figures = _run(query, _month_ctes(p, params), calls_parts, params)
    params = {}
    transfer_ctes = _transfer_ctes(p, params)
    figures.update(_run(query, transfer_ctes, _transfer_parts(), params))
    figures["root_causes"] = _root_causes(query, p, root_limit)
    return figures


def _root_causes(query: Query, p: MonthParams, limit: int) -> list[list[Any]]:
    """The most repeated (product model, symptom) pairs of the month, seen at least twice
    (from the covering index `calls_problems`: the free text is not in `calls_report`)."""
    rows = query(
        """
        SELECT coalesce(product_model, '') AS model, symptom, count(*) AS n
        FROM calls INDEXED BY calls_problems
        WHERE started_at >= :lo AND started_at < :hi AND training = 0
          AND symptom IS NOT NULL AND symptom != ''
        GROUP BY 1, 2 HAVING count(*) >= 2
        ORDER BY n DESC, model, symptom LIMIT :limit
        """,
        {"lo": p.start, "hi": p.end, "limit": limit},
    )
    return [[r["model"], r["symptom"], r["n"]] for r in rows]


def trend_figures(query: Query, p: MonthParams) -> dict[str, Any]:
    """An earlier month's totals for trends and alerts: calls and complaints in one pass over
    `calls_report`, the average department response time from the sums of `call_facts` (the
    average of all the month's transfers: the same value as `avg`, exact integer sums divided
    once) without joining the month's calls with their transfers."""
    params: dict[str, Any] = {"lo": p.start, "hi": p.end}
    complaints = _in_list("cc", p.complaint_categories, params)
    return query(
        f"""
        SELECT count(*) AS calls,
               coalesce(sum(c.category IN {complaints}), 0) AS complaints,
               (SELECT CASE WHEN sum(resp_n) > 0 THEN sum(resp_s) * 1.0 / sum(resp_n) END
                  FROM call_facts
                 WHERE started_at >= :lo AND started_at < :hi AND training = 0)
                 AS response_avg_s
        FROM {MONTH_CALLS}
        """,
        params,
    )[0]


def agent_figures(query: Query, p: MonthParams, agents: Sequence[str]) -> list[list[Any]]:
    """The KPI counts of `agents` in an earlier month (rows as in `month_figures`' agents)."""
    if not agents:
        return []
    params: dict[str, Any] = {"lo": p.start, "hi": p.end}
    rows = query(f"{_agent_rows(p, params, agents)} ORDER BY agent", params)
    return [[row[c] for c in AGENT_COLUMNS] for row in rows]


def agent_names(query: Query) -> dict[str, str]:
    return {r["id"]: r["name"] or "" for r in query("SELECT id, name FROM agents", {})}
