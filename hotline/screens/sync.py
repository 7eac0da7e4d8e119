"""Sync: what each peer desk last told us, what is waiting to be sent, export/import with a
progress bar, and the conflicts queue (supervisors resolve; everyone can see it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.screens.conflict import ConflictModal, field_label, shown_value
from hotline.services.clock import from_text
from hotline.services.conflicts import list_conflicts, resolve_conflict
from hotline.services.sync import (
    clock_alerts,
    export_bundle,
    import_bundles,
    peer_status,
    pending_ops,
    sync_dir,
)
from hotline.store.bundle import SUFFIX
from hotline.widgets.keys import localized

if TYPE_CHECKING:
    from hotline.app import HotlineApp


def show_sync(app: HotlineApp) -> None:
    """Ctrl+F5 from anywhere once signed in."""
    if not isinstance(app.screen, SyncScreen):
        app.push_screen(SyncScreen())


@localized
class SyncScreen(Screen[None]):
    """One folder field (a shared LAN folder, a USB stick or one bundle file) and three keys."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("escape", "back", "syncscreen.key_back", id="sync-back"),
        Binding("f5,ctrl+r", "sync_folder", "syncscreen.key_sync", id="sync-folder"),
        Binding("f6,ctrl+s", "export", "syncscreen.key_export", id="sync-export"),
        Binding("f7,ctrl+o", "import", "syncscreen.key_import", id="sync-import"),
        Binding("f8,ctrl+t", "resolve", "syncscreen.key_resolve", id="sync-resolve"),
    ]

    class Progressed(Message):
        """A long export or import moved on (posted from the worker thread)."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Finished(Message):
        """The worker is done; `text` is what to tell the agent."""

        def __init__(self, text: str, severity: str) -> None:
            super().__init__()
            self.text, self.severity = text, severity

    def __init__(self) -> None:
        super().__init__()
        self._conflicts: list[dict[str, Any]] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        yield self.app.make_header()
        with Horizontal(id="sync-folder-row"):
            yield Label(t("syncscreen.folder"), id="sync-folder-label")
            yield Input(value=self.app.desk.store.meta("sync_dir", "") or "",
                        placeholder=t("syncscreen.folder_hint"), id="sync-folder-path")
        yield Static("", id="sync-waiting", markup=False)
        yield ProgressBar(id="sync-progress", show_eta=False)
        yield Label(t("syncscreen.peers"), classes="sync-title")
        yield DataTable(id="sync-peers", cursor_type="row", zebra_stripes=True)
        yield Label(t("syncscreen.conflicts"), classes="sync-title")
        yield DataTable(id="sync-conflicts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sync-conflicts-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        peers = self.query_one("#sync-peers", DataTable)
        for key in ("desk", "last_import", "last_export", "holds", "waiting"):
            peers.add_column(t(f"syncscreen.col_{key}"), key=key)
        conflicts = self.query_one("#sync-conflicts", DataTable)
        for key in ("record", "field", "values"):
            conflicts.add_column(t(f"syncscreen.col_{key}"), key=key)
        self.query_one("#sync-progress", ProgressBar).display = False
        self.refresh_view()
        conflicts.focus()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    # -- showing -------------------------------------------------------------------------------

    def _when(self, text: str | None) -> str:
        if not text:
            return t("syncscreen.never")
        return self.app.desk.local(from_text(text)).strftime("%m-%d %H:%M")

    def refresh_view(self) -> None:
        desk = self.app.desk
        try:
            peers = peer_status(desk)
            waiting = pending_ops(desk)
            self._conflicts = list_conflicts(desk)
            alerts = clock_alerts(desk)
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False)
            return
        lines = [t("syncscreen.waiting", n=f"{waiting:,}")]
        if not peers:
            lines.append(t("syncscreen.no_peers"))
        lines += [t("syncscreen.clock_ahead", desk=a["desk"], minutes=a["ahead_ms"] // 60_000)
                  for a in alerts]
        self.query_one("#sync-waiting", Static).update("\n".join(lines))
        table = self.query_one("#sync-peers", DataTable)
        with self.app.batch_update():
            table.clear()
            for peer in peers:
                table.add_row(Text(peer["desk"]), Text(self._when(peer["last_import"])),
                              Text(self._when(peer["last_export"])), Text(f"{peer['holds']:,}"),
                              Text(f"{peer['waiting']:,}"), key=peer["desk"])
            self._show_conflicts()

    def _show_conflicts(self) -> None:
        table = self.query_one("#sync-conflicts", DataTable)
        table.clear()
        for n, c in enumerate(self._conflicts):
            values = "  |  ".join(
                f"{i}. {shown_value(self.app, c['entity'], c['field'], ch['value'])} ({ch['desk']})"
                for i, ch in enumerate(c["choices"], 1)
            )
            table.add_row(Text(str(c["record"])), Text(field_label(c["field"])), Text(values),
                          key=str(n))
        note = "" if self._conflicts else t("syncscreen.no_conflicts")
        if self._conflicts and self.app.desk.role != "supervisor":
            note = t("syncscreen.supervisors_only")
        self.query_one("#sync-conflicts-note", Static).update(note)

    # -- the conflicts queue -------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "sync-conflicts":
            event.stop()
            self.action_resolve()

    def action_resolve(self) -> None:
        table = self.query_one("#sync-conflicts", DataTable)
        if not self._conflicts or table.cursor_row < 0:
            return
        if self.app.desk.role != "supervisor":
            self.notify(t("syncscreen.supervisors_only"), severity="warning", markup=False)
            return
        conflict = self._conflicts[min(table.cursor_row, len(self._conflicts) - 1)]

        def chosen(value: Any) -> None:
            if value is None:
                return
            try:
                resolve_conflict(self.app.desk, conflict["entity"], conflict["entity_id"],
                                 conflict["field"], value)
            except HotlineError as exc:
                self.notify(exc.message(), severity="error", markup=False)
            else:
                self.notify(t("conflict.resolved", field=field_label(conflict["field"]),
                              value=shown_value(self.app, conflict["entity"], conflict["field"],
                                                value)), markup=False)
            self.refresh_view()

        self.app.push_screen(ConflictModal(conflict), chosen)

    # -- export, import, sync ------------------------------------------------------------------

    def _path(self) -> Path | None:
        text = self.query_one("#sync-folder-path", Input).value.strip()
        if not text:
            self.query_one("#sync-folder-path", Input).focus()
            self.notify(t("syncscreen.folder_hint"), severity="warning", markup=False)
            return None
        return Path(text).expanduser()

    def action_back(self) -> None:
        if not self._busy:
            self.app.pop_screen()

    def action_sync_folder(self) -> None:
        self._start("sync")

    def action_export(self) -> None:
        self._start("export")

    def action_import(self) -> None:
        self._start("import")

    def _start(self, kind: str) -> None:
        path = self._path()
        if path is None or self._busy:
            return
        self._busy = True
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._run(kind, path)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _run(self, kind: str, path: Path) -> None:
        """The slow part, off the UI thread; the result comes back as a notification."""
        desk = self.app.desk

        # Messages, not call_from_thread: the worker holds the store inside its transaction,
        # and must never wait for the UI thread, which may itself be waiting for the store.
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(done, total))

        try:
            if kind == "export":
                folder = path if path.is_dir() else None
                report = export_bundle(desk, out=None if folder else path, to_dir=folder,
                                       progress=progress)
                message = t("syncscreen.exported", ops=f"{report.ops:,}", path=str(report.path))
                severity = "information"
            elif kind == "import":
                files = sorted(path.glob(f"*{SUFFIX}")) if path.is_dir() else [path]
                reports = import_bundles(desk, files, progress=progress)
                message, severity = self._import_message(reports)
            else:
                result = sync_dir(desk, path, progress=progress)
                refused = result.refused
                message = t("syncscreen.synced", imported=len(result.imported) - len(refused),
                            refused=len(refused),
                            sent=f"{result.exported.ops if result.exported else 0:,}")
                if refused and refused[0].error is not None:
                    message += "\n" + refused[0].error.message()
                severity = "warning" if refused else "information"
            if kind != "export":
                desk.store.set_meta("sync_dir", str(path.absolute()))
        except HotlineError as exc:
            message, severity = exc.message(), "error"
        except Exception as exc:  # never a traceback in front of an agent
            detail = f"{type(exc).__name__}: {exc}"
            message, severity = t("error.unexpected", detail=detail), "error"
        self.post_message(self.Finished(message, severity))

    def _import_message(self, reports: list[Any]) -> tuple[str, str]:
        lines, severity = [], "information"
        for r in reports:
            if r.error is not None:
                lines.append(r.error.message())
                severity = "warning"
            else:
                lines.append(t("syncscreen.imported", bundle=Path(r.bundle).name,
                               applied=f"{r.applied:,}", duplicates=f"{r.duplicates:,}",
                               conflicts=r.conflicts))
        return "\n".join(lines[:6]), severity

    def on_sync_screen_progressed(self, event: Progressed) -> None:
        self.query_one("#sync-progress", ProgressBar).update(total=max(event.total, 1),
                                                             progress=event.done)

    def on_sync_screen_finished(self, event: Finished) -> None:
        self._busy = False
        self.query_one("#sync-progress", ProgressBar).display = False
        self.notify(event.text, severity=event.severity, markup=False)  # type: ignore[arg-type]
        self.refresh_view()
