"""Follow-up: everything that happens to a call after intake, until the customer is satisfied.

Read top-down, the loop of the source rules (闭环管理) is: `transfer_call` sends the call to a
department with a reason and a deadline from its SLA on the working calendar; `record_result`
enters the department's answer, and the call waits for a callback; `call_back` tells the customer
and asks their satisfaction — satisfied closes the call, not satisfied `reopen`s it for another
transfer or a `resolve`; a customer who cannot be reached is tried again, then handed to the
supervisor. Beside the loop: `escalate` a major complaint (24 h to a solution), `add_note`, and
`close_by_supervisor` with a reason.

Every transition is decided by `callstate`, every deadline by `calendar`, every change is an op
(`Store.write`), and bad input is refused before anything is written. A call's `due_at` is always
its current deadline (the department's, the callback's, the escalation's — the tightest), so the
overdue queue is a plain `due_at < now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hotline.errors import InputRefused
from hotline.services import callstate
from hotline.services.calendar import deadline
from hotline.services.calls import CallIntake, get_call, take_call
from hotline.services.clock import from_text, to_text
from hotline.services.desk import Desk
from hotline.store import call_records
from hotline.store.ids import new_id

REASON_MAX = 500
"""Most characters of a transfer, escalation, reopen or close reason."""
TEXT_MAX = 2000
"""Most characters of a note, a department's result or a resolution."""
NAME_MAX = 60
"""Most characters of who reported a department's result."""
ETA_MAX_HOURS = 720
"""The longest handling time an agent may promise (30 days)."""

NOTE = "note"
NOTE_KINDS = (NOTE, "escalation", "close", "reopen", "resolution", "feedback")
"""Kinds of note: an agent's note, or the reason that went with a change of the call."""


# -- deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferDeadline:
    """When a department must answer, and which rule set it (shown in the transfer modal)."""

    at: datetime
    hours: float
    """The handling time counted (the department's SLA unless the agent gave another)."""
    business: bool
    """True when `hours` count working time only (the department keeps office hours)."""
    by_priority: bool
    """True when the priority's response time was tighter and set `at`."""


def transfer_deadline(
    desk: Desk,
    department: str,
    *,
    priority: str,
    hours: float | None = None,
    start: datetime | None = None,
) -> TransferDeadline:
    """The deadline of a transfer made now (or at `start`).

    The department's SLA (or the agent's `hours`) counted on the working calendar when the
    department keeps office hours, and never later than the priority's response time (urgent
    ≤ 24 h), counted the same way: a department that is closed at night cannot answer at night,
    so an after-hours transfer is due from the next working period whatever its priority.

    Raises:
        InputRefused: an unknown department or priority, or hours out of range.
    """
    config = desk.config
    dept = _department(desk, department)
    prio = _priority(desk, priority)
    if hours is not None and not 0 < hours <= ETA_MAX_HOURS:
        raise InputRefused("followup.bad_hours", value=hours, most=ETA_MAX_HOURS)
    begin = start or desk.now()
    counted = float(hours if hours is not None else dept.sla_hours)
    try:
        due = deadline(config.calendar, begin, counted, desk.tz, business=dept.business_hours)
    except ValueError as exc:  # a calendar with no working hours at all
        raise InputRefused("followup.no_working_time") from exc
    by_priority = False
    if prio.respond_hours is not None:
        promised = deadline(config.calendar, begin, prio.respond_hours, desk.tz,
                            business=dept.business_hours)
        if promised < due:
            due, by_priority = promised, True
    return TransferDeadline(due, counted, dept.business_hours, by_priority)


def escalation_deadline(desk: Desk, call: dict[str, Any]) -> datetime | None:
    """The solution deadline of an escalated call, until a close settles the escalation."""
    escalated_at = call.get("escalated_at")
    if not call.get("escalated") or not escalated_at:
        return None
    closed_at = call.get("closed_at")
    if closed_at and closed_at >= escalated_at:
        return None
    return from_text(escalated_at) + timedelta(hours=desk.config.followup.escalation_hours)


def _current_due(desk: Desk, call: dict[str, Any], due: datetime) -> str:
    """`due`, or the escalation's deadline when that comes first."""
    escalated = escalation_deadline(desk, call)
    return to_text(min(due, escalated) if escalated is not None else due)


# -- transfer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferChoice:
    """What the agent chose in the transfer modal."""

    department: str
    reason: str
    hours: float | None = None
    """Expected handling time the agent gave, when not the department's SLA."""
    priority: str | None = None
    """A new priority for the call, when the agent changed it."""


def check_transfer(desk: Desk, choice: TransferChoice, *, priority: str) -> TransferDeadline:
    """Validate a transfer before it is made (the modal asks before it closes).

    Returns:
        The deadline the transfer would get now.

    Raises:
        InputRefused: what `transfer_call` would refuse about the choice itself.
    """
    _required(choice.reason, "followup.no_reason", REASON_MAX)
    return transfer_deadline(desk, choice.department, priority=choice.priority or priority,
                             hours=choice.hours)


def transfer_call(
    desk: Desk,
    number: str,
    department: str,
    reason: str,
    *,
    priority: str | None = None,
    hours: float | None = None,
) -> dict[str, Any]:
    """Send a call to a department (again, after a reopen or to re-coordinate: history is kept).

    Returns:
        The call as it is now.

    Raises:
        InputRefused: no such call, an unknown department or priority, no reason, a reason
            too long, hours out of range, or a call that cannot be transferred now.
        NotAllowed: an agent changing the priority of an escalated call.
    """
    call = _load(desk, number)
    reason = _required(reason, "followup.no_reason", REASON_MAX)
    prio = priority or call["priority"] or desk.config.default_priority
    callstate.check_transition(call["status"], callstate.TRANSFERRED, role=desk.role)
    if call["escalated"] and priority and priority != call["priority"]:
        desk.require("supervisor")  # an escalated complaint's priority is the supervisor's call
    now = desk.now()
    due = transfer_deadline(desk, department, priority=prio, hours=hours, start=now)
    values: dict[str, Any] = {
        "status": callstate.TRANSFERRED, "department": department,
        "due_at": _current_due(desk, call, due.at), "callback_due_at": None,
        "updated_at": to_text(now),
    }
    if priority:
        values["priority"] = prio
    with desk.store.transaction():
        desk.store.write(desk.agent, "transfer", new_id(), {
            "call_id": call["id"], "department": department, "reason": reason,
            "priority": prio, "sent_at": to_text(now), "due_at": to_text(due.at),
            "agent": desk.agent,
        })
        desk.store.write(desk.agent, "call", call["id"], values)
    return _load(desk, number)


def take_transferred_call(desk: Desk, intake: CallIntake, choice: TransferChoice) -> dict[str, Any]:
    """Save a call from the intake form straight to a department, in one transaction.

    The intake screen passes this to `finish_intake` (F8 on the form): either the call and its
    transfer are both saved, or neither is.

    Raises:
        InputRefused: whatever `take_call` or `transfer_call` refuses.
    """
    check_transfer(desk, choice, priority=intake.priority or desk.config.default_priority)
    with desk.store.transaction():
        call = take_call(desk, intake, status=callstate.TRANSFERRED)
        return transfer_call(desk, call["number"], choice.department, choice.reason,
                             priority=choice.priority, hours=choice.hours)


def record_result(desk: Desk, number: str, result_text: str, *, reported_by: str) -> dict[str, Any]:
    """The department's answer came back: record it; the customer is now owed a callback.

    The first callback attempt is due at once; the callback must be made within
    `followup.callback_hours` (the call's deadline meanwhile).

    Raises:
        InputRefused: no such call, no open transfer, an empty or too long result or reporter.
    """
    call = _load(desk, number)
    transfer = call_records.latest_transfer(desk.store, call["id"])
    if call["status"] != callstate.TRANSFERRED or transfer is None or transfer["result_at"]:
        raise InputRefused("followup.no_open_transfer", number=call["number"])
    result = _required(result_text, "followup.no_result", TEXT_MAX)
    reporter = _required(reported_by, "followup.no_reporter", NAME_MAX)
    callstate.check_transition(call["status"], callstate.AWAITING_CALLBACK, role=desk.role)
    now = desk.now()
    callback_by = now + timedelta(hours=desk.config.followup.callback_hours)
    with desk.store.transaction():
        desk.store.write(desk.agent, "transfer", transfer["id"], {
            "result": result, "result_by": reporter, "result_at": to_text(now),
        })
        desk.store.write(desk.agent, "call", call["id"], {
            "status": callstate.AWAITING_CALLBACK, "callback_due_at": to_text(now),
            "due_at": _current_due(desk, call, callback_by), "updated_at": to_text(now),
        })
    return _load(desk, number)


# -- callback ---------------------------------------------------------------------------------


def call_back(
    desk: Desk,
    number: str,
    *,
    reached: bool,
    result_told: str = "",
    satisfaction: int | None = None,
    comment: str = "",
) -> dict[str, Any]:
    """One callback attempt: the customer hears the result and rates it 1–5.

    Reached and satisfied (≥ `satisfaction.threshold`) closes the call; reached and not satisfied
    reopens it (`comment`: what they were unhappy with). Not reached schedules another attempt
    after `followup.callback_retry_minutes`; after `followup.callback_max_attempts` failed
    attempts the call goes to the supervisor (escalated). A resolved call (answered on the spot,
    or after a reopen) takes the satisfaction question the same way.

    Raises:
        InputRefused: no such call, a call not waiting for a callback, a missing or out-of-range
            satisfaction, a satisfaction for a customer not reached, text too long.
    """
    call = _load(desk, number)
    status = call["status"]
    if status not in (callstate.AWAITING_CALLBACK, callstate.RESOLVED):
        raise InputRefused("followup.no_callback_due", number=call["number"])
    told = _optional(result_told, TEXT_MAX)
    remark = _optional(comment, TEXT_MAX)
    if reached:
        if satisfaction is None or not 1 <= int(satisfaction) <= 5:
            raise InputRefused("followup.bad_satisfaction", value=satisfaction)
        satisfied = satisfaction >= desk.config.satisfaction.threshold
        target = callstate.CLOSED if satisfied else callstate.REOPENED
        callstate.check_transition(status, target, role=desk.role)
    elif satisfaction is not None:
        raise InputRefused("followup.satisfaction_unreached")
    now = desk.now()
    transfer = call_records.latest_transfer(desk.store, call["id"])
    since = (transfer or {}).get("result_at") or ""
    attempts, failed = call_records.callback_attempts(desk.store, call["id"], since)
    values: dict[str, Any] = {"updated_at": to_text(now)}
    if reached:
        values.update({"status": target, "satisfaction": satisfaction, "callback_due_at": None})
        if target == callstate.CLOSED:
            values["closed_at"] = to_text(now)
        else:
            values["reopen_count"] = int(call["reopen_count"] or 0) + 1
            values["due_at"] = _reopen_due(desk, call, now)
    elif status == callstate.AWAITING_CALLBACK:
        if failed + 1 >= desk.config.followup.callback_max_attempts:
            # Tried enough: the supervisor decides (try another number, close with a reason).
            if escalation_deadline(desk, call) is None:
                values.update(_escalation_values(desk, call, now))
            values["callback_due_at"] = None
        else:
            retry = now + timedelta(minutes=desk.config.followup.callback_retry_minutes)
            values["callback_due_at"] = to_text(retry)
    with desk.store.transaction():
        desk.store.write(desk.agent, "followup", new_id(), {
            "call_id": call["id"], "kind": "callback",
            "due_at": call["callback_due_at"] or to_text(now), "attempt": attempts + 1,
            "reached": 1 if reached else 0, "result_told": told,
            "satisfaction": satisfaction if reached else None, "agent": desk.agent,
            "done_at": to_text(now),
        })
        desk.store.write(desk.agent, "call", call["id"], values)
        if remark:
            _write_note(desk, call["id"], remark, "feedback", now)
    return _load(desk, number)


# -- re-coordination --------------------------------------------------------------------------


def reopen(desk: Desk, number: str, reason: str) -> dict[str, Any]:
    """Open a call again (the customer is still not helped), for another transfer or a resolve.

    Raises:
        InputRefused: no such call, no reason, or a call that cannot be reopened now.
    """
    call = _load(desk, number)
    text = _required(reason, "followup.no_reason", REASON_MAX)
    callstate.check_transition(call["status"], callstate.REOPENED, role=desk.role)
    now = desk.now()
    with desk.store.transaction():
        desk.store.write(desk.agent, "call", call["id"], {
            "status": callstate.REOPENED, "reopen_count": int(call["reopen_count"] or 0) + 1,
            "callback_due_at": None, "due_at": _reopen_due(desk, call, now),
            "updated_at": to_text(now),
        })
        _write_note(desk, call["id"], text, "reopen", now)
    return _load(desk, number)


def resolve(desk: Desk, number: str, resolution: str) -> dict[str, Any]:
    """A reopened call settled by the agent (no department needed this time): what was done.

    The customer's satisfaction is then asked with `call_back`.

    Raises:
        InputRefused: no such call, no resolution text, or a call that is not reopened.
    """
    call = _load(desk, number)
    text = _required(resolution, "followup.no_resolution", TEXT_MAX)
    callstate.check_transition(call["status"], callstate.RESOLVED, role=desk.role)
    now = desk.now()
    with desk.store.transaction():
        desk.store.write(desk.agent, "call", call["id"], {
            "status": callstate.RESOLVED, "callback_due_at": None, "updated_at": to_text(now),
        })
        _write_note(desk, call["id"], text, "resolution", now)
    return _load(desk, number)


def escalate(desk: Desk, number: str, reason: str) -> dict[str, Any]:
    """A major complaint goes to the supervisor's queue, with 24 h to give a solution
    (`followup.escalation_hours`, on the clock; an earlier deadline of the call stays).

    Raises:
        InputRefused: no such call, no reason, a closed call, or one escalated already.
    """
    call = _load(desk, number)
    text = _required(reason, "followup.no_reason", REASON_MAX)
    if call["status"] == callstate.CLOSED:
        raise InputRefused("followup.escalate_closed", number=call["number"])
    if escalation_deadline(desk, call) is not None:
        raise InputRefused("followup.already_escalated", number=call["number"])
    now = desk.now()
    with desk.store.transaction():
        desk.store.write(desk.agent, "call", call["id"], {
            **_escalation_values(desk, call, now), "updated_at": to_text(now),
        })
        _write_note(desk, call["id"], text, "escalation", now)
    return _load(desk, number)


def close_by_supervisor(desk: Desk, number: str, reason: str) -> dict[str, Any]:
    """A supervisor closes a call the loop could not close (customer unreachable, a dispute
    settled elsewhere…), saying why.

    Raises:
        NotAllowed: the signed-in agent is not a supervisor.
        InputRefused: no such call, no reason, or a call closed already.
    """
    desk.require("supervisor")
    call = _load(desk, number)
    text = _required(reason, "followup.no_reason", REASON_MAX)
    callstate.check_transition(call["status"], callstate.CLOSED, role=desk.role)
    now = desk.now()
    with desk.store.transaction():
        desk.store.write(desk.agent, "call", call["id"], {
            "status": callstate.CLOSED, "closed_at": to_text(now), "callback_due_at": None,
            "updated_at": to_text(now),
        })
        _write_note(desk, call["id"], text, "close", now)
    return _load(desk, number)


def add_note(desk: Desk, number: str, text: str) -> dict[str, Any]:
    """A note on the call's timeline (append-only: a note is never edited).

    Returns:
        The note written.

    Raises:
        InputRefused: no such call, an empty or too long note.
    """
    call = _load(desk, number)
    body = _required(text, "followup.no_note", TEXT_MAX)
    note_id = _write_note(desk, call["id"], body, NOTE, desk.now())
    return desk.store.get("note", note_id) or {}


# -- helpers ----------------------------------------------------------------------------------


def _load(desk: Desk, number: str) -> dict[str, Any]:
    call = get_call(desk, number)
    if call is None:
        raise InputRefused("call.not_found", number=number)
    return call


def _department(desk: Desk, department: str) -> Any:
    try:
        return desk.config.department(department)
    except KeyError:
        raise InputRefused("followup.bad_department", value=department) from None


def _priority(desk: Desk, priority: str) -> Any:
    try:
        return desk.config.priority(priority)
    except KeyError:
        raise InputRefused("intake.bad_priority", value=priority) from None


def _required(text: str, missing_key: str, most: int) -> str:
    value = (text or "").strip()
    if not value:
        raise InputRefused(missing_key)
    if len(value) > most:
        raise InputRefused("followup.too_long", length=len(value), most=most)
    return value


def _optional(text: str, most: int) -> str:
    value = (text or "").strip()
    if len(value) > most:
        raise InputRefused("followup.too_long", length=len(value), most=most)
    return value


def _reopen_due(desk: Desk, call: dict[str, Any], now: datetime) -> str:
    """A reopened call is due again within its category's resolve time."""
    hours = desk.config.category(call["category"]).resolve_hours if call["category"] else 24
    return _current_due(desk, call, now + timedelta(hours=hours))


def _escalation_values(desk: Desk, call: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The fields that put a call in the supervisor's queue with the escalation deadline."""
    escalated_due = now + timedelta(hours=desk.config.followup.escalation_hours)
    current = call.get("due_at")
    still_open = call["status"] in callstate.OPEN_STATUSES and current
    due = min(from_text(current), escalated_due) if still_open else escalated_due
    return {"escalated": 1, "escalated_at": to_text(now), "due_at": to_text(due)}


def _write_note(desk: Desk, call_id: str, text: str, kind: str, now: datetime) -> str:
    note_id = new_id()
    desk.store.write(desk.agent, "note", note_id, {
        "call_id": call_id, "agent": desk.agent, "text": text, "at": to_text(now), "kind": kind,
    })
    return note_id
