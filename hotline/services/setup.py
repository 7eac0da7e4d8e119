"""Setting up a desk: `hotline init` (a new site, or joining one with its key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotline.config import default_config_text, parse_config
from hotline.errors import UsageError
from hotline.paths import CONFIG_NAME, KEY_NAME, STORE_NAME, store_path, user_config_dir
from hotline.services.agents import add_agent, check_pin
from hotline.services.desk import Desk
from hotline.store import Store
from hotline.store.sitekey import create_key_file, read_key_file, site_id


def init_desk(
    *,
    desk: str,
    company: str,
    folder: Path | None,
    join: Path | None,
    supervisor: str | None,
    supervisor_name: str,
    pin: str,
    locale: str = "zh_CN",
    config_option: Path | None = None,
    db_option: Path | None = None,
) -> dict[str, Any]:
    """Write hotline.toml, create the store, the site key (or take the joined site's) and the
    first supervisor. Refuses to touch an existing desk; writes nothing when any input is bad.

    Raises:
        UsageError: the desk exists already, or the configuration would be invalid.
        InputRefused: a bad PIN, supervisor code or key file.
    """
    if supervisor:
        check_pin(pin)
    key = read_key_file(join) if join is not None else None
    if folder is not None:
        config_path = folder / CONFIG_NAME
        text = default_config_text(company=company, desk=desk.upper(), locale=locale)
        text = text.replace('# store = "hotline.db"', f'store = "{STORE_NAME}"', 1)
        text = text.replace('# site_key = "site.key"', f'site_key = "{KEY_NAME}"', 1)
    else:
        config_path = config_option or user_config_dir() / CONFIG_NAME
        text = default_config_text(company=company, desk=desk.upper(), locale=locale)
    config = parse_config(text, path=config_path, base_dir=config_path.parent)
    db_path = store_path(db_option, config.site.store or (folder / STORE_NAME if folder else None))
    key_path = config.site.site_key or (folder / KEY_NAME if folder else config_path.parent / KEY_NAME)
    for existing in (config_path, db_path, key_path):
        if existing.exists():
            raise UsageError("cli.already_init", path=str(existing))
    config_path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(db_path, desk=config.site.desk, create=True)
    try:
        key = create_key_file(key_path, key)
        store.set_meta("site_id", site_id(key))
        store.set_meta("desk", config.site.desk)
        owner = Desk(store=store, config=config)
        if supervisor:
            # A desk joining a site makes no supervisor of its own unless asked: the site's
            # agents arrive with its first bundle, and a second "S01" made here would fight
            # the real one over its PIN after the next sync.
            name = supervisor_name or ("值班主管" if locale == "zh_CN" else "Supervisor")
            add_agent(owner, supervisor, name=name, role="supervisor", pin=pin)
        config_path.write_text(text, encoding="utf-8")
    except BaseException:
        store.close()
        for made in (db_path, key_path):
            made.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    return {"config": str(config_path), "store": str(db_path), "key": str(key_path),
            "site": site_id(key), "desk": config.site.desk, "supervisor": supervisor.upper() if supervisor else ""}
