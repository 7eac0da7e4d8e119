"""Drafts: the intake form of a call not yet saved, kept on this desk only.

A draft is written on every change of the form (debounced by the screen), so a closed terminal,
`kill -9` or a power cut loses at most the last keystroke. Drafts are desk-local: they never
become ops, never travel in a bundle and never enter the digest. Each belongs to the agent who
typed it; nobody else is ever offered it.
"""

from __future__ import annotations

from typing import Any

from hotline.store.core import Store
from hotline.store.text import clean


def save(
    store: Store, *, call_id: str, agent: str, number: str, data: str, updated_at: str
) -> None:
    """Insert or replace the draft of `call_id` (`data` is the form as JSON text)."""
    with store.transaction():
        store.conn.execute(
            "INSERT INTO drafts(call_id, agent, number, data, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(call_id) DO UPDATE SET agent = excluded.agent, number = excluded.number,"
            " data = excluded.data, updated_at = excluded.updated_at",
            (call_id, agent, number, clean(data), updated_at),
        )


def of_agent(store: Store, agent: str) -> list[dict[str, Any]]:
    """The drafts of one agent, newest first (index `drafts_agent`)."""
    return store.query(
        "SELECT call_id, agent, number, data, updated_at FROM drafts WHERE agent = ? "
        "ORDER BY updated_at DESC, call_id DESC",
        (agent,),
    )


def delete(store: Store, call_id: str) -> None:
    """Forget a draft; inside a caller's transaction this commits with the saved call."""
    with store.transaction():
        store.conn.execute("DELETE FROM drafts WHERE call_id = ?", (call_id,))
