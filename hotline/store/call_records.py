"""Read queries about one call's follow-up records: its transfers, callback attempts and notes,
and the sizes of the follow-up queues (the tabs of the queues screen)."""

from __future__ import annotations

from typing import Any

from hotline.store.core import Store
from hotline.store.queries import QUEUES


def transfers_of(store: Store, call_id: str) -> list[dict[str, Any]]:
    """Every transfer of a call, oldest first (a re-coordinated call has several)."""
    return store.query(
        "SELECT * FROM transfers WHERE call_id = ? ORDER BY sent_at, id", (call_id,)
    )


def latest_transfer(store: Store, call_id: str) -> dict[str, Any] | None:
    rows = store.query(
        "SELECT * FROM transfers WHERE call_id = ? ORDER BY sent_at DESC, id DESC LIMIT 1",
        (call_id,),
    )
    return rows[0] if rows else None


def callback_attempts(store: Store, call_id: str, since: str) -> tuple[int, int]:
    """(attempts, of which not reached) of the callbacks made at or after `since`."""
    row = store.query(
        "SELECT count(*) AS attempts, coalesce(sum(reached = 0), 0) AS failed FROM followups "
        "WHERE call_id = ? AND kind = 'callback' AND done_at >= ?",
        (call_id, since),
    )[0]
    return int(row["attempts"]), int(row["failed"])


def followups_of(store: Store, call_id: str) -> list[dict[str, Any]]:
    return store.query(
        "SELECT * FROM followups WHERE call_id = ? ORDER BY done_at, id", (call_id,)
    )


def notes_of(store: Store, call_id: str) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM notes WHERE call_id = ? ORDER BY at, id", (call_id,))


def queue_size(store: Store, queue: str, *, agent: str | None, now: str, cap: int) -> int:
    """How many calls a queue holds, counted up to `cap` (a tab label says "999+" rather than
    count a million rows each minute)."""
    return int(
        store.scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM calls WHERE (training = 0) "
            f"AND ({QUEUES[queue]}) LIMIT :cap)",
            {"agent": agent, "now": now, "cap": cap},
        )
    )
