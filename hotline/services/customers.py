"""Customers: found by phone, created on first contact with an id derived from the phone."""

from __future__ import annotations

import json
from typing import Any

from hotline.services.desk import Desk
from hotline.services.phones import normalize_phone
from hotline.store.ids import customer_id


def ensure_customer(desk: Desk, raw_phone: str, name: str = "") -> dict[str, Any]:
    """The customer with this phone, created if new; a newly given name is recorded.

    Raises:
        InputRefused: the phone is not a valid number.
    """
    phone = normalize_phone(raw_phone)
    cid = customer_id(phone.e164)
    current = desk.store.get("customer", cid)
    if current is None:
        values: dict[str, Any] = {"phone": phone.stored, "name": name.strip(), "tags": [],
                                  "created_at": desk.now_text()}
        desk.store.write(desk.agent, "customer", cid, values)
    elif name.strip() and name.strip() != (current["name"] or ""):
        desk.store.write(desk.agent, "customer", cid, {"name": name.strip()})
    return desk.store.get("customer", cid) or {}


def parse_tags(value: object) -> list[str]:
    """A customer's tags as stored (a JSON list; older or hand-made rows may hold plain text)."""
    if isinstance(value, str) and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return [str(x) for x in parsed] if isinstance(parsed, list) else [str(parsed)]
    return []
