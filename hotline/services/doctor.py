"""`hotline doctor`: the integrity checks an operator runs after a crash, a restore or a sync."""

from __future__ import annotations

from typing import Any

from hotline.i18n import t
from hotline.services.desk import Desk
from hotline.store import call_facts
from hotline.store.hlc import wall_ms


def run_checks(desk: Desk) -> list[dict[str, Any]]:
    """Each check as {name, ok, detail}: SQLite integrity, search index, report facts, op log
    against state, clock, conflicts."""
    store = desk.store
    checks: list[dict[str, Any]] = []
    integrity = store.scalar("PRAGMA integrity_check")
    checks.append({"name": "sqlite", "ok": integrity == "ok", "detail": str(integrity)})
    fts = store.scalar(
        "SELECT count(*) FROM calls_fts"
    ) == store.scalar("SELECT count(*) FROM calls")
    checks.append({"name": "search-index", "ok": bool(fts),
                   "detail": t("doctor.fts_ok" if fts else "doctor.fts_bad")})
    facts = not call_facts.mismatches(store.conn, limit=1)
    checks.append({"name": "report-facts", "ok": facts,
                   "detail": t("doctor.facts_ok" if facts else "doctor.facts_bad")})
    checks.append(_state_matches_log(desk))
    last = store.last_hlc()
    skew_s = (wall_ms(last) - int(desk.now().timestamp() * 1000)) / 1000
    checks.append({
        "name": "clock", "ok": skew_s < 600,
        "detail": t("doctor.clock", seconds=f"{skew_s:+.0f}") if last else t("doctor.no_ops"),
    })
    checks.append(_peer_clocks(desk))
    conflicts = int(store.scalar("SELECT count(*) FROM conflicts") or 0)
    checks.append({"name": "conflicts", "ok": True, "detail": t("doctor.conflicts", n=conflicts)})
    return checks


def _state_matches_log(desk: Desk) -> dict[str, Any]:
    """Rebuild the state from the op log inside a transaction that is rolled back, and compare."""
    store = desk.store
    ok = store.rebuilt_digest() == store.digest()
    ops = int(store.scalar("SELECT count(*) FROM ops") or 0)
    return {"name": "op-log", "ok": ok,
            "detail": t("doctor.log_ok" if ok else "doctor.log_bad", ops=ops)}


PEER_CLOCK_DAYS = 7
"""A clock seen ahead is reported for a week after the last bundle that showed it."""


def _peer_clocks(desk: Desk) -> dict[str, Any]:
    """Other desks whose ops arrived more than 10 minutes ahead of our clock (SYNC-DESIGN 2.5):
    their ops were accepted, but their machine's clock needs setting right."""
    from datetime import timedelta

    from hotline.services.clock import from_text, to_text
    from hotline.services.sync import clock_alerts

    since = to_text(desk.now() - timedelta(days=PEER_CLOCK_DAYS))
    recent = [a for a in clock_alerts(desk) if a["seen_at"] >= since]
    if not recent:
        return {"name": "peer-clocks", "ok": True, "detail": t("sync.doctor_clocks_ok")}
    detail = "; ".join(
        t("sync.doctor_clock_ahead", desk=a["desk"], minutes=a["ahead_ms"] // 60_000,
          at=desk.local(from_text(a["seen_at"])).strftime("%Y-%m-%d %H:%M"))
        for a in recent
    )
    return {"name": "peer-clocks", "ok": False, "detail": detail}
