"""Intake: the use cases behind the call form an agent lives in.

Read top-down, a call at the desk is: `new_intake` (a number and a start time the moment the
form opens), `set_field` on every change (a changed key field loses its confirmation),
`confirm_field` when the agent has read a key field back to the caller, `save_call` (refused
until every key field is confirmed; the draft goes in the same transaction as the call).
Meanwhile `lookup_caller` tells who is calling, and `save_draft` keeps the form safe from a
closed terminal or a crash. No Textual here: the screen gathers keys, these decide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from hotline.config import Config
from hotline.errors import InputRefused
from hotline.i18n import t
from hotline.scripts import read_aloud
from hotline.services import callstate
from hotline.services.calendar import is_working_time
from hotline.services.calls import INTAKE_FIELDS, CallIntake, reserve_number, take_call
from hotline.services.clock import from_text, to_text
from hotline.services.desk import Desk
from hotline.services.customers import parse_tags
from hotline.services.phones import normalize_phone, stored_prefix
from hotline.store import drafts as draft_store
from hotline.store import queries
from hotline.store.ids import customer_id
from hotline.store.text import clean

# -- the form's fields ------------------------------------------------------------------------

SELECT_FIELDS = frozenset({"channel", "category", "priority"})
"""Built-in fields chosen from a list in hotline.toml rather than typed."""
PHONE_FIELDS = frozenset({"phone", "alt_phone"})

MAX_LENGTHS: dict[str, int] = {
    "phone": 40,
    "customer_name": 40,
    "alt_phone": 40,
    "product_model": 40,
    "serial_no": 40,
    "purchase_date": 10,
    "symptom": 200,
    "description": 2000,
}
"""Most characters each typed field takes; the form shows the count as the agent types."""


@dataclass(frozen=True)
class FormField:
    """One field of the intake form, built-in or declared in hotline.toml (`[[fields]]`)."""

    name: str
    kind: str
    """"text", "phone", "date" or "select"."""
    max_length: int
    required: bool
    key: bool
    """A key field: read back to the caller and confirmed before the call can be saved."""


def form_fields(config: Config) -> tuple[FormField, ...]:
    """The form's fields in the order the agent fills them (Enter moves down this list)."""
    keys = set(config.key_fields)
    out: list[FormField] = []
    for name in INTAKE_FIELDS:
        if name in SELECT_FIELDS:
            kind = "select"
        elif name in PHONE_FIELDS:
            kind = "phone"
        elif name == "purchase_date":
            kind = "date"
        else:
            kind = "text"
        out.append(FormField(name, kind, MAX_LENGTHS.get(name, 0),
                             name in ("phone", "symptom"), name in keys))
    for extra in config.fields:
        out.append(FormField(extra.id, "text", extra.max_length, extra.required, extra.id in keys))
    return tuple(out)


def field_label(config: Config, name: str, locale: str | None = None) -> str:
    """The name of a field as the agent sees it (an extra field's label from hotline.toml)."""
    for extra in config.fields:
        if extra.id == name:
            return extra.label.text(locale or _locale(config))
    return t(f"intake.field.{name}", locale)


def choices(config: Config, name: str, locale: str) -> list[tuple[str, str]]:
    """(label, id) pairs of a select field, in hotline.toml's order."""
    items = {"channel": config.channels, "category": config.categories,
             "priority": config.priorities}[name]
    return [(item.label.text(locale), item.id) for item in items]


def shown_value(config: Config, name: str, value: str, locale: str) -> str:
    """A field's value as said to the caller: a select's label, a phone in spoken groups."""
    if name in SELECT_FIELDS and value:
        try:
            return config.label(name, value, locale)
        except KeyError:
            return value
    return read_aloud(name, value, locale)


def clean_input(value: str, max_length: int) -> str:
    """What the form keeps of typed or pasted text: no control characters (an escape
    sequence must never reach the terminal), one line, at most `max_length` characters."""
    text = clean(value.replace("\n", " ").replace("\t", " "))
    return text[:max_length] if max_length else text


def _locale(config: Config) -> str:
    return config.site.locale


# -- the call being taken ---------------------------------------------------------------------


def new_intake(desk: Desk) -> CallIntake:
    """A fresh call: its number reserved and its timer started the moment the form opens."""
    call_id, number = reserve_number(desk)
    return CallIntake(
        phone="", channel="phone", category=desk.config.default_category,
        priority=desk.config.default_priority, started_at=desk.now_text(), number=number,
        call_id=call_id,
    )


def set_field(intake: CallIntake, name: str, value: str) -> bool:
    """Record a change of one field; a key field whose value changed loses its confirmation.

    Returns:
        True when a confirmation was cleared (the screen shows the mark going away).
    """
    if name in INTAKE_FIELDS:
        setattr(intake, name, value)
    else:
        intake.extra[name] = value
    mark = intake.confirmed.get(name)
    if mark is not None and mark.get("value") != value:
        del intake.confirmed[name]
        return True
    return False


def is_confirmed(intake: CallIntake, name: str) -> bool:
    mark = intake.confirmed.get(name)
    return mark is not None and mark.get("value") == intake.value(name)


def readback_text(desk: Desk, intake: CallIntake, name: str, locale: str) -> tuple[str, str]:
    """(field label, value as read aloud) for the read-back sentence of a key field.

    Raises:
        InputRefused: not a key field, nothing to read back, or a phone that is not valid.
    """
    if name not in desk.config.key_fields:
        raise InputRefused("intake.not_key_field", field=field_label(desk.config, name, locale))
    value = intake.value(name).strip()
    if not value:
        raise InputRefused("intake.nothing_to_read", field=field_label(desk.config, name, locale))
    if name in PHONE_FIELDS:
        normalize_phone(value)
    return field_label(desk.config, name, locale), shown_value(desk.config, name, value, locale)


def confirm_field(desk: Desk, intake: CallIntake, name: str) -> dict[str, str]:
    """The caller heard the key field read back and said it is right: mark it confirmed.

    The mark (value, agent, time) is saved with the call, so every desk's timeline shows who
    confirmed what and when.

    Raises:
        InputRefused: not a key field, empty, or (a phone) not a valid number.
    """
    readback_text(desk, intake, name, desk.config.site.locale)
    mark = {"value": intake.value(name), "by": desk.agent or "", "at": desk.now_text()}
    intake.confirmed[name] = mark
    return mark


def unconfirmed(desk: Desk, intake: CallIntake) -> list[str]:
    """Key fields not read back yet, or changed since (ids, in form order)."""
    return [name for name in desk.config.key_fields if not is_confirmed(intake, name)]


def next_unconfirmed(desk: Desk, intake: CallIntake) -> str | None:
    """The first key field with a value that still needs reading back (what F6 picks when the
    focused field is not a key field)."""
    for name in unconfirmed(desk, intake):
        if intake.value(name).strip():
            return name
    return None


def check_confirmed(desk: Desk, intake: CallIntake, locale: str | None = None) -> None:
    """Refuse, naming every unconfirmed key field by its label, when any is left.

    Raises:
        InputRefused: `intake.unconfirmed` with the labels joined.
    """
    missing = unconfirmed(desk, intake)
    if missing:
        labels = [field_label(desk.config, name, locale) for name in missing]
        raise InputRefused("intake.unconfirmed",
                           fields=t("intake.list_separator", locale).join(labels))


def is_after_hours(desk: Desk, intake: CallIntake) -> bool:
    """Whether the call started outside the working calendar (the on-duty desk's calls)."""
    started = from_text(intake.started_at) if intake.started_at else desk.now()
    return not is_working_time(desk.config.calendar, started, desk.tz)


def elapsed_seconds(desk: Desk, intake: CallIntake) -> int:
    """Seconds since the form opened (the call timer; a restored draft keeps its start)."""
    if not intake.started_at:
        return 0
    return max(0, int((desk.now() - from_text(intake.started_at)).total_seconds()))


def normalize_date(text: str, today: date) -> str:
    """A purchase date as `YYYY-MM-DD` from `2026-05-01`, `20260501`, `2026/5/1` or `2026.5.1`.

    Raises:
        InputRefused: not a date, or a date in the future.
    """
    raw = text.strip()
    if not raw:
        return ""
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{4})(\d{2})(\d{2})", raw)
    if match is None:
        raise InputRefused("intake.bad_date", value=raw)
    parts = [p for p in match.groups() if p is not None]
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise InputRefused("intake.bad_date", value=raw) from exc
    if day > today:
        raise InputRefused("intake.future_date", value=raw)
    return day.isoformat()


def finish_intake(
    desk: Desk, intake: CallIntake, save: Callable[[Desk, CallIntake], dict[str, Any]]
) -> dict[str, Any]:
    """Save the call with `save` once the form is complete; the draft goes in the same
    transaction. Refused, with nothing written, while any key field is unconfirmed.

    `save` is `take_call` for a call resolved on the spot; the transfer use case passes its
    own (saving the call as transferred together with the transfer).

    Raises:
        InputRefused: unconfirmed key fields (all named, by label), a missing required field,
            a bad purchase date, or whatever `save` refuses (phone, category, ...).
    """
    locale = desk.config.site.locale
    check_confirmed(desk, intake, locale)
    for spec in form_fields(desk.config):
        if spec.required and not intake.value(spec.name).strip():
            raise InputRefused("intake.required", field=field_label(desk.config, spec.name, locale))
    intake.purchase_date = normalize_date(intake.purchase_date, desk.local().date())
    with desk.store.transaction():
        call = save(desk, intake)
        draft_store.delete(desk.store, intake.call_id or call["id"])
    return call


def save_call(
    desk: Desk, intake: CallIntake, *, status: str = callstate.RESOLVED
) -> dict[str, Any]:
    """Save a call answered at the desk (resolved on the spot by default).

    Raises:
        InputRefused: see `finish_intake`.
    """
    return finish_intake(desk, intake, lambda d, i: take_call(d, i, status=status))


# -- drafts ------------------------------------------------------------------------------------


@dataclass
class Draft:
    """A call an agent was taking when the form was closed, the terminal lost or the app killed."""

    intake: CallIntake
    updated_at: str


def _intake_json(intake: CallIntake) -> str:
    return json.dumps(asdict(intake), ensure_ascii=False, sort_keys=True)


def _intake_from(data: str) -> CallIntake:
    raw = json.loads(data)
    known = {f for f in CallIntake.__dataclass_fields__}
    values = {k: v for k, v in raw.items() if k in known}
    values.setdefault("phone", "")
    return CallIntake(**values)


def is_blank(desk: Desk, intake: CallIntake) -> bool:
    """Nothing typed yet: such a form is not worth a draft (a call that never started)."""
    defaults = {"channel": "phone", "category": desk.config.default_category,
                "priority": desk.config.default_priority}
    for spec in form_fields(desk.config):
        value = intake.value(spec.name)
        if value and value != defaults.get(spec.name, ""):
            return False
    return True


def save_draft(desk: Desk, intake: CallIntake) -> None:
    """Keep the form of the call being taken on this desk (never synced: no ops)."""
    if not intake.call_id or desk.agent is None:
        return
    draft_store.save(desk.store, call_id=intake.call_id, agent=desk.agent, number=intake.number,
                     data=_intake_json(intake), updated_at=desk.now_text())


def load_drafts(desk: Desk, agent: str | None = None) -> list[Draft]:
    """The signed-in agent's drafts (or `agent`'s), newest first; never another agent's."""
    who = agent or desk.agent
    if who is None:
        return []
    out = []
    for row in draft_store.of_agent(desk.store, who):
        try:
            intake = _intake_from(row["data"])
        except (ValueError, TypeError):
            continue  # a draft from a damaged file is not worth a crash at sign-in
        out.append(Draft(intake, row["updated_at"]))
    return out


def discard_draft(desk: Desk, call_id: str) -> None:
    draft_store.delete(desk.store, call_id)


# -- caller lookup -----------------------------------------------------------------------------

HISTORY_ROWS = 6
PREFIX_MIN_DIGITS = 4
PREFIX_ROWS = 5


@dataclass
class CallerLookup:
    """What the side panel shows about the caller while the phone is typed."""

    query: str
    """The phone text looked up (the screen drops results for an older text)."""
    model: str = ""
    phone: str | None = None
    """The number in stored form, once what was typed is a valid number."""
    customer: dict[str, Any] | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)
    """The customer's latest calls, newest first."""
    call_count: int = 0
    open_call: dict[str, Any] | None = None
    """The newest call still waiting (transferred, awaiting callback, reopened)."""
    repeat: dict[str, Any] | None = None
    """An earlier call within `followup.repeat_caller_days`: about the same product model once
    one is typed, or any call before that."""
    candidates: list[dict[str, Any]] = field(default_factory=list)
    """Customers whose number starts with what was typed, while it is not a full number."""


def _model_key(model: str) -> str:
    return re.sub(r"[\s\-_/.]", "", model).upper()


def lookup_caller(desk: Desk, phone_text: str, product_model: str = "") -> CallerLookup:
    """Who is calling: the customer, their calls, an open call, a repeat-caller mark.

    Runs off the UI thread while the phone is typed; a few indexed queries (DESIGN.md
    section 6: <= 2 ms p95). Never raises for what is typed: a partial number gives the
    customers it could still be.
    """
    result = CallerLookup(query=phone_text, model=product_model)
    digits = sum(ch.isdigit() for ch in phone_text)
    if not digits:
        return result
    try:
        phone = normalize_phone(phone_text)
    except InputRefused:
        if digits >= PREFIX_MIN_DIGITS:
            rows = queries.customers_by_phone_prefix(desk.store, stored_prefix(phone_text), PREFIX_ROWS)
            result.candidates = [{**row, "tags": parse_tags(row.get("tags"))} for row in rows]
        return result
    result.phone = phone.stored
    customer = queries.customer_by_id(desk.store, customer_id(phone.e164))
    for _ in range(3):  # a merged customer points at the one that holds the history
        if customer is None or not customer.get("merged_into"):
            break
        customer = queries.customer_by_id(desk.store, customer["merged_into"]) or customer
    if customer is None:
        return result
    customer = {**customer, "tags": parse_tags(customer.get("tags"))}
    result.customer = customer
    result.calls = queries.calls_of_customer(desk.store, customer["id"], HISTORY_ROWS)
    result.call_count = (len(result.calls) if len(result.calls) < HISTORY_ROWS
                         else queries.count_calls_of_customer(desk.store, customer["id"]))
    result.open_call = queries.open_call_of_customer(desk.store, customer["id"])
    since = to_text(desk.now() - timedelta(days=desk.config.followup.repeat_caller_days))
    recent = queries.calls_of_customer_since(desk.store, customer["id"], since)
    wanted = _model_key(product_model)
    for row in recent:
        if not wanted or _model_key(row.get("product_model") or "") == wanted:
            result.repeat = row
            break
    return result


# -- the script panel's stage ------------------------------------------------------------------


def script_stage(
    intake: CallIntake, desk: Desk, *, touched: bool, reading_back: bool, saved: bool
) -> str:
    """The stage of the call the script panel shows (DESIGN.md section 5).

    Greeting until the agent types; identify while the phone or the name is missing; record
    while the call is written down; readback while a key field is read back; resolve once
    every key field is confirmed; closing once the call is saved.
    """
    if saved:
        return "closing"
    if reading_back:
        return "readback"
    if not touched:
        return "greeting"
    if not intake.phone.strip() or not intake.customer_name.strip():
        return "identify"
    if not unconfirmed(desk, intake):
        return "resolve"
    return "record"


def script_variables(
    desk: Desk, intake: CallIntake, *, agent_name: str, locale: str
) -> dict[str, str]:
    """The `{variables}` of the script templates, from the call being taken."""
    return {
        "company": desk.config.site.company,
        "agent": agent_name,
        "customer": intake.customer_name.strip(),
        "call_number": intake.number,
        "phone": read_aloud("phone", intake.phone.strip(), locale) if intake.phone.strip() else "",
        "product_model": (read_aloud("product_model", intake.product_model.strip(), locale)
                          if intake.product_model.strip() else ""),
        "symptom": intake.symptom.strip(),
    }


def started_local(desk: Desk, intake: CallIntake) -> datetime:
    return desk.local(from_text(intake.started_at) if intake.started_at else desk.now())
