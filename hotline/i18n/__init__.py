"""UI text catalogs (zh_CN and en): the one place where words shown to people live.

Each locale is a folder of TOML files beside this module, one file per area of the product
(`zh_CN/intake.toml`, `en/intake.toml`…); nested tables give dotted keys (`[intake] save = "..."`
is `intake.save`), and a key defined in two files of one locale is an error. Placeholders use `str.format` names, and a test
checks that both catalogs have the same keys and the same placeholders.
"""

from __future__ import annotations

import json
import os
import string
import tomllib
from functools import cache
from pathlib import Path

LOCALES = ("zh_CN", "en")
"""Locales a desk can choose in hotline.toml."""

_HERE = Path(__file__).parent
_current = "zh_CN"


def set_locale(locale: str) -> None:
    """Choose the locale used when `t()` is called without one (the app and CLI set it once)."""
    global _current
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    _current = locale


def current_locale() -> str:
    return _current


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(locale: str) -> dict[str, str]:
    """Every text of one locale, by dotted key.

    Parsing the TOML files costs a sixth of a bare Textual app's start-up, so the merged
    catalog is kept as JSON in `__pycache__` (like Python's own bytecode cache), keyed by the
    files' names, sizes and times, and parsed again only when a file changed.
    """
    files = sorted((_HERE / locale).glob("*.toml"))
    key = [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    cached = _HERE / "__pycache__" / f"catalog-{locale}.json"
    try:
        kept = json.loads(cached.read_text(encoding="utf-8"))
        if kept.get("files") == key:
            return dict(kept["texts"])
    except (OSError, ValueError, AttributeError):
        pass
    merged = _parse_catalog(files)
    try:
        cached.parent.mkdir(exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}")
        partial.write_text(json.dumps({"files": key, "texts": merged}, ensure_ascii=False),
                           encoding="utf-8")
        os.replace(partial, cached)
    except OSError:  # a read-only install: parse each time
        pass
    return merged


def _parse_catalog(files: list[Path]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in files:
        with open(path, "rb") as fh:
            flat = _flatten(tomllib.load(fh))
        twice = merged.keys() & flat.keys()
        if twice:
            raise ValueError(f"{path}: keys defined twice: {sorted(twice)}")
        merged.update(flat)
    return merged


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders a catalog text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, locale: str | None = None, /, **params: object) -> str:
    """The text for `key` in `locale` (default: the current one), with `params` filled in.

    A missing key falls back to English, then to the key itself, so a gap in a catalog shows up
    on screen as a readable key instead of a crash in front of a caller.
    """
    loc = locale or _current
    text = catalog(loc).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
