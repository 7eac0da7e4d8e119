"""The call's state machine (DESIGN.md section 2): the one place where transitions are decided.

Which use case makes which transition (`services.calls` and `services.followup`):

- `take_call`: new → resolved | transferred (answered on the spot, or sent to a department)
- `transfer_call`: transferred | reopened → transferred (again: re-coordination keeps history)
- `record_result`: transferred → awaiting_callback (the department's result came back)
- `call_back`: awaiting_callback → closed (satisfied) | reopened (not satisfied) |
  awaiting_callback (customer not reached: another attempt is scheduled);
  resolved → closed | reopened (satisfaction asked right after an answer on the spot)
- `reopen`: resolved | awaiting_callback | closed → reopened
- `resolve`: reopened → resolved
- `close_by_supervisor`: transferred | awaiting_callback | reopened | resolved → closed, with a
  reason; closing a call nobody called back is a supervisor's decision (`SUPERVISOR_ONLY`).

`escalated` is a flag beside the status, not a state; `overdue` is derived from `due_at`.
"""

from __future__ import annotations

from hotline.errors import InputRefused, NotAllowed

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

SUPERVISOR_ONLY: frozenset[tuple[str, str]] = frozenset(
    {(TRANSFERRED, CLOSED), (REOPENED, CLOSED)}
)
"""Transitions only a supervisor may make: closing a call whose customer never heard back."""


def allowed(current: str, target: str, *, role: str | None = None) -> bool:
    """Whether `target` may follow `current` for someone with `role` (screens grey out keys)."""
    if target not in TRANSITIONS.get(current, frozenset()):
        return False
    return (current, target) not in SUPERVISOR_ONLY or role == "supervisor"


def check_transition(current: str, target: str, *, role: str | None = None) -> None:
    """Refuse an illegal transition with a message naming both states.

    Raises:
        InputRefused: `target` cannot follow `current`.
        NotAllowed: only a supervisor may make this transition.
    """
    if target not in TRANSITIONS.get(current, frozenset()):
        from hotline.i18n import t

        raise InputRefused(
            "call.bad_transition", current=t(f"status.{current}"), target=t(f"status.{target}")
        )
    if (current, target) in SUPERVISOR_ONLY and role != "supervisor":
        raise NotAllowed("followup.close_needs_supervisor")
