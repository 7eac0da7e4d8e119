"""Loading a store that has no records yet: indexes built once at the end, pages written once.

`hotline seed --calls 1000000` writes millions of rows into tables with two dozen indexes and a
trigram search index. Kept up to date insert by insert, those indexes cost more than the rows
themselves (every insert lands on a random page of each); built once at the end, each is one
sort. So a bulk load into an empty store drops the secondary indexes and the search triggers of
the replicated tables, loads, and creates them again from their own SQL, then rebuilds the
search index from the calls and the report's per-call facts (`call_facts`, also kept by
triggers) from the calls, transfers and callbacks.

The dropped definitions are kept in `meta` in the same transaction that drops them: a load
that is killed half-way (power cut, kill -9) leaves a store whose next `Store.open` puts them
back before anything reads it, so no store is ever left without its indexes.

In WAL mode every page of a multi-gigabyte load is written twice (to the log, then into the
file). While the loader is the only one with the file open, it uses SQLite's rollback journal
instead, which journals only pages that existed before (a new page needs no undo): as safe
against a crash, half the writing. The store is back in WAL mode afterwards.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from hotline.store import call_facts
from hotline.store.schema import ENTITIES

if TYPE_CHECKING:
    from hotline.store.core import Store

META_KEY = "deferred_indexes"
"""`meta` key holding the dropped definitions while a bulk load runs."""

TABLES = ("ops", *(kind.table for kind in ENTITIES.values()))
"""Tables whose indexes a bulk load defers: the op log and the materialised state."""

_CONTENT = re.compile(r"content\s*=\s*'?(\w+)'?", re.IGNORECASE)


BULK_CACHE_KIB = 256 * 1024
"""Page cache while loading in bulk: a batch of new records touches every page of the indexes
keyed by something random (customer ids, phone tails, the trigram index), and with SQLite's
2 MB default each insert re-reads pages it had a moment ago; rebuilding the trigram index of a
million calls takes a third less time with it."""


BULK_FTS_HASH = 64 * 1024 * 1024
"""Bytes of pending terms a full-text rebuild holds before writing them as a segment. With
FTS5's default (`FTS_DEFAULT_HASH`) a million calls' trigrams are written as hundreds of small
segments, merged again and again; measured at 1,000,000 calls, the rebuild took 18.9 s with the
default, 13.7 s with 16 MB, 11.8 s with 64 MB, 12.6 s with 256 MB."""

FTS_DEFAULT_HASH = 1024 * 1024
"""FTS5's own `hashsize`, what everyday writes (one call at a time) use."""


SORT_CACHE_KIB = 16 * 1024
"""Page cache while creating the indexes again. Smaller than `BULK_CACHE_KIB` on purpose: SQLite
sorts what fits in the cache in one piece, on one core; what does not fit, it sorts in pieces on
helper threads (`PRAGMA threads`) and merges. Measured at 1,000,000 calls, creating the op
log's five indexes took 13.2 s with 256 MB, 11.2 s with 16 MB, 12.9 s with 2 MB; the calls'
twelve 11.8 s with 256 MB, 10.0 s with 16 MB."""


@contextmanager
def cache_of(store: Store, kib: int) -> Iterator[None]:
    """`kib` of page cache for the duration, then the store's own again."""
    before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def larger_cache(store: Store) -> Iterator[None]:
    """At least `BULK_CACHE_KIB` of page cache for the duration, then the store's own again."""
    before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    page = store.conn.execute("PRAGMA page_size").fetchone()[0]
    kib = -before if before < 0 else before * page // 1024
    if kib >= BULK_CACHE_KIB:
        yield
        return
    with cache_of(store, BULK_CACHE_KIB):
        yield


@contextmanager
def bulk_load(store: Store, keep: Collection[str] = ()) -> Iterator[None]:
    """Within the block, the replicated tables have only their primary keys and the indexes
    named in `keep` (and the file a rollback journal, when nobody else has it open); afterwards
    every index and search trigger is back, the search index rebuilt and the journal WAL again
    (also when the block fails).

    `keep` is for indexes a loader fills in their own order (appended at their end, as a seed
    fills an index on the time of calls it makes in time order): kept up to date, they cost
    less than sorting them at the end."""
    journal = _rollback_journal(store)
    try:
        drop_indexes(store, keep)
        try:
            yield
        finally:
            restore_indexes(store)
    finally:
        if journal:
            store.conn.execute("PRAGMA journal_mode = WAL")


def _rollback_journal(store: Store) -> bool:
    """Switch a file store from WAL to the rollback journal if no other connection has it
    open (asked without waiting); whether it was switched."""
    if store.path is None:
        return False
    with store._lock:
        busy = store.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        store.conn.execute("PRAGMA busy_timeout = 0")
        try:
            mode = store.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            return False  # another connection has the file: stay in WAL mode
        finally:
            store.conn.execute(f"PRAGMA busy_timeout = {int(busy)}")
        return str(mode).lower() == "delete"


def drop_indexes(store: Store, keep: Collection[str] = ()) -> None:
    """Drop the secondary indexes and triggers of `TABLES` but those named in `keep`, keeping
    their SQL in `meta`."""
    marks = ", ".join("?" * len(TABLES))
    with store.transaction():
        if store.conn.execute("SELECT 1 FROM meta WHERE key = ?", (META_KEY,)).fetchone():
            return  # already deferred (a load resumed after an interruption)
        rows = store.conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            f" AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY type, name", TABLES,
        ).fetchall()
        rows = [row for row in rows if row[1] not in keep]
        search = [name for name, sql in store.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            " AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'")
            if (m := _CONTENT.search(sql)) and m.group(1) in TABLES]
        dropped = {"objects": [list(row) for row in rows], "search": search}
        store.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)",
                           (META_KEY, json.dumps(dropped)))
        for kind, name, _ in rows:
            store.conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")


def restore_indexes(store: Store) -> None:
    """Create again what `drop_indexes` dropped and rebuild the search indexes from their
    tables; nothing to do when nothing is deferred."""
    with store._lock:
        try:
            row = store.conn.execute("SELECT value FROM meta WHERE key = ?",
                                     (META_KEY,)).fetchone()
        except sqlite3.OperationalError:
            return  # no meta table: a store being created
        if row is None:
            return
        dropped = json.loads(row[0])
        # Index builds sort; SQLite can sort with helper threads (not used by queries).
        threads = store.conn.execute("PRAGMA threads").fetchone()[0]
        store.conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        try:
            with store.transaction():
                present = {name for (name,) in store.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")}
                with cache_of(store, SORT_CACHE_KIB):
                    # Indexes first: a trigger's statement is compiled against them.
                    for _kind, name, sql in sorted(dropped["objects"],
                                                   key=lambda o: o[0] != "index"):
                        if name not in present:
                            store.conn.execute(sql)
                    # The report's per-call facts were kept by triggers dropped with the others
                    # (written in key order, a sort too: 2.7 → 2.6 s at 1,000,000 calls).
                    call_facts.refill(store.conn)
                with larger_cache(store):
                    for table in dropped["search"]:
                        _rebuild_search(store, table)
                store.conn.execute("DELETE FROM meta WHERE key = ?", (META_KEY,))
        finally:
            store.conn.execute(f"PRAGMA threads = {int(threads)}")


def _rebuild_search(store: Store, table: str) -> None:
    """Rebuild a full-text index from its content table, holding `BULK_FTS_HASH` of terms in
    memory between writes, then the table's own setting again (FTS5's default if it had
    none)."""
    row = store.conn.execute(f"SELECT v FROM {table}_config WHERE k = 'hashsize'").fetchone()
    own = int(row[0]) if row else FTS_DEFAULT_HASH
    set_option = f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', ?)"
    store.conn.execute(set_option, (BULK_FTS_HASH,))
    store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    store.conn.execute(set_option, (own,))


def deferred(store: Store) -> bool:
    """Whether a bulk load has the indexes dropped right now."""
    return store.scalar("SELECT 1 FROM meta WHERE key = ?", (META_KEY,)) is not None
