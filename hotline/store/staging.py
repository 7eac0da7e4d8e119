"""New records made away from the store, handed over in a scratch SQLite file, copied in by SQL.

`hotline seed` makes a million calls' rows in child processes while its own process writes
them. Handed over as Python objects, every row cost the writer twice: unpickling it, then
binding each of its values in `executemany` (a text is converted to UTF-8 at every bind). The
writer is the one process that works from start to end, so its time is the seed's time.

Instead, the maker writes its rows into a scratch file (`write_stage`), which costs it what
pickling cost; the writer attaches the file and copies the rows with `INSERT … SELECT`
(`copy_stages`), record to record inside SQLite, with no Python object per value. Measured on
one lane's rows of 200,000 calls (100k calls, 292k ops): pickle + unpickle + `executemany` into
the store 5.1 s of CPU, `executemany` into a scratch file + SQL copy 3.7 s, of which the
writer's share is 1.0 s.

What a maker cannot know is numbered by the writer while copying: the sequence number of each
op (it counts every lane's ops of a desk, in the order of the calls) and the number of each call
(it counts a desk's calls of a local day). A maker writes its ops with `i`, their place in the
stage, and `g`, their group (one call's life, or one customer); the writer gives each group a
`shift` (the op's sequence number is `i + shift`) and, for a call, its number, which replaces
the empty number in the call's state row and in the text of its create op.

Scratch files are never read but by `copy_stages`: no journal, no syncing (a crash loses only
what a rerun remakes).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotline.store.bulk_load import larger_cache
from hotline.store.oplog import CREATE
from hotline.store.schema import ENTITIES

if TYPE_CHECKING:
    from hotline.store.core import Store

OP_STAGE_COLUMNS = ("i", "g", "op_id", "hlc", "desk", "agent", "entity", "entity_id", "field",
                    "value", "prev")
"""An op row in a stage: its place, its group, then the `ops` columns but `seq`. The value may
be its JSON text's UTF-8 bytes (`plain_json.plain_bytes`): it is stored as text when copied."""

EMPTY_NUMBER = '"number":""'
"""How a call's create op holds the number it does not have yet. The writer replaces every
occurrence: a maker checks there is one (it cannot be inside a text, where quotes are escaped,
but a nested object could have a key "number")."""
EMPTY_NUMBER_BYTES = EMPTY_NUMBER.encode()

_NUMBERED = "call"
"""The entity whose state row and create op receive the number of their group."""


@dataclass(frozen=True)
class Group:
    """What the writer decided for one group of a stage."""

    g: int
    shift: int
    """Added to an op's place `i` to give its sequence number."""
    number: str | None = None
    """The number of the group's call (None: the group has no call)."""


@contextmanager
def _scratch(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a stage file, inside one transaction committed at the end; no journal,
    no syncing. Closed when the block ends, also on failure (a file still open cannot be
    deleted on Windows)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


def write_stage(path: Path, op_rows: Iterable[Sequence[Any]],
                state_rows: Mapping[str, Iterable[Sequence[Any]]]) -> None:
    """Write a new stage file: ops (`OP_STAGE_COLUMNS`) and, per entity name, state rows (their
    group, then the entity table's columns, `id` first)."""
    with _scratch(path) as conn:
        conn.execute(f"CREATE TABLE ops (i INTEGER PRIMARY KEY, "
                     f"{', '.join(OP_STAGE_COLUMNS[1:])})")
        for kind in ENTITIES.values():
            conn.execute(f"CREATE TABLE {kind.table} (g, id, {', '.join(kind.fields)})")
        conn.executemany(f"INSERT INTO ops VALUES ({', '.join('?' * len(OP_STAGE_COLUMNS))})",
                         op_rows)
        for name, rows in state_rows.items():
            kind = ENTITIES[name]
            conn.executemany(
                f"INSERT INTO {kind.table} VALUES ({', '.join('?' * (len(kind.fields) + 2))})",
                rows)


def copy_stages(store: Store, stages: Sequence[tuple[Path, Sequence[Group]]], newest: int,
                *, checked: bool = True) -> None:
    """Copy the stages' rows into the store, in one transaction of its own, numbered by their
    groups.

    `checked=False` skips looking for the records in the op log, for a loader that knows they
    are new (a seed into an empty store, whose op log has no index on entities then); a
    duplicate op is still refused by the op log's primary key.

    Raises:
        ValueError: a record already has ops in the store (nothing is copied).
        RuntimeError: called inside a transaction (SQLite cannot detach the stages before it
            ends).
    """
    for path, groups in stages:
        _write_groups(path, groups)
    conn = store.conn
    with store._lock:
        if conn.in_transaction:
            raise RuntimeError("copy_stages runs its own transaction")
        attached: list[str] = []
        try:
            # Attached before the transaction and detached after it: SQLite refuses to detach
            # a file a transaction has read.
            for n, (path, _) in enumerate(stages):
                conn.execute(f"ATTACH DATABASE ? AS stage{n}", (str(path),))
                attached.append(f"stage{n}")
            with larger_cache(store), store.transaction():
                for name in attached:
                    if checked:
                        hit = conn.execute(
                            f"SELECT entity_id FROM {name}.ops WHERE entity_id IN "
                            "(SELECT entity_id FROM main.ops) LIMIT 1").fetchone()
                        if hit:
                            raise ValueError(f"entity {hit[0]} already has ops")
                    _copy(conn, name)
                if newest:
                    store.save_hlc(max(store.last_hlc(), newest))
        except BaseException:
            _detach(conn, attached, quietly=True)  # the first error is the one to tell
            raise
        _detach(conn, attached)


def _detach(conn: sqlite3.Connection, names: Sequence[str], *, quietly: bool = False) -> None:
    for name in names:
        try:
            conn.execute(f"DETACH DATABASE {name}")
        except sqlite3.Error:
            if not quietly:
                raise


def _write_groups(path: Path, groups: Sequence[Group]) -> None:
    """The writer's numbers, into the stage itself: a temporary table on the store's own
    connection would open its temp schema, which then keeps `PRAGMA wal_checkpoint` from
    running on it after a bulk load ("database table is locked")."""
    with _scratch(path) as conn:
        conn.execute("DROP TABLE IF EXISTS groups")
        conn.execute("CREATE TABLE groups (g INTEGER PRIMARY KEY, shift INTEGER NOT NULL, "
                     "number TEXT)")
        conn.executemany("INSERT INTO groups (g, shift, number) VALUES (?, ?, ?)",
                         ((group.g, group.shift, group.number) for group in groups))


def _copy(conn: sqlite3.Connection, stage: str) -> None:
    columns = OP_STAGE_COLUMNS[2:]
    picked = ", ".join(
        f"o.{c}" if c != "value" else
        f"CASE WHEN m.number IS NOT NULL AND o.entity = '{_NUMBERED}' AND o.field = '{CREATE}' "
        f"THEN replace(CAST(o.value AS TEXT), '{EMPTY_NUMBER}', '\"number\":' || "
        "json_quote(m.number)) ELSE CAST(o.value AS TEXT) END"
        for c in columns)
    conn.execute(
        f"INSERT INTO main.ops ({', '.join(columns)}, seq) SELECT {picked}, o.i + m.shift "
        f"FROM {stage}.ops o JOIN {stage}.groups m ON m.g = o.g ORDER BY o.i")
    for name, kind in ENTITIES.items():
        cols = ("id", *kind.fields)
        if name == _NUMBERED:
            picked = ", ".join("m.number" if c == "number" else f"s.{c}" for c in cols)
            source = f"{stage}.{kind.table} s JOIN {stage}.groups m ON m.g = s.g"
        else:
            picked, source = ", ".join(cols), f"{stage}.{kind.table}"
        # In one statement per table: the calls' full-text trigger (when there is one) flushes
        # its pending terms per statement.
        conn.execute(f"INSERT INTO main.{kind.table} ({', '.join(cols)}) SELECT {picked} "
                     f"FROM {source}")
