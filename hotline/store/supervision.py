"""Read queries for the supervisor's tools: the site's figures by department and by agent, and
pages of the op log for the audit view.

Drill calls (`training = 1`) never count. Open calls are read through the partial indexes on
open statuses; per-agent counts through `calls_agent`; the audit pages through `ops_hlc` and
`ops_agent_hlc` (migration m005), so a page costs the same at any size of the op log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hotline.store.core import Store

OPEN_STATUSES = "status IN ('transferred', 'awaiting_callback', 'reopened')"
"""Repeated word for word from the partial indexes' WHERE, so SQLite uses them."""


def desk_calls_today(store: Store, desk: str, *, day_start: str, day_end: str) -> int:
    """Calls taken at `desk` in the local day [day_start, day_end) (stored UTC text)."""
    return int(
        store.scalar(
            "SELECT count(*) FROM calls WHERE started_at >= ? AND started_at < ? AND desk = ?"
            " AND NOT training",
            (day_start, day_end, desk),
        )
        or 0
    )


def open_by_department(store: Store, *, now: str) -> list[dict[str, Any]]:
    """Per department (None: not transferred yet): open calls and how many of them are overdue,
    most overdue first."""
    return store.query(
        f"""
        SELECT department, count(*) AS open, sum(due_at < :now) AS overdue
        FROM calls WHERE {OPEN_STATUSES} AND NOT training
        GROUP BY department ORDER BY overdue DESC, open DESC, department
        """,
        {"now": now},
    )


def agent_counts(store: Store, *, day_start: str, day_end: str) -> list[dict[str, Any]]:
    """Every active agent with their open calls and their calls of the local day."""
    return store.query(
        f"""
        SELECT a.id AS code, a.name, a.role,
          (SELECT count(*) FROM calls c WHERE c.agent = a.id AND c.{OPEN_STATUSES}
             AND NOT c.training) AS open,
          (SELECT count(*) FROM calls c WHERE c.agent = a.id AND c.started_at >= :d0
             AND c.started_at < :d1 AND NOT c.training) AS today
        FROM agents a WHERE a.active = 1 ORDER BY a.id
        """,
        {"d0": day_start, "d1": day_end},
    )


def ops_page(
    store: Store,
    *,
    agent: str | None = None,
    entity: str | None = None,
    since_hlc: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """The newest ops first, optionally one agent's, one entity kind's, or from an HLC on."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    if agent is not None:
        where.append("agent = :agent")
        params["agent"] = agent
    if entity is not None:
        where.append("entity = :entity")
        params["entity"] = entity
    if since_hlc is not None:
        where.append("hlc >= :since")
        params["since"] = since_hlc
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return store.query(
        "SELECT op_id, hlc, desk, agent, entity, entity_id, field, value FROM ops "
        f"{clause} ORDER BY hlc DESC, desk DESC, op_id DESC LIMIT :limit",
        params,
    )


def call_numbers(store: Store, entity_ids: Iterable[str]) -> dict[str, str]:
    """The call number each id belongs to: a call's own, or its call's for a transfer,
    follow-up or note (ids that belong to no call are left out)."""
    ids = sorted(set(entity_ids))
    found: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        rows = store.query(
            f"""
            SELECT id, number FROM calls WHERE id IN ({marks})
            UNION ALL SELECT t.id, c.number FROM transfers t JOIN calls c ON c.id = t.call_id
              WHERE t.id IN ({marks})
            UNION ALL SELECT f.id, c.number FROM followups f JOIN calls c ON c.id = f.call_id
              WHERE f.id IN ({marks})
            UNION ALL SELECT n.id, c.number FROM notes n JOIN calls c ON c.id = n.call_id
              WHERE n.id IN ({marks})
            """,
            chunk * 4,
        )
        found.update({r["id"]: r["number"] for r in rows if r["number"]})
    return found
