"""Sync between desks with bundle files: export, import, and a shared-folder round.

A desk writes what its peers lack into one `.hlbundle` file (USB stick, mail, a LAN folder);
another desk imports it. Each bundle is verified completely before the store is touched, then
applied in its own transaction, so a bad file among several is refused alone and the good ones
still land. Importing twice changes nothing; any order of imports converges (the merge rule is
a function of the op set, see `store.oplog`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotline.errors import HotlineError, InputRefused, UsageError
from hotline.paths import KEY_NAME
from hotline.services.desk import Desk
from hotline.services.training import refuse_sync
from hotline.store import peers as peerbook
from hotline.store.batch import apply_records
from hotline.store.bundle import (
    SUFFIX,
    Bundle,
    op_line,
    open_bundle,
    paused_gc,
    read_header,
    seal,
    write_file,
)
from hotline.store.hlc import MAX_DRIFT_MS, wall_ms
from hotline.store.ids import new_id
from hotline.store.schema import SCHEMA_VERSION
from hotline.store.sitekey import read_key_file, site_id

Progress = Callable[[int, int], None]
"""Called with (done, total) as a long export or import moves on."""


@dataclass
class ExportReport:
    """One bundle written."""

    path: Path
    bundle_id: str
    desk: str
    ops: int
    bytes: int
    full: bool

    def as_json(self) -> dict[str, Any]:
        return {"bundle": str(self.path), "bundle_id": self.bundle_id, "desk": self.desk,
                "ops": self.ops, "bytes": self.bytes, "full": self.full}


@dataclass
class ImportReport:
    """What importing one bundle file did, or why it was refused (`error`)."""

    bundle: str
    """The file, as it was named to us."""
    bundle_id: str = ""
    from_desk: str = ""
    ops: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    clocks_ahead: dict[str, int] = field(default_factory=dict)
    """Origin desk -> ms its newest op was ahead of our clock, when beyond `MAX_DRIFT_MS`."""
    error: HotlineError | None = None

    def as_json(self) -> dict[str, Any]:
        """The CLI contract (DESIGN.md section 8): exactly these keys."""
        return {"bundle": self.bundle, "from_desk": self.from_desk, "ops": self.ops,
                "applied": self.applied, "duplicates": self.duplicates,
                "conflicts": self.conflicts}


@dataclass
class SyncReport:
    """One shared-folder round: bundles imported (or refused), bundles skipped, our export."""

    imported: list[ImportReport]
    skipped: int
    exported: ExportReport | None

    @property
    def refused(self) -> list[ImportReport]:
        return [r for r in self.imported if r.error is not None]

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": [r.as_json() for r in self.imported if r.error is None],
            "refused": [{"bundle": r.bundle, "error": r.error.message()} for r in self.refused
                        if r.error is not None],
            "skipped": self.skipped,
            "exported": self.exported.as_json() if self.exported else None,
        }


# -- the site key --------------------------------------------------------------------------------


def site_key_path(desk: Desk) -> Path:
    """Where this desk's site key is: `site_key` of hotline.toml, else beside hotline.toml
    (where `hotline init` puts it), else beside the store."""
    if desk.config.site.site_key is not None:
        return desk.config.site.site_key
    candidates = [p / KEY_NAME for p in (
        desk.config.path.parent if desk.config.path else None,
        desk.store.path.parent if desk.store.path else None,
    ) if p is not None]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    if not candidates:
        raise UsageError("sync.no_key", path=KEY_NAME)
    return candidates[0]


def site_key(desk: Desk) -> bytes:
    """The site key (never printed).

    Raises:
        UsageError: no key file where hotline.toml says (exit 1: a setup problem).
        InputRefused: the file is not a site key.
    """
    path = site_key_path(desk)
    if not path.exists():
        raise UsageError("sync.no_key", path=str(path))
    return read_key_file(path)


# -- export --------------------------------------------------------------------------------------


def _bundle_name(desk: Desk, bundle_id: str) -> str:
    return f"{desk.store.desk}-{desk.now().strftime('%Y%m%dT%H%M%SZ')}-{bundle_id}{SUFFIX}"


def pending_ops(desk: Desk) -> int:
    """Ops a plain export would send now (what the known peers lack; everything if none)."""
    return peerbook.count_beyond(desk.store, peerbook.peer_floor(desk.store))


def export_bundle(
    desk: Desk,
    out: Path | None = None,
    to_dir: Path | None = None,
    full: bool = False,
    progress: Progress | None = None,
    *,
    key: bytes | None = None,
) -> ExportReport:
    """Write one bundle: every op beyond what all known peers hold, or with `full` every op.

    Args:
        out: the file to write (replaced atomically if it exists).
        to_dir: a folder to write into, under a name that sorts by desk and time.
        progress: called with (ops read, ops to read).
        key: the site key (default: read from where hotline.toml says).

    Raises:
        UsageError: neither or both of `out` and `to_dir`, or the folder does not exist.
        InputRefused: `bundle.write_failed` when the file could not be written and read back.
    """
    refuse_sync(desk)  # drill ops never travel
    if (out is None) == (to_dir is None):
        raise UsageError("sync.out_or_dir")
    folder = to_dir if to_dir is not None else out.parent  # type: ignore[union-attr]
    if not folder.is_dir():
        raise UsageError("sync.no_dir", path=str(folder))
    key = key if key is not None else site_key(desk)
    store = desk.store
    vv = peerbook.version_vector(store)
    base: dict[str, int] = {} if full else peerbook.peer_floor(store)
    total = peerbook.count_beyond(store, base)
    lines: list[str] = []
    for row in peerbook.rows_beyond(store, base):
        lines.append(op_line(row))
        if progress is not None and len(lines) % 5_000 == 0:
            progress(len(lines), total)
    bundle_id = new_id()
    data = seal(key, bundle_id=bundle_id, site=site_id(key), desk=store.desk,
                schema=SCHEMA_VERSION, created=desk.now_text(), vv=vv, lines=lines, full=full)
    path = out if out is not None else folder / _bundle_name(desk, bundle_id)
    write_file(path, data)
    peerbook.record_export(store, desk.now_text(), vv)
    if progress is not None:
        progress(total, total)
    return ExportReport(path=path, bundle_id=bundle_id, desk=store.desk, ops=len(lines),
                        bytes=len(data), full=full)


# -- import --------------------------------------------------------------------------------------


def import_bundle(
    desk: Desk, path: Path, *, key: bytes | None = None, progress: Progress | None = None
) -> ImportReport:
    """Verify one bundle completely, then apply it in one transaction.

    Raises:
        InputRefused: the bundle was refused (the `bundle.*` key says why); nothing was written.
    """
    refuse_sync(desk)  # drill ops never travel
    key = key if key is not None else site_key(desk)
    # One pause of the collector from reading to commit, and the ops freed before it runs
    # again: it would otherwise walk all of them (none is in a cycle; reference counting frees
    # them), a tenth of the time of an import.
    with paused_gc():
        bundle = open_bundle(path, key, site_id(key))
        try:
            return _apply_bundle(desk, bundle, path, progress)
        finally:
            del bundle


def _apply_bundle(
    desk: Desk, bundle: Bundle, path: Path, progress: Progress | None
) -> ImportReport:
    header = bundle.header
    store = desk.store
    report = ImportReport(bundle=str(path), bundle_id=header.bundle_id, from_desk=header.desk)
    now = desk.now_text()
    wall = store.clock()
    newest: dict[str, int] = {}
    for record in bundle.records:  # (op_id, hlc, desk, ...)
        if record[1] > newest.get(record[2], 0):
            newest[record[2]] = record[1]
    with store.transaction():
        try:
            result = apply_records(store, bundle.records, progress=progress,
                                   plain=bundle.plain)
        except InputRefused as exc:  # a fork: name the file too
            raise InputRefused(exc.key, path=str(path), **exc.params) from exc
        if header.desk != store.desk:
            peerbook.record_peer_vv(store, header.desk, header.vv, now)
        peerbook.record_bundle(store, bundle_id=header.bundle_id, from_desk=header.desk,
                               file=str(path), at=now, ops=len(bundle.records),
                               applied=result.applied)
        for origin, hlc in sorted(newest.items()):
            ahead = wall_ms(hlc) - wall
            if ahead > MAX_DRIFT_MS and origin != store.desk:
                peerbook.record_clock_alert(store, desk=origin, ahead_ms=ahead, op_hlc=hlc,
                                            at=now, bundle_id=header.bundle_id)
                report.clocks_ahead[origin] = ahead
    report.ops, report.applied = result.ops, result.applied
    report.duplicates, report.conflicts = result.duplicates, result.conflicts
    return report


def import_bundles(
    desk: Desk,
    paths: Sequence[Path],
    progress: Progress | None = None,
    *,
    key: bytes | None = None,
) -> list[ImportReport]:
    """Import each file in turn, each in its own transaction: a refused file is reported (its
    report's `error`) and changes nothing, and the others are still applied.

    Raises:
        UsageError: the site key is missing (nothing can be read at all).
    """
    key = key if key is not None else site_key(desk)
    reports: list[ImportReport] = []
    for path in paths:
        try:
            reports.append(import_bundle(desk, Path(path), key=key, progress=progress))
        except HotlineError as exc:
            if isinstance(exc, UsageError):
                raise
            reports.append(ImportReport(bundle=str(path), error=exc))
    return reports


# -- shared folder -------------------------------------------------------------------------------


def sync_dir(
    desk: Desk,
    folder: Path,
    progress: Progress | None = None,
    *,
    key: bytes | None = None,
) -> SyncReport:
    """One round with a shared folder: import every bundle there that is new to us (not ours,
    not imported before), then export what the peers lack into it. Nothing is written into the
    folder when there is nothing new to tell.

    Raises:
        UsageError: the folder does not exist, or the site key is missing.
    """
    if not folder.is_dir():
        raise UsageError("sync.no_dir", path=str(folder))
    key = key if key is not None else site_key(desk)
    store = desk.store
    imported: list[ImportReport] = []
    skipped = 0
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            header = read_header(path)
        except HotlineError as exc:
            imported.append(ImportReport(bundle=str(path), error=exc))
            continue
        if header.desk == store.desk or peerbook.bundle_seen(store, header.bundle_id):
            skipped += 1
            continue
        try:
            imported.append(import_bundle(desk, path, key=key, progress=progress))
        except HotlineError as exc:
            imported.append(ImportReport(bundle=str(path), error=exc))
    store.set_meta("sync_dir", str(folder.absolute()))
    vv = peerbook.version_vector(store)
    exported = None
    if pending_ops(desk) or peerbook.last_export_vv(store) != vv:
        exported = export_bundle(desk, to_dir=folder, progress=progress, key=key)
    return SyncReport(imported=imported, skipped=skipped, exported=exported)


# -- what the sync screen shows ------------------------------------------------------------------


def peer_status(desk: Desk) -> list[dict[str, Any]]:
    """Per peer: desk, last_import, last_export, ops it holds, ops it lacks (waiting to be sent)."""
    store = desk.store
    rows = []
    for peer in peerbook.peers(store):
        rows.append({
            "desk": peer["desk"], "last_import": peer["last_import"],
            "last_export": peer["last_export"], "holds": sum(peer["vv"].values()),
            "waiting": peerbook.count_beyond(store, peer["vv"]),
        })
    return rows


def clock_alerts(desk: Desk) -> list[dict[str, Any]]:
    """Desks whose ops arrived more than 10 minutes ahead of our clock (latest sighting each)."""
    return peerbook.clock_alerts(desk.store)
