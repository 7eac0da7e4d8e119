"""Intake: the call form an agent lives in (F2 from anywhere).

The form opens with the caller's phone focused, the call number reserved and the call timer
running. Enter moves down the fields; the caller panel looks the number up as it is typed; key
fields are read back (F6) and confirmed before F7 saves the call; every change is kept in a
desk-local draft so a closed terminal or a killed process loses at most the last keystroke.

Keystroke path (DESIGN.md section 6: repaint within 16 ms): a change updates the intake, its
mark and the hint line, and only arms timers. The draft write, the caller lookup and the
script panel run after short quiet periods, the first two in thread workers.

After a save the screen stays, showing the closing words with the saved call's number (the
agent reads it to the caller) and the form as saved; F2 starts the next call in place, with a
fresh number and a timer that starts when that call does, not when the last one ended.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Select, Static
from textual.worker import get_current_worker

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.scripts import ScriptLibrary, load_library
from hotline.services import callstate
from hotline.services import intake as svc
from hotline.services.calls import CallIntake, take_call
from hotline.services.clock import from_text
from hotline.services.desk import Desk
from hotline.services.phones import normalize_phone
from hotline.widgets.call_timer import CallTimer, format_duration
from hotline.widgets.caller_panel import CallerPanel
from hotline.widgets.form_select import FormSelect
from hotline.widgets.key_footer import KeyFooter
from hotline.widgets.keys import localized
from hotline.widgets.script_panel import ScriptPanel
from hotline.widgets.text_field import TextField

if TYPE_CHECKING:
    from hotline.app import HotlineApp
    from hotline.services.intake import CallerLookup

LOOKUP_DELAY = 0.15
"""Seconds of quiet in the phone field before the caller is looked up."""
DRAFT_DELAY = 0.25
"""At most this long after a change the draft is written (a throttle, not a debounce: an
agent typing without pause still gets a draft every quarter second)."""
_PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")
"""A `{variable}` in a script template (as `hotline.scripts` reads them)."""
LABEL_CELLS = 14
"""Cells of a label before a key field's mark (the label column is two cells wider)."""
SCRIPT_DELAY = 0.2
"""Seconds of quiet before the script panel follows the text (FAQ ranking, variables)."""


@cache
def script_library(extra_dir: Path | None) -> ScriptLibrary:
    """The templates, loaded once per process (the form opens many times a shift)."""
    return load_library(extra_dir)


@localized
class IntakeScreen(Screen[None]):
    """One call being taken; see the module docstring for the flow and the keys."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("f6,ctrl+r", "readback", "intake.key_readback", id="readback-field"),
        Binding("f7,ctrl+s", "save", "intake.key_save", id="resolve-call"),
        Binding("f8,ctrl+t", "transfer", "intake.key_transfer", id="transfer-call"),
        Binding("f5,ctrl+o", "open_caller_call", "intake.key_open_call", id="open-caller-call"),
        Binding("escape", "leave", "intake.key_back", id="leave-intake"),
        # Priority bindings run in the app's task the moment the key arrives, while the keys
        # typed before it still wait in the field's queue: Enter moves focus at once, so
        # "13800138000⏎张三⏎" typed at full speed lands in two fields (Input.Submitted, a
        # message, would move focus only after the type-ahead had gone to the first field).
        # Y/N/Esc answer a read-back before the field could type them; `check_action` lets
        # every one of them through to the field when it has nothing to do.
        Binding("enter", "enter", "intake.key_next", id="intake-enter", priority=True,
                show=False),
        Binding("y", "readback_yes", "intake.key_yes", id="readback-yes", priority=True),
        Binding("escape,n", "readback_no", "intake.key_no", id="readback-no", priority=True),
    ]

    class LookupDone(Message):
        """The lookup worker's answer for the phone text of `token`."""

        def __init__(self, token: int, result: CallerLookup) -> None:
            super().__init__()
            self.token = token
            self.result = result

    def __init__(self, draft: CallIntake | None = None) -> None:
        super().__init__()
        self._initial = draft
        self._intake = CallIntake(phone="")
        self._saved: dict[str, Any] | None = None
        self._touched = False
        self._reading: str | None = None
        self._reading_text: tuple[str, str] = ("", "")
        self._reading_moves_on = False
        self._reading_from: Widget | None = None
        self._after_hours = False
        self._agent_name = ""
        self._lookup: CallerLookup | None = None
        self._lookup_token = 0
        self._lookup_timer: Timer | None = None
        self._script_timer: Timer | None = None
        self._script_shown: tuple[Any, ...] | None = None
        self._draft_timer: Timer | None = None
        self._pending: CallIntake | None = None
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._drafts_closed = False
        self._fields: list[Widget] = []
        """The field widgets in form order (Enter moves down this list)."""

    # -- building ------------------------------------------------------------------------

    @property
    def desk(self) -> Desk:
        return self.app.desk

    @property
    def locale(self) -> str:
        return self.desk.config.site.locale

    def compose(self) -> ComposeResult:
        config = self.desk.config
        self._specs = {spec.name: spec for spec in svc.form_fields(config)}
        yield self.app.make_header()
        with Horizontal(id="intake-bar"):
            yield Static("", id="intake-number", markup=False)
            yield CallTimer(id="intake-timer")
            yield Static("", id="intake-flags", markup=False)
        with Horizontal(id="intake-body"):
            # A two-column grid, not a row container per field: every keystroke in an Input
            # makes Textual lay the whole screen out again, at a cost that grows with the
            # number of widgets (one label widget carries the field's mark too).
            with VerticalScroll(id="intake-form", can_focus=False):
                for spec in self._specs.values():
                    yield Static("", markup=False, classes="intake-label",
                                 id=f"label-{spec.name}")
                    yield self._field_widget(spec)
            with Vertical(id="intake-side"):
                yield CallerPanel(id="intake-caller")
                yield ScriptPanel(script_library(config.scripts_dir), id="intake-script")
        yield Static("", id="intake-hint", markup=False)
        yield KeyFooter()

    def _field_widget(self, spec: svc.FormField) -> Widget:
        if spec.kind == "select":
            options = svc.choices(self.desk.config, spec.name, self.locale)
            return FormSelect(options, allow_blank=False, compact=True, id=f"f-{spec.name}")
        # No `max_length` on the Input: it would drop an over-long paste without a word.
        # The change handler cuts it to the limit and says so instead.
        return TextField(compact=True, id=f"f-{spec.name}", select_on_focus=False)

    def on_mount(self) -> None:
        from hotline.services.agents import get_agent

        desk = self.desk
        agent = get_agent(desk, desk.agent) if desk.agent else None
        self._agent_name = (agent or {}).get("name") or desk.agent or ""
        self._fields = [self._widget(name) for name in self._specs]
        try:
            intake = self._initial or svc.new_intake(desk)
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False)
            intake = CallIntake(phone="")
        self._start(intake)

    def _widget(self, name: str) -> Widget:
        return self.query_one(f"#f-{name}")

    @staticmethod
    def _field_of(widget: object) -> str | None:
        wid = getattr(widget, "id", None) or ""
        return wid[2:] if wid.startswith("f-") else None

    # -- a call starts -------------------------------------------------------------------

    def _start(self, intake: CallIntake) -> None:
        """Show `intake` (new, or a restored draft) in the form and start its timer."""
        self._intake = intake
        self._saved = None
        self._reading = None
        self._lookup = None
        self._lookup_token += 1  # an answer still on its way is about the previous caller
        for timer in (self._lookup_timer, self._script_timer):
            if timer is not None:
                timer.stop()
        self._lookup_timer = self._script_timer = None
        self._script_shown = None
        self._touched = not svc.is_blank(self.desk, intake)
        self._drafts_closed = False
        self._after_hours = svc.is_after_hours(self.desk, intake)
        self.query_one("#intake-form").disabled = False
        with self.app.batch_update():
            for name, widget in zip(self._specs, self._fields, strict=True):
                value = intake.value(name)
                if isinstance(widget, Select):
                    if value:
                        widget.value = value
                elif isinstance(widget, Input):
                    widget.value = value
                self.query_one(f"#label-{name}").remove_class("-invalid", "-reading")
                self._show_label(name)
            self.query_one("#intake-number", Static).update(
                f"{t('intake.call_number')} {intake.number}")
            flags = []
            if self._after_hours:
                flags.append(t("intake.after_hours"))
            if self.app.training:
                flags.append(t("intake.training"))
            self.query_one("#intake-flags", Static).update("  ".join(flags))
            self.query_one(CallerPanel).clear()
        started = from_text(intake.started_at) if intake.started_at else self.desk.now()
        self.query_one(CallTimer).start(started, self.desk.now)
        self.set_focus(self._widget("phone"))
        # Focus given before the first layout leaves the terminal cursor at the screen's
        # corner; put it in the field once the field has a place, for the input method.
        self.call_after_refresh(self._restore_cursor)
        if intake.phone.strip():
            self._schedule_lookup()
        self._refresh_script()
        self._show_hint()
        self.refresh_bindings()

    def _set_text(self, widget: Input, value: str) -> None:
        """Set a field that may not be the focused one, keeping the terminal cursor where the
        agent types: Textual moves it to any Input whose value is set (an IME candidate window
        would jump to the prefilled field)."""
        widget.value = value
        self._restore_cursor()

    def _restore_cursor(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and self.app.screen is self:
            self.app.cursor_position = focused.cursor_screen_offset

    def next_call(self) -> None:
        """F2 on this screen: the next call once this one is saved."""
        if self._saved is None:
            self.notify(t("intake.busy"), severity="warning", markup=False)
            return
        try:
            self._start(svc.new_intake(self.desk))
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False)

    # -- typing --------------------------------------------------------------------------

    # A Changed message can arrive after later keys were already handled (type-ahead: the
    # field's queue still holds them while F6 or Enter run). So the form always takes the
    # field's value as it is now, never the one carried by the message; a late message then
    # finds nothing new, and an intermediate value can never undo a confirmation.

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = self._field_of(event.input)
        if name is not None:
            self._sync_field(name)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = self._field_of(event.select)
        if name is not None:
            self._sync_field(name)

    def _sync(self) -> None:
        """Bring the intake up to date with every field (before F6, a save, a draft)."""
        for name in self._specs:
            self._sync_field(name)

    def _sync_field(self, name: str) -> None:
        widget = self._widget(name)
        if isinstance(widget, Select):
            if widget.value is Select.NULL:
                return
            self._changed(name, str(widget.value))
            return
        assert isinstance(widget, Input)
        spec = self._specs[name]
        value = widget.value
        cleaned = svc.clean_input(value, spec.max_length)
        if cleaned != value:
            label = svc.field_label(self.desk.config, name)
            key = "intake.cut" if len(cleaned) == spec.max_length else "intake.cleaned"
            self.notify(t(key, field=label, max=spec.max_length), severity="warning",
                        markup=False)
            self._set_text(widget, cleaned)
        self._changed(name, cleaned)

    def _changed(self, name: str, value: str) -> None:
        if self._saved is not None or self._intake.value(name) == value:
            return  # the form being filled by code (a new call, a restored draft)
        cleared = svc.set_field(self._intake, name, value)
        if cleared:
            self._show_label(name)
        if self._reading == name:
            self._end_readback(focus=True)  # the value read back changed: a correction
        first = not self._touched
        self._touched = True
        self.query_one(f"#label-{name}").remove_class("-invalid")
        if self._field_of(self.focused) == name:
            self._show_hint()
        self._schedule_draft()
        if name in ("phone", "product_model"):
            self._schedule_lookup()
        self._schedule_script(immediate=first or cleared)

    def action_enter(self) -> None:
        """Enter: confirms a read-back, else moves to the next field (see BINDINGS)."""
        if self._reading is not None:
            self.action_readback_yes()
        elif self.focused is not None and self.focused in self._fields:
            self._focus_after(self.focused)

    @on(FormSelect.Submitted)
    def _select_submitted(self, event: FormSelect.Submitted) -> None:
        # Only reached if the desk's keymap moved the priority Enter elsewhere.
        event.stop()
        self._focus_after(event.select)

    def _focus_after(self, widget: Widget) -> None:
        # set_focus, not focus(): focus() lands a frame late and the keys typed in between
        # would go to the field being left.
        index = self._fields.index(widget) if widget in self._fields else -1
        self.set_focus(self._fields[(index + 1) % len(self._fields)])

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        name = self._field_of(event.widget)
        if name is not None:
            self.query_one(f"#label-{name}").add_class("-focused")
        self._show_hint()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        name = self._field_of(event.widget)
        if name is not None:
            self.query_one(f"#label-{name}").remove_class("-focused")
        if name is not None and self._saved is None:
            self._sync_field(name)
            self._check_field(name)

    def _check_field(self, name: str) -> None:
        """Flag a phone or date the agent left malformed (saving would refuse it anyway)."""
        spec = self._specs[name]
        value = self._intake.value(name).strip()
        bad = False
        if value and spec.kind == "phone":
            try:
                normalize_phone(value)
            except HotlineError:
                bad = True
        elif value and spec.kind == "date":
            try:
                fixed = svc.normalize_date(value, self.desk.local().date())
            except HotlineError:
                bad = True
            else:
                if fixed != value:
                    widget = self._widget(name)
                    assert isinstance(widget, Input)
                    self._set_text(widget, fixed)
        self.query_one(f"#label-{name}").set_class(bad, "-invalid")

    # -- the hint line and the marks -----------------------------------------------------

    def _show_label(self, name: str) -> None:
        """The field's label, and for a key field its mark: `!` unconfirmed, `✓` confirmed."""
        label = self.query_one(f"#label-{name}", Static)
        text = svc.field_label(self.desk.config, name)
        spec = self._specs[name]
        confirmed = spec.key and svc.is_confirmed(self._intake, name)
        if spec.key:
            mark = t("intake.confirmed_mark" if confirmed else "intake.unconfirmed_mark")
            text = f"{text}{' ' * max(1, LABEL_CELLS - cell_len(text))}{mark}"
        label.set_class(spec.key and confirmed, "-confirmed")
        label.set_class(spec.key and not confirmed, "-unconfirmed")
        # layout=False: a fixed-size cell; see the note in compose().
        label.update(text, layout=False)

    def _show_hint(self) -> None:
        """One line about the focused field: length, confirmation, the number as understood."""
        hint = self.query_one("#intake-hint", Static)
        if self._saved is not None:
            status = t(f"status.{self._saved.get('status')}")
            duration = format_duration(int(self._saved.get("duration_s") or 0))
            hint.update(t("intake.wrapup", number=self._saved.get("number", ""),
                          status=status, duration=duration), layout=False)
            return
        if self._reading is not None:
            hint.update(t("intake.readback_hint", field=self._reading_text[0]), layout=False)
            return
        name = self._field_of(self.focused)
        if name is None:
            hint.update("", layout=False)
            return
        spec = self._specs[name]
        parts = [svc.field_label(self.desk.config, name)]
        value = self._intake.value(name)
        if spec.kind == "select":
            parts.append(t("intake.select_hint"))
        elif spec.max_length:
            parts.append(t("intake.count", count=len(value), max=spec.max_length))
        if spec.kind == "phone" and value.strip():
            try:
                normalize_phone(value)
                parts.append(t("intake.phone_ok",
                               phone=svc.shown_value(self.desk.config, name, value, self.locale)))
            except HotlineError:
                pass
        if spec.key:
            mark = self._intake.confirmed.get(name)
            if mark is not None and svc.is_confirmed(self._intake, name):
                at = self.desk.local(from_text(mark["at"])).strftime("%H:%M:%S")
                parts.append(t("intake.confirmed_by", agent=mark.get("by", ""), time=at))
            else:
                parts.append(t("intake.unconfirmed_hint"))
        hint.update("  ·  ".join(parts), layout=False)

    # -- read-back (关键信息复述确认) -----------------------------------------------------------

    def action_readback(self) -> None:
        """F6: read back the focused key field, or else the first one still unconfirmed."""
        self._sync()
        desk = self.desk
        focused = self._field_of(self.focused)
        if focused is not None and focused in desk.config.key_fields:
            target: str | None = focused
            self._reading_moves_on = True
        else:
            target = svc.next_unconfirmed(desk, self._intake)
            self._reading_moves_on = False
            if target is None:
                missing = svc.unconfirmed(desk, self._intake)
                if not missing:
                    self.notify(t("intake.all_confirmed"), markup=False)
                    return
                target = missing[0]
        try:
            self._reading_text = svc.readback_text(desk, self._intake, target, self.locale)
        except HotlineError as exc:
            self.notify(exc.message(), severity="warning", markup=False)
            self.set_focus(self._widget(target))
            return
        self._reading = target
        # The field gives up focus while the caller listens: an Input keeps printable keys
        # (Y, N) from every binding above it, and nothing should be typed during a read-back.
        self._reading_from = self.focused
        self.set_focus(None)
        self.query_one(f"#label-{target}").add_class("-reading")
        self._refresh_script()
        self._show_hint()
        self.refresh_bindings()

    def action_readback_yes(self) -> None:
        """Enter/Y during a read-back: the caller said it is right."""
        name = self._reading
        if name is None:
            return
        try:
            svc.confirm_field(self.desk, self._intake, name)
        except HotlineError as exc:
            self.notify(exc.message(), severity="warning", markup=False)
            self._end_readback(focus=True)
            return
        self._show_label(name)
        self._end_readback(focus=False)
        self._schedule_draft()

    def action_readback_no(self) -> None:
        """Esc/N during a read-back: the caller corrects it; the field takes the keys."""
        self._end_readback(focus=True)

    def _end_readback(self, *, focus: bool) -> None:
        """Leave the read-back; `focus`: into the field read back, to correct it. Otherwise
        (confirmed) on to the next field when F6 was pressed in that field, or back to where
        the agent was."""
        name, self._reading = self._reading, None
        if name is None:
            return
        self.query_one(f"#label-{name}").remove_class("-reading")
        widget = self._widget(name)
        if focus:
            self.set_focus(widget)
            if isinstance(widget, Input):
                widget.cursor_position = len(widget.value)
        elif self._reading_moves_on:
            self._focus_after(widget)
        elif self._reading_from is not None and self._reading_from in self._fields:
            self.set_focus(self._reading_from)
        else:
            self.set_focus(widget)
        self._reading_from = None
        self.call_after_refresh(self._restore_cursor)
        self._refresh_script()
        self._show_hint()
        self.refresh_bindings()

    # -- saving --------------------------------------------------------------------------

    def current_intake(self) -> CallIntake:
        """A copy of the call as the form holds it (for the transfer modal, issue 5)."""
        self._sync()
        return copy.deepcopy(self._intake)

    def finish_call(
        self, save: Callable[[Desk, CallIntake], dict[str, Any]]
    ) -> dict[str, Any] | None:
        """Save the call with `save` (resolve: `take_call`; the transfer modal passes its own).

        Refused with one notification naming every unconfirmed key field, and nothing is
        written; otherwise the draft goes in the same transaction as the call, and the screen
        shows the closing words and the saved number.

        Returns:
            The saved call, or None when it was refused.
        """
        if self._saved is not None:
            return None
        self._sync()
        intake = self._intake
        # Drill calls are not flagged `training`: they live in the separate training store,
        # whose queues and figures must show them for the drill to make sense.
        self._close_drafts()
        try:
            call = svc.finish_intake(self.desk, intake, save)
        except HotlineError as exc:
            self._drafts_closed = False
            self._schedule_draft()
            self.notify(exc.message(), severity="error", markup=False, timeout=8)
            return None
        self._wrap_up(call)
        return call

    def action_save(self) -> None:
        """F7 / ctrl+s: answered on the spot, saved as resolved."""
        self.finish_call(lambda desk, intake: take_call(desk, intake,
                                                        status=callstate.RESOLVED))

    def action_transfer(self) -> None:
        """F8: a problem the agent cannot solve now goes to a department, saved with its
        transfer in one transaction. Unconfirmed key fields are refused before the dialog
        opens, so the agent does not pick a department only to be sent back."""
        from hotline.screens.transfer import TransferModal
        from hotline.services.followup import TransferChoice, take_transferred_call

        intake = self.current_intake()
        try:
            svc.check_confirmed(self.desk, intake)
        except HotlineError as exc:
            self.notify(exc.message(), severity="error", markup=False, timeout=8)
            return

        def chosen(choice: TransferChoice | None) -> None:
            if choice is not None:
                self.finish_call(lambda desk, intake: take_transferred_call(desk, intake, choice))

        self.app.push_screen(TransferModal(self.desk, intake), chosen)

    def _wrap_up(self, call: dict[str, Any]) -> None:
        self._saved = call
        self.query_one(CallTimer).stop()
        self.query_one("#intake-form").disabled = True
        status = t(f"status.{call.get('status')}")
        self.notify(t("intake.saved", number=call.get("number", ""), status=status),
                    markup=False)
        self._refresh_script()
        self._show_hint()
        self.refresh_bindings()

    # -- leaving -------------------------------------------------------------------------

    def action_leave(self) -> None:
        """Esc: back to the previous screen; a call in progress stays as a draft (F2 offers it)."""
        if self._saved is None and self._intake.call_id:
            self._sync()
            self._close_drafts()
            if svc.is_blank(self.desk, self._intake):
                svc.discard_draft(self.desk, self._intake.call_id)
            else:
                svc.save_draft(self.desk, self._intake)
                self.notify(t("intake.draft_kept", number=self._intake.number), markup=False)
            self._saved = {}  # nothing more to keep for this form
        self.app.pop_screen()

    def on_unmount(self) -> None:
        # The app quitting (ctrl+q) with a call on the form: write the draft now rather than
        # rely on the timer that will never fire.
        if self._saved is None and not self._drafts_closed and self._intake.call_id:
            self._close_drafts()
            if not svc.is_blank(self.desk, self._intake):
                svc.save_draft(self.desk, self._intake)

    # -- drafts --------------------------------------------------------------------------

    def _schedule_draft(self) -> None:
        if self._drafts_closed or self._draft_timer is not None:
            return
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._flush_draft)

    def _flush_draft(self) -> None:
        self._draft_timer = None
        if self._drafts_closed:
            return
        with self._pending_lock:
            self._pending = copy.deepcopy(self._intake)
        self._write_draft()

    @work(thread=True, group="draft", exit_on_error=False)
    def _write_draft(self) -> None:
        # Whichever worker runs writes the newest snapshot; a later one then finds nothing.
        with self._write_lock:
            with self._pending_lock:
                snapshot, self._pending = self._pending, None
            if snapshot is None or self._drafts_closed:
                return
            if svc.is_blank(self.desk, snapshot):
                svc.discard_draft(self.desk, snapshot.call_id)
            else:
                svc.save_draft(self.desk, snapshot)

    def _close_drafts(self) -> None:
        """No draft write after this one (the call is being saved or the form left)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._drafts_closed = True
        with self._write_lock:  # waits for a write in flight, so none lands after the save
            with self._pending_lock:
                self._pending = None

    # -- caller lookup -------------------------------------------------------------------

    def _schedule_lookup(self) -> None:
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_timer = self.set_timer(LOOKUP_DELAY, self._start_lookup)

    def _start_lookup(self) -> None:
        self._lookup_timer = None
        self._lookup_token += 1
        self._run_lookup(self._lookup_token, self._intake.phone, self._intake.product_model)

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def _run_lookup(self, token: int, phone: str, model: str) -> None:
        result = svc.lookup_caller(self.desk, phone, model)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LookupDone(token, result))

    @on(LookupDone)
    def _lookup_done(self, message: LookupDone) -> None:
        if message.token != self._lookup_token or self._saved is not None:
            return  # the phone changed since: a newer lookup is on its way
        result = message.result
        had_open = self._lookup is not None and self._lookup.open_call is not None
        self._lookup = result
        self.query_one(CallerPanel).show(result, now=self.desk.now(), tz=self.desk.tz,
                                         open_key=self._key_of("open_caller_call"))
        name = (result.customer or {}).get("name") or ""
        name_input = self._widget("customer_name")
        if name and not self._intake.customer_name.strip() and self.focused is not name_input:
            assert isinstance(name_input, Input)
            self._set_text(name_input, name)  # a known caller: one thing less to type
        if had_open != (result.open_call is not None):
            self.refresh_bindings()  # F5 appears or goes (the footer is costly to redo)

    def _key_of(self, action: str) -> str:
        """The key shown for one of this screen's actions (after the desk's keymap)."""
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.action == action:
                    return self.app.get_key_display(binding)
        return ""

    def action_open_caller_call(self) -> None:
        """F5: the caller's open call on the call screen, to continue it instead of opening a
        new one; this form stays underneath (Esc there comes back, F2 too)."""
        if self._lookup is None or self._lookup.open_call is None:
            return
        from hotline.screens.call import open_call

        open_call(self.app, self._lookup.open_call["number"])

    # -- the script panel ----------------------------------------------------------------

    def _schedule_script(self, *, immediate: bool = False) -> None:
        if self._script_timer is not None:
            self._script_timer.stop()
            self._script_timer = None
        if immediate:
            self._refresh_script()
        else:
            self._script_timer = self.set_timer(SCRIPT_DELAY, self._refresh_script)

    def _refresh_script(self) -> None:
        self._script_timer = None
        desk, intake = self.desk, self._intake
        stage = svc.script_stage(intake, desk, touched=self._touched,
                                 reading_back=self._reading is not None,
                                 saved=self._saved is not None)
        variables = svc.script_variables(desk, intake, agent_name=self._agent_name,
                                         locale=self.locale)
        if self._reading is not None:
            label, spoken = self._reading_text
            variables.update({"field": label, "value": spoken, self._reading: spoken})
        faq = f"{intake.symptom} {intake.description}".strip()
        panel = self.query_one(ScriptPanel)
        category = intake.category or None
        shown = (self._script_key(panel.library, stage, variables, category, faq),
                 self._reading, getattr(self.app, "notice", None))
        if shown == self._script_shown:
            return  # the panel would look the same: spare the relayout under the typing
        self._script_shown = shown
        template = (panel.library.readback(self._reading, self.locale)
                    if self._reading is not None else None)
        panel.show(stage, variables, locale=self.locale, category=category,
                   after_hours=self._after_hours, faq_text=faq,
                   notice=getattr(self.app, "notice", None) or None,
                   template_id=template.id if template is not None else None)

    def _script_key(
        self, library: ScriptLibrary, stage: str, variables: dict[str, str],
        category: str | None, faq: str,
    ) -> tuple[Any, ...]:
        """What the script panel would show: the templates of this stage and the next, the
        values of the variables they use, the FAQ answers that rank first."""
        locale = self.locale
        now = library.for_stage(stage, locale, category=category, after_hours=self._after_hours)
        following = library.next_stage(now.stage if now is not None else stage)
        templates = [now, library.for_stage(following, locale, category=category)
                     if following else None]
        used = {name for tpl in templates if tpl is not None
                for name in _PLACEHOLDER.findall(tpl.text)}
        answers = tuple(f.id for f in library.rank_faq(faq, locale, limit=3)) if faq else ()
        return (stage, category, tuple(tpl.id if tpl else "" for tpl in templates),
                tuple(sorted((name, variables.get(name, "")) for name in used)), answers)

    # -- which keys work now -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        reading = self._reading is not None
        if action in ("readback_yes", "readback_no"):
            return reading
        if action == "enter":
            return reading or (self._saved is None and self.focused is not None
                               and self.focused in self._fields)
        if action in ("readback", "save", "transfer"):
            return self._saved is None and not reading
        if action == "open_caller_call":
            return self._lookup is not None and self._lookup.open_call is not None
        if action == "leave":
            return not reading
        return True


# -- entry points the app uses ---------------------------------------------------------------


def start_intake(app: HotlineApp) -> None:
    """F2 from anywhere: the intake form, or back to the call on it; a draft left over from an
    earlier call is offered first (Esc there starts the new call and keeps the draft)."""
    from hotline.screens.draft_offer import DISCARD, RESUME, DraftOfferModal

    screen = app.screen
    if isinstance(screen, IntakeScreen):
        screen.next_call()
        return
    if isinstance(screen, ModalScreen):
        return  # finish the dialog first
    if any(isinstance(s, IntakeScreen) for s in app.screen_stack):
        while not isinstance(app.screen, IntakeScreen):
            app.pop_screen()
        return
    desk = app.desk
    drafts = svc.load_drafts(desk)
    if not drafts:
        app.push_screen(IntakeScreen())
        return
    draft = drafts[0]

    def chosen(choice: str) -> None:
        if choice == RESUME:
            app.push_screen(IntakeScreen(draft.intake))
            return
        if choice == DISCARD:
            svc.discard_draft(desk, draft.intake.call_id)
            app.notify(t("intake.draft.discarded", number=draft.intake.number), markup=False)
        app.push_screen(IntakeScreen())

    app.push_screen(DraftOfferModal(draft, chosen))


def offer_drafts(app: HotlineApp) -> None:
    """After sign-in: offer each unsaved call of this agent in turn (newest first)."""
    from hotline.screens.draft_offer import DISCARD, RESUME, DraftOfferModal

    desk = app.desk
    drafts = svc.load_drafts(desk)
    if not drafts:
        return
    draft = drafts[0]

    def chosen(choice: str) -> None:
        if choice == RESUME:
            app.push_screen(IntakeScreen(draft.intake))
        elif choice == DISCARD:
            svc.discard_draft(desk, draft.intake.call_id)
            app.notify(t("intake.draft.discarded", number=draft.intake.number), markup=False)
            offer_drafts(app)

    app.push_screen(DraftOfferModal(draft, chosen))
