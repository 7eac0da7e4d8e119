"""The Store: one SQLite file, its op log, and the state materialised from it.

Only the store writes SQL. Every write of shared state goes through `Store.write`, which appends
the ops and updates the state tables in the same transaction; `Store.apply` does the same for ops
received in a bundle. State is always equal to `rebuild()` from the op log (a test checks it).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotline.errors import UsageError
from hotline.store import call_facts
from hotline.store import hlc as hlc_clock
from hotline.store.bulk_load import larger_cache, restore_indexes
from hotline.store.ids import new_id
from hotline.store.oplog import (
    CREATE,
    OP_COLUMNS,
    Op,
    dumps,
    entity_of,
    merge_field,
    to_column,
    value_text,
)
from hotline.store.schema import ENTITIES, JSON_FIELDS, SCHEMA_VERSION, Entity, migrations
from hotline.store.text import clean_value

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000
"""Two app instances on one desk share the file; a writer waits this long for the other."""


@dataclass
class ApplyResult:
    """What applying a batch of received ops did."""

    ops: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    entities: set[tuple[str, str]] = field(default_factory=set)


class Store:
    """A hotline store. Thread-safe: one connection guarded by a lock (STYLE.md practice 9)."""

    def __init__(self, conn: sqlite3.Connection, *, path: Path | None, desk: str) -> None:
        self.conn = conn
        self._db: Database | None = None
        self.path = path
        self.desk = desk
        self._lock = threading.RLock()
        self.clock = hlc_clock.now_ms
        """Wall clock in ms; tests replace it to simulate skewed desks."""

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, desk: str, create: bool = False) -> Store:
        """Open (or with `create`, create) the store at `path` and bring its schema up to date.

        Raises:
            UsageError: no store there, not a hotline store, or written by a newer hotline.
        """
        memory = str(path) == ":memory:"
        file = None if memory else Path(path)
        if file is not None and not file.exists() and not create:
            raise UsageError("error.no_store", path=str(file))
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                ":memory:" if file is None else str(file),
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if file is not None:
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            raise UsageError("error.store_not_hotline", path=str(path)) from exc
        store = cls(conn, path=file, desk=desk)
        # A bulk load killed half-way left its indexes dropped: put them back before use.
        restore_indexes(store)
        store._migrate(str(path))
        return store

    @property
    def db(self) -> Database:
        """sqlite-utils' view of the connection, made on first use (importing sqlite-utils is
        a third of a bare Textual app's start-up; opening an up-to-date store needs none of it)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    def _schema_is_current(self) -> bool:
        """Every migration we know is applied, and no other (read with plain SQL)."""
        try:
            rows = self.conn.execute(
                f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ? "
                "ORDER BY rowid", (migrations.name,)
            ).fetchall()
        except sqlite3.DatabaseError:
            return False
        return [row[0] for row in rows] == migrations.names

    def _migrate(self, shown_path: str) -> None:
        if self._schema_is_current():
            return
        try:
            tables = set(self.db.table_names())
        except sqlite3.DatabaseError as exc:
            raise UsageError("error.store_not_hotline", path=shown_path) from exc
        if tables and migrations.migrations_table not in tables:
            raise UsageError("error.store_not_hotline", path=shown_path)
        found = len(migrations.applied(self.db))
        known = {m.name for m in migrations._migrations}
        if found > SCHEMA_VERSION or any(m.name not in known for m in migrations.applied(self.db)):
            raise UsageError(
                "error.store_newer", path=shown_path, found=found, known=SCHEMA_VERSION
            )
        if migrations.pending(self.db):
            try:
                with self._lock:
                    migrations.apply(self.db)
            except sqlite3.OperationalError as exc:
                if "readonly" in str(exc):
                    raise UsageError("error.store_readonly", path=shown_path) from exc
                raise

    @property
    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def close(self) -> None:
        self.conn.close()

    # -- transactions and reads ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction taken at once (BEGIN IMMEDIATE), so two instances queue politely
        instead of failing with "database is locked" half-way; nested use is a savepoint."""
        with self._lock:
            if self.conn.in_transaction:
                name = f"sp_{new_id()}"
                self.conn.execute(f"SAVEPOINT {name}")
                try:
                    yield
                except sqlite3.OperationalError as exc:
                    self._rollback_to(name)
                    raise self._refusal(exc) from exc
                except BaseException:
                    self._rollback_to(name)
                    raise
                self.conn.execute(f"RELEASE {name}")
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    self.conn.execute("ROLLBACK")
                raise self._refusal(exc) from exc
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _rollback_to(self, name: str) -> None:
        """Undo a savepoint, unless SQLite already undid the whole transaction (disk full)."""
        if self.conn.in_transaction:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")

    def _refusal(self, exc: sqlite3.OperationalError) -> Exception:
        """A write the disk or the file refused, as a message a person can act on."""
        text = str(exc).lower()
        where = str(self.path or ":memory:")
        if "full" in text:
            return UsageError("storage.disk_full", path=where)
        if "readonly" in text:
            return UsageError("error.store_readonly", path=where)
        if "locked" in text or "busy" in text:
            return UsageError("error.store_locked")
        return exc

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows of a read query as dicts."""
        with self._lock:
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def get(self, entity: str, entity_id: str) -> dict[str, Any] | None:
        """One materialised record, or None."""
        table = entity_of(entity).table
        rows = self.query(f"SELECT * FROM {table} WHERE id = ?", (entity_id,))
        return rows[0] if rows else None

    # -- desk-local metadata ---------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- writing shared state --------------------------------------------------------------

    def _next_hlc(self) -> int:
        nxt = hlc_clock.tick(self.last_hlc(), self.clock)
        self.save_hlc(nxt)
        return nxt

    def last_hlc(self) -> int:
        """The newest HLC this store has issued or seen (desk-local, in `meta`)."""
        return int(self.meta("hlc", "0") or 0)

    def save_hlc(self, value: int) -> None:
        """Record the store's HLC; call inside the write transaction that used it."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('hlc', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(value),),
        )

    def observe_hlc(self, received: int) -> None:
        """Move the clock past ops received from other desks, bounded against a fast desk."""
        self.save_hlc(hlc_clock.observe(self.last_hlc(), received, self.clock))

    def _next_seq(self) -> int:
        last = self.scalar("SELECT max(seq) FROM ops WHERE desk = ?", (self.desk,))
        return int(last or 0) + 1

    def ops_of(self, entity_id: str) -> list[Op]:
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {', '.join(OP_COLUMNS)} FROM ops WHERE entity_id = ?", (entity_id,)
            ).fetchall()
        return [Op.from_row(r) for r in rows]

    def write(
        self, agent: str | None, entity: str, entity_id: str, values: Mapping[str, Any]
    ) -> list[Op]:
        """Record `values` for one entity as ops and update its state, in one transaction.

        A new entity is created with one op; an existing one gets one op per changed field,
        each listing the heads it overwrites in `prev`. Unchanged fields write nothing.

        Returns:
            The ops written (empty when nothing changed).
        """
        kind = entity_of(entity)
        unknown = set(values) - set(kind.fields)
        if unknown:
            raise ValueError(f"{entity} has no field(s) {sorted(unknown)}")
        clean: dict[str, Any] = {k: clean_value(v) for k, v in values.items()}
        with self.transaction():
            existing = self.ops_of(entity_id)
            written: list[Op] = []
            seq = self._next_seq()
            if not existing:
                written.append(
                    Op(new_id(), self._next_hlc(), self.desk, seq, agent, entity, entity_id,
                       CREATE, clean)
                )
            else:
                if kind.append_only:
                    raise ValueError(f"{entity} records are append-only")
                for name, value in clean.items():
                    state = merge_field(existing, name)
                    if state.winner is None and value is None:
                        continue  # never set, and cleared: the column is NULL either way
                    if state.winner is not None and len(state.heads) == 1 and dumps(
                        state.value
                    ) == dumps(value):
                        continue
                    written.append(
                        Op(new_id(), self._next_hlc(), self.desk, seq, agent, entity,
                           entity_id, name, value, tuple(sorted(h.op_id for h in state.heads)))
                    )
                    seq += 1
            if written:
                self.conn.executemany(
                    f"INSERT INTO ops ({', '.join(OP_COLUMNS)}) VALUES ({', '.join('?' * 10)})",
                    [op.row() for op in written],
                )
                self._materialize(kind.name, entity_id, existing + written,
                                  {f for op in written for f in op.fields()})
        return written

    # -- applying received ops -------------------------------------------------------------

    def apply(self, ops: Iterable[Op]) -> ApplyResult:
        """Apply ops received from other desks, in one transaction; re-applying changes nothing.

        The caller has verified the ops' origin (bundles); this only merges them.
        """
        result = ApplyResult()
        touched: dict[tuple[str, str], set[str]] = defaultdict(set)
        with self.transaction():
            newest = 0
            for op in ops:
                result.ops += 1
                cur = self.conn.execute(
                    f"INSERT OR IGNORE INTO ops ({', '.join(OP_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * 10)})",
                    op.row(),
                )
                if cur.rowcount == 0:
                    result.duplicates += 1
                    continue
                result.applied += 1
                newest = max(newest, op.hlc)
                if op.entity in ENTITIES:
                    touched[(op.entity, op.entity_id)].update(op.fields())
            before = self.scalar("SELECT count(*) FROM conflicts")
            for (entity, entity_id), names in touched.items():
                self._materialize(entity, entity_id, self.ops_of(entity_id), names)
            result.conflicts = max(0, self.scalar("SELECT count(*) FROM conflicts") - before)
            if newest:
                self.observe_hlc(newest)
        result.entities = set(touched)
        return result

    def _materialize(
        self, entity: str, entity_id: str, ops: list[Op], names: Iterable[str]
    ) -> None:
        """Bring the state row and the conflicts of one entity up to date for `names`."""
        kind = ENTITIES[entity]
        mine = [op for op in ops if op.entity == entity]
        values: dict[str, Any] = {}
        for name in names:
            if name not in kind.fields:
                continue  # a field from a newer schema: kept in the log, built after upgrade
            state = merge_field(mine, name)
            values[name] = to_column(name, state.value)
            if name in kind.key_fields:
                distinct = state.distinct_values()
                if len(distinct) > 1:
                    heads = sorted(state.heads, key=lambda op: op.order)
                    self.conn.execute(
                        "INSERT OR REPLACE INTO conflicts(entity, entity_id, field, heads, vals) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (entity, entity_id, name, dumps([h.op_id for h in heads]),
                         dumps(distinct)),
                    )
                else:
                    self.conn.execute(
                        "DELETE FROM conflicts WHERE entity = ? AND entity_id = ? AND field = ?",
                        (entity, entity_id, name),
                    )
        if not values:
            return
        cols = list(values)
        exists = self.conn.execute(
            f"SELECT 1 FROM {kind.table} WHERE id = ?", (entity_id,)
        ).fetchone()
        if exists:
            assignments = ", ".join(f"{c} = ?" for c in cols)
            self.conn.execute(
                f"UPDATE {kind.table} SET {assignments} WHERE id = ?",
                [values[c] for c in cols] + [entity_id],
            )
        else:
            self.conn.execute(
                f"INSERT INTO {kind.table} (id, {', '.join(cols)}) "
                f"VALUES (?, {', '.join('?' * len(cols))})",
                [entity_id] + [values[c] for c in cols],
            )

    def rebuild(self) -> None:
        """Throw the state tables away and materialise them again from the op log, then the
        report's `call_facts` from them (its triggers kept it, but it is derived: made anew)."""
        with self.transaction():
            for kind in ENTITIES.values():
                self.conn.execute(f"DELETE FROM {kind.table}")
            self.conn.execute("DELETE FROM conflicts")
            cur = self.conn.execute(
                f"SELECT {', '.join(OP_COLUMNS)} FROM ops ORDER BY entity_id"
            )
            batch: list[Op] = []
            for row in cur.fetchall():
                op = Op.from_row(row)
                if batch and batch[0].entity_id != op.entity_id:
                    self._rebuild_entity(batch)
                    batch = []
                batch.append(op)
            if batch:
                self._rebuild_entity(batch)
            call_facts.refill(self.conn)

    def rebuilt_digest(self) -> str:
        """The digest a rebuild from the op log would give, leaving the store as it was (the
        rebuild runs in a transaction that is rolled back): `doctor` compares it with `digest`."""

        class _Undo(Exception):
            pass

        rebuilt = ""
        try:
            with self.transaction():
                self.rebuild()
                rebuilt = self.digest()
                raise _Undo
        except _Undo:
            pass
        return rebuilt

    def _rebuild_entity(self, ops: list[Op]) -> None:
        for entity in {op.entity for op in ops if op.entity in ENTITIES}:
            names = {f for op in ops if op.entity == entity for f in op.fields()}
            self._materialize(entity, ops[0].entity_id, ops, names)

    # -- digest ----------------------------------------------------------------------------

    def digest(self) -> str:
        """SHA-256 of the materialised shared state: equal on desks that hold the same ops."""
        h = hashlib.sha256()
        with self._lock:
            for kind in sorted(ENTITIES.values(), key=lambda k: k.name):
                cols = ", ".join(("id", *kind.fields))
                h.update(f"\x1e{kind.name}\n".encode())
                for row in self.conn.execute(f"SELECT {cols} FROM {kind.table} ORDER BY id"):
                    h.update(dumps(list(row)).encode())
                    h.update(b"\n")
            h.update(b"\x1econflicts\n")
            for row in self.conn.execute(
                "SELECT entity, entity_id, field, heads, vals FROM conflicts "
                "ORDER BY entity, entity_id, field"
            ):
                h.update(dumps(list(row)).encode())
                h.update(b"\n")
        return h.hexdigest()


_JSON_AT = {name: tuple(i for i, f in enumerate(kind.fields, start=1) if f in JSON_FIELDS)
            for name, kind in ENTITIES.items()}
"""Per entity, where its JSON fields are in a state row (after the id)."""


def created_row(kind_name: str, entity_id: str, value: Mapping[str, Any],
                encode: Callable[[Any], str] = value_text, lead: tuple[Any, ...] = ()
                ) -> list[Any]:
    """The state row of a record made by its create op alone, after `lead`: `to_column` of its
    values, i.e. JSON fields as text and the rest as they are (SQLite stores a bool as the
    integer `to_column` would give)."""
    row = [*lead, entity_id, *map(value.get, ENTITIES[kind_name].fields)]
    at = len(lead)
    for i in _JSON_AT[kind_name]:
        if row[at + i] is not None:
            row[at + i] = encode(row[at + i])
    return row


def _bulk_rows(kind_name: str, entity_ops: dict[str, list[Op]],
               encode: Callable[[Any], str] = value_text) -> Iterator[list[Any]]:
    """The state row of each entity from its ops alone: `merge_field` for every field, folded
    into one pass over the ops (a record made by its create op alone takes its values as they
    are). Conflicts are not looked for: the bulk path loads records written by one writer."""
    fields = ENTITIES[kind_name].fields
    for entity_id, ops in entity_ops.items():
        if len(ops) == 1 and ops[0].field == CREATE:
            yield created_row(kind_name, entity_id, ops[0].value, encode)
            continue
        # Per field: the op ids that ops of that field list in `prev` (not heads), then the
        # head with the largest (hlc, desk, op_id) among the ops writing it.
        superseded: dict[str, set[str]] = defaultdict(set)
        for op in ops:
            if op.field != CREATE and op.prev:
                superseded[op.field].update(op.prev)
        winners: dict[str, Op] = {}
        for op in ops:
            for name in op.fields():
                gone = superseded.get(name)
                if gone and op.op_id in gone:
                    continue
                best = winners.get(name)
                if best is None or op.order > best.order:
                    winners[name] = op
        yield [entity_id, *(to_column(name, winners[name].value_of(name)) if name in winners
                            else None for name in fields)]


def insert_state_rows(store: Store, kind: Entity, rows: Iterable[Sequence[Any]]) -> None:
    """Insert state rows of new records. A table with triggers (the calls' full-text index) is
    filled from a temporary copy in one statement: FTS5 writes its pending terms to disk at
    every statement that fires its trigger, so row by row costs four times as much."""
    cols = ("id", *kind.fields)
    names, marks = ", ".join(cols), ", ".join("?" * len(cols))
    triggered = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? LIMIT 1",
        (kind.table,),
    ).fetchone()
    if not triggered:
        store.conn.executemany(f"INSERT INTO {kind.table} ({names}) VALUES ({marks})", rows)
        return
    stage = f"temp.bulk_{kind.table}"
    store.conn.execute(f"DROP TABLE IF EXISTS {stage}")
    store.conn.execute(f"CREATE TABLE {stage} AS SELECT {names} FROM main.{kind.table} WHERE 0")
    try:
        store.conn.executemany(f"INSERT INTO {stage} ({names}) VALUES ({marks})", rows)
        store.conn.execute(
            f"INSERT INTO main.{kind.table} ({names}) SELECT {names} FROM {stage} ORDER BY rowid"
        )
    finally:
        store.conn.execute(f"DROP TABLE {stage}")


@dataclass
class NewEntities:
    """The rows that ops creating records a store has never seen add to it: plain values only,
    so they can be made away from the store."""

    op_rows: list[tuple[Any, ...]]
    """The ops as rows of the `ops` table (`Op.row`)."""
    state_rows: dict[str, list[list[Any]]]
    """Entity name -> the records' state rows (id first, then the entity's fields)."""
    newest: int
    """The largest HLC of the ops (0: none)."""


def new_entity_rows(ops: Sequence[Op], *, encode: Callable[[Any], str] = value_text
                    ) -> NewEntities:
    """What `load_new_entities(store, ops)` inserts, computed in memory: the state of each record
    from its ops alone, with the merge rule of `Store.apply`. `encode` writes JSON values (a
    faster encoder giving the same text may be passed)."""
    by_kind: dict[str, dict[str, list[Op]]] = defaultdict(lambda: defaultdict(list))
    for op in ops:
        by_kind[op.entity][op.entity_id].append(op)
    return NewEntities(
        [op.row(encode) for op in ops],
        {kind_name: list(_bulk_rows(kind_name, entity_ops, encode))
         for kind_name, entity_ops in by_kind.items()},
        max((op.hlc for op in ops), default=0),
    )


def load_new_entities(store: Store, ops: Sequence[Op]) -> None:
    """Append ops that only touch entities this store has never seen, in one transaction.

    The fast path for loading records a store has never seen (benchmarks' desk traffic, tests;
    `hotline seed` hands its rows over through `store.staging` instead): state rows are computed
    from the batch in memory and inserted with `executemany`, which gives exactly what
    `Store.apply` would (same merge rule), at the speed of a plain insert.

    Raises:
        ValueError: an op touches an entity that already has ops in the store.
    """
    insert_new_entities(store, new_entity_rows(ops))


def insert_new_entities(store: Store, rows: NewEntities, *, checked: bool = True) -> None:
    """Insert what `new_entity_rows` made, in one transaction (see `load_new_entities`).

    `checked=False` skips looking for the records in the op log, for a loader that knows they
    are new (a load into an empty store, whose op log has no index on entities then);
    a duplicate op is still refused by the op log's primary key.

    Raises:
        ValueError: a record already has ops in the store.
    """
    # The larger cache outlives the transaction: its pages are written at the commit.
    with store._lock, larger_cache(store), store.transaction():
        for state in rows.state_rows.values() if checked else ():
            for i in range(0, len(state), 500):
                chunk = [row[0] for row in state[i : i + 500]]
                hit = store.conn.execute(
                    f"SELECT entity_id FROM ops WHERE entity_id IN ({', '.join('?' * len(chunk))})"
                    " LIMIT 1",
                    chunk,
                ).fetchone()
                if hit:
                    raise ValueError(f"entity {hit[0]} already has ops")
        store.conn.executemany(
            f"INSERT INTO ops ({', '.join(OP_COLUMNS)}) VALUES ({', '.join('?' * 10)})",
            rows.op_rows,
        )
        for kind_name, state in rows.state_rows.items():
            insert_state_rows(store, ENTITIES[kind_name], state)
        if rows.newest:
            store.save_hlc(max(store.last_hlc(), rows.newest))
