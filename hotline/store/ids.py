"""Ids that are unique without coordination between desks (DESIGN.md section 4)."""

from __future__ import annotations

import hashlib


def new_id() -> str:
    """A time-ordered ULID: rows and ops created on any desk never collide, and inserts stay
    near the end of the B-tree."""
    from ulid import ULID  # here, not at the top: python-ulid reads its package metadata on
    # import (importlib.metadata, email, zipfile…), a tenth of the app's cold start

    return str(ULID())


def customer_id(normalized_phone: str) -> str:
    """A customer's id, derived from the normalised phone so that two desks that meet the same
    new caller while offline create the same customer, not two."""
    digest = hashlib.sha256(f"hotline-customer:{normalized_phone}".encode()).hexdigest()
    return f"cus-{digest[:24]}"


def call_number(desk: str, day: str, n: int) -> str:
    """The human call number `DESK-YYYYMMDD-NNNN` (day given as YYYYMMDD)."""
    return f"{desk}-{day}-{n:04d}"
