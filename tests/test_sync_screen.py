"""The sync screen: peers, what waits to be sent, export with a folder, the conflicts queue."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from hotline.app import make_app
from hotline.screens.conflict import ConflictModal
from hotline.screens.sync import SyncScreen
from hotline.services.sync import import_bundle
from hotline.store import Store
from hotline.store.sitekey import create_key_file
from tests.apps import make_desk
from tests.conftest import FROZEN
from tests.test_conflicts import make_conflict


def _app(tmp_path: Path, *, role: str = "supervisor"):  # type: ignore[no-untyped-def]
    desk = make_desk(now=FROZEN)
    make_conflict(desk)
    desk.agent, desk.role = ("S01", "supervisor") if role == "supervisor" else ("A01", "agent")
    key_file = tmp_path / "site.key"
    create_key_file(key_file)
    # the test config has no file: point the site key at ours
    from dataclasses import replace

    desk.config = replace(desk.config, site=replace(desk.config.site, site_key=key_file))
    return make_app(desk, signed_in=True), key_file


async def test_ctrl_z_opens_sync_and_a_supervisor_resolves_with_a_digit(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        waiting = str(app.screen.query_one("#sync-waiting", Static).content)
        assert "下次导出将包含的操作" in waiting
        conflicts = app.screen.query_one("#sync-conflicts", DataTable)
        assert conflicts.row_count == 1
        assert "已关闭" in str(conflicts.get_row_at(0)[2])  # values by their labels
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        closed = [c["value"] for c in app.screen.choices].index("closed")
        await pilot.press(str(closed + 1))
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert app.desk.store.scalar("SELECT count(*) FROM conflicts") == 0
        assert app.desk.store.get("call", "k1")["status"] == "closed"
        assert app.screen.query_one("#sync-conflicts", DataTable).row_count == 0


async def test_an_agent_sees_the_queue_but_cannot_resolve(tmp_path: Path) -> None:
    app, _ = _app(tmp_path, role="agent")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert app.desk.store.scalar("SELECT count(*) FROM conflicts") == 1
        note = str(app.screen.query_one("#sync-conflicts-note", Static).content)
        assert note == "只有主管可以处理冲突。"


async def test_f6_exports_into_the_folder_with_a_bundle_another_desk_can_import(
    tmp_path: Path,
) -> None:
    app, key_file = _app(tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        app.screen.query_one("#sync-folder-path", Input).value = str(stick)
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
    [bundle] = list(stick.glob("D01-*.hlbundle"))
    other = make_desk(now=FROZEN, calls=0)
    other.store = Store.open(":memory:", desk="D02")
    from hotline.store.sitekey import read_key_file

    report = import_bundle(other, bundle, key=read_key_file(key_file))
    assert report.applied == report.ops > 0
    assert other.store.digest() == app.desk.store.digest()
