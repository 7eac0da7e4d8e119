"""Search (F4, `hotline search`) at 1,000,000 calls: first 50 results, p50/p95 over 1,000 texts.

The texts are cut from random calls of the store itself, the way an agent types them: 3–4
characters of a symptom, description, name or model (trigram index), 1–2 Chinese characters
(bounded scan of the latest calls), the last 4 digits of a customer's phone, the start of a
call number. The floor is the bare index query for the same texts, measured in the same run.
"""

from __future__ import annotations

import random
from typing import Any

from bench.common import SAMPLES, figure, open_desk, p50_p95, time_calls

SMOKE = True
"""`run()` follows HOTLINE_BENCH_CALLS/SAMPLES (the test suite runs it small)."""

SEED = 9


def run() -> list[dict[str, Any]]:
    from hotline.services.search import RECENT_WINDOW, search
    from hotline.store import search_queries as sq

    desk = open_desk()
    store = desk.store
    rng = random.Random(SEED)
    calls = _sample_calls(store, rng, SAMPLES)
    long_texts = [_long_text(c, rng) for c in calls]
    short_texts = [_cjk_text(c, rng) for c in calls]
    tails = [(c["phone"] or "+860000")[-4:] for c in calls]
    numbers = [c["number"][: rng.choice((8, 12, 15))] for c in calls]

    def do_search(text: str) -> object:
        return search(desk, text)

    rows: list[dict[str, Any]] = []

    floor = time_calls(lambda text: store.query(
        "SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? ORDER BY rowid DESC LIMIT 50",
        (sq.fts_phrase(text),)), long_texts)
    took = time_calls(do_search, long_texts)
    p50, p95 = p50_p95(took)
    base = p50_p95(floor)[1]
    rows.append(figure("search: free text, 3+ chars, p95", p95, "ms", "<= 10 ms p95",
                       p95 <= 10.0, baseline=base, samples=len(took), p50=round(p50, 4)))

    window_floor = sq.recent_floor(store, RECENT_WINDOW)
    floor = time_calls(lambda text: store.query(
        "SELECT rowid FROM calls INDEXED BY calls_started WHERE started_at >= ? AND "
        "(instr(symptom, ?) OR instr(description, ?) OR instr(customer_name, ?)) "
        "ORDER BY started_at DESC LIMIT 50", (window_floor, text, text, text)), short_texts)
    took = time_calls(do_search, short_texts)
    p50, p95 = p50_p95(took)
    base = p50_p95(floor)[1]
    rows.append(figure("search: 1-2 CJK chars (latest calls), p95", p95, "ms",
                       "<= 100 ms p95", p95 <= 100.0, baseline=base, samples=len(took),
                       p50=round(p50, 4)))

    took = time_calls(do_search, tails)
    p50, p95 = p50_p95(took)
    rows.append(figure("search: last 4 digits of a phone, p95", p95, "ms", "<= 10 ms p95",
                       p95 <= 10.0, samples=len(took), p50=round(p50, 4)))

    took = time_calls(do_search, numbers)
    p50, p95 = p50_p95(took)
    rows.append(figure("search: call number prefix, p95", p95, "ms", "<= 10 ms p95",
                       p95 <= 10.0, samples=len(took), p50=round(p50, 4)))
    store.close()
    return rows


def _sample_calls(store: Any, rng: random.Random, n: int) -> list[dict[str, Any]]:
    """`n` calls picked at random (by rowid), not training calls."""
    top = int(store.scalar("SELECT max(rowid) FROM calls") or 0)
    out: list[dict[str, Any]] = []
    while len(out) < n and top:
        ids = [rng.randint(1, top) for _ in range(min(500, n - len(out)) * 2)]
        rows = store.query(
            "SELECT number, phone, customer_name, product_model, symptom, description FROM calls "
            f"WHERE training = 0 AND rowid IN ({', '.join('?' * len(ids))})", ids)
        out.extend(rows[: n - len(out)])
    return out


def _cut(text: str, rng: random.Random, lo: int, hi: int) -> str:
    words = [w for w in text.replace("，", " ").replace("。", " ").split() if len(w) >= lo]
    if not words:
        return ""
    word = rng.choice(words)
    size = min(len(word), rng.randint(lo, hi))
    start = rng.randint(0, len(word) - size)
    return word[start:start + size]


def _long_text(call: dict[str, Any], rng: random.Random) -> str:
    """3–4 characters an agent might type: mostly from the problem, some names and models."""
    source = rng.choices(
        ("symptom", "description", "customer_name", "product_model"), (5, 2, 1, 2))[0]
    text = _cut(call.get(source) or "", rng, 3, 4)
    return text if len(text) >= 3 else (call["symptom"] or "空调不制冷")[:3].ljust(3, "冷")


def _cjk_text(call: dict[str, Any], rng: random.Random) -> str:
    """1 or 2 Chinese characters from the symptom or the description."""
    source = call.get(rng.choice(("symptom", "description"))) or call.get("symptom") or "漏水"
    cjk = [i for i, ch in enumerate(source) if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return "漏水"
    size = rng.choice((1, 2, 2))
    start = rng.choice(cjk)
    text = source[start:start + size]
    return text if all("\u4e00" <= ch <= "\u9fff" for ch in text) else text[:1]
