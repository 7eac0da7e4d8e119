"""Intake use cases: read-back confirmation, refusal, saving, drafts, caller lookup."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hotline.config import Config
from hotline.errors import InputRefused
from hotline.i18n import set_locale
from hotline.services import callstate
from hotline.services import intake as svc
from hotline.services.calls import CallIntake, list_calls, show_call, take_call
from hotline.services.desk import Desk
from hotline.store import Store

from .conftest import FROZEN


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(FROZEN)


@pytest.fixture
def agent_desk(store: Store, config: Config, clock: Clock) -> Desk:
    """Desk D01 signed in as agent A01, on a clock the test can move."""
    return Desk(store=store, config=config, agent="A01", role="agent", clock=clock)


def filled(desk: Desk, **values: str) -> CallIntake:
    intake = svc.new_intake(desk)
    base = {"phone": "13800138000", "customer_name": "张三", "product_model": "KFR-35GW",
            "symptom": "空调不制冷"}
    for name, value in {**base, **values}.items():
        svc.set_field(intake, name, value)
    return intake


def confirm_all(desk: Desk, intake: CallIntake) -> None:
    for name in desk.config.key_fields:
        svc.confirm_field(desk, intake, name)


def count(store: Store, table: str) -> int:
    return int(store.scalar(f"SELECT count(*) FROM {table}"))


# -- confirmation ----------------------------------------------------------------------------


def test_confirming_records_value_agent_and_time(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    mark = svc.confirm_field(agent_desk, intake, "phone")
    assert mark == {"value": "13800138000", "by": "A01", "at": "2026-11-25T02:30:00Z"}
    assert svc.is_confirmed(intake, "phone")
    assert svc.unconfirmed(agent_desk, intake) == ["product_model", "symptom"]


def test_editing_a_confirmed_field_clears_its_mark_for_good(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    svc.confirm_field(agent_desk, intake, "product_model")
    assert svc.set_field(intake, "product_model", "KFR-35GW/A") is True
    assert not svc.is_confirmed(intake, "product_model")
    # Typing the old value back does not bring the confirmation back: it must be read again.
    svc.set_field(intake, "product_model", "KFR-35GW")
    assert not svc.is_confirmed(intake, "product_model")
    assert "product_model" not in intake.confirmed


def test_editing_another_field_keeps_the_mark(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    svc.confirm_field(agent_desk, intake, "symptom")
    assert svc.set_field(intake, "description", "显示E1") is False
    assert svc.is_confirmed(intake, "symptom")


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("customer_name", "张三", "intake.not_key_field"),
        ("symptom", "", "intake.nothing_to_read"),
        ("phone", "12345", "phone.invalid"),
    ],
)
def test_confirming_refuses_what_cannot_be_read_back(
    agent_desk: Desk, name: str, value: str, key: str
) -> None:
    intake = filled(agent_desk, **{name: value})
    with pytest.raises(InputRefused) as refused:
        svc.confirm_field(agent_desk, intake, name)
    assert refused.value.key == key
    assert name not in intake.confirmed


def test_readback_text_is_formatted_for_reading_aloud(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    assert svc.readback_text(agent_desk, intake, "phone", "zh_CN") == ("来电号码", "138 0013 8000")
    assert svc.readback_text(agent_desk, intake, "product_model", "en") == (
        "Product model", "K F R - 3 5 G W")


def test_next_unconfirmed_skips_empty_and_confirmed_fields(agent_desk: Desk) -> None:
    intake = filled(agent_desk, product_model="")
    assert svc.next_unconfirmed(agent_desk, intake) == "phone"
    svc.confirm_field(agent_desk, intake, "phone")
    assert svc.next_unconfirmed(agent_desk, intake) == "symptom"


# -- saving ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("zh_CN", "请先复述并确认以下关键信息: 来电号码、产品型号、故障现象"),
        ("en", "read back and confirm these key fields first: Caller phone, Product model, "
               "Fault symptom"),
    ],
)
def test_saving_with_unconfirmed_fields_is_refused_naming_them_all(
    store: Store, config: Config, clock: Clock, locale: str, message: str
) -> None:
    from dataclasses import replace

    set_locale(locale)
    config = replace(config, site=replace(config.site, locale=locale))
    desk = Desk(store=store, config=config, agent="A01", role="agent", clock=clock)
    intake = filled(desk)
    svc.save_draft(desk, intake)
    ops_before = count(store, "ops")
    with pytest.raises(InputRefused) as refused:
        svc.save_call(desk, intake)
    assert refused.value.message() == message
    assert count(store, "ops") == ops_before
    assert count(store, "calls") == 0 and count(store, "customers") == 0
    assert len(svc.load_drafts(desk)) == 1  # the call is still safe in its draft


def test_one_unconfirmed_field_is_named_alone(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    confirm_all(agent_desk, intake)
    svc.set_field(intake, "symptom", "空调不制热")
    with pytest.raises(InputRefused) as refused:
        svc.save_call(agent_desk, intake)
    assert refused.value.params == {"fields": "故障现象"}


def test_a_saved_call_has_its_customer_ops_and_confirmations(
    agent_desk: Desk, clock: Clock
) -> None:
    intake = filled(agent_desk, purchase_date="2025/5/1", channel="online")
    confirm_all(agent_desk, intake)
    svc.save_draft(agent_desk, intake)
    clock.moment = FROZEN + timedelta(seconds=95)
    call = svc.save_call(agent_desk, intake)
    assert call["number"] == "D01-20261125-0001" == intake.number
    assert call["status"] == "resolved"
    assert call["phone"] == "+8613800138000" and call["channel"] == "online"
    assert call["purchase_date"] == "2025-05-01"
    assert call["started_at"] == "2026-11-25T02:30:00Z" and call["duration_s"] == 95
    assert call["after_hours"] == 0 and call["training"] == 0
    assert call["confirmations"]["phone"] == {
        "value": "13800138000", "by": "A01", "at": "2026-11-25T02:30:00Z"}
    assert [row["number"] for row in list_calls(agent_desk)] == [call["number"]]
    customer = agent_desk.store.get("customer", call["customer_id"])
    assert customer is not None and customer["name"] == "张三"
    timeline = show_call(agent_desk, call["number"])["timeline"]
    created = [e for e in timeline if e["entity"] == "call"][0]
    assert created["value"]["confirmations"]["symptom"]["by"] == "A01"
    assert svc.load_drafts(agent_desk) == []  # gone in the same transaction as the call


def test_a_failing_save_writes_nothing_and_keeps_the_draft(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    confirm_all(agent_desk, intake)
    svc.save_draft(agent_desk, intake)

    def half_then_fail(desk: Desk, it: CallIntake) -> dict[str, object]:
        take_call(desk, it, status=callstate.TRANSFERRED)
        raise InputRefused("intake.no_symptom")

    with pytest.raises(InputRefused):
        svc.finish_intake(agent_desk, intake, half_then_fail)
    assert count(agent_desk.store, "calls") == 0 and count(agent_desk.store, "ops") == 0
    assert len(svc.load_drafts(agent_desk)) == 1


@pytest.mark.parametrize(
    ("text", "key"),
    [("2025-13-01", "intake.bad_date"), ("yesterday", "intake.bad_date"),
     ("2027-01-01", "intake.future_date")],
)
def test_a_bad_purchase_date_is_refused(agent_desk: Desk, text: str, key: str) -> None:
    intake = filled(agent_desk, purchase_date=text)
    confirm_all(agent_desk, intake)
    with pytest.raises(InputRefused) as refused:
        svc.save_call(agent_desk, intake)
    assert refused.value.key == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-05-01", "2025-05-01"), ("20250501", "2025-05-01"), ("2025/5/1", "2025-05-01"),
     ("2025.05.01", "2025-05-01"), ("", "")],
)
def test_purchase_dates_are_normalised(text: str, expected: str) -> None:
    assert svc.normalize_date(text, FROZEN.date()) == expected


def test_a_training_call_is_flagged(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    confirm_all(agent_desk, intake)
    intake.training = True
    assert svc.save_call(agent_desk, intake)["training"] == 1
    assert list_calls(agent_desk) == []  # drills stay out of the lists


def test_after_hours_calls_are_flagged(store: Store, config: Config) -> None:
    night = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    desk = Desk(store=store, config=config, agent="A01", role="agent", clock=lambda: night)
    intake = filled(desk)
    assert svc.is_after_hours(desk, intake)
    confirm_all(desk, intake)
    assert svc.save_call(desk, intake)["after_hours"] == 1


def test_working_hours_calls_are_not_flagged(agent_desk: Desk) -> None:
    assert not svc.is_after_hours(agent_desk, filled(agent_desk))


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "limit", "kept"),
    [
        ("张三\x1b[31m", 40, "张三[31m"),
        ("evil\x1b]0;PWNED\x07", 40, "evil]0;PWNED"),
        ("a\x9bb\x00c", 40, "abc"),
        ("line1\nline2\tend", 40, "line1 line2 end"),
        ("[red]Bob[/]", 40, "[red]Bob[/]"),
        ("x" * 10_000, 200, "x" * 200),
    ],
)
def test_input_is_cleaned_and_cut(raw: str, limit: int, kept: str) -> None:
    assert svc.clean_input(raw, limit) == kept


def test_every_field_has_a_label_and_a_limit(config: Config) -> None:
    for spec in svc.form_fields(config):
        assert svc.field_label(config, spec.name, "en") != f"intake.field.{spec.name}"
        assert spec.kind == "select" or spec.max_length > 0


# -- drafts ------------------------------------------------------------------------------------


def test_a_draft_restores_the_whole_form(agent_desk: Desk, clock: Clock) -> None:
    intake = filled(agent_desk, description="开机十分钟后不制冷")
    svc.confirm_field(agent_desk, intake, "phone")
    ops_before = count(agent_desk.store, "ops")
    svc.save_draft(agent_desk, intake)
    assert count(agent_desk.store, "ops") == ops_before  # desk-local: no op, never synced
    clock.moment = FROZEN + timedelta(minutes=3)
    [draft] = svc.load_drafts(agent_desk)
    assert draft.intake == intake
    assert draft.updated_at == "2026-11-25T02:30:00Z"
    assert svc.is_confirmed(draft.intake, "phone")
    assert svc.elapsed_seconds(agent_desk, draft.intake) == 180  # the timer goes on


def test_saving_a_draft_again_replaces_it(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    svc.save_draft(agent_desk, intake)
    svc.set_field(intake, "symptom", "漏水")
    svc.save_draft(agent_desk, intake)
    [draft] = svc.load_drafts(agent_desk)
    assert draft.intake.symptom == "漏水"


def test_drafts_are_private_to_their_agent(agent_desk: Desk, store: Store, config: Config) -> None:
    svc.save_draft(agent_desk, filled(agent_desk))
    other = Desk(store=store, config=config, agent="A02", role="agent", clock=lambda: FROZEN)
    assert svc.load_drafts(other) == []
    assert len(svc.load_drafts(other, "A01")) == 1
    nobody = Desk(store=store, config=config, clock=lambda: FROZEN)
    assert svc.load_drafts(nobody) == []


def test_discarding_a_draft(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    svc.save_draft(agent_desk, intake)
    svc.discard_draft(agent_desk, intake.call_id)
    assert svc.load_drafts(agent_desk) == []


def test_a_damaged_draft_is_skipped_not_fatal(agent_desk: Desk) -> None:
    agent_desk.store.conn.execute(
        "INSERT INTO drafts VALUES ('x', 'A01', 'D01-1', '{not json', '2026-11-25T02:30:00Z')")
    assert svc.load_drafts(agent_desk) == []


def test_newest_draft_first(agent_desk: Desk, clock: Clock) -> None:
    first = filled(agent_desk)
    svc.save_draft(agent_desk, first)
    clock.moment = FROZEN + timedelta(minutes=1)
    second = filled(agent_desk)
    svc.save_draft(agent_desk, second)
    assert [d.intake.number for d in svc.load_drafts(agent_desk)] == [second.number, first.number]


def test_a_blank_form_is_blank(agent_desk: Desk) -> None:
    intake = svc.new_intake(agent_desk)
    assert svc.is_blank(agent_desk, intake)
    svc.set_field(intake, "serial_no", "S1")
    assert not svc.is_blank(agent_desk, intake)


# -- caller lookup -----------------------------------------------------------------------------


def past_call(desk: Desk, clock: Clock, when: datetime, *, model: str = "KFR-35GW",
              status: str = callstate.RESOLVED, phone: str = "13800138000",
              symptom: str = "不制冷") -> dict[str, object]:
    saved = clock.moment
    clock.moment = when
    intake = filled(desk, phone=phone, product_model=model, symptom=symptom)
    confirm_all(desk, intake)
    call = take_call(desk, intake, status=status)
    clock.moment = saved
    return call


def test_lookup_of_a_new_number_says_new(agent_desk: Desk) -> None:
    found = svc.lookup_caller(agent_desk, "139 0013 9000")
    assert found.phone == "+8613900139000"
    assert found.customer is None and found.calls == [] and found.open_call is None


def test_lookup_shows_history_open_call_and_tags(agent_desk: Desk, clock: Clock) -> None:
    old = past_call(agent_desk, clock, FROZEN - timedelta(days=30), symptom="漏水")
    open_call = past_call(agent_desk, clock, FROZEN - timedelta(days=20),
                          status=callstate.TRANSFERRED, symptom="异响")
    agent_desk.store.write("A01", "customer", str(old["customer_id"]), {"tags": ["VIP"]})
    found = svc.lookup_caller(agent_desk, "+86 138-0013-8000")
    assert found.customer is not None and found.customer["name"] == "张三"
    assert found.customer["tags"] == ["VIP"]
    assert [c["number"] for c in found.calls] == [open_call["number"], old["number"]]
    assert [c["status"] for c in found.calls] == ["transferred", "resolved"]
    assert found.call_count == 2
    assert found.open_call is not None and found.open_call["number"] == open_call["number"]
    assert found.repeat is None  # both calls are older than repeat_caller_days (7)


def test_a_repeat_caller_about_the_same_model_is_marked(agent_desk: Desk, clock: Clock) -> None:
    recent = past_call(agent_desk, clock, FROZEN - timedelta(days=3), model="kfr 35gw")
    found = svc.lookup_caller(agent_desk, "13800138000", "KFR-35GW")
    assert found.repeat is not None and found.repeat["number"] == recent["number"]
    assert svc.lookup_caller(agent_desk, "13800138000", "BCD-215").repeat is None
    # Before a model is typed, any call inside the window marks the caller.
    assert svc.lookup_caller(agent_desk, "13800138000").repeat is not None
    clock.moment = FROZEN + timedelta(days=5)  # 8 days after the call: outside the window
    assert svc.lookup_caller(agent_desk, "13800138000", "KFR-35GW").repeat is None


def test_a_partial_number_lists_the_callers_it_could_be(agent_desk: Desk, clock: Clock) -> None:
    past_call(agent_desk, clock, FROZEN - timedelta(days=1))
    past_call(agent_desk, clock, FROZEN - timedelta(days=1), phone="13800999999")
    found = svc.lookup_caller(agent_desk, "1380013")
    assert found.phone is None
    assert [c["phone"] for c in found.candidates] == ["+8613800138000"]
    assert len(svc.lookup_caller(agent_desk, "13800").candidates) == 2
    assert svc.lookup_caller(agent_desk, "138").candidates == []  # too short to be useful


def test_a_landline_with_extension_finds_the_customer(agent_desk: Desk, clock: Clock) -> None:
    past_call(agent_desk, clock, FROZEN - timedelta(days=1), phone="010-12345678转8001")
    found = svc.lookup_caller(agent_desk, "01012345678 ext 8001")
    assert found.customer is not None and found.call_count == 1


@pytest.mark.parametrize("text", ["", "abc", "[red]x[/]", "\x1b[2J", "1" * 500, "+", "转"])
def test_lookup_never_raises_for_what_is_typed(agent_desk: Desk, text: str) -> None:
    found = svc.lookup_caller(agent_desk, text)
    assert found.customer is None


# -- the script's stage ------------------------------------------------------------------------


def test_the_script_follows_the_call(agent_desk: Desk) -> None:
    intake = svc.new_intake(agent_desk)

    def stage(**kw: bool) -> str:
        args = {"touched": True, "reading_back": False, "saved": False, **kw}
        return svc.script_stage(intake, agent_desk, **args)

    assert stage(touched=False) == "greeting"
    assert stage() == "identify"
    svc.set_field(intake, "phone", "13800138000")
    svc.set_field(intake, "customer_name", "张三")
    assert stage() == "record"
    assert stage(reading_back=True) == "readback"
    svc.set_field(intake, "product_model", "A1")
    svc.set_field(intake, "symptom", "坏了")
    confirm_all(agent_desk, intake)
    assert stage() == "resolve"
    assert stage(saved=True) == "closing"


def test_script_variables_read_values_aloud(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    variables = svc.script_variables(agent_desk, intake, agent_name="李明", locale="zh_CN")
    assert variables["phone"] == "138 0013 8000"
    assert variables["customer"] == "张三" and variables["agent"] == "李明"
    assert variables["call_number"] == intake.number


def test_draft_json_keeps_cjk_readable(agent_desk: Desk) -> None:
    intake = filled(agent_desk)
    svc.save_draft(agent_desk, intake)
    data = agent_desk.store.scalar("SELECT data FROM drafts")
    assert "空调不制冷" in data and json.loads(data)["number"] == intake.number


def test_calls_show_json_says_who_confirmed_what_and_when(desk_dir: Path) -> None:
    from hotline.config import load_config
    from tests.cli_runner import run

    config = load_config(desk_dir / "hotline.toml")
    desk = Desk(store=Store.open(desk_dir / "hotline.db", desk="D01"), config=config,
                agent="S01", role="supervisor", clock=lambda: FROZEN)
    intake = filled(desk)
    confirm_all(desk, intake)
    number = svc.save_call(desk, intake)["number"]
    desk.store.close()
    shown = run("--config", str(desk_dir / "hotline.toml"), "calls", "show", number, "--json")
    assert shown.code == 0, shown.err
    doc = shown.json()
    assert isinstance(doc, dict)
    assert doc["confirmed"] == {
        name: {"agent": "S01", "at": "2026-11-25T02:30:00Z"} for name in config.key_fields}
