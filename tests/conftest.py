"""Shared fixtures: an in-memory store with the shipped default configuration, a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotline.config import DEFAULT_CONFIG_PATH, Config, load_config
from hotline.i18n import set_locale
from hotline.services.desk import Desk
from hotline.store import Store

FROZEN = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
"""Wednesday 25 November 2026, 10:30 in Shanghai: inside working hours."""


@pytest.fixture(autouse=True)
def _locale_reset() -> None:
    set_locale("zh_CN")


@pytest.fixture
def config() -> Config:
    return load_config(DEFAULT_CONFIG_PATH)


@pytest.fixture
def store() -> Store:
    return Store.open(":memory:", desk="D01")


@pytest.fixture
def desk(store: Store, config: Config) -> Desk:
    """Desk D01 signed in as supervisor S01, clock frozen at `FROZEN`."""
    return Desk(store=store, config=config, agent="S01", role="supervisor", clock=lambda: FROZEN)


@pytest.fixture
def desk_dir(tmp_path: Path) -> Path:
    """A desk made by `hotline init --dir` (supervisor S01, PIN 1234)."""
    from hotline.services.setup import init_desk

    folder = tmp_path / "desk"
    init_desk(desk="D01", company="示例电器", folder=folder, join=None, supervisor="S01",
              supervisor_name="", pin="1234")
    return folder


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screenshots depend on timing: keep it steadily on."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
