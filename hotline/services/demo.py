"""The demo desk behind `hotline demo` and `make run`: a site with two desks' worth of calls.

Made once in the platform's data folder and reused, so `make run` opens at once the second
time; `--fresh` throws it away and makes it again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from hotline.config import default_config_text, parse_config
from hotline.paths import CONFIG_NAME, KEY_NAME, STORE_NAME, demo_dir
from hotline.services.agents import add_agent
from hotline.services.desk import Desk
from hotline.store import Store
from hotline.store.sitekey import create_key_file, site_id

DEMO_COMPANY = "示例电器"
DEMO_PIN = "1234"
DEMO_AGENTS = (
    ("S01", "王芳", "supervisor"),
    ("A01", "李明", "agent"),
    ("A02", "张伟", "agent"),
    ("A03", "刘洋", "senior"),
    ("B01", "陈静", "agent"),
    ("B02", "杨磊", "agent"),
)
"""Demo agents (PIN 1234): desk D01 has A01–A03, desk D02 has B01–B02."""
DEMO_CALLS = {"D01": 1500, "D02": 900}
DEMO_SEEDS = {"D01": 11, "D02": 22}
"""Fixed seeds: every demo store holds the same calls."""


def open_demo(*, fresh: bool = False, progress: Callable[[str], None] | None = None) -> Desk:
    """The demo desk D01, signed in as A01, created first if needed."""
    folder = demo_dir()
    if fresh and folder.exists():
        shutil.rmtree(folder)
    config_path = folder / CONFIG_NAME
    if not (config_path.exists() and (folder / STORE_NAME).exists()):
        if folder.exists():
            shutil.rmtree(folder)  # a half-made demo from an interrupted first run
        folder.mkdir(parents=True)
        if progress:
            progress("hotline: preparing the demo store…")
        _make_demo(folder)
    from hotline.config import load_config

    config = load_config(config_path)
    store = Store.open(folder / STORE_NAME, desk=config.site.desk)
    desk = Desk(store=store, config=config, agent="A01", role="agent")
    return desk


def _make_demo(folder: object) -> None:
    from pathlib import Path

    from hotline.services.seed import seed_store

    assert isinstance(folder, Path)
    text = default_config_text(company=DEMO_COMPANY, desk="D01", locale="zh_CN")
    text = text.replace('# store = "hotline.db"', f'store = "{STORE_NAME}"', 1)
    text = text.replace('# site_key = "site.key"', f'site_key = "{KEY_NAME}"', 1)
    config = parse_config(text, path=folder / CONFIG_NAME, base_dir=folder)
    key = create_key_file(folder / KEY_NAME)
    building = folder / (STORE_NAME + ".building")
    for desk_code, calls in DEMO_CALLS.items():
        store = Store.open(building, desk=desk_code, create=True)
        desk = Desk(store=store, config=config)
        if desk_code == "D01":
            store.set_meta("site_id", site_id(key))
            store.set_meta("desk", "D01")
            for code, name, role in DEMO_AGENTS:
                add_agent(desk, code, name=name, role=role, pin=DEMO_PIN)
        seed_store(desk, calls=calls, customers=calls * 2 // 3, seed=DEMO_SEEDS[desk_code],
                   desks=(desk_code,),
                   agents={"D01": ("A01", "A02", "A03"), "D02": ("B01", "B02")})
        store.close()
    building.rename(folder / STORE_NAME)
    for suffix in ("-wal", "-shm"):
        (folder / (STORE_NAME + ".building" + suffix)).unlink(missing_ok=True)
    (folder / CONFIG_NAME).write_text(text, encoding="utf-8")
