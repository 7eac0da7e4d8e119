"""The intake screen driven with Pilot: opening, lookup, read-back, refusal, saving, drafts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from hotline.app import HotlineApp, make_app
from hotline.config import DEFAULT_CONFIG_PATH, load_config
from hotline.screens.call import CallScreen
from hotline.screens.draft_offer import DraftOfferModal
from hotline.screens.home import HomeScreen
from hotline.screens.intake import IntakeScreen
from hotline.services import callstate
from hotline.services import intake as svc
from hotline.services.agents import add_agent
from hotline.services.calls import CallIntake, list_calls, take_call
from hotline.services.desk import Desk
from hotline.store import Store
from hotline.widgets.caller_panel import CallerPanel
from hotline.widgets.script_panel import ScriptPanel
from tests.apps import make_test_app, wait_until
from tests.conftest import FROZEN


def text_of(screen: IntakeScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def mark(screen: IntakeScreen, name: str) -> str:
    """The confirmation mark at the end of a key field's label."""
    return text_of(screen, f"#label-{name}").rstrip()[-1]


def field(screen: IntakeScreen, name: str) -> Input:
    return screen.query_one(f"#f-{name}", Input)


def messages(app: HotlineApp) -> list[str]:
    return [n.message for n in app._notifications]


async def open_intake(pilot: Pilot[None]) -> IntakeScreen:
    await pilot.press("f2")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    """Let the debounce timers fire and the worker threads answer."""
    await pilot.pause(0.35)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


CALL = {"phone": "13900139000", "customer_name": "Wang", "product_model": "KFR-35GW",
        "symptom": "no cooling"}


async def type_call(pilot: Pilot[None]) -> None:
    """Phone, name, (alt phone, channel), model, (serial, date), symptom: Enter between."""
    await pilot.press(*CALL["phone"], "enter", *CALL["customer_name"], "enter", "enter",
                      "enter", *CALL["product_model"], "enter", "enter", "enter",
                      *CALL["symptom"])


async def fill_call(pilot: Pilot[None]) -> None:
    """The same form as `type_call`, filled without a keystroke each (Pilot keys are slow)."""
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    for name, value in CALL.items():
        field(screen, name).value = value
    screen.set_focus(field(screen, "symptom"))
    await pilot.pause()


async def confirm_key_fields(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()


# -- opening ---------------------------------------------------------------------------------


async def test_f2_opens_the_form_with_the_phone_focused_and_the_number_shown() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # Type-ahead: digits typed right after F2 land in the phone field.
        await pilot.press("f2", *"1390013")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.focused is field(screen, "phone")
        assert field(screen, "phone").value == "1390013"
        assert "D01-20261125-0004" in text_of(screen, "#intake-number")
        assert "通话 00:00" in text_of(screen, "#intake-timer")
        assert screen.query_one(ScriptPanel).stage == "identify"


async def test_the_greeting_shows_until_the_agent_types() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        assert screen.query_one(ScriptPanel).stage == "greeting"


async def test_f2_works_only_once_signed_in() -> None:
    app = make_test_app(now=FROZEN)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert not isinstance(app.screen, IntakeScreen)


async def test_enter_moves_down_the_fields_even_when_typed_ahead() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await type_call(pilot)
        await pilot.pause()
        assert field(screen, "phone").value == "13900139000"
        assert field(screen, "customer_name").value == "Wang"
        assert field(screen, "product_model").value == "KFR-35GW"
        assert field(screen, "symptom").value == "no cooling"
        assert screen.focused is field(screen, "symptom")


# -- caller lookup ---------------------------------------------------------------------------


async def test_typing_a_known_phone_shows_the_caller_and_fills_the_name() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"13800138000")
        await settle(pilot)
        panel = text_of(screen, "#intake-caller")
        assert "张三" in panel and "历史来电:1 次" in panel and "空调不制冷" in panel
        assert "重复来电" in panel  # called today (fixture data), within 7 days
        assert field(screen, "customer_name").value == "张三"
        assert screen.focused is field(screen, "phone")


async def test_an_open_call_is_announced_and_f5_shows_it() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    desk = app.desk
    intake = CallIntake(phone="13700137000", customer_name="赵六", product_model="X1",
                        symptom="漏水")
    intake.confirmed = {f: {"value": intake.value(f), "by": "A01", "at": "t"}
                        for f in desk.config.key_fields}
    open_call = take_call(desk, intake, status=callstate.TRANSFERRED)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"13700137000")
        await settle(pilot)
        assert f"有未结来电 {open_call['number']}" in text_of(screen, "#intake-caller")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert app.screen.number == open_call["number"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_stale_lookup_answer_is_dropped() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        stale = svc.lookup_caller(app.desk, "13800138000")
        screen.post_message(IntakeScreen.LookupDone(screen._lookup_token - 1, stale))
        await pilot.pause()
        assert "张三" not in text_of(screen, "#intake-caller")


# -- read-back -------------------------------------------------------------------------------


async def test_f6_reads_back_y_confirms_and_editing_clears_the_mark() -> None:
    app = make_test_app(now=FROZEN, signed_in=True, locale="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"13900139000")
        assert mark(screen, "phone") == "!"
        await pilot.press("f6")
        await pilot.pause()
        script = screen.query_one(ScriptPanel)
        assert script.stage == "readback"
        assert "139 0013 9000" in script.now_text
        assert "Read back Caller phone" in text_of(screen, "#intake-hint")
        await pilot.press("y")
        await pilot.pause()
        assert mark(screen, "phone") == "✓"
        assert screen.focused is field(screen, "customer_name")  # on to the next field
        assert app.screen._intake.confirmed["phone"]["by"] == "A01"
        # Back in the phone field, one more digit: the mark is gone.
        await pilot.press("shift+tab", "backspace")
        await pilot.pause()
        assert mark(screen, "phone") == "!"
        assert "phone" not in screen._intake.confirmed


async def test_escape_during_a_read_back_goes_to_the_field_to_correct_it() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await fill_call(pilot)
        await pilot.press("f6")  # from the symptom field: reads the symptom
        await pilot.pause()
        assert screen._reading == "symptom"
        await pilot.press("escape")
        await pilot.pause()
        assert screen._reading is None
        assert isinstance(app.screen, IntakeScreen)  # Esc corrected, did not leave
        assert screen.focused is field(screen, "symptom")
        assert mark(screen, "symptom") == "!"


async def test_f6_on_a_non_key_field_reads_the_first_unconfirmed_one() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"13900139000", "enter", *"Wang")
        await pilot.press("f6")
        await pilot.pause()
        assert screen._reading == "phone"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.focused is field(screen, "customer_name")  # back where it was
        assert field(screen, "customer_name").value == "Wang"  # Enter did not move on


# -- saving ----------------------------------------------------------------------------------


async def test_saving_with_unconfirmed_fields_is_refused_and_nothing_saved() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await fill_call(pilot)
        await pilot.press("f6", "y")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert messages(app)[-1] == "请先复述并确认以下关键信息: 来电号码、产品型号"
        assert len(list_calls(app.desk)) == 3  # the fixture's three, nothing more
        assert app.screen is screen and screen._saved is None


async def test_the_happy_path_saves_a_call_and_readies_the_next() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await fill_call(pilot)
        await confirm_key_fields(pilot)
        assert screen.query_one(ScriptPanel).stage == "resolve"
        await pilot.press("f7")
        await pilot.pause()
        calls = list_calls(app.desk)
        assert calls[0]["number"] == "D01-20261125-0004"
        assert calls[0]["phone"] == "+8613900139000" and calls[0]["status"] == "resolved"
        assert "来电 D01-20261125-0004 已保存(已解决)" in messages(app)
        assert screen.query_one(ScriptPanel).stage == "closing"
        assert "D01-20261125-0004" in screen.query_one(ScriptPanel).now_text
        assert svc.load_drafts(app.desk) == []
        await pilot.press("f2")  # the next call, in place
        await pilot.pause()
        assert app.screen is screen
        assert "D01-20261125-0005" in text_of(screen, "#intake-number")
        assert field(screen, "phone").value == "" and screen.focused is field(screen, "phone")
        assert mark(screen, "phone") == "!"


async def test_f2_during_a_call_does_not_lose_it() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"139", "f2")
        await pilot.pause()
        assert app.screen is screen and field(screen, "phone").value == "139"
        assert messages(app)[-1].startswith("请先完成当前来电")


async def test_current_intake_is_a_copy_for_the_transfer_modal() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await fill_call(pilot)
        await confirm_key_fields(pilot)
        intake = screen.current_intake()
        intake.symptom = "changed"
        assert screen._intake.symptom == "no cooling"
        call = screen.finish_call(
            lambda desk, it: take_call(desk, it, status=callstate.TRANSFERRED))
        assert call is not None and call["status"] == "transferred"


# -- bad input -------------------------------------------------------------------------------


async def test_a_huge_paste_is_cut_and_markup_is_kept_literally() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        name = field(screen, "customer_name")
        screen.set_focus(name)
        name.insert_text_at_cursor("[red]Bob[/]\x1b]0;PWNED\x07")
        await pilot.pause()
        assert name.value == "[red]Bob[/]]0;PWNED"
        assert messages(app)[-1] == "客户姓名:已去除控制字符"
        symptom = field(screen, "symptom")
        screen.set_focus(symptom)
        symptom.insert_text_at_cursor("漏" * 10_000)
        await pilot.pause()
        assert symptom.value == "漏" * 200
        assert "200" in messages(app)[-1]
        assert "200/200" in text_of(screen, "#intake-hint")


async def test_a_malformed_phone_is_flagged_when_left() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await pilot.press(*"12345", "enter")
        await pilot.pause()
        assert screen.query_one("#label-phone").has_class("-invalid")
        await pilot.press("f6")
        await pilot.pause()
        assert screen._reading is None
        assert "不是有效的电话号码" in messages(app)[-1]


# -- drafts ----------------------------------------------------------------------------------


def file_desk(path: Path, agent: str = "A01") -> Desk:
    store = Store.open(path, desk="D01", create=True)
    desk = Desk(store=store, config=load_config(DEFAULT_CONFIG_PATH), clock=lambda: FROZEN)
    if store.get("agent", "A01") is None:
        for code in ("A01", "A02"):
            add_agent(desk, code, name=code, role="agent", pin="1234")
    desk.agent, desk.role = agent, "agent"
    return desk


async def test_a_draft_survives_a_restart_and_is_offered(tmp_path: Path) -> None:
    path = tmp_path / "hotline.db"
    first = make_app(file_desk(path), signed_in=True)
    async with first.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        number = screen._intake.number
        await pilot.press(*"13900139000", "enter", *"Wang")
        await pilot.press("f6", "y")
        await settle(pilot)
        # The draft is written a moment after the last change (later on a loaded machine).
        await wait_until(pilot, lambda: "Wang" in str(first.desk.store.scalar(
            "SELECT data FROM drafts WHERE call_id = ?", (screen._intake.call_id,))))
    first.desk.store.close()

    again = make_app(file_desk(path), signed_in=True)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(again.screen, DraftOfferModal))
        assert number in str(again.screen.query_one("#draft-question", Static).render())
        await pilot.press("y")
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, IntakeScreen)
        assert number in text_of(screen, "#intake-number")
        assert field(screen, "customer_name").value == "Wang"
        assert mark(screen, "phone") == "✓"  # the confirmation came back too


async def test_escape_keeps_the_call_as_a_draft_and_f2_offers_it() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        number = screen._intake.number
        await pilot.press(*"139001", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert messages(app)[-1] == f"来电 {number} 已存为草稿:按 F2 继续"
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DraftOfferModal)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        assert field(app.screen, "phone").value == "139001"


async def test_discarding_an_offered_draft_starts_a_fresh_call() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake(pilot)
        await pilot.press(*"139001", "escape", "f2")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        assert field(app.screen, "phone").value == ""
        assert svc.load_drafts(app.desk) == []


async def test_an_empty_form_left_leaves_no_draft() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert svc.load_drafts(app.desk) == []


async def test_another_agents_draft_is_never_offered(tmp_path: Path) -> None:
    path = tmp_path / "hotline.db"
    mine = file_desk(path, "A01")
    intake = svc.new_intake(mine)
    svc.set_field(intake, "phone", "13900139000")
    svc.save_draft(mine, intake)
    mine.store.close()
    app = make_app(file_desk(path, "A02"), signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        assert field(app.screen, "phone").value == ""


async def test_typing_writes_the_draft_within_a_moment() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake(pilot)
        await pilot.press(*"1390013")
        await settle(pilot)
        [draft] = svc.load_drafts(app.desk)
        assert draft.intake.phone == "1390013"


# -- after hours -----------------------------------------------------------------------------


async def test_an_after_hours_call_is_flagged_and_greeted_so() -> None:
    night = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    app = make_test_app(now=night, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        assert "非工作时间" in text_of(screen, "#intake-flags")
        script = screen.query_one(ScriptPanel)
        assert script.template is not None and script.template.stage == "after_hours_greeting"


async def test_the_caller_panel_waits_for_a_number() -> None:
    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        assert "输入来电号码" in text_of(screen, "#intake-caller")
        assert isinstance(screen.query_one("#intake-caller"), CallerPanel)


async def test_f8_transfers_the_call_from_the_form_in_one_go() -> None:
    from hotline.screens.transfer import TransferModal
    from hotline.store import call_records

    app = make_test_app(now=FROZEN, signed_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_intake(pilot)
        await fill_call(pilot)
        await pilot.press("f8")  # key fields not read back yet: refused before the dialog
        await pilot.pause()
        assert app.screen is screen
        assert messages(app)[-1].startswith("请先复述并确认")
        await confirm_key_fields(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, TransferModal)
        await pilot.press("enter", *"需上门检测", "enter")  # first department, reason
        await pilot.pause()
        assert app.screen is screen
        [call] = [c for c in list_calls(app.desk) if c["phone"] == "+8613900139000"]
        assert call["status"] == "transferred" and call["department"]
        [transfer] = call_records.transfers_of(app.desk.store, call["id"])
        assert transfer["reason"] == "需上门检测"
        assert svc.load_drafts(app.desk) == []
        assert screen.query_one(ScriptPanel).stage == "closing"


async def test_a_drill_call_shows_in_the_training_stores_own_lists() -> None:
    from hotline.app import make_app
    from tests.apps import make_desk

    desk = make_desk(now=FROZEN)
    desk.agent, desk.role = "A01", "agent"
    app = make_app(desk, signed_in=True, training=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake(pilot)
        await fill_call(pilot)
        await confirm_key_fields(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert any(c["phone"] == "+8613900139000" for c in list_calls(app.desk))
