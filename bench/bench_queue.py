"""One page of a follow-up queue (F3), any page, at 1,000,000 calls — and against 1,000 calls.

Pages are fetched as the queue screen fetches them (`services.queues.queue_page`, keyset on
(deadline, id)): for every queue, the page cursors are collected by walking the queue, then
pages are timed in random order, deep pages as often as first ones. The floor is the bare keyset
query on the queue's partial index.

The size ratio compares pages of the same number of rows: a 1,000-call store holds only a few
open calls per queue, so each queue is timed at both sizes with the page size the small store can
fill, and the medians are compared (a per-page cost that grew with the store would show there).
"""

from __future__ import annotations

import random
from typing import Any

from bench.common import CALLS, SAMPLES, SMALL_CALLS, figure, open_desk, p50_p95, time_calls

SMOKE = True
"""`run()` follows HOTLINE_BENCH_CALLS/SAMPLES (the test suite runs it small)."""

SEED = 3
MAX_PAGES = 200
"""Pages walked per queue to collect cursors (10,000 rows deep)."""


def run() -> list[dict[str, Any]]:
    from hotline.services import queues as svc
    from hotline.store import queries

    desk = open_desk(agent="A01", role="supervisor")
    small_calls = min(SMALL_CALLS, CALLS)
    small = open_desk(small_calls, agent="A01", role="supervisor")
    rng = random.Random(SEED)
    queues = [q for q in svc.TABS if q != svc.DRAFTS]

    # Any page of any queue, 50 rows: cursors collected by walking each queue; each sample
    # picks a queue, then one of its pages.
    pages: dict[str, list[tuple[str, str] | None]] = {}
    for queue in queues:
        after: tuple[str, str] | None = None
        pages[queue] = []
        for _ in range(MAX_PAGES):
            pages[queue].append(after)
            page = svc.queue_page(desk, queue, after=after)
            if page.next_after is None:
                break
            after = page.next_after
    picks = [(q, rng.choice(pages[q])) for q in (rng.choice(queues) for _ in range(SAMPLES))]
    now = desk.now_text()
    floor = time_calls(lambda p: queries.list_calls(
        desk.store, queue=p[0], agent=desk.agent, now=now, limit=51, after=p[1]), picks)
    took = time_calls(lambda p: svc.queue_page(desk, p[0], after=p[1]), picks)
    p50, p95 = p50_p95(took)
    rows = [figure("queue page (50 rows), any page, p95", p95, "ms", "<= 5 ms p95",
                   p95 <= 5.0, baseline=p50_p95(floor)[1], samples=len(took),
                   p50=round(p50, 4), pages=sum(len(v) for v in pages.values()))]

    # The same queues with the same page sizes at 1,000 calls and at 1,000,000.
    sizes = {q: min(svc.PAGE_SIZE, len(svc.queue_page(small, q).rows)) for q in queues}
    sized = [q for q in queues if sizes[q]]
    # A page after a cursor at 1 M is compared with the small store's page after a cursor that
    # precedes every row (the same SQL), a first page with a first page.
    mix = [(q, rng.choice(pages[q])) for q in (rng.choice(sized) for _ in range(SAMPLES))]
    at_small = time_calls(lambda p: svc.queue_page(
        small, p[0], after=None if p[1] is None else ("", ""), limit=sizes[p[0]]), mix)
    at_big = time_calls(lambda p: svc.queue_page(desk, p[0], after=p[1], limit=sizes[p[0]]),
                        mix)
    small_p50, big_p50 = p50_p95(at_small)[0], p50_p95(at_big)[0]
    ratio = big_p50 / small_p50 if small_p50 else float("inf")
    rows.append(figure(f"queue page at {desk_calls(desk):,} vs {small_calls:,} calls, p50",
                       big_p50, "ms", "<= 1.2x", ratio <= 1.2, baseline=small_p50,
                       samples=len(at_big)))
    desk.store.close()
    small.store.close()
    return rows


def desk_calls(desk: Any) -> int:
    return int(desk.store.scalar("SELECT max(rowid) FROM calls") or 0)
