"""Search: one box for whatever the caller gives — a phone number or its last digits, a call
number, a name, or words from the problem (F4 and `hotline search`).

What was typed decides how it is looked up, each way through an index (`store.search_queries`),
so a search costs the same at 1,000 or 1,000,000 calls:

- digits (4 or more): a whole valid number finds its customer and their calls; fewer digits are
  the end of a number ("尾号 8000" is what callers say) or, with 5 or more, its beginning;
- a call number or its beginning (`D01-20261125`, `d01-2026`);
- anything else: customers by name (exact, then by beginning) and calls by their words, through
  the trigram index for words of 3 or more characters; one or two Chinese characters have no
  trigram, so only the latest `RECENT_WINDOW` calls are searched for them, and the result says so.

Results come in two groups, customers and calls, newest first; training calls never appear.
`iter_search` yields the customers before the calls are looked up, so a screen can show them at
once; `search` returns the finished results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from hotline.errors import InputRefused
from hotline.services.desk import Desk
from hotline.services.customers import parse_tags
from hotline.services.phones import normalize_phone, stored_prefix
from hotline.store import search_queries as sq
from hotline.store.ids import customer_id
from hotline.store.text import clean

LIMIT = 50
"""Rows per group shown at most (a search is refined, not paged)."""
MAX_LENGTH = 100
"""Characters of the search text used (a pasted paragraph is cut)."""
RECENT_WINDOW = 20_000
"""How many of the latest calls are scanned for text too short for the trigram index."""
MIN_TRIGRAM = 3
"""Characters a word needs to be found through the trigram index."""
TAIL_DIGITS = 4
PREFIX_MIN_DIGITS = 5
"""Digits from which what is typed may also be the beginning of a number."""

_PHONE_CHARS = re.compile(r"^[\d\s+\-()]+$")
_CALL_NUMBER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,7}-(\d[\d-]*)?$")


@dataclass
class SearchResults:
    """What a search found, grouped."""

    text: str
    """The text searched for (the screen drops results of an older text)."""
    kind: str = "empty"
    """How it was read: "empty", "phone", "digits", "number", "text" or "recent"."""
    customers: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    more_customers: bool = False
    """More customers matched than are listed."""
    more_calls: bool = False
    window: int = 0
    """For "recent": how many of the latest calls were searched."""
    done: bool = False
    """False on the first, customers-only part yielded by `iter_search`."""


def search(desk: Desk, text: str, *, limit: int = LIMIT) -> SearchResults:
    """Customers and calls matching `text`, newest first, at most `limit` of each.

    Raises:
        InputRefused: `limit` below 1.
    """
    *_, last = iter_search(desk, text, limit=limit)
    return last


def iter_search(desk: Desk, text: str, *, limit: int = LIMIT) -> Iterator[SearchResults]:
    """The results in two steps: customers first (`done` False), then with the calls too."""
    if limit < 1:
        raise InputRefused("search.bad_limit", value=limit)
    query = clean(text).strip()[:MAX_LENGTH]
    digits = "".join(ch for ch in query if ch.isdigit())
    if not query:
        yield SearchResults(text, done=True)
    elif _PHONE_CHARS.match(query) and len(digits) >= TAIL_DIGITS:
        yield from _by_phone(desk, text, query, digits, limit)
    elif _CALL_NUMBER.match(query) and (found := _by_call_number(desk, text, query, limit)):
        yield found
    else:
        yield from _by_text(desk, text, query, limit)


# -- the ways of searching ---------------------------------------------------------------------


def _by_phone(desk: Desk, text: str, query: str, digits: str, limit: int
              ) -> Iterator[SearchResults]:
    store = desk.store
    try:
        phone = normalize_phone(query)
    except InputRefused:
        phone = None
    if phone is not None:
        ids = [customer_id(phone.e164)]
        customers = [c for c in sq.customers_by_ids(store, ids)]
        follow = [c["merged_into"] for c in customers if c.get("merged_into")]
        if follow:  # a merged customer's history lives with the one it was merged into
            customers = [c for c in sq.customers_by_ids(store, follow)] or customers
        for c in customers:
            c.pop("merged_into", None)
        part = SearchResults(text, "phone", _customers(customers), done=False)
        yield part
        tail = phone.e164[-TAIL_DIGITS:]
        calls = sq.calls_by_tail(store, tail, phone.e164, limit + 1)
        known = {c["id"] for c in calls}
        owners = [c["id"] for c in customers]
        calls += [c for c in sq.calls_of_customers(store, owners, limit + 1)
                  if c["id"] not in known]
        yield _with_calls(part, calls, limit)
        return
    tail_pattern = "*" + digits
    customers = sq.customers_by_tail(store, digits[-TAIL_DIGITS:], tail_pattern, limit + 1)
    prefix_ids: list[str] = []
    if len(digits) >= PREFIX_MIN_DIGITS:
        seen = {c["id"] for c in customers}
        for row in sq.customers_by_phone_prefix(store, stored_prefix(query), limit + 1):
            if row["id"] not in seen:
                customers.append(row)
                prefix_ids.append(row["id"])
    part = SearchResults(text, "digits", _customers(customers[:limit]),
                         more_customers=len(customers) > limit)
    yield part
    calls = sq.calls_by_tail(store, digits[-TAIL_DIGITS:], tail_pattern, limit + 1)
    if prefix_ids:
        known = {c["id"] for c in calls}
        calls += [c for c in sq.calls_of_customers(store, prefix_ids[:limit], limit + 1)
                  if c["id"] not in known]
    yield _with_calls(part, calls, limit)


def _by_call_number(desk: Desk, text: str, query: str, limit: int) -> SearchResults | None:
    calls = sq.calls_by_number_prefix(desk.store, query.upper(), limit + 1)
    if not calls:
        return None  # "KFR-35" looks like a call number and is a product model: search words
    return _with_calls(SearchResults(text, "number"), calls, limit, newest_first=False)


def _by_text(desk: Desk, text: str, query: str, limit: int) -> Iterator[SearchResults]:
    store = desk.store
    customers = sq.customers_by_name(store, query, limit + 1)
    terms = _terms(query)
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    short_terms = [t for t in terms if len(t) < MIN_TRIGRAM]
    kind = "text" if long_terms else "recent"
    part = SearchResults(text, kind, _customers(customers[:limit]),
                         more_customers=len(customers) > limit,
                         window=0 if long_terms else RECENT_WINDOW)
    yield part
    if long_terms:
        calls = sq.calls_by_text(store, long_terms, short_terms, limit + 1)
    else:
        floor = sq.recent_floor(store, RECENT_WINDOW)
        calls = sq.calls_recent_with(store, short_terms, floor, limit + 1)
    yield _with_calls(part, calls, limit)


# -- helpers -----------------------------------------------------------------------------------


def _terms(query: str) -> list[str]:
    """The words of the text, each once, in order."""
    seen: dict[str, None] = {}
    for word in query.split():
        seen.setdefault(word, None)
    return list(seen)




def _customers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["tags"] = parse_tags(row.get("tags"))
        row["call_count"] = int(row.get("call_count") or 0)
    return rows


def _with_calls(part: SearchResults, calls: list[dict[str, Any]], limit: int, *,
                newest_first: bool = True) -> SearchResults:
    if newest_first:
        calls = sorted(calls, key=lambda c: (c.get("started_at") or "", c["id"]), reverse=True)
    for call in calls:
        call["escalated"] = bool(call.get("escalated"))
        call["after_hours"] = bool(call.get("after_hours"))
    return replace(part, calls=calls[:limit], more_calls=len(calls) > limit, done=True)
