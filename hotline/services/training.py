"""Training (drill) mode, 应急演练: the same app and commands on a separate training store.

The training store is its own file beside the real one (`hotline-training.db`), made on first
use with the same configuration. Drill calls are written there and nowhere else, so they never
reach the real store, its bundles or its reports: the real store is only ever *read* (for its
agents, so people sign in with their own code and PIN), and a training store refuses to take
part in sync (its ops would carry the real site's key).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hotline.config import Config
from hotline.errors import UsageError
from hotline.paths import store_path
from hotline.services.desk import Desk
from hotline.store import Store
from hotline.store import training as bookkeeping

TRAINING_SITE_SUFFIX = "-training"


def training_path(real: Path) -> Path:
    return store_path(real, None, training=True)


def open_training_store(real: Path, config: Config) -> Store:
    """The training store beside the real store `real`, created on first use; the real store's
    agents are brought in (as ops of the training store) every time, so a PIN changed or an
    agent added since the last drill signs in too.

    Raises:
        UsageError: the real store is missing or unreadable, or a file that is not a training
            store sits where the training store should be.
    """
    if not real.exists():
        raise UsageError("error.no_store", path=str(real))
    try:
        agents = bookkeeping.agents_of(real)
        site = bookkeeping.meta_of(real, "site_id")
    except sqlite3.DatabaseError as exc:
        raise UsageError("error.store_not_hotline", path=str(real)) from exc
    path = training_path(real)
    existed = path.exists()
    store = Store.open(path, desk=config.site.desk, create=True)
    try:
        if not bookkeeping.is_training(store):
            if existed and store.scalar("SELECT count(*) FROM ops"):
                raise UsageError("training.not_training_store", path=str(path))
            store.set_meta(bookkeeping.TRAINING_KEY, "1")
            store.set_meta("desk", config.site.desk)
            # Not the real site's id: a bundle made here is "from another site" everywhere.
            store.set_meta("site_id", f"{site or 'site'}{TRAINING_SITE_SUFFIX}")
        store.set_meta(bookkeeping.REAL_STORE_KEY, str(real.resolve()))
        with store.transaction():
            for agent in agents:
                values = {k: agent[k] for k in bookkeeping.AGENT_COLUMNS if k != "id"}
                store.write(agent["id"], "agent", agent["id"], values)
    except BaseException:
        store.close()
        raise
    return store


def is_training(desk: Desk) -> bool:
    return bookkeeping.is_training(desk.store)


def switch_desk(desk: Desk, *, training: bool) -> Desk:
    """A new, signed-out desk on the training store (or back on the real one), same clock and
    configuration. The caller closes the old desk's store once nothing uses it.

    Raises:
        UsageError: the desk has no store file (an in-memory store), or is already there.
    """
    here = desk.store.path
    if here is None:
        raise UsageError("training.no_file")
    if training == bookkeeping.is_training(desk.store):
        raise UsageError("training.already" if training else "training.not_in")
    if training:
        store = open_training_store(here, desk.config)
    else:
        real = bookkeeping.real_store_path(desk.store)
        if real is None:
            raise UsageError("training.not_in")
        store = Store.open(real, desk=desk.config.site.desk)
    return Desk(store=store, config=desk.config, clock=desk.clock)


def refuse_sync(desk: Desk) -> None:
    """Drill ops never travel: export, import and sync are refused on a training store.

    Raises:
        UsageError: `desk` is on a training store.
    """
    if bookkeeping.is_training(desk.store):
        raise UsageError("training.no_sync")
