"""Applying a large batch of received ops (a bundle) at close to the speed of a plain insert.

`Store.apply` reloads each touched entity's ops one entity at a time, which is right for a
handful of ops and slow for a day of desk traffic. `apply_records` gives exactly the same state
(the sync property tests compare both, and both with `rebuild`), doing set work instead:

- it takes the ops as a bundle reads them (`Record`: lists, not `Op` objects, which cost a
  tenth of an import to build and are only made for records this store holds already);
- duplicates are found with one range query per origin desk on the `(desk, seq)` index, which
  also catches a *fork*: one desk sending two different ops under the same sequence number
  (a restored or cloned store) is refused, never silently merged;
- entities this store has never seen get their final state in memory, from all their ops in
  the batch (a call's creation and its later edits merged once, with the rule of
  `oplog.merge_field`), and each table's new rows are inserted in one statement;
- entities it already holds read their stored ops (once, before the batch is written) and go
  through the same `Store._materialize` as `apply`;
- a large batch into a store holding fewer ops (a desk joining its site) builds the indexes
  once at the end instead of insert by insert (`BULK_OPS`).
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from hotline.errors import InputRefused
from hotline.store.bulk_load import drop_indexes, restore_indexes
from hotline.store.bundle import paused_gc
from hotline.store.core import ApplyResult, Store, insert_state_rows
from hotline.store.oplog import (
    CREATE,
    OP_COLUMNS,
    FieldState,
    Op,
    dumps,
    to_column,
    value_text,
)
from hotline.store.plain_json import plain_text
from hotline.store.schema import ENTITIES, JSON_FIELDS, Entity

Record = list[Any]
"""An op as a bundle carries it: `OP_COLUMNS` order, the value parsed, `prev` a list of ids."""

CHUNK = 500
"""Ids per `IN (...)` query: far below SQLite's variable limit, large enough to amortise."""
BULK_OPS = 20_000
"""A batch of at least this many new ops into a store holding at most `BULK_SHARE` times as
many (a desk joining its site, a store restored from a full bundle) is loaded as `hotline seed`
loads: the indexes and search triggers are dropped and built again once at the end
(`bulk_load`), all in the one transaction of the import, so no other connection ever sees the
store without them. (100,000 ops into an empty store: a fifth less CPU; 1.4 million ops of a
whole site into a desk's store: 30 s instead of 49 s.)"""
BULK_SHARE = 1.0
"""Rebuilding an index costs as much as the rows it holds, so it pays only when most of them
are new."""
INSERT_CHUNK = 10_000
"""Ops per `executemany`, so a progress bar moves on a large bundle."""

_INSERT_OPS = f"INSERT INTO ops ({', '.join(OP_COLUMNS)}) VALUES ({', '.join('?' * 10)})"


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def record_of(op: Op) -> Record:
    return [op.op_id, op.hlc, op.desk, op.seq, op.agent, op.entity, op.entity_id, op.field,
            op.value, list(op.prev)]


def _op(record: Record) -> Op:
    return Op(*record[:9], tuple(record[9]))


# -- which ops are new -------------------------------------------------------------------------


_DESK_SEQ = itemgetter(2, 3)


def _split_new(
    store: Store, records: Sequence[Record], *, empty: bool
) -> tuple[list[Record], int]:
    """The records this store lacks (first occurrence of each), and how many were duplicates
    (`empty`: the store holds no op, nothing to look up).

    Raises:
        InputRefused: `bundle.fork`, an op's (desk, seq) is held under another op id, or taken
            by two ops of the batch.
    """
    unique: Sequence[Record] = records
    if len({r[0] for r in records}) != len(records):
        seen: set[str] = set()
        unique = []
        for r in records:
            if r[0] not in seen:
                seen.add(r[0])
                unique.append(r)
    duplicates = len(records) - len(unique)
    if empty:  # nothing held: only two ops of the batch under one (desk, seq) can clash
        slots = list(map(_DESK_SEQ, unique))
        if len(set(slots)) != len(slots):
            desk, seq = min(slot for slot, n in Counter(slots).items() if n > 1)
            raise InputRefused("bundle.fork", desk=desk, seq=seq)
        return list(unique), duplicates
    by_desk: dict[str, list[Record]] = defaultdict(list)
    for r in unique:
        by_desk[r[2]].append(r)
    fresh: list[Record] = []
    for desk, mine in by_desk.items():
        seqs = [r[3] for r in mine]
        if len(set(seqs)) != len(seqs):  # two ops of the batch under one (desk, seq)
            seq = min(s for s, n in Counter(seqs).items() if n > 1)
            raise InputRefused("bundle.fork", desk=desk, seq=seq)
        held = dict(
            store.conn.execute(
                "SELECT seq, op_id FROM ops WHERE desk = ? AND seq BETWEEN ? AND ?",
                (desk, min(seqs), max(seqs)),
            ).fetchall()
        )
        if not held:
            fresh += mine
            continue
        for r in mine:
            known = held.get(r[3])
            if known is None:
                fresh.append(r)
            elif known == r[0]:
                duplicates += 1
            else:
                raise InputRefused("bundle.fork", desk=desk, seq=r[3])
    return fresh, duplicates


def _entities_with_ops(store: Store, entity_ids: Collection[str], size: int) -> set[str]:
    """Which of `entity_ids` have ops in the store (`size`: about how many ops it holds): every
    entity id of a store smaller than the batch is read at once from the index, else the ids
    are looked up a chunk at a time."""
    if size <= len(entity_ids):
        held = {row[0] for row in store.conn.execute("SELECT DISTINCT entity_id FROM ops")}
        return held.intersection(entity_ids)
    held = set()
    for chunk in _chunks(sorted(entity_ids)):
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


# -- the state of a new entity, in memory ------------------------------------------------------


class _Layout:
    """Where each field of an entity goes in its state row (`id` first, then `fields`)."""

    def __init__(self, kind: Entity) -> None:
        self.kind = kind
        self.fields = kind.fields
        self.names = frozenset(kind.fields)
        self.at = {name: i for i, name in enumerate(kind.fields, start=1)}
        self.json_at = tuple(self.at[name] for name in kind.fields if name in JSON_FIELDS)
        self.key_fields = kind.key_fields


_LAYOUTS = {name: _Layout(kind) for name, kind in ENTITIES.items()}


def _order(r: Record) -> tuple[int, str, str]:
    """`Op.order` of a record: the LWW rank among the heads of a field."""
    return (r[1], r[2], r[0])


def _value_of(r: Record, name: str) -> Any:
    return r[8].get(name) if r[7] == CREATE else r[8]


MIXED: list[Any] = []
"""What `_state_row` gives for records of more than one kind under one id."""


def _state_row(
    layout: _Layout,
    entity_id: str,
    records: list[Record],
    conflicts: list[tuple[Any, ...]],
    encode: Callable[[Any], str],
) -> list[Any] | None:
    """The state row of an entity made only of `records`, as `Store._materialize` would write
    it (None when no op writes a field this schema knows; `MIXED` when the records are not all
    of the layout's kind); conflicts of its key fields are appended to `conflicts`.

    The merge rule is `oplog.merge_field`'s, per field: the candidates are the ops writing it
    (its edits, and the creation when it includes it), the heads those no edit *of that field*
    lists in `prev`, the value the head with the largest (hlc, desk, op_id). A field only the
    creation wrote keeps the creation's value, so a record starts as its creation's values and
    only its edited fields are merged. Booleans are left to SQLite, which stores them as the
    integers `to_column` would give.
    """
    kind_name = layout.kind.name
    if len(records) == 1 and records[0][7] == CREATE and records[0][5] == kind_name:
        created = records[0][8]  # most records: their creation alone
        if created.keys().isdisjoint(layout.names):
            return None
        row = [entity_id, *map(created.get, layout.fields)]
        for i in layout.json_at:
            if row[i] is not None:
                row[i] = encode(row[i])
        return row
    base: Record | None = None
    twice = False
    edits: dict[str, list[Record]] = {}
    for r in records:
        if r[5] != kind_name:
            return MIXED
        name = r[7]
        if name == CREATE:
            twice = base is not None
            base = r
        else:
            same = edits.get(name)
            if same is None:
                edits[name] = [r]
            else:
                same.append(r)
    if twice:  # created twice (two desks met one caller): rare, merged field by field
        return _general_row(layout.kind, entity_id, records, conflicts)
    if base is not None:
        created = base[8]
        row = [entity_id, *map(created.get, layout.fields)]
        written = not created.keys().isdisjoint(layout.names)
    else:
        created = {}
        row = [entity_id, *([None] * len(layout.fields))]
        written = False
    at = layout.at
    for name, mine in edits.items():
        i = at.get(name)
        if i is None:
            continue  # a field from a newer schema: kept in the log, built after upgrade
        written = True
        if len(mine) == 1:
            edit = mine[0]
            gone = edit[9]
            if edit[0] not in gone and (base is None or name not in created or base[0] in gone):
                row[i] = edit[8]  # the one head
                continue
            heads = [c for c in (edit, base) if c is not None and c[0] not in gone
                     and (c is edit or name in created)]
        else:
            superseded = {p for edit in mine for p in edit[9]}
            heads = [edit for edit in mine if edit[0] not in superseded]
            if base is not None and name in created and base[0] not in superseded:
                heads.append(base)
        if not heads:
            row[i] = None
            continue
        if len(heads) == 1:
            row[i] = _value_of(heads[0], name)
            continue
        winner = max(heads, key=_order)
        row[i] = _value_of(winner, name)
        if name in layout.key_fields:
            ordered = sorted(heads, key=_order)
            distinct: dict[str, Any] = {}
            for head in ordered:
                value = _value_of(head, name)
                distinct.setdefault(dumps(value), value)
            if len(distinct) > 1:
                conflicts.append((layout.kind.name, entity_id, name,
                                  dumps([h[0] for h in ordered]), dumps(list(distinct.values()))))
    if not written:
        return None
    for i in layout.json_at:
        if row[i] is not None:
            row[i] = encode(row[i])
    return row


def _general_row(
    kind: Entity, entity_id: str, records: list[Record], conflicts: list[tuple[Any, ...]]
) -> list[Any] | None:
    """`_state_row` for an entity created more than once: `merge_field` for every field."""
    ops = [_op(r) for r in records]
    values: dict[str, Any] = {}
    for name in kind.fields:
        cands = [op for op in ops if op.field == name or (op.field == CREATE and name in op.value)]
        if not cands:
            continue
        gone = {p for op in cands if op.field == name for p in op.prev}
        heads = [op for op in cands if op.op_id not in gone]
        if not heads:
            values[name] = None
            continue
        state = FieldState(name, heads, max(heads, key=lambda op: op.order))
        values[name] = to_column(name, state.value)
        if name in kind.key_fields:
            distinct = state.distinct_values()
            if len(distinct) > 1:
                ordered = sorted(heads, key=lambda op: op.order)
                conflicts.append((kind.name, entity_id, name,
                                  dumps([h.op_id for h in ordered]), dumps(distinct)))
    if not values:
        return None
    return [entity_id, *(values.get(name) for name in kind.fields)]


# -- writing -----------------------------------------------------------------------------------


def _op_rows(records: Sequence[Record], encode: Callable[[Any], str]) -> list[tuple[Any, ...]]:
    """The records as rows of the `ops` table: value and prev as the canonical JSON text
    `Op.row` gives (`oplog.dumps`), the common scalar values written directly."""
    escape = encode_basestring
    rows = []
    append = rows.append
    for r in records:
        value = r[8]
        kind = type(value)
        if kind is str:
            text = escape(value)
        elif kind is int:
            text = int.__repr__(value)
        elif value is None:
            text = "null"
        else:
            text = encode(value)
        prev = r[9]
        append((r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], text,
                "[" + ",".join(map(escape, prev)) + "]" if prev else "[]"))
    return rows


def _write(
    store: Store,
    fresh: list[Record],
    encode: Callable[[Any], str],
    rows: dict[str, list[list[Any]]],
    conflicts: list[tuple[Any, ...]],
    progress: Callable[[int, int], None] | None,
    *,
    bulk: bool,
) -> int:
    """Insert the new ops, the new records' state rows and their conflicts (the indexes built
    at the end when `bulk`); the number of conflicts held before.

    Raises:
        InputRefused: `bundle.fork`, an op id held under another (desk, seq).
    """
    done = 0
    for chunk in _chunks(fresh, INSERT_CHUNK):
        try:
            store.conn.executemany(_INSERT_OPS, _op_rows(chunk, encode))
        except sqlite3.IntegrityError as exc:
            first = chunk[0]
            raise InputRefused("bundle.fork", desk=first[2], seq=first[3]) from exc
        done += len(chunk)
        if progress is not None:
            progress(done, len(fresh))
    before = int(store.scalar("SELECT count(*) FROM conflicts") or 0)
    for name, entity_rows in rows.items():
        # In one statement per table: the calls' full-text trigger flushes per statement.
        insert_state_rows(store, ENTITIES[name], entity_rows)
    if conflicts:
        store.conn.executemany(
            "INSERT OR REPLACE INTO conflicts(entity, entity_id, field, heads, vals) "
            "VALUES (?, ?, ?, ?, ?)",
            conflicts,
        )
    if bulk:
        restore_indexes(store)
    return before


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
    return apply_records(store, [record_of(op) for op in ops], progress=progress)


def apply_records(
    store: Store,
    records: Sequence[Record],
    *,
    progress: Callable[[int, int], None] | None = None,
    plain: bool = False,
) -> ApplyResult:
    """`apply_batch` for ops as a bundle reads them (`Record`s, which are not changed).

    Args:
        plain: every value is plain for orjson (no float, no integer beyond 64 bits, no lone
            surrogate: `bundle.Bundle.plain`), so orjson may write their JSON text
            (`plain_text`); otherwise `json` writes it.

    Raises:
        InputRefused: `bundle.fork`, as `apply_batch`.
    """
    encode = plain_text if plain else value_text
    result = ApplyResult(ops=len(records))
    with store.transaction(), paused_gc():
        # The op log's size (rowids are never reused: ops are never deleted).
        size = int(store.scalar("SELECT max(rowid) FROM ops") or 0)
        empty = size == 0
        fresh, result.duplicates = _split_new(store, records, empty=empty)
        result.applied = len(fresh)
        if not fresh:
            return result
        groups: dict[str, list[Record]] = {}
        for r in fresh:
            group = groups.get(r[6])
            if group is None:
                groups[r[6]] = [r]
            else:
                group.append(r)
        held = set() if empty else _entities_with_ops(store, groups.keys(), size)
        rows: dict[str, list[list[Any]]] = defaultdict(list)
        new_conflicts: list[tuple[Any, ...]] = []
        slow: list[tuple[str, str, list[Record]]] = []
        entities: set[tuple[str, str]] = set()
        for eid, group in groups.items():
            name = group[0][5]
            layout = _LAYOUTS.get(name)
            if layout is not None and eid not in held:
                row = _state_row(layout, eid, group, new_conflicts, encode)
                if row is not MIXED:
                    if row is not None:
                        rows[name].append(row)
                    entities.add((name, eid))
                    continue
            # Held already, or one id for several kinds (each merged on its own, as `apply`
            # does), or a kind from a newer schema (kept in the log only).
            for kind_name in sorted({r[5] for r in group} & ENTITIES.keys()):
                slow.append((kind_name, eid, [r for r in group if r[5] == kind_name]))
                entities.add((kind_name, eid))
        result.entities = entities
        # Entities held already: their stored ops, read before the batch is written.
        stored = _ops_of_many(store, sorted({eid for _, eid, _ in slow})) if held else {}
        bulk = len(fresh) >= BULK_OPS and size <= len(fresh) * BULK_SHARE
        if bulk:
            drop_indexes(store)
        try:
            before = _write(store, fresh, encode, rows, new_conflicts, progress, bulk=bulk)
            for name, eid, mine in slow:
                ops = stored.get(eid, []) + [_op(r) for r in mine]
                names = {f for r in mine for f in (r[8] if r[7] == CREATE else (r[7],))}
                store._materialize(name, eid, ops, names)
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError, OverflowError,
                UnicodeEncodeError) as exc:
            # An object, a list or a huge integer where a column holds text or a number, a lone
            # surrogate in a text: a well-sealed bundle no desk of ours wrote. Refused; the
            # transaction is undone.
            raise InputRefused("bundle.bad_op", n="-", reason=f"a value no column holds: {exc}"
                               ) from exc
        result.conflicts = max(0, int(store.scalar("SELECT count(*) FROM conflicts") or 0)
                               - before)
        newest = max(r[1] for r in fresh)
        if newest:
            store.observe_hlc(newest)
    return result
