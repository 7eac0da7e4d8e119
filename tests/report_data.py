"""A small store for the monthly report, every record written by hand with explicit values.

October 2026 (Asia/Shanghai) holds six real calls, one training call, and a call just after
the month's end; July to September hold the history that trends, alerts and the retraining rule
compare against. `tests/test_reports.py` states the expected figures, counted by hand from the
records below (comments give the facts each figure depends on).
"""

from __future__ import annotations

from typing import Any

from hotline.services.agents import add_agent
from hotline.services.desk import Desk

SCRIPT_SYMPTOM = '开机<script>alert("x")</script>'
"""A symptom that must come out escaped in HTML and inert in Markdown."""

AGENTS = (("A01", "李明"), ("A02", "张伟"), ("A03", "刘洋"))


def _call(desk: Desk, call_id: str, started: str, ended: str, **values: Any) -> None:
    record: dict[str, Any] = {
        "number": f"D01-{call_id}", "desk": "D01", "agent": "A01", "customer_id": "cust",
        "channel": "phone", "phone": "+8613800138000", "customer_name": "客户",
        "product_model": "", "symptom": "故障", "category": "inquiry", "priority": "normal",
        "status": "closed", "escalated": 0, "after_hours": 0, "training": 0,
        "started_at": started, "ended_at": ended, "duration_s": 60, "reopen_count": 0,
        "confirmations": {}, "extra": {},
    }
    record.update(values)
    desk.store.write(record["agent"], "call", call_id, record)


def _transfer(desk: Desk, transfer_id: str, call_id: str, department: str, sent: str, due: str,
              result_at: str | None) -> None:
    desk.store.write("A01", "transfer", transfer_id, {
        "call_id": call_id, "department": department, "reason": "r", "priority": "normal",
        "sent_at": sent, "due_at": due, "agent": "A01",
        "result": "done" if result_at else None, "result_at": result_at,
    })


def _followup(desk: Desk, followup_id: str, call_id: str, done: str, *, reached: bool,
              satisfaction: int | None = None) -> None:
    desk.store.write("A01", "followup", followup_id, {
        "call_id": call_id, "kind": "callback", "due_at": done, "attempt": 1,
        "reached": int(reached), "satisfaction": satisfaction, "agent": "A01", "done_at": done,
    })


def build(desk: Desk) -> None:
    """Write the report test store into `desk` (clock: 2026-11-25T02:30Z)."""
    for code, name in AGENTS:
        if desk.store.get("agent", code) is None:
            add_agent(desk, code, name=name, role="agent", pin="1234")

    # -- October 2026 ------------------------------------------------------------------------
    # C1: A01, answered on the spot and closed, score 5; 10-08 local; closes after 360 s.
    _call(desk, "C1", "2026-10-08T02:00:00Z", "2026-10-08T02:05:00Z", duration_s=300,
          product_model="M1", symptom=SCRIPT_SYMPTOM, satisfaction=5,
          closed_at="2026-10-08T02:06:00Z")
    desk.store.write("A01", "call", "C1", {"description": "补充说明"})  # not a key field
    # C2: A01, online, repair, urgent; tech support answers in 3 h; told 2 h later, score 4.
    _call(desk, "C2", "2026-10-08T03:00:00Z", "2026-10-08T03:10:00Z", duration_s=600,
          channel="online", category="repair", priority="urgent", department="tech_support",
          product_model="M2", symptom="不制冷", satisfaction=4,
          closed_at="2026-10-08T08:10:00Z")
    _transfer(desk, "T1", "C2", "tech_support", "2026-10-08T03:10:00Z", "2026-10-08T08:00:00Z",
              "2026-10-08T06:10:00Z")
    _followup(desk, "F1", "C2", "2026-10-08T08:10:00Z", reached=True, satisfaction=4)
    # C3: A02, complaint, important (72 h); quality answers after 48 h (late); escalated;
    # told 2 h after the result, score 2, reopened; sent to quality again, no answer yet.
    # The phone was corrected after the call was saved.
    _call(desk, "C3", "2026-10-09T01:00:00Z", "2026-10-09T01:15:00Z", agent="A02",
          duration_s=900, category="complaint", priority="important", status="transferred",
          department="quality", product_model="M3", symptom="噪音", satisfaction=2,
          reopen_count=1, escalated=1, escalated_at="2026-10-09T02:00:00Z")
    desk.store.write("A02", "call", "C3", {"phone": "+8613900139000"})
    _transfer(desk, "T2", "C3", "quality", "2026-10-09T01:15:00Z", "2026-10-10T01:15:00Z",
              "2026-10-11T01:15:00Z")
    _followup(desk, "F2", "C3", "2026-10-11T03:15:00Z", reached=True, satisfaction=2)
    _transfer(desk, "T3", "C3", "quality", "2026-10-12T01:00:00Z", "2026-10-15T01:00:00Z", None)
    # C4: A02, 20:00 local (after hours), repair, normal (72 h); logistics answers in 12 h;
    # the customer is never reached; a supervisor closes it on 10-25.
    _call(desk, "C4", "2026-10-15T12:00:00Z", "2026-10-15T12:02:00Z", agent="A02",
          duration_s=120, category="repair", after_hours=1, department="logistics",
          product_model="M4", symptom="漏水", closed_at="2026-10-25T00:00:00Z")
    _transfer(desk, "T4", "C4", "logistics", "2026-10-15T12:02:00Z", "2026-10-16T12:02:00Z",
              "2026-10-16T00:02:00Z")
    _followup(desk, "F3", "C4", "2026-10-16T02:00:00Z", reached=False)
    _followup(desk, "F4", "C4", "2026-10-16T04:00:00Z", reached=False)
    # C5: A01, e-mail, resolved on the spot, satisfaction not asked; the same problem as C1.
    _call(desk, "C5", "2026-10-20T02:00:00Z", "2026-10-20T02:03:20Z", duration_s=200,
          channel="email", status="resolved", product_model="M1", symptom=SCRIPT_SYMPTOM)
    # C6: A03, 00:30 local on 10-01 (after hours), complaint, urgent; rated 3 on the spot,
    # reopened, not transferred.
    _call(desk, "C6", "2026-09-30T16:30:00Z", "2026-09-30T16:31:00Z", agent="A03",
          duration_s=60, category="complaint", priority="urgent", after_hours=1,
          status="reopened", reopen_count=1, satisfaction=3, product_model="M5",
          symptom="异味")
    # A training call and a call of 1 November, 00:30 local: neither counts in October.
    _call(desk, "C7", "2026-10-10T02:00:00Z", "2026-10-10T02:01:00Z", training=1,
          satisfaction=1, product_model="M1", symptom=SCRIPT_SYMPTOM)
    _call(desk, "C8", "2026-10-31T16:30:00Z", "2026-10-31T16:31:00Z", status="resolved",
          product_model="M1", symptom=SCRIPT_SYMPTOM)

    # -- history -----------------------------------------------------------------------------
    # July: 2 calls, 1 complaint; one transfer answered in 2 h.
    _call(desk, "J1", "2026-07-06T02:00:00Z", "2026-07-06T02:01:00Z", satisfaction=5,
          closed_at="2026-07-06T02:02:00Z")
    _call(desk, "J2", "2026-07-10T01:00:00Z", "2026-07-10T02:00:00Z", category="complaint",
          status="awaiting_callback", department="tech_support")
    _transfer(desk, "TJ", "J2", "tech_support", "2026-07-10T02:00:00Z", "2026-07-10T06:00:00Z",
              "2026-07-10T04:00:00Z")
    # August: 2 calls, no complaint; one transfer answered in 3 h. A02 below the pass band.
    _call(desk, "G1", "2026-08-10T02:00:00Z", "2026-08-10T02:01:00Z", agent="A02",
          status="reopened", reopen_count=1, satisfaction=1)
    _call(desk, "G2", "2026-08-11T02:00:00Z", "2026-08-11T02:01:00Z", category="repair",
          status="awaiting_callback", department="logistics")
    _transfer(desk, "TG", "G2", "logistics", "2026-08-11T02:01:00Z", "2026-08-12T02:01:00Z",
              "2026-08-11T05:01:00Z")
    # September: 2 calls, no complaint, no transfer. A02 below the pass band again; A03 fine.
    _call(desk, "S1", "2026-09-10T02:00:00Z", "2026-09-10T02:01:00Z", agent="A02",
          status="reopened", reopen_count=1, satisfaction=1)
    _call(desk, "S2", "2026-09-11T02:00:00Z", "2026-09-11T02:01:00Z", agent="A03",
          satisfaction=5, closed_at="2026-09-11T02:02:00Z")
