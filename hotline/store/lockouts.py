"""Sign-in lockouts: wrong PINs in a row per agent code, kept on this desk only.

Desk-local on purpose: never ops, never in a bundle or the digest. A lockout answers somebody
guessing at this keyboard; syncing it would lock the agent out at desks nobody touched. Only the
code and times are stored, never what was typed.
"""

from __future__ import annotations

from typing import Any

from hotline.store.core import Store


def state(store: Store, code: str) -> dict[str, Any] | None:
    """The failure counter of `code`: failures, locked_until (UTC text or None), last_failure_at."""
    rows = store.query(
        "SELECT code, failures, locked_until, last_failure_at FROM signin_failures WHERE code = ?",
        (code,),
    )
    return rows[0] if rows else None


def record_failure(
    store: Store, code: str, *, at: str, max_attempts: int, lock_until: str
) -> tuple[int, str | None]:
    """Count one wrong PIN for `code` at `at`; the `max_attempts`-th in a row locks it.

    A lock that has run out (its `locked_until` is before `at`) starts a fresh count.

    Returns:
        (wrong PINs in a row now, locked_until when this failure locked the code else None).
    """
    with store.transaction():
        row = state(store, code)
        failures = int(row["failures"]) if row else 0
        if row and row["locked_until"] and row["locked_until"] <= at:
            failures = 0
        failures += 1
        locked = lock_until if failures >= max_attempts else None
        store.conn.execute(
            "INSERT INTO signin_failures(code, failures, locked_until, last_failure_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET failures = excluded.failures,"
            " locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at",
            (code, 0 if locked else failures, locked, at),
        )
    return failures, locked


def clear(store: Store, code: str) -> bool:
    """Forget `code`'s wrong PINs and lock (a right PIN, or a supervisor unlocking it).

    Returns:
        Whether there was anything to forget.
    """
    with store.transaction():
        cur = store.conn.execute("DELETE FROM signin_failures WHERE code = ?", (code,))
    return cur.rowcount > 0


def locked(store: Store, *, now: str) -> list[dict[str, Any]]:
    """Codes locked at `now`, soonest unlock first (for a supervisor's view)."""
    return store.query(
        "SELECT code, locked_until, last_failure_at FROM signin_failures "
        "WHERE locked_until > ? ORDER BY locked_until, code",
        (now,),
    )
