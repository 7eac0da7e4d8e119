"""Read queries the services need, written against the indexes of `schema`.

Queues use keyset pagination on (due_at, id) over the partial index `calls_open_due`, so a page
costs the same at 1,000 or 1,000,000 calls.
"""

from __future__ import annotations

from typing import Any

from hotline.store.core import Store

OPEN = ("transferred", "awaiting_callback", "reopened")

_OPEN_SQL = "status IN ('transferred', 'awaiting_callback', 'reopened')"
_WAITING_SQL = "status != 'closed' AND status != 'resolved'"

QUEUES: dict[str, str] = {
    "mine": f"agent = :agent AND {_OPEN_SQL}",
    "awaiting-department": f"status = 'transferred' AND {_WAITING_SQL}",
    "overdue": f"{_OPEN_SQL} AND due_at < :now",
    "callback-due": f"status = 'awaiting_callback' AND {_WAITING_SQL} AND callback_due_at <= :now",
    "reopened": f"status = 'reopened' AND {_WAITING_SQL}",
    "escalated": "escalated = 1 AND status != 'closed'",
}
"""Each follow-up queue as a condition on `calls` (conflicts are listed from their own table).

Each condition states the WHERE of the partial covering index that serves it word for word
(`schema.m008_followup_queue_indexes`: `calls_mine_due`, `calls_status_due`, `calls_queue_due`,
`calls_escalated_due`; the redundant `status != …` terms are that): SQLite uses a partial index
only when the query repeats its condition, and without one a queue page scans the table (0.5 s
at 1 M calls instead of 0.2 ms). The overdue queue must not match `calls_status_due`, which
would read three status ranges and sort them."""

LIST_COLUMNS = (
    "id, number, status, agent, phone, customer_name, category, priority, department, "
    "product_model, symptom, started_at, due_at, callback_due_at, escalated, after_hours"
)


def list_calls(
    store: Store,
    *,
    status: str | None = None,
    queue: str | None = None,
    agent: str | None = None,
    now: str = "",
    limit: int = 50,
    after: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Calls, newest first; a queue instead lists by deadline, oldest deadline first.

    `after` is the keyset cursor of the previous page: (started_at, id) for the plain list,
    (due_at, id) for a queue.
    """
    where: list[str] = ["training = 0"]
    params: dict[str, Any] = {"agent": agent, "now": now, "limit": limit}
    if status:
        where.append("status = :status")
        params["status"] = status
    if queue:
        where.append(QUEUES[queue])
        if after:
            where.append("(due_at, id) > (:k1, :k2)")
            params["k1"], params["k2"] = after
        order = "due_at, id"
    else:
        if after:
            where.append("(started_at, id) < (:k1, :k2)")
            params["k1"], params["k2"] = after
        order = "started_at DESC, id DESC"
    sql = (
        f"SELECT {LIST_COLUMNS} FROM calls WHERE {' AND '.join(f'({w})' for w in where)} "
        f"ORDER BY {order} LIMIT :limit"
    )
    return store.query(sql, params)


def call_by_number(store: Store, number: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM calls WHERE number = ?", (number,))
    return rows[0] if rows else None


def home_figures(store: Store, *, day_start: str, day_end: str, now: str) -> dict[str, int]:
    """The figures on the home screen: calls today, open, overdue, callbacks due, escalated."""
    row = store.query(
        """
        SELECT
          (SELECT count(*) FROM calls WHERE started_at >= :d0 AND started_at < :d1
             AND NOT training) AS today,
          (SELECT count(*) FROM calls WHERE status IN ('transferred','awaiting_callback','reopened')
             AND NOT training) AS open,
          (SELECT count(*) FROM calls WHERE status IN ('transferred','awaiting_callback','reopened')
             AND due_at < :now AND NOT training) AS overdue,
          (SELECT count(*) FROM calls WHERE status = 'awaiting_callback' AND status != 'closed'
             AND callback_due_at <= :now AND NOT training) AS callback_due,
          (SELECT count(*) FROM calls WHERE escalated = 1 AND status != 'closed'
             AND NOT training) AS escalated,
          (SELECT count(*) FROM conflicts) AS conflicts
        """,
        {"d0": day_start, "d1": day_end, "now": now},
    )[0]
    return {k: int(v or 0) for k, v in row.items()}


def next_call_number(store: Store, day: str) -> int:
    """Reserve the next number of `day` (YYYYMMDD) for this desk; call inside a transaction.

    The counter is desk-local, so drafts opened in two app instances never share a number.
    """
    prefix = f"{store.desk}-{day}-"
    used = store.scalar(
        "SELECT max(number) FROM calls WHERE number >= ? AND number < ?", (prefix, prefix + "~")
    )
    last_used = int(used.rsplit("-", 1)[1]) if used else 0
    counter = store.scalar("SELECT last FROM number_counters WHERE day = ?", (day,)) or 0
    n = max(last_used, counter) + 1
    store.conn.execute(
        "INSERT INTO number_counters(day, last) VALUES (?, ?) "
        "ON CONFLICT(day) DO UPDATE SET last = excluded.last",
        (day, n),
    )
    return n


def timeline(store: Store, call_id: str) -> list[dict[str, Any]]:
    """Every op about a call and its transfers, follow-ups and notes, in HLC order."""
    return store.query(
        """
        SELECT op_id, hlc, desk, agent, entity, entity_id, field, value FROM ops
        WHERE entity_id = :id
           OR entity_id IN (SELECT id FROM transfers WHERE call_id = :id)
           OR entity_id IN (SELECT id FROM followups WHERE call_id = :id)
           OR entity_id IN (SELECT id FROM notes WHERE call_id = :id)
        ORDER BY hlc, desk, op_id
        """,
        {"id": call_id},
    )


# -- caller lookup (the intake side panel; DESIGN.md section 6: <= 2 ms p95) ------------------

CALLER_CALL_COLUMNS = (
    "id, number, status, started_at, product_model, symptom, category, department, due_at"
)


def customer_by_id(store: Store, customer_id: str) -> dict[str, Any] | None:
    """One customer by primary key (ids derive from the phone, so this is the exact lookup)."""
    rows = store.query(
        "SELECT id, phone, name, alt_phone, tags, merged_into FROM customers WHERE id = ?",
        (customer_id,),
    )
    return rows[0] if rows else None


def customers_by_phone_prefix(store: Store, prefix: str, limit: int) -> list[dict[str, Any]]:
    """Customers whose stored (E.164) phone starts with `prefix` (index `customers_phone`)."""
    return store.query(
        "SELECT id, phone, name, tags FROM customers WHERE phone >= ? AND phone < ? "
        "ORDER BY phone LIMIT ?",
        (prefix, prefix + "~", limit),
    )


def calls_of_customer(store: Store, customer_id: str, limit: int) -> list[dict[str, Any]]:
    """A customer's latest calls, newest first (index `calls_customer`)."""
    return store.query(
        f"SELECT {CALLER_CALL_COLUMNS} FROM calls WHERE customer_id = ? "
        "ORDER BY started_at DESC LIMIT ?",
        (customer_id, limit),
    )


def count_calls_of_customer(store: Store, customer_id: str) -> int:
    return int(store.scalar("SELECT count(*) FROM calls WHERE customer_id = ?", (customer_id,)))


def open_call_of_customer(store: Store, customer_id: str) -> dict[str, Any] | None:
    """The customer's newest call still waiting on somebody (transferred, callback, reopened)."""
    rows = store.query(
        f"SELECT {CALLER_CALL_COLUMNS} FROM calls WHERE customer_id = ? "
        f"AND status IN ({', '.join(repr(s) for s in OPEN)}) "
        "ORDER BY started_at DESC LIMIT 1",
        (customer_id,),
    )
    return rows[0] if rows else None


def calls_of_customer_since(
    store: Store, customer_id: str, since: str, limit: int = 50
) -> list[dict[str, Any]]:
    """A customer's calls started at or after `since`, newest first (repeat-caller check)."""
    return store.query(
        f"SELECT {CALLER_CALL_COLUMNS} FROM calls WHERE customer_id = ? AND started_at >= ? "
        "ORDER BY started_at DESC LIMIT ?",
        (customer_id, since, limit),
    )
