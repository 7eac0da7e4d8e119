"""Hybrid logical clock: orders ops the same way on every desk.

An HLC value is one int64, `wall_ms << 16 | counter`; the desk code breaks ties. It follows the
wall clock while that moves forward, and never goes backwards when the clock is set back or when
a bundle from a desk with a fast clock arrives. It decides which head wins a field (LWW) and the
order of a timeline, never which op supersedes which (that is `prev`, see `oplog`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
MAX_DRIFT_MS = 10 * 60 * 1000
"""How far ahead of our wall clock a received op may drag our clock (SYNC-DESIGN 2.5)."""


def pack(wall_ms: int, counter: int = 0) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def wall_ms(hlc: int) -> int:
    """The wall-clock part of an HLC value, in milliseconds since the epoch."""
    return hlc >> COUNTER_BITS


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def tick(last: int, clock: Callable[[], int] = now_ms) -> int:
    """The next local HLC after `last` (sending or local event)."""
    physical = clock()
    if physical > wall_ms(last):
        return pack(physical)
    return last + 1


def observe(last: int, received: int, clock: Callable[[], int] = now_ms) -> int:
    """Our HLC after receiving `received`, bounded so a fast desk cannot drag us far ahead."""
    bound = pack(clock() + MAX_DRIFT_MS, COUNTER_MASK)
    return max(last, min(received, bound))
