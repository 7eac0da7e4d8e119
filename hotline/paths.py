"""Where the configuration, the store and the site key live (DESIGN.md section 8).

Order of precedence: command-line option, environment variable (`HOTLINE_CONFIG`, `HOTLINE_DB`),
`./hotline.toml` when the current folder has one, then the platform's folders (platformdirs), so
a desk on Windows and one on Linux both find their data without configuration.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "hotline"
CONFIG_NAME = "hotline.toml"
STORE_NAME = "hotline.db"
KEY_NAME = "site.key"


def user_config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def find_config(option: Path | None) -> Path:
    """The config file to use (it may not exist yet: the caller says so)."""
    if option is not None:
        return option
    local = Path.cwd() / CONFIG_NAME
    if local.exists():
        return local
    return user_config_dir() / CONFIG_NAME


def store_path(option: Path | None, configured: Path | None, *, training: bool = False) -> Path:
    """The store file: option or `HOTLINE_DB`, else hotline.toml's `store`, else the data folder.

    The training store sits beside the real one with `-training` in its name, so drill calls
    never touch the real store, its bundles or its reports.
    """
    path = option or configured or user_data_dir() / STORE_NAME
    if training:
        path = path.with_name(f"{path.stem}-training{path.suffix or '.db'}")
    return path


def demo_dir() -> Path:
    return user_data_dir() / "demo"
