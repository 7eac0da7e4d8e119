"""The supervisors' conflicts queue: concurrent edits of key fields, shown side by side.

A conflict is data, never settled silently (SYNC-DESIGN.md 2.4): the state shows the last
writer's value meanwhile, and a supervisor's choice is an ordinary write whose `prev` lists every
head, so it supersedes them on every desk once it has synced.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hotline.errors import InputRefused
from hotline.services.clock import to_text
from hotline.services.desk import Desk
from hotline.store import conflict_queue
from hotline.store.hlc import wall_ms
from hotline.store.oplog import dumps


def list_conflicts(desk: Desk, *, limit: int = 500) -> list[dict[str, Any]]:
    """Pending conflicts, each with the competing values side by side.

    Returns:
        Dicts with entity, entity_id, record (what people call it), field, and `choices`: one
        per distinct value, {value, desk, agent, at} of the newest head holding it.
    """
    from datetime import UTC, datetime

    rows = conflict_queue.conflicts(desk.store, limit=limit)
    heads = conflict_queue.ops_by_id(desk.store, [h for r in rows for h in r["heads"]])
    ids_by_entity: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        ids_by_entity[row["entity"]].append(row["entity_id"])
    labels: dict[tuple[str, str], str] = {}
    for entity, ids in ids_by_entity.items():
        for eid, label in conflict_queue.record_labels(desk.store, entity, ids).items():
            labels[(entity, eid)] = label
    result = []
    for row in rows:
        by_value: dict[str, dict[str, Any]] = {}
        for op_id in row["heads"]:
            op = heads.get(op_id)
            if op is None:
                continue
            value = op.value_of(row["field"])
            at = datetime.fromtimestamp(wall_ms(op.hlc) / 1000, UTC)
            by_value[dumps(value)] = {"value": value, "desk": op.desk, "agent": op.agent,
                                      "at": to_text(at)}
        result.append({
            "entity": row["entity"], "entity_id": row["entity_id"], "field": row["field"],
            "record": labels.get((row["entity"], row["entity_id"]), row["entity_id"]),
            "choices": [by_value[dumps(v)] for v in row["vals"] if dumps(v) in by_value],
        })
    return result


def resolve_conflict(desk: Desk, entity: str, entity_id: str, field: str, value: Any) -> None:
    """Settle a conflict with one of its values (supervisors only); the choice is an op.

    Raises:
        NotAllowed: the signed-in agent is not a supervisor.
        InputRefused: no such pending conflict, or `value` is not one of its values.
    """
    desk.require("supervisor")
    current = conflict_queue.conflict(desk.store, entity, entity_id, field)
    if current is None:
        raise InputRefused("conflict.not_found", field=field)
    if dumps(value) not in {dumps(v) for v in current["vals"]}:
        raise InputRefused("conflict.bad_choice", value=str(value))
    # The store lists every head it has seen in `prev`; a value equal to the winner's is still
    # written, because more than one head is standing.
    desk.store.write(desk.agent, entity, entity_id, {field: value})
