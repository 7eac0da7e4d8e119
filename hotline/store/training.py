"""The training (drill) store's bookkeeping, and reading the real store without touching it.

The training store is an ordinary store in its own file: drill calls are written there and
nowhere else. What the training desk needs from the real store is only its agents (so people
sign in with their own code and PIN), read through a read-only connection: opening the real
store normally could migrate it, and a drill must never change the real file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hotline.store.core import Store

TRAINING_KEY = "training"
REAL_STORE_KEY = "real_store"
AGENT_COLUMNS = ("id", "name", "role", "pin_hash", "active", "created_at")


def agents_of(path: Path) -> list[dict[str, Any]]:
    """Every agent row of the store at `path`, read without writing a byte to it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        cur = conn.execute(f"SELECT {', '.join(AGENT_COLUMNS)} FROM agents ORDER BY id")
        return [dict(zip(AGENT_COLUMNS, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()


def meta_of(path: Path, key: str) -> str | None:
    """One desk-local meta value of the store at `path`, read-only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def is_training(store: Store) -> bool:
    return store.meta(TRAINING_KEY) == "1"


def real_store_path(store: Store) -> Path | None:
    """The real store a training store was made beside (None for a real store)."""
    text = store.meta(REAL_STORE_KEY)
    return Path(text) if text else None
