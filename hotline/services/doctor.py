"""`hotline doctor`: the integrity checks an operator runs after a crash, a restore or a sync."""

from __future__ import annotations

from typing import Any

from hotline.services.desk import Desk
from hotline.store.hlc import wall_ms


def run_checks(desk: Desk) -> list[dict[str, Any]]:
    """Each check as {name, ok, detail}: SQLite integrity, op log against state, clock, conflicts."""
    store = desk.store
    checks: list[dict[str, Any]] = []
    integrity = store.scalar("PRAGMA integrity_check")
    checks.append({"name": "sqlite", "ok": integrity == "ok", "detail": str(integrity)})
    fts = store.scalar(
        "SELECT count(*) FROM calls_fts"
    ) == store.scalar("SELECT count(*) FROM calls")
    checks.append({"name": "search-index", "ok": bool(fts),
                   "detail": "in step with calls" if fts else "out of step with calls"})
    checks.append(_state_matches_log(desk))
    last = int(store.meta("hlc", "0") or 0)
    skew_s = (wall_ms(last) - int(desk.now().timestamp() * 1000)) / 1000
    checks.append({
        "name": "clock", "ok": skew_s < 600,
        "detail": f"last op time is {skew_s:+.0f} s from this machine's clock" if last else "no ops yet",
    })
    conflicts = int(store.scalar("SELECT count(*) FROM conflicts") or 0)
    checks.append({"name": "conflicts", "ok": True, "detail": f"{conflicts} pending"})
    return checks


def _state_matches_log(desk: Desk) -> dict[str, Any]:
    """Rebuild the state from the op log inside a transaction that is rolled back, and compare."""
    store = desk.store
    before = store.digest()

    class _Undo(Exception):
        pass

    rebuilt = ""
    try:
        with store.transaction():
            store.rebuild()
            rebuilt = store.digest()
            raise _Undo
    except _Undo:
        pass
    ok = rebuilt == before
    ops = int(store.scalar("SELECT count(*) FROM ops") or 0)
    return {"name": "op-log", "ok": ok,
            "detail": f"{ops} ops; state {'equals' if ok else 'DIFFERS from'} a rebuild from the log"}
