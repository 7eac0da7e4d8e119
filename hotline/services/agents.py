"""Agents and their PINs. A PIN is kept only as a slow scrypt hash, never in clear."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from hotline.errors import InputRefused, NotAllowed
from hotline.services.clock import from_text, to_text
from hotline.services.desk import ROLES, Desk
from hotline.store import lockouts

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
WARN_WHEN_LEFT = 2
"""From this many tries left, a refusal says how many remain before the code locks."""


def hash_pin(pin: str) -> str:
    """A salted scrypt hash of `pin`, with its parameters, as one string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


@cache
def _dummy_hash() -> str:
    return hash_pin(secrets.token_hex(8))


def check_pin(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise InputRefused("agent.bad_pin")


def add_agent(desk: Desk, code: str, *, name: str, role: str, pin: str) -> dict[str, Any]:
    """Create an agent (supervisors only, except the first one made by `hotline init`).

    Raises:
        InputRefused: bad code, role, name or PIN, or the code is taken.
        NotAllowed: the signed-in agent is not a supervisor.
    """
    if desk.role is not None or desk.agent is not None:
        desk.require("supervisor")
    code = code.strip().upper()
    if not _CODE.match(code):
        raise InputRefused("agent.bad_code", code=code)
    if role not in ROLES:
        raise InputRefused("agent.bad_role", role=role, roles=", ".join(ROLES))
    if not name.strip():
        raise InputRefused("agent.no_name")
    check_pin(pin)
    if desk.store.get("agent", code) is not None:
        raise InputRefused("agent.exists", code=code)
    desk.store.write(
        desk.agent or code,
        "agent",
        code,
        {"name": name.strip(), "role": role, "pin_hash": hash_pin(pin), "active": 1,
         "created_at": desk.now_text()},
    )
    return get_agent(desk, code) or {}


def get_agent(desk: Desk, code: str) -> dict[str, Any] | None:
    row = desk.store.get("agent", code.upper())
    if row is None:
        return None
    return {"code": row["id"], "name": row["name"], "role": row["role"],
            "active": bool(row["active"])}


def list_agents(desk: Desk) -> list[dict[str, Any]]:
    rows = desk.store.query("SELECT id, name, role, active FROM agents ORDER BY id")
    return [{"code": r["id"], "name": r["name"], "role": r["role"], "active": bool(r["active"])}
            for r in rows]


def authenticate(desk: Desk, code: str, pin: str) -> dict[str, Any]:
    """Check an agent's PIN; on success `desk` is signed in as them.

    `security.pin_max_attempts` wrong PINs in a row lock the code on this desk for
    `security.lockout_minutes`; while locked even the right PIN is refused, and a right PIN
    afterwards starts the count again. The counter is desk-local (`store.lockouts`): no op is
    written, nothing is synced, and only the code and the times are kept.

    Raises:
        NotAllowed: unknown code, inactive agent or wrong PIN (one message for all three, so
            the screen does not tell a passer-by which codes exist; unknown codes lock too),
            or the code is locked (the message says until when).
    """
    code = code.strip().upper()
    if not code:
        raise NotAllowed("agent.bad_login")
    security = desk.config.security
    now = desk.now()
    held = lockouts.state(desk.store, code)
    if held and held["locked_until"] and from_text(held["locked_until"]) > now:
        raise _locked(desk, code, from_text(held["locked_until"]))
    row = desk.store.get("agent", code)
    stored = (row["pin_hash"] if row is not None else None) or _dummy_hash()
    # The hash is checked even for an unknown code, so the time taken does not tell either.
    if not pin_matches(pin, stored) or row is None or not row["active"]:
        until = now + timedelta(minutes=security.lockout_minutes)
        failures, locked_until = lockouts.record_failure(
            desk.store, code, at=to_text(now), max_attempts=security.pin_max_attempts,
            lock_until=to_text(until),
        )
        if locked_until is not None:
            raise _locked(desk, code, until)
        left = security.pin_max_attempts - failures
        if left <= WARN_WHEN_LEFT:
            raise NotAllowed("agent.bad_login_left", left=left)
        raise NotAllowed("agent.bad_login")
    if held is not None:
        lockouts.clear(desk.store, code)
    desk.agent, desk.role = row["id"], row["role"]
    return {"code": row["id"], "name": row["name"], "role": row["role"], "active": True}


def _locked(desk: Desk, code: str, until: datetime) -> NotAllowed:
    local = desk.local(until)
    shown = local.strftime("%H:%M") if local.date() == desk.local().date() else local.strftime(
        "%Y-%m-%d %H:%M"
    )
    return NotAllowed("agent.locked", code=code, until=shown,
                      attempts=desk.config.security.pin_max_attempts)


def unlock_agent(desk: Desk, code: str) -> bool:
    """Lift a sign-in lockout on this desk before it runs out (supervisors only).

    Returns:
        Whether the code had wrong PINs or a lock to forget.

    Raises:
        NotAllowed: the signed-in agent is not a supervisor.
    """
    desk.require("supervisor")
    return lockouts.clear(desk.store, code.strip().upper())


def locked_codes(desk: Desk) -> list[dict[str, Any]]:
    """Codes locked on this desk right now, with until when (desk-local)."""
    return lockouts.locked(desk.store, now=desk.now_text())
