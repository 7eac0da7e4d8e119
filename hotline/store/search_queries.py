"""Read queries behind search (F4, `hotline search`), each written against an index.

Each query reads a bounded number of rows whatever the size of the store (DESIGN.md section 6):
phone tails through the expression indexes of `schema.PHONE_TAIL`, names through
`customers_name`, call numbers through `calls_number`, free text of three or more characters
through the FTS5 trigram table `calls_fts`, and shorter text (one or two Chinese characters,
which trigrams cannot index) by scanning only the latest calls through `calls_started`.
Training calls are never returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hotline.store.core import Store
from hotline.store.schema import PHONE_TAIL

MAIN_NUMBER = "substr(phone, 1, instr(phone || ';', ';') - 1)"
"""A stored phone without its `;ext=…`."""

CALL_COLUMNS = (
    "c.id, c.number, c.status, c.started_at, c.phone, c.customer_name, c.customer_id, "
    "c.product_model, c.symptom, c.category, c.priority, c.department, c.due_at, "
    "c.escalated, c.after_hours"
)

CUSTOMER_COLUMNS = (
    "cu.id, cu.phone, cu.name, cu.tags, cu.created_at, "
    "(SELECT count(*) FROM calls k WHERE k.customer_id = cu.id) AS call_count, "
    "(SELECT max(k.started_at) FROM calls k WHERE k.customer_id = cu.id) AS last_call_at"
)
"""A customer with how often and when they last called (a probe of `calls_customer` each)."""

_LIVE_CUSTOMER = "coalesce(cu.merged_into, '') = ''"
"""Customers merged into another are found through the one that holds their history."""

TEXT_COLUMNS = ("number", "customer_name", "product_model", "symptom", "description")
"""The columns free text is looked for in (the columns of `calls_fts`)."""

_TOP = "\U0010ffff"
"""Sorts after every character: `name < prefix + _TOP` bounds a prefix range."""


# -- customers ---------------------------------------------------------------------------------


def customers_by_tail(store: Store, tail: str, pattern: str, limit: int) -> list[dict[str, Any]]:
    """Customers whose phone ends in `tail` (4 digits) and whose number (without extension)
    matches the GLOB `pattern` (`*38000` for a longer tail, the whole E.164 number for one)."""
    return store.query(
        f"SELECT {CUSTOMER_COLUMNS} FROM customers cu "
        f"WHERE {PHONE_TAIL} = :tail AND {MAIN_NUMBER} GLOB :pattern AND {_LIVE_CUSTOMER} "
        "ORDER BY cu.created_at DESC LIMIT :limit",
        {"tail": tail, "pattern": pattern, "limit": limit},
    )


def customers_by_phone_prefix(store: Store, prefix: str, limit: int) -> list[dict[str, Any]]:
    """Customers whose stored (E.164) phone starts with `prefix` (index `customers_phone`)."""
    return store.query(
        f"SELECT {CUSTOMER_COLUMNS} FROM customers cu "
        f"WHERE cu.phone >= :lo AND cu.phone < :hi AND {_LIVE_CUSTOMER} "
        "ORDER BY cu.phone LIMIT :limit",
        {"lo": prefix, "hi": prefix + "~", "limit": limit},
    )


def customers_by_ids(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return store.query(
        f"SELECT {CUSTOMER_COLUMNS}, cu.merged_into FROM customers cu WHERE cu.id IN ({marks})",
        list(ids),
    )


def customers_by_name(store: Store, name: str, limit: int) -> list[dict[str, Any]]:
    """Customers called exactly `name` (newest first), then those whose name starts with it
    (in name order), through the index `customers_name`."""
    exact = store.query(
        f"SELECT {CUSTOMER_COLUMNS} FROM customers cu WHERE cu.name = :name AND {_LIVE_CUSTOMER} "
        "ORDER BY cu.created_at DESC LIMIT :limit",
        {"name": name, "limit": limit},
    )
    if len(exact) >= limit:
        return exact
    longer = store.query(
        f"SELECT {CUSTOMER_COLUMNS} FROM customers cu "
        f"WHERE cu.name > :name AND cu.name < :hi AND {_LIVE_CUSTOMER} "
        "ORDER BY cu.name, cu.created_at DESC LIMIT :limit",
        {"name": name, "hi": name + _TOP, "limit": limit - len(exact)},
    )
    return exact + longer


# -- calls -------------------------------------------------------------------------------------


def calls_by_tail(store: Store, tail: str, pattern: str, limit: int) -> list[dict[str, Any]]:
    """Calls whose phone ends in `tail` and matches the GLOB `pattern`, newest first
    (index `calls_phone_tail`, which holds them in that order)."""
    return store.query(
        f"SELECT {CALL_COLUMNS} FROM calls c "
        f"WHERE {PHONE_TAIL} = :tail AND {MAIN_NUMBER} GLOB :pattern AND c.training = 0 "
        "ORDER BY c.started_at DESC LIMIT :limit",
        {"tail": tail, "pattern": pattern, "limit": limit},
    )


def calls_of_customers(store: Store, ids: Sequence[str], limit: int) -> list[dict[str, Any]]:
    """The latest calls of a few customers, newest first (index `calls_customer`)."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return store.query(
        f"SELECT {CALL_COLUMNS} FROM calls c WHERE c.customer_id IN ({marks}) "
        "AND c.training = 0 ORDER BY c.started_at DESC LIMIT ?",
        [*ids, limit],
    )


def calls_by_number_prefix(store: Store, prefix: str, limit: int) -> list[dict[str, Any]]:
    """Calls whose number starts with `prefix` (upper case), latest number first (index
    `calls_number`; numbers carry their day, so that is newest first)."""
    return store.query(
        f"SELECT {CALL_COLUMNS} FROM calls c WHERE c.number >= :lo AND c.number < :hi "
        "AND c.training = 0 ORDER BY c.number DESC LIMIT :limit",
        {"lo": prefix, "hi": prefix + "~", "limit": limit},
    )


def fts_phrase(term: str) -> str:
    """One term as an FTS5 phrase: quoted, so no character of it is query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _contains_all(terms: Sequence[str], params: dict[str, Any]) -> str:
    """SQL true when every term is in one of `TEXT_COLUMNS` (ASCII letters in any case)."""
    clauses = []
    for i, term in enumerate(terms):
        name = f"t{i}"
        params[name] = term.lower()
        anycol = " OR ".join(f"instr(lower(c.{col}), :{name}) > 0" for col in TEXT_COLUMNS)
        clauses.append(f"({anycol})")
    return " AND ".join(clauses) if clauses else "1"


def calls_by_text(
    store: Store, long_terms: Sequence[str], short_terms: Sequence[str], limit: int
) -> list[dict[str, Any]]:
    """Calls holding every term, through the trigram index for the terms of three or more
    characters (shorter ones are then checked on those calls), the latest stored first.

    Latest stored, not latest started: the rowid order the FTS index walks backwards without
    sorting every match (a common word matches 100,000 calls). Calls are stored as they are
    taken, so the two orders differ only for calls that arrived late from another desk.
    """
    params: dict[str, Any] = {
        "match": " ".join(fts_phrase(t) for t in long_terms),
        "limit": limit,
    }
    extra = _contains_all(short_terms, params)
    return store.query(
        f"SELECT {CALL_COLUMNS} FROM calls_fts f JOIN calls c ON c.rowid = f.rowid "
        f"WHERE calls_fts MATCH :match AND c.training = 0 AND {extra} "
        "ORDER BY f.rowid DESC LIMIT :limit",
        params,
    )


def recent_floor(store: Store, window: int) -> str:
    """The start time of the `window`-th latest call ('' when there are fewer calls)."""
    value = store.scalar(
        "SELECT started_at FROM calls ORDER BY started_at DESC LIMIT 1 OFFSET ?",
        (max(window, 1) - 1,),
    )
    return str(value or "")


def calls_recent_with(
    store: Store, terms: Sequence[str], floor: str, limit: int
) -> list[dict[str, Any]]:
    """Calls started at or after `floor` that hold every term, newest first: a bounded scan
    (index `calls_started`) for text too short for trigrams."""
    params: dict[str, Any] = {"floor": floor, "limit": limit}
    where = _contains_all(terms, params)
    return store.query(
        f"SELECT {CALL_COLUMNS} FROM calls c INDEXED BY calls_started "
        f"WHERE c.started_at >= :floor AND c.training = 0 AND {where} "
        "ORDER BY c.started_at DESC LIMIT :limit",
        params,
    )
