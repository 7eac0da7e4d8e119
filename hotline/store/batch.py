"""Applying a large batch of received ops (a bundle) at close to the speed of a plain insert.

`Store.apply` reloads each touched entity's ops one entity at a time, which is right for a
handful of ops and slow for a day of desk traffic. `apply_batch` gives exactly the same state
(the sync property tests compare both, and both with `rebuild`), doing set work instead:

- duplicates are found with one range query per origin desk on the `(desk, seq)` index, which
  also catches a *fork*: one desk sending two different ops under the same sequence number
  (a restored or cloned store) is refused, never silently merged;
- entities this store has never seen are materialised in memory from the batch and inserted
  with `executemany` (a created record is usually one op);
- entities it already holds reload their ops in chunks of ids, then go through the same
  `Store._materialize` as `apply`.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring
from typing import Any

from hotline.errors import InputRefused
from hotline.store.bundle import paused_gc
from hotline.store.core import ApplyResult, Store, insert_state_rows
from hotline.store.oplog import CREATE, OP_COLUMNS, FieldState, Op, dumps, to_column
from hotline.store.schema import ENTITIES

CHUNK = 500
"""Ids per `IN (...)` query: far below SQLite's variable limit, large enough to amortise."""
INSERT_CHUNK = 10_000
"""Ops per `executemany`, so a progress bar moves on a large bundle."""

_INSERT_OPS = f"INSERT INTO ops ({', '.join(OP_COLUMNS)}) VALUES ({', '.join('?' * 10)})"


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _split_new(store: Store, ops: Sequence[Op]) -> tuple[list[Op], int]:
    """The ops this store lacks (first occurrence of each), and how many were duplicates.

    Raises:
        InputRefused: `bundle.fork`, an op's (desk, seq) is held under another op id.
    """
    seen: set[str] = set()
    by_desk: dict[str, list[Op]] = defaultdict(list)
    duplicates = 0
    for op in ops:
        if op.op_id in seen:
            duplicates += 1
            continue
        seen.add(op.op_id)
        by_desk[op.desk].append(op)
    fresh: list[Op] = []
    for desk, mine in by_desk.items():
        lo = min(op.seq for op in mine)
        hi = max(op.seq for op in mine)
        held = dict(
            store.conn.execute(
                "SELECT seq, op_id FROM ops WHERE desk = ? AND seq BETWEEN ? AND ?",
                (desk, lo, hi),
            ).fetchall()
        )
        for op in mine:
            known = held.get(op.seq)
            if known is None:
                fresh.append(op)
            elif known == op.op_id:
                duplicates += 1
            else:
                raise InputRefused("bundle.fork", desk=desk, seq=op.seq)
    # Another desk's op must not take a (desk, seq) that an earlier op in this batch took.
    slots = {(op.desk, op.seq) for op in fresh}
    if len(slots) != len(fresh):
        counts = Counter((op.desk, op.seq) for op in fresh)
        desk, seq = next(slot for slot, n in counts.items() if n > 1)
        raise InputRefused("bundle.fork", desk=desk, seq=seq)
    return fresh, duplicates


def _entities_with_ops(store: Store, entity_ids: Sequence[str]) -> set[str]:
    held: set[str] = set()
    for chunk in _chunks(entity_ids):
        held.update(
            row[0]
            for row in store.conn.execute(
                "SELECT DISTINCT entity_id FROM ops "
                f"WHERE entity_id IN ({', '.join('?' * len(chunk))})",
                list(chunk),
            )
        )
    return held


def _ops_of_many(store: Store, entity_ids: Sequence[str]) -> dict[str, list[Op]]:
    found: dict[str, list[Op]] = defaultdict(list)
    for chunk in _chunks(entity_ids):
        for row in store.conn.execute(
            f"SELECT {', '.join(OP_COLUMNS)} FROM ops "
            f"WHERE entity_id IN ({', '.join('?' * len(chunk))})",
            list(chunk),
        ):
            op = Op.from_row(row)
            found[op.entity_id].append(op)
    return found


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
"""`oplog.dumps` without building an encoder per call (same options, so the same text)."""


def _json_text(value: Any) -> str:
    """`oplog.dumps(value)`, with the common scalar cases done directly."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return _ENCODE(value)


def _row(op: Op) -> tuple[Any, ...]:
    """`op.row()`, faster: a bundle of 100,000 ops spends most of its Python time here."""
    prev = op.prev
    return (
        op.op_id, op.hlc, op.desk, op.seq, op.agent, op.entity, op.entity_id, op.field,
        _json_text(op.value),
        "[]" if not prev else "[" + ",".join(map(encode_basestring, prev)) + "]",
    )


def _new_entity_row(
    kind_name: str, entity_id: str, ops: list[Op], conflicts: list[tuple[Any, ...]]
) -> list[Any] | None:
    """The state row of an entity made only of `ops`, as `Store._materialize` would write it
    (None when no op writes a field this schema knows); conflicts of its key fields are
    appended to `conflicts`.

    The merge rule is `oplog.merge_field`'s, folded in one pass over the ops instead of one
    pass per field: per field, the candidates (ops writing it, creations including it) and
    the op ids superseded by ops of that field. A field only its single creation wrote takes
    the creation's value without further work (most fields of most records).
    """
    kind = ENTITIES[kind_name]
    creates = [op for op in ops if op.field == CREATE]
    edits: dict[str, list[Op]] = defaultdict(list)
    for op in ops:
        if op.field != CREATE:
            edits[op.field].append(op)
    base: dict[str, Any] = creates[0].value if len(creates) == 1 else {}
    values: dict[str, Any] = {}
    for name in kind.fields:
        field_edits = edits.get(name)
        if field_edits is None and len(creates) < 2:
            if name in base:
                values[name] = base[name]
            continue
        cands = [op for op in creates if name in op.value]
        if field_edits:
            gone = {p for op in field_edits for p in op.prev}
            cands += field_edits
            heads = [op for op in cands if op.op_id not in gone] if gone else cands
        else:
            heads = cands
        if not cands:
            continue
        if not heads:
            values[name] = None
            continue
        winner = heads[0] if len(heads) == 1 else max(heads, key=_order)
        values[name] = winner.value_of(name)
        if len(heads) > 1 and name in kind.key_fields:
            distinct = FieldState(name, heads, winner).distinct_values()
            if len(distinct) > 1:
                ordered = sorted(heads, key=_order)
                conflicts.append((kind_name, entity_id, name,
                                  dumps([h.op_id for h in ordered]), dumps(distinct)))
    if not values:
        return None
    return [entity_id, *(_column(n, values[n]) if n in values else None for n in kind.fields)]


def _column(name: str, value: Any) -> Any:
    """`oplog.to_column`, inlined for the common types."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    return to_column(name, value)


def _order(op: Op) -> tuple[int, str, str]:
    return (op.hlc, op.desk, op.op_id)


def apply_batch(
    store: Store,
    ops: Sequence[Op],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ApplyResult:
    """Apply received ops in one transaction, with the same outcome as `Store.apply(ops)`.

    Args:
        ops: the ops, in any order; duplicates (held already, or twice in `ops`) are skipped.
        progress: called with (ops inserted so far, ops to insert).

    Raises:
        InputRefused: `bundle.fork` when an origin desk's sequence number is held under another
            op id; the transaction is rolled back, nothing is written.
    """
    result = ApplyResult(ops=len(ops))
    with store.transaction(), paused_gc():
        fresh, result.duplicates = _split_new(store, ops)
        result.applied = len(fresh)
        if not fresh:
            return result
        known_kinds = [op for op in fresh if op.entity in ENTITIES]
        touched: dict[tuple[str, str], list[Op]] = defaultdict(list)
        for op in known_kinds:
            touched[(op.entity, op.entity_id)].append(op)
        entity_ids = sorted({eid for _, eid in touched})
        held = _entities_with_ops(store, entity_ids)
        kinds_of: dict[str, set[str]] = defaultdict(set)
        for entity, eid in touched:
            kinds_of[eid].add(entity)
        before = int(store.scalar("SELECT count(*) FROM conflicts") or 0)
        done = 0
        for chunk in _chunks(fresh, INSERT_CHUNK):
            try:
                store.conn.executemany(_INSERT_OPS, [_row(op) for op in chunk])
            except sqlite3.IntegrityError as exc:  # an op id held under another (desk, seq)
                op = chunk[0]
                raise InputRefused("bundle.fork", desk=op.desk, seq=op.seq) from exc
            done += len(chunk)
            if progress is not None:
                progress(done, len(fresh))
        # Entities never seen before (and not sharing their id with another kind): in memory.
        rows: dict[str, list[list[Any]]] = defaultdict(list)
        new_conflicts: list[tuple[Any, ...]] = []
        slow: list[tuple[str, str]] = []
        for (entity, eid), mine in touched.items():
            if eid in held or len(kinds_of[eid]) > 1:
                slow.append((entity, eid))
            else:
                row = _new_entity_row(entity, eid, mine, new_conflicts)
                if row is not None:
                    rows[entity].append(row)
        for entity, entity_rows in rows.items():
            # In one statement per table: the calls' full-text trigger flushes per statement.
            insert_state_rows(store, ENTITIES[entity], entity_rows)
        if new_conflicts:
            store.conn.executemany(
                "INSERT OR REPLACE INTO conflicts(entity, entity_id, field, heads, vals) "
                "VALUES (?, ?, ?, ?, ?)",
                new_conflicts,
            )
        # Entities the store held already: reload their whole op set, merge as `apply` does.
        if slow:
            all_ops = _ops_of_many(store, sorted({eid for _, eid in slow}))
            for entity, eid in slow:
                names = {f for op in touched[(entity, eid)] for f in op.fields()}
                store._materialize(entity, eid, all_ops[eid], names)
        result.conflicts = max(0, int(store.scalar("SELECT count(*) FROM conflicts") or 0) - before)
        newest = max(op.hlc for op in fresh)
        if newest:
            store.observe_hlc(newest)
        result.entities = set(touched)
    return result
