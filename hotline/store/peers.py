"""What this desk holds, what its peers told us they hold, and the desk-local sync records.

A *version vector* maps each origin desk to the highest sequence number held without a gap
(SYNC-DESIGN.md 2.8): ops after a gap are applied anyway, and simply sent again later, which is
harmless. Every bundle carries its sender's vector; we keep the last one per peer in `peers`, and
an export holds the ops beyond what every known peer holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from hotline.store.core import Store
from hotline.store.oplog import OP_COLUMNS

VersionVector = dict[str, int]

SCAN_PAGE = 5_000
"""Ops per keyset page when reading the log for an export."""


def origin_desks(store: Store) -> list[str]:
    """Every desk that has ops here, by a skip scan of the `(desk, seq)` index (one probe per
    desk, not one per op)."""
    rows = store.query(
        """
        WITH RECURSIVE d(desk) AS (
            SELECT min(desk) FROM ops
            UNION ALL
            SELECT (SELECT min(desk) FROM ops WHERE desk > d.desk) FROM d WHERE d.desk IS NOT NULL
        )
        SELECT desk FROM d WHERE desk IS NOT NULL
        """
    )
    return [r["desk"] for r in rows]


def contiguous_seq(store: Store, desk: str) -> int:
    """The highest seq of `desk` held with every lower one held too (0 when seq 1 is missing)."""
    row = store.query(
        "SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM ops WHERE desk = ?", (desk,)
    )[0]
    if not row["n"] or row["lo"] != 1:
        return 0
    if row["n"] == row["hi"]:
        return int(row["hi"])
    # A gap: the end of the first run, i.e. the lowest seq whose successor is missing.
    return int(
        store.scalar(
            "SELECT min(seq) FROM ops o WHERE desk = ? AND NOT EXISTS "
            "(SELECT 1 FROM ops p WHERE p.desk = o.desk AND p.seq = o.seq + 1)",
            (desk,),
        )
    )


def version_vector(store: Store) -> VersionVector:
    """This store's version vector."""
    vv = {desk: contiguous_seq(store, desk) for desk in origin_desks(store)}
    return {desk: seq for desk, seq in vv.items() if seq}


def count_beyond(store: Store, base: Mapping[str, int]) -> int:
    """How many ops this store holds beyond `base` (what a peer holding `base` lacks)."""
    total = 0
    for desk in origin_desks(store):
        total += int(
            store.scalar("SELECT count(*) FROM ops WHERE desk = ? AND seq > ?",
                         (desk, base.get(desk, 0))) or 0
        )
    return total


def rows_beyond(store: Store, base: Mapping[str, int]) -> Iterator[tuple[Any, ...]]:
    """Op rows (`OP_COLUMNS` order, value and prev as stored JSON text) beyond `base`, by origin
    desk then seq, read in keyset pages so a large export never holds the log in one cursor."""
    cols = ", ".join(OP_COLUMNS)
    for desk in origin_desks(store):
        after = base.get(desk, 0)
        while True:
            with store._lock:
                page = store.conn.execute(
                    f"SELECT {cols} FROM ops WHERE desk = ? AND seq > ? ORDER BY seq LIMIT ?",
                    (desk, after, SCAN_PAGE),
                ).fetchall()
            if not page:
                break
            yield from page
            after = page[-1][3]
            if len(page) < SCAN_PAGE:
                break


# -- peers -------------------------------------------------------------------------------------


def peers(store: Store) -> list[dict[str, Any]]:
    """Every peer heard from: desk, vv (dict), last_import, last_export."""
    rows = store.query("SELECT desk, vv, last_import, last_export FROM peers ORDER BY desk")
    for row in rows:
        row["vv"] = {k: int(v) for k, v in json.loads(row["vv"] or "{}").items()}
    return rows


def peer_floor(store: Store, *, exclude: str | None = None) -> VersionVector:
    """What every known peer holds: the minimum of their vectors (empty with no known peer)."""
    known = [p["vv"] for p in peers(store) if p["desk"] != exclude]
    if not known:
        return {}
    desks = set().union(*known)
    floor = {d: min(vv.get(d, 0) for vv in known) for d in desks}
    return {d: seq for d, seq in floor.items() if seq}


def record_peer_vv(store: Store, desk: str, vv: Mapping[str, int], at: str) -> None:
    """Remember what `desk` told us it holds (pointwise max with what it told us before)."""
    with store.transaction():
        old = store.scalar("SELECT vv FROM peers WHERE desk = ?", (desk,))
        merged = {k: int(v) for k, v in json.loads(old or "{}").items()}
        for origin, seq in vv.items():
            merged[origin] = max(merged.get(origin, 0), int(seq))
        store.conn.execute(
            "INSERT INTO peers(desk, vv, last_import) VALUES (?, ?, ?) "
            "ON CONFLICT(desk) DO UPDATE SET vv = excluded.vv, last_import = excluded.last_import",
            (desk, json.dumps(merged, sort_keys=True), at),
        )


def record_export(store: Store, at: str, vv: Mapping[str, int]) -> None:
    """Note an export: its time on every known peer (the bundle was written for them) and the
    vector it carried, so a shared-folder sync can skip writing an empty, unchanged bundle."""
    with store.transaction():
        store.conn.execute("UPDATE peers SET last_export = ?", (at,))
        for key, value in (("last_export", at), ("last_export_vv", json.dumps(vv, sort_keys=True))):
            store.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def last_export_vv(store: Store) -> VersionVector | None:
    text = store.meta("last_export_vv")
    return None if text is None else {k: int(v) for k, v in json.loads(text).items()}


# -- bundles already imported, clock alerts ----------------------------------------------------


def bundle_seen(store: Store, bundle_id: str) -> bool:
    return store.scalar("SELECT 1 FROM bundles_seen WHERE bundle_id = ?", (bundle_id,)) is not None


def record_bundle(store: Store, *, bundle_id: str, from_desk: str, file: str, at: str, ops: int,
                  applied: int) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO bundles_seen(bundle_id, from_desk, file, imported_at, ops, "
            "applied) VALUES (?, ?, ?, ?, ?, ?)",
            (bundle_id, from_desk, file, at, ops, applied),
        )


def record_clock_alert(store: Store, *, desk: str, ahead_ms: int, op_hlc: int, at: str,
                       bundle_id: str) -> None:
    """Remember that ops of `desk` arrived `ahead_ms` ahead of our clock (the latest sighting)."""
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO clock_alerts(desk, ahead_ms, op_hlc, seen_at, bundle_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (desk, ahead_ms, op_hlc, at, bundle_id),
        )


def clock_alerts(store: Store) -> list[dict[str, Any]]:
    return store.query(
        "SELECT desk, ahead_ms, op_hlc, seen_at, bundle_id FROM clock_alerts ORDER BY desk"
    )
