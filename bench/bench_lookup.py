"""Caller lookup while the phone is typed (the intake side panel), at 1,000,000 calls.

Each sample is what `services.intake.lookup_caller` does for one keystroke: a customer's number
typed digit by digit from the 7th digit (candidates by prefix) to the whole number (the customer,
their latest calls, call count, open call, repeat-caller check). The floor is the bare indexed
prefix query on `customers_phone` for the same texts, in the same run.
"""

from __future__ import annotations

import random
from typing import Any

from bench.common import SAMPLES, figure, open_desk, p50_p95, time_calls

SMOKE = True
"""`run()` follows HOTLINE_BENCH_CALLS/SAMPLES (the test suite runs it small)."""

SEED = 4


def run() -> list[dict[str, Any]]:
    from hotline.services.intake import lookup_caller
    from hotline.services.phones import Phone, stored_prefix

    desk = open_desk()
    store = desk.store
    rng = random.Random(SEED)
    top = int(store.scalar("SELECT max(rowid) FROM customers") or 0)
    texts: list[str] = []
    while len(texts) < SAMPLES and top:
        ids = [rng.randint(1, top) for _ in range(200)]
        phones = [r["phone"] for r in store.query(
            f"SELECT phone FROM customers WHERE rowid IN ({', '.join('?' * len(ids))})", ids)]
        for phone in phones:
            digits = Phone(phone.split(";")[0]).national_digits
            texts.extend(digits[:n] for n in range(7, len(digits) + 1))
    texts = texts[:SAMPLES]

    floor = time_calls(lambda text: store.query(
        "SELECT id, phone, name, tags FROM customers WHERE phone >= ? AND phone < ? "
        "ORDER BY phone LIMIT 5", (stored_prefix(text), stored_prefix(text) + "~")), texts)
    took = time_calls(lambda text: lookup_caller(desk, text), texts)
    p50, p95 = p50_p95(took)
    store.close()
    return [figure("caller lookup by phone prefix + side panel, p95", p95, "ms", "<= 2 ms p95",
                   p95 <= 2.0, baseline=p50_p95(floor)[1], samples=len(took),
                   p50=round(p50, 4))]
