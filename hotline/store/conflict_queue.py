"""Reads for the supervisors' conflicts queue: the conflicts and the head ops behind them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hotline.store.core import Store
from hotline.store.oplog import OP_COLUMNS, Op


def conflicts(store: Store, *, limit: int = 500) -> list[dict[str, Any]]:
    """Pending conflicts (entity, entity_id, field, heads as a list of op ids, vals as a list)."""
    rows = store.query(
        "SELECT entity, entity_id, field, heads, vals FROM conflicts "
        "ORDER BY entity, entity_id, field LIMIT ?",
        (limit,),
    )
    for row in rows:
        row["heads"] = json.loads(row["heads"])
        row["vals"] = json.loads(row["vals"])
    return rows


def conflict(store: Store, entity: str, entity_id: str, field: str) -> dict[str, Any] | None:
    rows = store.query(
        "SELECT entity, entity_id, field, heads, vals FROM conflicts "
        "WHERE entity = ? AND entity_id = ? AND field = ?",
        (entity, entity_id, field),
    )
    if not rows:
        return None
    row = rows[0]
    row["heads"] = json.loads(row["heads"])
    row["vals"] = json.loads(row["vals"])
    return row


def ops_by_id(store: Store, op_ids: Sequence[str]) -> dict[str, Op]:
    if not op_ids:
        return {}
    with store._lock:
        rows = store.conn.execute(
            f"SELECT {', '.join(OP_COLUMNS)} FROM ops "
            f"WHERE op_id IN ({', '.join('?' * len(op_ids))})",
            list(op_ids),
        ).fetchall()
    return {row[0]: Op.from_row(row) for row in rows}


def record_labels(store: Store, entity: str, entity_ids: Sequence[str]) -> dict[str, str]:
    """What people call each record: a call's number (also for its transfers and follow-ups),
    a customer's phone; other records keep their id."""
    labels: dict[str, str] = {}
    ids = list(entity_ids)
    if not ids:
        return labels
    marks = ", ".join("?" * len(ids))
    if entity == "call":
        sql = f"SELECT id, number AS label FROM calls WHERE id IN ({marks})"
    elif entity in ("transfer", "followup"):
        table = "transfers" if entity == "transfer" else "followups"
        sql = (f"SELECT t.id, c.number AS label FROM {table} t JOIN calls c ON c.id = t.call_id "
               f"WHERE t.id IN ({marks})")
    elif entity == "customer":
        sql = f"SELECT id, phone AS label FROM customers WHERE id IN ({marks})"
    else:
        return labels
    for row in store.query(sql, ids):
        if row["label"]:
            labels[row["id"]] = row["label"]
    return labels
