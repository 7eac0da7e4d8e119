"""Agents and their PINs. A PIN is kept only as a slow scrypt hash, never in clear."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from hotline.errors import InputRefused, NotAllowed
from hotline.services.desk import ROLES, Desk

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


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

    Raises:
        NotAllowed: unknown code, inactive agent or wrong PIN (one message for all three, so
            the screen does not tell a passer-by which codes exist).
    """
    row = desk.store.get("agent", code.strip().upper())
    if row is None or not row["active"] or not pin_matches(pin, row["pin_hash"] or ""):
        raise NotAllowed("agent.bad_login")
    desk.agent, desk.role = row["id"], row["role"]
    return {"code": row["id"], "name": row["name"], "role": row["role"], "active": True}
