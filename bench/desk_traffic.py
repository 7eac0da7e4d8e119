"""Desk traffic as the services write it, for the sync benchmarks: one CREATE op per new
record, then one op per changed field, each listing the op it overwrites.

`hotline seed` is tuned to fill a big store fast (a call's final state mostly in its creation
op); a bundle between desks instead carries a day of work as it happened: a call taken, sent
to a department, the department's answer, a callback, satisfaction, closing, a note now and
then; about 15 ops per call. The data is made here, from a seeded random generator, so the
figures do not move when the seed generator changes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from hotline.store.hlc import pack
from hotline.store.ids import customer_id
from hotline.store.oplog import CREATE, Op

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
MODELS = ("KFR-35GW/BpR3", "BCD-470WDPG", "XQG100-14", "JSQ30-16", "CXW-260-E900", "LED55K5")
SYMPTOMS = ("空调不制冷，外机不转", "冰箱冷藏室漏水", "洗衣机脱水时噪音很大", "热水器点不着火",
            "油烟机吸力变小", "电视开机黑屏有声音")
DESCRIPTIONS = ("客户说开机半小时后仍不制冷，已断电重启无效，要求上门检修",
                "去年购买，保修期内，希望周末上门", "已按说明书清洁滤网，问题仍在",
                "客户情绪激动，要求尽快处理")
RESULTS = ("已派师傅上门更换电容，恢复正常", "主板故障，已免费更换", "属使用不当，已指导客户操作")
DEPARTMENTS = ("repair", "install", "quality")


class _Clock:
    """Op ids, HLCs and per-desk sequence numbers, moving forward a minute or so per event."""

    def __init__(self, rng: random.Random, start_ms: int, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        self.ms = start_ms
        self.seq: dict[str, int] = {}
        self.counter = 0

    def op(self, desk: str, agent: str, entity: str, entity_id: str, field: str, value: Any,
           prev: Sequence[str] = ()) -> Op:
        self.ms += self.rng.randint(1_000, 90_000)
        self.counter += 1
        seq = self.seq[desk] = self.seq.get(desk, 0) + 1
        op_id = f"{self.ms:013d}{self.seed:04d}{self.counter:09d}"  # time-ordered, like a ULID
        return Op(op_id, pack(self.ms), desk, seq, agent, entity, entity_id, field, value,
                  tuple(prev))


def _iso(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def traffic(target_ops: int, *, desks: Sequence[str] = ("D01", "D02"), seed: int = 1,
            start_ms: int = 1_790_000_000_000) -> list[Op]:
    """At least `target_ops` ops of whole call lives, spread over `desks`."""
    rng = random.Random(seed)
    clock = _Clock(rng, start_ms, seed)
    ops: list[Op] = []
    customers: list[str] = []
    k = 0
    while len(ops) < target_ops:
        k += 1
        desk = desks[k % len(desks)]
        agent = f"{desk}A{rng.randint(1, 3)}"

        def op(entity: str, entity_id: str, field: str, value: Any,
               prev: Sequence[str] = ()) -> Op:
            made = clock.op(desk, agent, entity, entity_id, field, value, prev)  # noqa: B023
            ops.append(made)
            return made

        phone = f"+861{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        if customers and rng.random() < 0.3:
            cid = rng.choice(customers)
        else:
            cid = customer_id(phone)
            customers.append(cid)
            op("customer", cid, CREATE, {"phone": phone, "name": name, "alt_phone": "",
                                         "tags": [], "created_at": _iso(clock.ms),
                                         "merged_into": None})
        call = f"call-{seed}-{k:07d}"
        started = clock.ms
        dept = rng.choice(DEPARTMENTS)
        number = f"{desk}-20261125-{k:04d}"
        created = op("call", call, CREATE, {
            "number": number, "desk": desk, "agent": agent, "customer_id": cid,
            "channel": "phone", "phone": phone, "customer_name": name, "alt_phone": "",
            "product_model": rng.choice(MODELS), "serial_no": f"SN{rng.randint(0, 10**9):09d}",
            "purchase_date": "2025-06-01", "symptom": rng.choice(SYMPTOMS),
            "description": rng.choice(DESCRIPTIONS), "category": "repair",
            "priority": rng.choice(("urgent", "important", "normal")), "status": "transferred",
            "department": dept, "due_at": _iso(started + 86_400_000), "callback_due_at": None,
            "escalated": 0, "escalated_at": None, "after_hours": 0, "training": 0,
            "started_at": _iso(started), "ended_at": _iso(started + 180_000), "duration_s": 180,
            "closed_at": None, "satisfaction": None,
            "confirmations": {"phone": {"value": phone, "by": agent, "at": _iso(started)}},
            "extra": {}, "reopen_count": 0, "updated_at": _iso(started + 180_000),
        })
        last = {f: created.op_id for f in created.value}
        transfer = f"tr-{seed}-{k:07d}"
        tr = op("transfer", transfer, CREATE, {
            "call_id": call, "department": dept, "reason": "需要上门检修", "priority": "normal",
            "sent_at": _iso(clock.ms), "due_at": _iso(clock.ms + 86_400_000), "agent": agent,
            "result": None, "result_by": None, "result_at": None})
        for field, value in (("result", rng.choice(RESULTS)), ("result_by", "维修部"),
                             ("result_at", _iso(clock.ms))):
            op("transfer", transfer, field, value, (tr.op_id,))

        def edit(field: str, value: Any) -> None:
            last[field] = op("call", call, field, value, (last[field],)).op_id  # noqa: B023

        for field, value in (("status", "awaiting_callback"),
                             ("callback_due_at", _iso(clock.ms + 3_600_000)),
                             ("due_at", _iso(clock.ms + 3_600_000)),
                             ("updated_at", _iso(clock.ms))):
            edit(field, value)
        op("followup", f"fu-{seed}-{k:07d}", CREATE, {
            "call_id": call, "kind": "callback", "due_at": _iso(clock.ms), "attempt": 1,
            "reached": 1, "result_told": 1, "satisfaction": rng.randint(3, 5), "agent": agent,
            "done_at": _iso(clock.ms)})
        for field, value in (("satisfaction", rng.randint(3, 5)), ("status", "closed"),
                             ("closed_at", _iso(clock.ms)), ("updated_at", _iso(clock.ms))):
            edit(field, value)
        if rng.random() < 0.3:
            op("note", f"note-{seed}-{k:07d}", CREATE, {"call_id": call, "agent": agent,
                                                        "text": "客户再次来电询问进度",
                                                        "at": _iso(clock.ms)})
    return ops
