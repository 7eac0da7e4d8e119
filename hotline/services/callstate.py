"""The call's state machine (DESIGN.md section 2): the one place where transitions are decided."""

from __future__ import annotations

from hotline.errors import InputRefused

NEW = "new"
RESOLVED = "resolved"
TRANSFERRED = "transferred"
AWAITING_CALLBACK = "awaiting_callback"
REOPENED = "reopened"
CLOSED = "closed"

STATUSES = (NEW, RESOLVED, TRANSFERRED, AWAITING_CALLBACK, REOPENED, CLOSED)
OPEN_STATUSES = (TRANSFERRED, AWAITING_CALLBACK, REOPENED)
"""Statuses that still wait on somebody: a department, a callback, a re-coordination."""

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({RESOLVED, TRANSFERRED}),
    RESOLVED: frozenset({CLOSED, REOPENED}),
    TRANSFERRED: frozenset({TRANSFERRED, AWAITING_CALLBACK, CLOSED}),
    AWAITING_CALLBACK: frozenset({CLOSED, REOPENED, AWAITING_CALLBACK}),
    REOPENED: frozenset({TRANSFERRED, RESOLVED, CLOSED}),
    CLOSED: frozenset({REOPENED}),
}


def check_transition(current: str, target: str) -> None:
    """Refuse an illegal transition with a message naming both states.

    Raises:
        InputRefused: `target` cannot follow `current`.
    """
    if target not in TRANSITIONS.get(current, frozenset()):
        raise InputRefused("call.bad_transition", current=current, target=target)
