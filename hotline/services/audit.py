"""The audit view: who did what, when, on which desk, read from the op log.

Every change to shared state is an op that names the agent signed in when it was written, so
the audit needs no table of its own: it turns ops into sentences a supervisor can read
(D01-20261125-0001, 李明: "took the call (resolved)"). A PIN hash is never shown, not even masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from hotline.errors import InputRefused
from hotline.i18n import t
from hotline.services.clock import from_text, to_text
from hotline.services.desk import Desk
from hotline.store import hlc
from hotline.store.oplog import CREATE
from hotline.store.schema import ENTITIES
from hotline.store.supervision import call_numbers, ops_page

DEFAULT_LIMIT = 100
MAX_LIMIT = 5000
VALUE_CHARS = 40
"""A value longer than this is cut in the sentence (the op log keeps all of it)."""
SECRET_FIELDS = frozenset({"pin_hash"})
"""Fields whose value never leaves the store through the audit (the sentence says "PIN set")."""
_LABELLED = {"category": "category", "priority": "priority", "department": "department",
             "channel": "channel"}


@dataclass(frozen=True)
class AuditEntry:
    """One op as the audit shows it."""

    op_id: str
    at: datetime
    """When it was written (the wall-clock part of its HLC), UTC."""
    desk: str
    agent: str | None
    entity: str
    entity_id: str
    field: str
    subject: str
    """What it was about, as people name it: a call number, an agent code, "site"."""
    text: str
    """The sentence, in the desk's locale."""

    def as_json(self) -> dict[str, Any]:
        return {"op_id": self.op_id, "at": to_text(self.at), "desk": self.desk,
                "agent": self.agent, "entity": self.entity, "entity_id": self.entity_id,
                "field": self.field, "subject": self.subject, "text": self.text}


def audit_log(
    desk: Desk,
    *,
    agent: str | None = None,
    entity: str | None = None,
    since: datetime | str | None = None,
    limit: int = DEFAULT_LIMIT,
    locale: str | None = None,
) -> list[AuditEntry]:
    """The newest ops first, as readable entries.

    Supervisors see everyone's; any other agent only their own (`agent` = themselves).

    Args:
        agent: only this agent's ops.
        entity: only ops on this kind of record ("call", "agent", "notice"…).
        since: only ops from this moment on (a datetime, or a local date "2026-11-25").
        limit: at most this many entries (1 to `MAX_LIMIT`).
        locale: the language of the sentences (default: the desk's).

    Raises:
        NotAllowed: an agent who is not a supervisor asked for somebody else's ops.
        InputRefused: an unknown entity, a bad date or a limit out of range.
    """
    who = agent.strip().upper() if agent else None
    if who is None or who != desk.agent:
        desk.require("supervisor")
    if entity is not None and entity not in ENTITIES:
        raise InputRefused("audit.bad_entity", value=entity, choices=", ".join(ENTITIES))
    if not 1 <= limit <= MAX_LIMIT:
        raise InputRefused("audit.bad_limit", value=limit, max=MAX_LIMIT)
    since_hlc = hlc.pack(int(_since(desk, since).timestamp() * 1000)) if since else None
    rows = ops_page(desk.store, agent=who, entity=entity, since_hlc=since_hlc, limit=limit)
    numbers = call_numbers(
        desk.store,
        (r["entity_id"] for r in rows if r["entity"] in ("call", "transfer", "followup", "note")),
    )
    loc = locale or desk.config.site.locale
    return [_entry(desk, row, numbers, loc) for row in rows]


def _since(desk: Desk, since: datetime | str) -> datetime:
    if isinstance(since, datetime):
        return since
    try:
        day = datetime.strptime(since.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InputRefused("audit.bad_since", value=since) from None
    return datetime.combine(day, time(0), tzinfo=desk.tz)


def _entry(desk: Desk, row: dict[str, Any], numbers: dict[str, str], loc: str) -> AuditEntry:
    value = json.loads(row["value"]) if row["value"] is not None else None
    entity, field = row["entity"], row["field"]
    subject = _subject(entity, row["entity_id"], value, numbers)
    return AuditEntry(
        op_id=row["op_id"],
        at=datetime.fromtimestamp(hlc.wall_ms(row["hlc"]) / 1000, UTC),
        desk=row["desk"], agent=row["agent"], entity=entity, entity_id=row["entity_id"],
        field=field, subject=subject,
        text=_sentence(desk, entity, field, value, loc),
    )


def _subject(entity: str, entity_id: str, value: Any, numbers: dict[str, str]) -> str:
    if entity in ("call", "transfer", "followup", "note"):
        if entity_id in numbers:
            return numbers[entity_id]
        if isinstance(value, dict) and value.get("number"):
            return str(value["number"])
        return entity_id
    if entity == "customer" and isinstance(value, dict) and value.get("phone"):
        return _masked(str(value["phone"]))
    return entity_id


def _sentence(desk: Desk, entity: str, field: str, value: Any, loc: str) -> str:
    """What the op did, without its subject (shown beside it: a call number, an agent code)."""
    created = field == CREATE and isinstance(value, dict)
    if entity == "notice":
        data = value if created else {field: value}
        if data.get("active") == 0:
            return t("audit.notice_cleared", loc)
        if "text" in data:
            return t("audit.notice_set", loc, text=_cut(str(data["text"])))
    if entity == "agent":
        if created:
            return t("audit.agent_created", loc, name=value.get("name", ""),
                     role=t(f"role.{value.get('role', 'agent')}", loc))
        if field == "pin_hash":
            return t("audit.agent_pin", loc)
    if created:
        return _created(desk, entity, value, loc)
    label, shown = _field_label(field, loc), _shown(desk, field, value, loc)
    if entity in ("call", "customer", "agent"):
        return t("audit.changed", loc, field=label, value=shown)
    return t("audit.changed_of", loc, kind=t(f"audit.entity.{entity}", loc), field=label,
             value=shown)


def _created(desk: Desk, entity: str, value: dict[str, Any], loc: str) -> str:
    if entity == "call":
        return t("audit.call_created", loc, status=t(f"status.{value.get('status', 'new')}", loc))
    if entity == "customer":
        return t("audit.customer_created", loc)
    if entity == "transfer":
        return t("audit.transfer_created", loc,
                 department=_shown(desk, "department", value.get("department"), loc))
    if entity == "followup":
        return t("audit.followup_created", loc)
    if entity == "note":
        return t("audit.note_created", loc, text=_cut(str(value.get("text", ""))))
    return t("audit.created", loc, kind=t(f"audit.entity.{entity}", loc))


def _field_label(field: str, loc: str) -> str:
    for key in (f"intake.field.{field}", f"audit.field.{field}"):
        text = t(key, loc)
        if text != key:
            return text
    return field


def _shown(desk: Desk, field: str, value: Any, loc: str) -> str:
    if field in SECRET_FIELDS:
        return "••••"
    if value is None or value == "":
        return t("audit.empty", loc)
    if field == "status":
        return t(f"status.{value}", loc)
    if field in _LABELLED and isinstance(value, str):
        try:
            return desk.config.label(_LABELLED[field], value, loc)
        except (KeyError, ValueError):
            return value
    if field in ("phone", "alt_phone") and isinstance(value, str):
        return _masked(value)
    if field.endswith("_at") and isinstance(value, str):
        try:
            return desk.local(from_text(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return _cut(value)
    if isinstance(value, bool) or (field in ("escalated", "active", "reached") and value in (0, 1)):
        return t("audit.yes" if value else "audit.no", loc)
    if isinstance(value, dict | list):
        return _cut(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return _cut(str(value))


def _masked(phone: str) -> str:
    from hotline.services.phones import mask

    try:
        return mask(phone)
    except Exception:  # noqa: BLE001 - a malformed number from an old desk: show it masked anyway
        return phone[:3] + "****"


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= VALUE_CHARS else flat[: VALUE_CHARS - 1] + "…"
