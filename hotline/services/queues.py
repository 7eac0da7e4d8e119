"""The follow-up queues (F3): which tabs an agent sees, one page of a queue, and queue sizes.

A page is fetched by keyset on (deadline, id) — the `after` cursor of the page before — so the
tenth page of a million calls costs what the first page of a hundred does. Drafts are this
desk's unsaved intake forms of the signed-in agent (never synced), listed newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.services.desk import ROLES, Desk
from hotline.store import call_records, queries

DRAFTS = "drafts"
TABS = ("mine", "awaiting-department", "overdue", "callback-due", "reopened", "escalated", DRAFTS)
"""The tabs of the queues screen, in order (digits 1–7 pick them)."""
SUPERVISOR_TABS = frozenset({"escalated"})
"""Tabs only a supervisor sees: escalated complaints are theirs to settle."""
PAGE_SIZE = 50
COUNT_CAP = 1000
"""Queue sizes are counted up to this ("999+"), so a tab label never costs a full count."""


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue."""

    rows: list[dict[str, Any]]
    """Calls (or drafts, with `kind == "draft"`), in deadline order."""
    next_after: tuple[str, str] | None
    """The cursor of the page after this one; None on the last page."""


def tabs_for(desk: Desk) -> tuple[str, ...]:
    """The tabs the signed-in agent sees."""
    rank = ROLES.index(desk.role) if desk.role in ROLES else -1
    supervisor = rank >= ROLES.index("supervisor")
    return tuple(tab for tab in TABS if supervisor or tab not in SUPERVISOR_TABS)


def queue_page(
    desk: Desk, queue: str, *, after: tuple[str, str] | None = None, limit: int = PAGE_SIZE
) -> QueuePage:
    """The page of `queue` that starts after the cursor `after` (the first page: None)."""
    if queue == DRAFTS:
        return _drafts_page(desk, after, limit)
    if queue == "mine" and desk.agent is None:
        return QueuePage([], None)
    rows = queries.list_calls(desk.store, queue=queue, agent=desk.agent, now=desk.now_text(),
                              limit=limit + 1, after=after)
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (rows[-1]["due_at"] or "", rows[-1]["id"]) if more and rows else None
    return QueuePage(rows, cursor)


def queue_sizes(desk: Desk, tabs: tuple[str, ...]) -> dict[str, int]:
    """How many calls each tab holds, up to `COUNT_CAP`."""
    sizes: dict[str, int] = {}
    now = desk.now_text()
    for tab in tabs:
        if tab == DRAFTS:
            sizes[tab] = len(_drafts(desk))
        elif tab == "mine" and desk.agent is None:
            sizes[tab] = 0
        else:
            sizes[tab] = call_records.queue_size(desk.store, tab, agent=desk.agent, now=now,
                                                 cap=COUNT_CAP)
    return sizes


def _drafts(desk: Desk) -> list[Any]:
    try:
        from hotline.services.intake import load_drafts
    except ImportError:  # pragma: no cover - the intake service ships with hotline
        return []
    return load_drafts(desk)


def _drafts_page(desk: Desk, after: tuple[str, str] | None, limit: int) -> QueuePage:
    rows = []
    for draft in _drafts(desk):
        intake = draft.intake
        rows.append({
            "kind": "draft", "id": intake.call_id, "number": intake.number,
            "status": DRAFTS, "phone": intake.phone, "customer_name": intake.customer_name,
            "category": intake.category, "priority": intake.priority, "department": None,
            "due_at": None, "updated_at": draft.updated_at, "draft": intake,
        })
    start = 0
    if after is not None:
        ids = [r["id"] for r in rows]
        start = ids.index(after[1]) + 1 if after[1] in ids else len(rows)
    page = rows[start : start + limit]
    more = start + limit < len(rows)
    return QueuePage(page, ("", page[-1]["id"]) if more and page else None)
