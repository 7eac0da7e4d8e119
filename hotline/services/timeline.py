"""A call's timeline in words: who did what, and when, from the ops that recorded it.

Built from `queries.timeline` (every op about the call, its transfers, callbacks and notes, in
HLC order — the same on every desk after sync), so nothing that happened can be missing. Ops
that only move a deadline or a bookkeeping field say nothing of their own; a reason written with
a change (a close, a reopen, an escalation…) is shown under that change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from hotline.i18n import current_locale, t
from hotline.services.clock import from_text
from hotline.services.desk import Desk
from hotline.store import queries
from hotline.store.hlc import wall_ms
from hotline.store.oplog import CREATE

SILENT_FIELDS = frozenset({
    "due_at", "callback_due_at", "updated_at", "department", "closed_at", "satisfaction",
    "reopen_count", "escalated_at", "ended_at", "duration_s", "confirmations", "extra",
    "customer_id", "desk", "agent", "number", "started_at", "training", "after_hours",
})
"""Call fields whose change is told by another event (a transfer, a callback) or by none."""
QUIET_STATUSES = frozenset({"transferred", "awaiting_callback"})
"""Statuses whose change the transfer or the department's result already tells."""


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a call's story."""

    at: datetime
    agent: str | None
    desk: str
    kind: str
    """taken, confirmed, transferred, result, callback, status, escalated, note, changed."""
    text: str
    detail: str = ""
    """What was said with it: a reason, a note, a result, the customer's words."""


def call_timeline(
    desk: Desk, call: dict[str, Any], locale: str | None = None
) -> list[TimelineEvent]:
    """The call's events, oldest first, in `locale` (default: the current one)."""
    builder = _Builder(desk, locale)
    for row in queries.timeline(desk.store, call["id"]):
        builder.add(row)
    # In the order things happened: a record written with later events in it (a seeded
    # transfer holds its answer) comes before what happened in between.
    return sorted(builder.events, key=lambda event: event.at)


class _Builder:
    def __init__(self, desk: Desk, locale: str | None) -> None:
        self.desk = desk
        self.locale = locale or current_locale()
        self.events: list[TimelineEvent] = []
        self.status: str | None = None
        self.priority: str | None = None
        self.transfers: dict[str, dict[str, Any]] = {}

    # -- words ------------------------------------------------------------------------------

    def t(self, key: str, **params: object) -> str:
        return t(key, self.locale, **params)

    def label(self, kind: str, value: str | None) -> str:
        if not value:
            return "-"
        try:
            return self.desk.config.label(kind, value, self.locale)
        except KeyError:
            return value

    def status_label(self, status: str | None) -> str:
        return self.t(f"status.{status}") if status else "-"

    def when(self, text: str | None) -> str:
        return self.desk.local(from_text(text)).strftime("%m-%d %H:%M") if text else "-"

    def field_label(self, name: str) -> str:
        for extra in self.desk.config.fields:
            if extra.id == name:
                return extra.label.text(self.locale)
        key = f"intake.field.{name}"
        label = self.t(key)
        return name if label == key else label

    # -- ops --------------------------------------------------------------------------------

    def add(self, row: dict[str, Any]) -> None:
        value = json.loads(row["value"]) if row["value"] is not None else None
        at = datetime.fromtimestamp(wall_ms(row["hlc"]) / 1000, UTC)
        who, desk_code = row["agent"], row["desk"]
        entity, field = row["entity"], row["field"]
        handler = getattr(self, f"_{entity}", None)
        if handler is not None:
            handler(row["entity_id"], field, value, at, who, desk_code)

    def emit(self, at: datetime, who: str | None, desk: str, kind: str, text: str,
             detail: str = "") -> None:
        self.events.append(TimelineEvent(at, who, desk, kind, text, detail))

    def _call(self, _id: str, field: str, value: Any, at: datetime, who: str | None,
              desk: str) -> None:
        if field == CREATE:
            self._taken(value, at, who, desk)
        elif field == "status":
            old, self.status = self.status, value
            if value not in QUIET_STATUSES:
                self.emit(at, who, desk, "status", self.t(
                    "timeline.status", old=self.status_label(old), new=self.status_label(value)))
        elif field == "escalated":
            if value:
                self.emit(at, who, desk, "escalated", self.t("timeline.escalated"))
        elif field == "priority":
            old, self.priority = self.priority, value
            self.emit(at, who, desk, "changed", self.t(
                "timeline.priority", old=self.label("priority", old),
                new=self.label("priority", value)))
        elif field not in SILENT_FIELDS:
            shown = self.label(field, value) if field in ("category", "channel") else value
            self.emit(at, who, desk, "changed", self.t(
                "timeline.changed", field=self.field_label(field), value=shown or "-"))

    def _taken(self, values: dict[str, Any], at: datetime, who: str | None, desk: str) -> None:
        """The call as saved at intake: taken when the form opened, then each key field read
        back and confirmed during the call."""
        self.status = values.get("status")
        self.priority = values.get("priority")
        started = _moment(values.get("started_at")) or at
        self.emit(started, who, desk, "taken", self.t(
            "timeline.taken", status=self.status_label(self.status),
            category=self.label("category", values.get("category")),
            priority=self.label("priority", self.priority)),
            str(values.get("symptom") or ""))
        confirmed = values.get("confirmations") or {}
        for name, mark in sorted(confirmed.items(), key=lambda kv: str(kv[1].get("at", ""))):
            mark_at = _moment(mark.get("at")) or at
            self.emit(mark_at, mark.get("by") or who, desk, "confirmed", self.t(
                "timeline.confirmed", field=self.field_label(name)), str(mark.get("value", "")))

    def _transfer(self, transfer_id: str, field: str, value: Any, at: datetime,
                  who: str | None, desk: str) -> None:
        if field == CREATE:
            self.transfers[transfer_id] = dict(value)
            department = self.label("department", value.get("department"))
            self.emit(_moment(value.get("sent_at")) or at, who, desk, "transferred", self.t(
                "timeline.transferred", department=department, due=self.when(value.get("due_at"))),
                str(value.get("reason") or ""))
            if value.get("result"):
                # Created with the department's answer already in it (`hotline seed`).
                self.emit(_moment(value.get("result_at")) or at, who, desk, "result", self.t(
                    "timeline.result", department=department,
                    by=value.get("result_by") or "-"), str(value["result"]))
            return
        record = self.transfers.setdefault(transfer_id, {})
        record[field] = value
        if field == "result":
            stored = self.desk.store.get("transfer", transfer_id) or {}
            self.emit(_moment(stored.get("result_at")) or at, who, desk, "result", self.t(
                "timeline.result", department=self.label("department", record.get("department")
                                                          or stored.get("department")),
                by=stored.get("result_by") or "-"), str(value or ""))

    def _followup(self, _id: str, field: str, value: Any, at: datetime, who: str | None,
                  desk: str) -> None:
        if field != CREATE:
            return
        when = _moment(value.get("done_at")) or at
        if value.get("reached"):
            text = self.t("timeline.callback_reached", attempt=value.get("attempt") or 1,
                          satisfaction=value.get("satisfaction") or "-")
        else:
            text = self.t("timeline.callback_unreached", attempt=value.get("attempt") or 1)
        self.emit(when, who, desk, "callback", text, str(value.get("result_told") or ""))

    def _note(self, _id: str, field: str, value: Any, at: datetime, who: str | None,
              desk: str) -> None:
        if field != CREATE:
            return
        kind = value.get("kind") or "note"
        text = str(value.get("text") or "")
        when = _moment(value.get("at")) or at
        last = self.events[-1] if self.events else None
        if kind != "note" and last is not None and last.agent == who and not last.detail \
                and last.kind in ("status", "escalated", "callback"):
            self.events[-1] = replace(last, detail=text)
            return
        self.emit(when, who, desk, "note", self.t(f"timeline.note_{kind}"), text)


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return from_text(text)
    except ValueError:
        return None
