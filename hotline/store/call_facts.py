"""`call_facts`: what the monthly report needs to know about a call from its transfers and
callbacks, kept up to date as they change, so a month reads it with its calls.

Without it, the report looked up, for each of a month's ~75,000 calls (1,000,000-call store), its
first department result in `transfers_report` and the first reached callback after it in
`followups_reached`, and joined the month's calls with their transfers again for each earlier
month's average response time (DESIGN.md section 6: the report within 1 s). A row per call with
at least one transfer (half the calls), keyed by the call's start so a month is one range:

- `first_result`: the earliest result time of its transfers, `'~'` (after any date) when one of
  them has none yet;
- `told_at`: the earliest callback that reached the customer at or after that result (only
  when `first_result` is a time);
- `resp_s`, `resp_n`: the sum and count of its transfers' response times in whole seconds
  (`unixepoch`), those with a result only.

Desk-local and derived, never synced: triggers on `calls`, `transfers` and `followups` (created
by migration `m010_call_facts`) recompute a call's row whenever one of those changes, on every
write path (`Store.write`, `Store.apply`, bundle import, the bulk paths) — as the search index
is kept. A bulk load drops those triggers with the others, so `bulk_load.restore_indexes` and
`Store.rebuild` fill the table again from scratch with `refill`; `mismatches` compares the
table with a fresh computation (tests, `doctor`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

TABLE = "call_facts"

COLUMNS = ("started_at", "id", "training", "first_result", "told_at", "resp_s", "resp_n")
"""In table order; (started_at, id) is the primary key."""


def select_facts(transfers: str) -> str:
    """The facts of the calls whose transfers `transfers` selects (`transfers`, or
    `transfers WHERE call_id = …`), as rows of `COLUMNS`. The triggers of migration
    `m010_call_facts` are made from it: change it only together with a new migration that
    makes them again (and refills the table)."""
    return f"""
        SELECT c.started_at AS started_at, c.id AS id, c.training AS training,
               t.first_result AS first_result,
               CASE WHEN t.first_result < '~' THEN
                 (SELECT min(f.done_at) FROM followups f
                   WHERE f.call_id = c.id AND f.reached = 1 AND f.done_at >= t.first_result)
               END AS told_at,
               t.resp_s AS resp_s, t.resp_n AS resp_n
        FROM (SELECT call_id, min(coalesce(result_at, '~')) AS first_result,
                     sum(unixepoch(result_at) - unixepoch(sent_at)) AS resp_s,
                     count(unixepoch(result_at) - unixepoch(sent_at)) AS resp_n
              FROM {transfers} GROUP BY call_id) AS t
        JOIN calls c ON c.id = t.call_id
        WHERE c.started_at IS NOT NULL"""


def exists(conn: sqlite3.Connection) -> bool:
    """Whether the store has the table yet (a store opened before its migration ran)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (TABLE,)).fetchone() is not None


def refill(conn: sqlite3.Connection) -> None:
    """Compute the whole table again from the calls, transfers and callbacks (in the caller's
    transaction): one grouped pass over `transfers_report` and a seek per transferred call."""
    if not exists(conn):
        return
    conn.execute(f"DELETE FROM {TABLE}")
    conn.execute(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)})"
                 f" {select_facts('transfers')} ORDER BY 1, 2")


def mismatches(conn: sqlite3.Connection, limit: int = 10) -> list[tuple[Any, ...]]:
    """Rows that differ between the table and a fresh computation (each side's rows that the
    other lacks), at most `limit`: empty when the table is right."""
    if not exists(conn):
        return []
    cols = ", ".join(COLUMNS)
    fresh = f"SELECT {cols} FROM ({select_facts('transfers')})"
    stored = f"SELECT {cols} FROM {TABLE}"
    return conn.execute(
        f"SELECT 'stored', * FROM ({stored} EXCEPT {fresh})"
        f" UNION ALL SELECT 'fresh', * FROM ({fresh} EXCEPT {stored}) LIMIT ?", (limit,),
    ).fetchall()
