"""Calls: taken at intake, listed in queues, shown with their timeline."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hotline.errors import InputRefused
from hotline.services import callstate
from hotline.services.calendar import deadline, is_working_time
from hotline.services.clock import from_text, to_text
from hotline.services.customers import ensure_customer
from hotline.services.desk import Desk
from hotline.services.phones import normalize_phone
from hotline.store import queries
from hotline.store.ids import call_number, new_id

INTAKE_FIELDS = (
    "phone", "customer_name", "alt_phone", "channel", "product_model", "serial_no",
    "purchase_date", "symptom", "description", "category", "priority",
)
"""The built-in fields of the intake form; hotline.toml may add more (`[[fields]]`)."""


@dataclass
class CallIntake:
    """What the intake form holds when the agent saves."""

    phone: str
    symptom: str = ""
    product_model: str = ""
    customer_name: str = ""
    alt_phone: str = ""
    channel: str = "phone"
    serial_no: str = ""
    purchase_date: str = ""
    description: str = ""
    category: str = ""
    priority: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    confirmed: dict[str, dict[str, str]] = field(default_factory=dict)
    """Key field -> {"value", "by", "at"}: who read it back to the caller, and when."""
    started_at: str = ""
    number: str = ""
    call_id: str = ""
    training: bool = False
    """A drill call (the app in training mode): kept out of reports and queues."""

    def value(self, name: str) -> str:
        return str(getattr(self, name, None) or self.extra.get(name, ""))


def reserve_number(desk: Desk) -> tuple[str, str]:
    """A fresh call id and call number, shown as soon as the form opens."""
    day = desk.local().strftime("%Y%m%d")
    with desk.store.transaction():
        n = queries.next_call_number(desk.store, day)
    return new_id(), call_number(desk.store.desk, day, n)


def unconfirmed_fields(desk: Desk, intake: CallIntake) -> list[str]:
    """Key fields not read back, or changed since they were read back."""
    missing = []
    for name in desk.config.key_fields:
        mark = intake.confirmed.get(name)
        if mark is None or mark.get("value") != intake.value(name):
            missing.append(name)
    return missing


def take_call(desk: Desk, intake: CallIntake, *, status: str = callstate.RESOLVED) -> dict[str, Any]:
    """Save a call taken at the desk: customer found or created, call recorded, in one go.

    Raises:
        InputRefused: an invalid phone, an unknown category/priority/channel, a missing symptom,
            or key fields not confirmed (the message names every one of them).
    """
    config = desk.config
    phone = normalize_phone(intake.phone)
    if not intake.symptom.strip():
        raise InputRefused("intake.no_symptom")
    category = intake.category or config.default_category
    priority = intake.priority or config.default_priority
    if category not in {c.id for c in config.categories}:
        raise InputRefused("intake.bad_category", value=category)
    if priority not in {p.id for p in config.priorities}:
        raise InputRefused("intake.bad_priority", value=priority)
    if intake.channel not in {c.id for c in config.channels}:
        raise InputRefused("intake.bad_channel", value=intake.channel)
    missing = unconfirmed_fields(desk, intake)
    if missing:
        raise InputRefused("intake.unconfirmed", fields=", ".join(missing))
    callstate.check_transition(callstate.NEW, status)
    alt = normalize_phone(intake.alt_phone).stored if intake.alt_phone.strip() else ""
    now = desk.now()
    started = from_text(intake.started_at) if intake.started_at else now
    call_id, number = (intake.call_id, intake.number) if intake.number else reserve_number(desk)
    cat = config.category(category)
    due = deadline(config.calendar, started, cat.resolve_hours, desk.tz, business=False)
    with desk.store.transaction():
        customer = ensure_customer(desk, phone.stored, intake.customer_name)
        values: dict[str, Any] = {
            "number": number, "desk": desk.store.desk, "agent": desk.agent,
            "customer_id": customer["id"], "channel": intake.channel, "phone": phone.stored,
            "customer_name": intake.customer_name.strip(), "alt_phone": alt,
            "product_model": intake.product_model.strip(), "serial_no": intake.serial_no.strip(),
            "purchase_date": intake.purchase_date.strip(), "symptom": intake.symptom.strip(),
            "description": intake.description.strip(), "category": category,
            "priority": priority, "status": status, "due_at": to_text(due),
            "escalated": 0,
            "after_hours": 0 if is_working_time(config.calendar, started, desk.tz) else 1,
            "training": 1 if intake.training else 0, "started_at": to_text(started),
            "ended_at": to_text(now),
            "duration_s": max(0, int((now - started).total_seconds())),
            "confirmations": intake.confirmed, "extra": intake.extra, "reopen_count": 0,
            "updated_at": to_text(now),
        }
        if status == callstate.CLOSED:
            values["closed_at"] = to_text(now)
        desk.store.write(desk.agent, "call", call_id, values)
    return get_call(desk, number) or {}


def get_call(desk: Desk, number: str) -> dict[str, Any] | None:
    row = queries.call_by_number(desk.store, number.strip().upper())
    if row is None:
        return None
    for name in ("confirmations", "extra"):
        if row.get(name):
            row[name] = json.loads(row[name])
    return row


def show_call(desk: Desk, number: str) -> dict[str, Any]:
    """One call with its timeline (every op about it, oldest first).

    Raises:
        InputRefused: no call with that number.
    """
    row = get_call(desk, number)
    if row is None:
        raise InputRefused("call.not_found", number=number)
    events = []
    for op in queries.timeline(desk.store, row["id"]):
        events.append({
            "at": to_text(_hlc_time(op["hlc"])), "desk": op["desk"], "agent": op["agent"],
            "entity": op["entity"], "field": op["field"], "value": json.loads(op["value"]),
        })
    row["timeline"] = events
    return row


def _hlc_time(hlc: int) -> Any:
    from datetime import UTC, datetime

    from hotline.store.hlc import wall_ms

    return datetime.fromtimestamp(wall_ms(hlc) / 1000, UTC)


def list_calls(
    desk: Desk, *, status: str | None = None, queue: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Calls for `hotline calls list` and the queue screens.

    Raises:
        InputRefused: an unknown status or queue name.
    """
    if status is not None and status not in callstate.STATUSES:
        raise InputRefused("call.bad_status", value=status,
                           choices=", ".join(callstate.STATUSES))
    if queue is not None and queue not in (*queries.QUEUES, "conflicts"):
        raise InputRefused("call.bad_queue", value=queue,
                           choices=", ".join((*queries.QUEUES, "conflicts")))
    if limit < 1:
        raise InputRefused("call.bad_limit", value=limit)
    if queue == "conflicts":
        return desk.store.query(
            "SELECT c.id, c.number, c.status, c.agent, c.phone, c.customer_name, c.category,"
            " c.priority, c.department, c.product_model, c.symptom, c.started_at, c.due_at"
            " FROM conflicts f JOIN calls c ON c.id = f.entity_id WHERE f.entity = 'call'"
            " GROUP BY c.id ORDER BY c.started_at DESC LIMIT ?",
            (limit,),
        )
    return queries.list_calls(desk.store, status=status, queue=queue, agent=desk.agent,
                              now=desk.now_text(), limit=limit)


def home_figures(desk: Desk) -> dict[str, int]:
    d0, d1 = desk.today_bounds()
    return queries.home_figures(desk.store, day_start=d0, day_end=d1, now=desk.now_text())
