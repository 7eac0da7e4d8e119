"""hotline.toml, read once into frozen dataclasses so no screen or service re-reads the file.

A desk's configuration is edited by hand by people who are not programmers, so every problem
becomes one `ConfigError` naming the file, the key path (`departments[2].sla_hours`, lists
counted from 0) and what is wrong, in the desk's language. Unknown keys are refused so a typo
never silently keeps a default. Keys missing from a desk's file fall back to the shipped
`default_config.toml` (one table level deep, lists as a whole): the shipped file is the only
place defaults live, and a file written by an older hotline keeps loading after an upgrade adds
a key. Only `site.company` and `site.desk` have no fallback, because two desks sharing the
sample desk code would hand out the same call numbers.

Only the standard library is imported: the CLI loads the config before deciding whether to
start the Textual app at all.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, Protocol, TypeVar
from zoneinfo import ZoneInfo

from hotline.errors import ConfigError
from hotline.i18n import LOCALES

__all__ = [
    "BUILTIN_FIELDS",
    "DEFAULT_CONFIG_PATH",
    "KPI_NAMES",
    "AlertConfig",
    "Category",
    "Channel",
    "Config",
    "Department",
    "ExtraField",
    "FollowUpConfig",
    "GradeBand",
    "GradingConfig",
    "Label",
    "Priority",
    "SatisfactionConfig",
    "SecurityConfig",
    "SiteConfig",
    "WorkingCalendar",
    "default_config_text",
    "load_config",
    "parse_config",
]

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")
"""The documented defaults, shipped in the package; `hotline init` writes a copy of it."""

BUILTIN_FIELDS = (
    "phone",
    "customer_name",
    "alt_phone",
    "channel",
    "product_model",
    "serial_no",
    "purchase_date",
    "symptom",
    "description",
    "category",
    "priority",
)
"""Intake fields every desk has; `key_fields` may name these or a desk's own `[[fields]]`."""

KPI_NAMES = ("response_speed", "resolution", "satisfaction", "accuracy", "callback")
"""KPIs an agent's grade is weighed from; `grading.kpi_weights` may name only these."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""`[calendar]` keys, in `date.weekday()` order."""

_DESK_RE = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_ID_RE = re.compile(r"[a-z][a-z0-9_]*")
_INTERVAL_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END_RE = re.compile(r"\s*\(at end of document\)$")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_RANGE_DAYS = 366
_UNNAMED_FILE = "hotline.toml"
_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


class _Item(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> Label: ...


_I = TypeVar("_I", bound=_Item)


# --- the configuration ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    """A name shown to people, in every locale a desk can choose."""

    zh_CN: str
    """Simplified Chinese text."""
    en: str
    """English text, also the fallback for a locale without its own."""

    def text(self, locale: str) -> str:
        return self.zh_CN if locale == "zh_CN" else self.en


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Who this desk is; `[site]`."""

    company: str
    """Company name filled into greetings and scripts as `{company}`."""
    desk: str
    """Desk code (`^[A-Z][A-Z0-9]{1,7}$`, e.g. "D01"); it prefixes call numbers, so it must be
    unique within a site."""
    locale: str
    """Language of screens and messages, one of `hotline.i18n.LOCALES`."""
    timezone: str
    """IANA time zone name; deadlines and the working calendar are counted in it."""
    store: Path | None
    """SQLite store, already resolved against the config file's folder; None: the CLI's default."""
    site_key: Path | None
    """Site key file, resolved like `store`; None: beside the store."""


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """When departments work, so SLA deadlines skip nights, weekends and holidays; `[calendar]`."""

    hours: Mapping[int, tuple[tuple[time, time], ...]]
    """Weekday (0 = Monday … 6 = Sunday, every one present) → sorted, non-overlapping
    working intervals; an empty tuple is a day off."""
    holidays: frozenset[date]
    """Public holidays: no work even on a weekday."""
    extra_workdays: frozenset[date]
    """Weekend days worked to make up for a holiday (调休), with ordinary weekday hours."""


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of call; `[[categories]]`."""

    id: str
    """Stable id stored with calls; renaming the label never touches stored data."""
    label: Label
    """Name shown to people."""
    resolve_hours: float
    """Hours to resolve a call of this kind (general 24, complex 72)."""
    complaint: bool
    """A complaint: the first-contact owner must give a solution within `resolve_hours`."""


@dataclass(frozen=True, slots=True)
class Priority:
    """How soon a caller must hear back; `[[priorities]]`."""

    id: str
    """Stable id stored with calls."""
    label: Label
    """Name shown to people (紧急, 重要, 普通)."""
    respond_hours: float | None
    """Response deadline in hours; None: no deadline (normal priority)."""


@dataclass(frozen=True, slots=True)
class Department:
    """Where a call can be transferred; `[[departments]]`."""

    id: str
    """Stable id stored with transfers."""
    label: Label
    """Name shown to people and filled into scripts as `{department}`."""
    sla_hours: float
    """Hours the department has to send back its result (the transfer's expected time)."""
    business_hours: bool
    """True: `sla_hours` count working time on the calendar; False: round-the-clock hours."""


@dataclass(frozen=True, slots=True)
class ExtraField:
    """An intake field a desk adds beside the built-in ones; `[[fields]]`."""

    id: str
    """Stable id, never one of `BUILTIN_FIELDS`."""
    label: Label
    """Field label on the intake form."""
    required: bool
    """True: a call cannot be saved without it."""
    max_length: int
    """Most characters accepted."""


@dataclass(frozen=True, slots=True)
class Channel:
    """A way customers reach the desk, with its answer target; `[[channels]]`."""

    id: str
    """Stable id stored with calls (the intake `channel` field)."""
    label: Label
    """Name shown to people."""
    response_seconds: int
    """Answer within this many seconds…"""
    target_share: float
    """…for at least this share of contacts (0 < share ≤ 1)."""


@dataclass(frozen=True, slots=True)
class SatisfactionConfig:
    """How satisfaction scores (1–5) are judged; `[satisfaction]`."""

    threshold: int
    """A score ≥ threshold counts as satisfied and closes the call; below reopens it."""
    pass_rate: float
    """Share of satisfied customers a period needs to pass."""
    reward_rate: float
    """Share that earns a reward mark; never below `pass_rate`."""


@dataclass(frozen=True, slots=True)
class GradeBand:
    """One grade of an agent's score; `[[grading.bands]]`."""

    id: str
    """Stable id stored with monthly grades."""
    label: Label
    """Name shown to people (优秀, 良好, 合格, 待改进)."""
    min_score: int
    """Lowest score (0–100) that earns this band."""


@dataclass(frozen=True, slots=True)
class GradingConfig:
    """How agents are graded each month; `[grading]`."""

    bands: tuple[GradeBand, ...]
    """Sorted by `min_score` descending, so the first band a score reaches is its grade; the
    last one starts at 0, so every score has a grade."""
    kpi_weights: Mapping[str, float]
    """Weight of every name in `KPI_NAMES` (0.0 for a name the file leaves out); they sum to 1."""
    pass_band: str
    """Id of the passing band (合格); below it counts towards retraining."""
    retrain_after_months: int
    """Months running below `pass_band` before an agent is listed for retraining."""


@dataclass(frozen=True, slots=True)
class FollowUpConfig:
    """Deadlines of the work after a call; `[followup]`."""

    callback_hours: float
    """The callback is due this long after a department's result."""
    callback_retry_minutes: int
    """Wait before retrying a callback nobody answered."""
    callback_max_attempts: int
    """Attempts before the callback goes to the supervisor."""
    repeat_caller_days: int
    """A caller calling again within this many days is flagged as a repeat caller."""
    escalation_hours: float
    """Deadline for a solution to an escalated major complaint."""


@dataclass(frozen=True, slots=True)
class SecurityConfig:
    """Sign-in limits; `[security]`."""

    pin_max_attempts: int
    """Wrong PINs in a row before a lockout."""
    lockout_minutes: int
    """How long a lockout lasts."""


@dataclass(frozen=True, slots=True)
class AlertConfig:
    """When the supervisor is alerted, against the trailing three-month average; `[alerts]`."""

    complaint_share_jump: float
    """Relative rise of the complaints' share that alerts (0.5 = +50 %)."""
    response_time_jump: float
    """Relative rise of the average response time that alerts."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a desk configures, validated; passed into the app and services explicitly."""

    path: Path | None
    """The file this came from; None when parsed from text."""
    site: SiteConfig
    """Who this desk is."""
    calendar: WorkingCalendar
    """Working hours and holidays for SLA deadlines."""
    categories: tuple[Category, ...]
    """Call categories, in the file's order (the order of pickers)."""
    priorities: tuple[Priority, ...]
    """Priorities, in the file's order."""
    departments: tuple[Department, ...]
    """Transfer targets, in the file's order."""
    key_fields: tuple[str, ...]
    """Intake fields that must be read back and confirmed before saving."""
    fields: tuple[ExtraField, ...]
    """The desk's own intake fields."""
    channels: tuple[Channel, ...]
    """Contact channels with their answer targets."""
    satisfaction: SatisfactionConfig
    """Satisfaction threshold and pass/reward rates."""
    grading: GradingConfig
    """Agent grade bands and KPI weights."""
    followup: FollowUpConfig
    """Callback, repeat-caller and escalation deadlines."""
    security: SecurityConfig
    """Sign-in limits."""
    alerts: AlertConfig
    """Supervisor alert thresholds."""
    keymap: Mapping[str, str]
    """Binding id → keys, handed to Textual's `App.set_keymap`."""
    scripts_dir: Path | None
    """The desk's own script templates, overriding shipped ones by id; None: shipped only."""
    default_category: str
    """Category preselected on a new intake form."""
    default_priority: str
    """Priority preselected on a new intake form."""

    def category(self, id: str) -> Category:  # noqa: A002 - the domain's word
        return _find(self.categories, id)

    def priority(self, id: str) -> Priority:  # noqa: A002
        return _find(self.priorities, id)

    def department(self, id: str) -> Department:  # noqa: A002
        return _find(self.departments, id)

    def label(self, kind: str, id: str, locale: str) -> str:  # noqa: A002
        """The shown name of a configured item, so screens need not know which list holds it.

        Args:
            kind: "category", "priority", "department" or "channel".
            id: the item's id.
            locale: the locale to show it in.

        Raises:
            KeyError: no such item. ValueError: no such kind.
        """
        items: tuple[_Item, ...]
        if kind == "category":
            items = self.categories
        elif kind == "priority":
            items = self.priorities
        elif kind == "department":
            items = self.departments
        elif kind == "channel":
            items = self.channels
        else:
            raise ValueError(f"unknown kind of configured item: {kind!r}")
        return _find(items, id).label.text(locale)


def _find(items: tuple[_I, ...], id: str) -> _I:  # noqa: A002
    for item in items:
        if item.id == id:
            return item
    raise KeyError(id)


# --- loading ----------------------------------------------------------------------------------


def load_config(path: Path) -> Config:
    """Read and validate a desk's hotline.toml.

    Raises:
        ConfigError: the file is missing, unreadable, not TOML or invalid; the first problem.
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError("config.missing", file=file) from None
    except OSError as exc:
        raise ConfigError("config.unreadable", file=file, detail=exc.strerror or str(exc)) from None
    try:
        # utf-8-sig: Windows Notepad saves UTF-8 with a BOM, which tomllib would refuse.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError("config.not_utf8", file=file, line=line) from None
    return parse_config(text, path=Path(path), base_dir=Path(path).parent)


def parse_config(text: str, *, path: Path | None = None, base_dir: Path | None = None) -> Config:
    """Validate TOML text as a desk configuration.

    Args:
        text: the TOML document.
        path: the file it came from, named in errors and kept in `Config.path`.
        base_dir: folder that relative paths resolve against; default the file's folder,
            else the current folder.

    Raises:
        ConfigError: the first problem found.
    """
    file = str(path) if path is not None else _UNNAMED_FILE
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, file) from None
    if base_dir is None:
        base_dir = path.parent if path is not None else Path.cwd()
    return _Parser(file, base_dir.absolute()).config(raw, path)


def default_config_text(*, company: str, desk: str, locale: str = "zh_CN") -> str:
    """The shipped default file with this desk's `[site]` values, comments kept.

    `hotline init` writes this, so a new desk gets the documented file rather than a bare dump.

    Raises:
        ConfigError: the values make an invalid configuration (e.g. a bad desk code).
    """
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    start = re.search(r"^\[site\][ \t]*$", text, re.MULTILINE)
    if start is None:
        raise RuntimeError(f"{DEFAULT_CONFIG_PATH} has no [site] table")
    next_table = re.compile(r"^\[", re.MULTILINE).search(text, start.end())
    end = next_table.start() if next_table else len(text)
    site = text[start.end() : end]
    for name, value in (("company", company), ("desk", desk), ("locale", locale)):
        site, count = re.subn(
            rf'^{name} = "[^"\n]*"',
            _literal(f"{name} = {_toml_string(value)}"),
            site,
            count=1,
            flags=re.MULTILINE,
        )
        if count != 1:
            raise RuntimeError(f"{DEFAULT_CONFIG_PATH}: [site] has no {name} line")
    text = text[: start.end()] + site + text[end:]
    parse_config(text)
    return text


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A `re.sub` replacement taken as is: a company name may hold backslashes."""
    return lambda _match: text


def _toml_string(value: str) -> str:
    """A TOML basic string holding exactly `value`."""
    out = []
    for ch in value:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, file: str) -> ConfigError:
    message = str(exc)
    found = _TOML_POS_RE.search(message)
    if found:
        line, column = int(found[1]), int(found[2])
        detail = message[: found.start()]
    else:
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        detail = _TOML_END_RE.sub("", message)
    return ConfigError("config.syntax", file=file, line=line, column=column, detail=detail)


@cache
def _defaults() -> dict[str, Any]:
    with open(DEFAULT_CONFIG_PATH, "rb") as fh:
        return tomllib.load(fh)


def _with_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    merged = dict(_defaults())
    for key, value in raw.items():
        default = merged.get(key)
        if isinstance(default, dict) and isinstance(value, dict):
            merged[key] = {**default, **value}
        else:
            merged[key] = value
    return merged


def _join(prefix: str, name: str) -> str:
    shown = name if _BARE_KEY_RE.fullmatch(name) else json.dumps(name, ensure_ascii=False)
    return f"{prefix}.{shown}" if prefix else shown


def _show(value: object) -> str:
    """A value as it would be written in TOML, short enough for a one-line message."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (date, time)):
        shown = value.isoformat()
    elif isinstance(value, list):
        shown = "[" + ", ".join(_show(v) for v in value) + "]"
    elif isinstance(value, dict):
        shown = "{" + ", ".join(f"{_join('', k)} = {_show(v)}" for k, v in value.items()) + "}"
    else:
        shown = str(value)
    return shown if len(shown) <= 60 else shown[:59] + "…"


class _Parser:
    """Walks the TOML tree in file order, so the error raised is the first problem a person
    reading the file from the top would meet."""

    def __init__(self, file: str, base_dir: Path) -> None:
        self.file = file
        self.base_dir = base_dir

    def fail(self, problem: str, key: str, **params: object) -> NoReturn:
        raise ConfigError(f"config.{problem}", file=self.file, key=key, **params)

    # - shapes

    def table(self, value: object, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail("not_table", key, value=_show(value))
        for name in value:
            if name not in allowed:
                self.fail("unknown_key", _join(key, name), known=", ".join(allowed))
        return value

    def require(self, table: dict[str, Any], key: str, *names: str) -> None:
        for name in names:
            if name not in table:
                self.fail("required", _join(key, name))

    def array(self, value: object, key: str, *, non_empty: bool = False) -> list[Any]:
        if not isinstance(value, list):
            self.fail("not_array", key, value=_show(value))
        if non_empty and not value:
            self.fail("empty", key)
        return value

    def items(
        self,
        value: object,
        key: str,
        build: Callable[[object, str], _I],
        *,
        non_empty: bool = True,
    ) -> tuple[_I, ...]:
        built: list[_I] = []
        seen: dict[str, str] = {}
        for index, item in enumerate(self.array(value, key, non_empty=non_empty)):
            item_key = f"{key}[{index}]"
            obj = build(item, item_key)
            ident = obj.id
            if ident in seen:
                self.fail("duplicate", f"{item_key}.id", value=_show(ident), first=seen[ident])
            seen[ident] = item_key
            built.append(obj)
        return tuple(built)

    # - scalars

    def string(self, value: object, key: str, *, non_empty: bool = True) -> str:
        if not isinstance(value, str):
            self.fail("not_string", key, value=_show(value))
        if non_empty and not value.strip():
            self.fail("empty", key)
        return value

    def text(self, value: object, key: str) -> str:
        """A string shown on screen: control characters would garble the terminal."""
        text = self.string(value, key)
        if _CONTROL_RE.search(text):
            self.fail("control_chars", key, value=_show(text))
        return text

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            self.fail("not_bool", key, value=_show(value))
        return value

    def integer(self, value: object, key: str) -> int:
        # bool is an int in Python, but `true` is never a count in a config file.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail("not_integer", key, value=_show(value))
        return value

    def number(self, value: object, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail("not_number", key, value=_show(value))
        if not math.isfinite(value):
            self.fail("not_number", key, value=_show(value))
        return float(value)

    def positive(self, value: object, key: str) -> float:
        number = self.number(value, key)
        if number <= 0:
            self.fail("not_positive", key, value=_show(value))
        return number

    def positive_int(self, value: object, key: str) -> int:
        number = self.integer(value, key)
        if number <= 0:
            self.fail("not_positive", key, value=_show(value))
        return number

    def share(self, value: object, key: str) -> float:
        number = self.number(value, key)
        if not 0 <= number <= 1:
            self.fail("out_of_range", key, value=_show(value), min=0, max=1)
        return number

    def ident(self, value: object, key: str) -> str:
        ident = self.string(value, key)
        if not _ID_RE.fullmatch(ident):
            self.fail("bad_id", key, value=_show(ident))
        return ident

    def label(self, value: object, key: str) -> Label:
        table = self.table(value, key, ("zh_CN", "en"))
        self.require(table, key, "zh_CN", "en")
        return Label(
            zh_CN=self.text(table["zh_CN"], _join(key, "zh_CN")),
            en=self.text(table["en"], _join(key, "en")),
        )

    def path(self, value: object, key: str) -> Path:
        return self.base_dir / Path(self.string(value, key)).expanduser()

    def optional_path(self, table: dict[str, Any], key: str, name: str) -> Path | None:
        return self.path(table[name], _join(key, name)) if name in table else None

    # - the document

    def config(self, raw: dict[str, Any], path: Path | None) -> Config:
        site_raw = raw.get("site", {})
        if isinstance(site_raw, dict):
            self.require(site_raw, "site", "company", "desk")
        doc = self.table(_with_defaults(raw), "", tuple(_defaults()) + ("fields", "scripts_dir"))

        site = self.site(doc["site"])
        calendar = self.calendar(doc["calendar"])
        categories = self.items(doc["categories"], "categories", self.category)
        priorities = self.items(doc["priorities"], "priorities", self.priority)
        departments = self.items(doc["departments"], "departments", self.department)
        fields = self.items(doc.get("fields", []), "fields", self.extra_field, non_empty=False)
        key_fields = self.key_fields(doc["key_fields"], fields)
        default_category = self.reference(doc["default_category"], "default_category", categories)
        default_priority = self.reference(doc["default_priority"], "default_priority", priorities)
        channels = self.items(doc["channels"], "channels", self.channel)
        satisfaction = self.satisfaction(doc["satisfaction"])
        grading = self.grading(doc["grading"])
        followup = self.followup(doc["followup"])
        security = self.security(doc["security"])
        alerts = self.alerts(doc["alerts"])
        keymap = self.keymap(doc["keymap"])
        scripts_dir = self.optional_path(doc, "", "scripts_dir")

        if not any(calendar.hours.values()):
            for department in departments:
                if department.business_hours:
                    self.fail("no_working_hours", "calendar", value=_show(department.id))

        return Config(
            path=path,
            site=site,
            calendar=calendar,
            categories=categories,
            priorities=priorities,
            departments=departments,
            key_fields=key_fields,
            fields=fields,
            channels=channels,
            satisfaction=satisfaction,
            grading=grading,
            followup=followup,
            security=security,
            alerts=alerts,
            keymap=keymap,
            scripts_dir=scripts_dir,
            default_category=default_category,
            default_priority=default_priority,
        )

    def site(self, value: object) -> SiteConfig:
        key = "site"
        table = self.table(
            value, key, ("company", "desk", "locale", "timezone", "store", "site_key")
        )
        self.require(table, key, "company", "desk", "locale", "timezone")
        company = self.text(table["company"], "site.company")
        desk = self.string(table["desk"], "site.desk", non_empty=False)
        if not _DESK_RE.fullmatch(desk):
            self.fail("bad_desk", "site.desk", value=_show(desk))
        locale = self.string(table["locale"], "site.locale", non_empty=False)
        if locale not in LOCALES:
            self.fail("unknown_locale", "site.locale", value=_show(locale), choices=_list(LOCALES))
        timezone = self.string(table["timezone"], "site.timezone", non_empty=False)
        try:
            ZoneInfo(timezone)
        except (KeyError, ValueError, OSError):  # not found, malformed, a folder of zones
            self.fail("bad_timezone", "site.timezone", value=_show(timezone))
        return SiteConfig(
            company=company,
            desk=desk,
            locale=locale,
            timezone=timezone,
            store=self.optional_path(table, key, "store"),
            site_key=self.optional_path(table, key, "site_key"),
        )

    def calendar(self, value: object) -> WorkingCalendar:
        key = "calendar"
        table = self.table(value, key, WEEKDAYS + ("holidays", "extra_workdays"))
        self.require(table, key, *WEEKDAYS, "holidays", "extra_workdays")
        hours = {}
        for weekday, day in enumerate(WEEKDAYS):
            day_key = _join(key, day)
            intervals = sorted(
                self.interval(item, f"{day_key}[{index}]")
                for index, item in enumerate(self.array(table[day], day_key))
            )
            for before, after in pairwise(intervals):
                if after[0] < before[1]:
                    self.fail(
                        "overlap",
                        day_key,
                        first=_interval_text(before),
                        second=_interval_text(after),
                    )
            hours[weekday] = tuple(intervals)
        holidays = self.dates(table["holidays"], "calendar.holidays")
        extra_workdays = self.dates(table["extra_workdays"], "calendar.extra_workdays")
        for index, item in enumerate(table["extra_workdays"]):
            for workday in sorted(self.date_item(item, f"calendar.extra_workdays[{index}]")):
                if workday in holidays:
                    self.fail(
                        "holiday_workday",
                        f"calendar.extra_workdays[{index}]",
                        value=workday.isoformat(),
                    )
        return WorkingCalendar(
            hours=MappingProxyType(hours),
            holidays=frozenset(holidays),
            extra_workdays=frozenset(extra_workdays),
        )

    def interval(self, value: object, key: str) -> tuple[time, time]:
        text = self.string(value, key, non_empty=False)
        match = _INTERVAL_RE.fullmatch(text)
        if match is None:
            self.fail("bad_interval", key, value=_show(text))
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
            self.fail("bad_interval", key, value=_show(text))
        return time(h1, m1), time(h2, m2)

    def dates(self, value: object, key: str) -> set[date]:
        days: set[date] = set()
        for index, item in enumerate(self.array(value, key)):
            days |= self.date_item(item, f"{key}[{index}]")
        return days

    def date_item(self, value: object, key: str) -> set[date]:
        # A TOML date, or a string: one ISO date or an inclusive "start..end" range, because the
        # State Council announces holidays as ranges and a desk copies them from the notice.
        if isinstance(value, date) and not isinstance(value, datetime):
            return {value}
        if not isinstance(value, str):
            self.fail("bad_date", key, value=_show(value))
        first_text, dots, last_text = value.partition("..")
        try:
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if dots else first
        except ValueError:
            self.fail("bad_date", key, value=_show(value))
        if last < first or (last - first).days >= _MAX_RANGE_DAYS:
            self.fail("bad_range", key, value=_show(value))
        return {first + timedelta(days=n) for n in range((last - first).days + 1)}

    def category(self, value: object, key: str) -> Category:
        table = self.table(value, key, ("id", "label", "resolve_hours", "complaint"))
        self.require(table, key, "id", "label", "resolve_hours", "complaint")
        return Category(
            id=self.ident(table["id"], _join(key, "id")),
            label=self.label(table["label"], _join(key, "label")),
            resolve_hours=self.positive(table["resolve_hours"], _join(key, "resolve_hours")),
            complaint=self.boolean(table["complaint"], _join(key, "complaint")),
        )

    def priority(self, value: object, key: str) -> Priority:
        table = self.table(value, key, ("id", "label", "respond_hours"))
        self.require(table, key, "id", "label")
        respond = table.get("respond_hours")
        return Priority(
            id=self.ident(table["id"], _join(key, "id")),
            label=self.label(table["label"], _join(key, "label")),
            respond_hours=None
            if respond is None
            else self.positive(respond, _join(key, "respond_hours")),
        )

    def department(self, value: object, key: str) -> Department:
        table = self.table(value, key, ("id", "label", "sla_hours", "business_hours"))
        self.require(table, key, "id", "label", "sla_hours", "business_hours")
        return Department(
            id=self.ident(table["id"], _join(key, "id")),
            label=self.label(table["label"], _join(key, "label")),
            sla_hours=self.positive(table["sla_hours"], _join(key, "sla_hours")),
            business_hours=self.boolean(table["business_hours"], _join(key, "business_hours")),
        )

    def extra_field(self, value: object, key: str) -> ExtraField:
        table = self.table(value, key, ("id", "label", "required", "max_length"))
        self.require(table, key, "id", "label", "required", "max_length")
        ident = self.ident(table["id"], _join(key, "id"))
        if ident in BUILTIN_FIELDS:
            self.fail("builtin_field", _join(key, "id"), value=_show(ident))
        return ExtraField(
            id=ident,
            label=self.label(table["label"], _join(key, "label")),
            required=self.boolean(table["required"], _join(key, "required")),
            max_length=self.positive_int(table["max_length"], _join(key, "max_length")),
        )

    def key_fields(self, value: object, fields: tuple[ExtraField, ...]) -> tuple[str, ...]:
        known = BUILTIN_FIELDS + tuple(field.id for field in fields)
        names: list[str] = []
        for index, item in enumerate(self.array(value, "key_fields")):
            key = f"key_fields[{index}]"
            name = self.string(item, key)
            if name not in known:
                self.fail("unknown_field", key, value=_show(name), choices=_list(known))
            if name in names:
                self.fail(
                    "duplicate", key, value=_show(name), first=f"key_fields[{names.index(name)}]"
                )
            names.append(name)
        return tuple(names)

    def reference(
        self, value: object, key: str, items: tuple[Category, ...] | tuple[Priority, ...]
    ) -> str:
        ident = self.string(value, key)
        ids = [item.id for item in items]
        if ident not in ids:
            self.fail("unknown_id", key, value=_show(ident), choices=_list(ids))
        return ident

    def channel(self, value: object, key: str) -> Channel:
        table = self.table(value, key, ("id", "label", "response_seconds", "target_share"))
        self.require(table, key, "id", "label", "response_seconds", "target_share")
        share_key = _join(key, "target_share")
        share = self.positive(table["target_share"], share_key)
        if share > 1:
            self.fail("out_of_range", share_key, value=_show(table["target_share"]), min=0, max=1)
        return Channel(
            id=self.ident(table["id"], _join(key, "id")),
            label=self.label(table["label"], _join(key, "label")),
            response_seconds=self.positive_int(
                table["response_seconds"], _join(key, "response_seconds")
            ),
            target_share=share,
        )

    def satisfaction(self, value: object) -> SatisfactionConfig:
        key = "satisfaction"
        table = self.table(value, key, ("threshold", "pass_rate", "reward_rate"))
        self.require(table, key, "threshold", "pass_rate", "reward_rate")
        threshold = self.integer(table["threshold"], "satisfaction.threshold")
        if not 1 <= threshold <= 5:
            self.fail("out_of_range", "satisfaction.threshold", value=threshold, min=1, max=5)
        pass_rate = self.share(table["pass_rate"], "satisfaction.pass_rate")
        reward_rate = self.share(table["reward_rate"], "satisfaction.reward_rate")
        if reward_rate < pass_rate:
            self.fail(
                "reward_below_pass",
                "satisfaction.reward_rate",
                value=_show(table["reward_rate"]),
                pass_rate=_show(table["pass_rate"]),
            )
        return SatisfactionConfig(threshold=threshold, pass_rate=pass_rate, reward_rate=reward_rate)

    def grading(self, value: object) -> GradingConfig:
        key = "grading"
        table = self.table(
            value, key, ("pass_band", "retrain_after_months", "kpi_weights", "bands")
        )
        self.require(table, key, "pass_band", "retrain_after_months", "kpi_weights", "bands")
        pass_band = self.string(table["pass_band"], "grading.pass_band")
        retrain = self.positive_int(table["retrain_after_months"], "grading.retrain_after_months")

        weights_raw = table["kpi_weights"]
        if not isinstance(weights_raw, dict):
            self.fail("not_table", "grading.kpi_weights", value=_show(weights_raw))
        weights = dict.fromkeys(KPI_NAMES, 0.0)
        for name, weight in weights_raw.items():
            weight_key = _join("grading.kpi_weights", name)
            if name not in KPI_NAMES:
                self.fail("unknown_kpi", weight_key, value=_show(name), choices=_list(KPI_NAMES))
            weights[name] = self.number(weight, weight_key)
            if weights[name] < 0:
                self.fail("negative", weight_key, value=_show(weight))
        total = sum(weights.values())
        if abs(total - 1.0) > 1e-6:
            self.fail("weights_sum", "grading.kpi_weights", total=f"{total:.6g}")

        bands = self.items(table["bands"], "grading.bands", self.band)
        scores: dict[int, str] = {}
        for index, band in enumerate(bands):
            if band.min_score in scores:
                self.fail(
                    "duplicate",
                    f"grading.bands[{index}].min_score",
                    value=band.min_score,
                    first=scores[band.min_score],
                )
            scores[band.min_score] = f"grading.bands[{index}]"
        if 0 not in scores:
            self.fail("no_zero_band", "grading.bands")
        if pass_band not in {band.id for band in bands}:
            self.fail(
                "unknown_id",
                "grading.pass_band",
                value=_show(pass_band),
                choices=_list(band.id for band in bands),
            )
        return GradingConfig(
            bands=tuple(sorted(bands, key=lambda band: band.min_score, reverse=True)),
            kpi_weights=MappingProxyType(weights),
            pass_band=pass_band,
            retrain_after_months=retrain,
        )

    def band(self, value: object, key: str) -> GradeBand:
        table = self.table(value, key, ("id", "label", "min_score"))
        self.require(table, key, "id", "label", "min_score")
        score_key = _join(key, "min_score")
        score = self.integer(table["min_score"], score_key)
        if not 0 <= score <= 100:
            self.fail("out_of_range", score_key, value=score, min=0, max=100)
        return GradeBand(
            id=self.ident(table["id"], _join(key, "id")),
            label=self.label(table["label"], _join(key, "label")),
            min_score=score,
        )

    def followup(self, value: object) -> FollowUpConfig:
        key = "followup"
        names = (
            "callback_hours",
            "callback_retry_minutes",
            "callback_max_attempts",
            "repeat_caller_days",
            "escalation_hours",
        )
        table = self.table(value, key, names)
        self.require(table, key, *names)
        return FollowUpConfig(
            callback_hours=self.positive(table["callback_hours"], "followup.callback_hours"),
            callback_retry_minutes=self.positive_int(
                table["callback_retry_minutes"], "followup.callback_retry_minutes"
            ),
            callback_max_attempts=self.positive_int(
                table["callback_max_attempts"], "followup.callback_max_attempts"
            ),
            repeat_caller_days=self.positive_int(
                table["repeat_caller_days"], "followup.repeat_caller_days"
            ),
            escalation_hours=self.positive(table["escalation_hours"], "followup.escalation_hours"),
        )

    def security(self, value: object) -> SecurityConfig:
        key = "security"
        table = self.table(value, key, ("pin_max_attempts", "lockout_minutes"))
        self.require(table, key, "pin_max_attempts", "lockout_minutes")
        return SecurityConfig(
            pin_max_attempts=self.positive_int(
                table["pin_max_attempts"], "security.pin_max_attempts"
            ),
            lockout_minutes=self.positive_int(table["lockout_minutes"], "security.lockout_minutes"),
        )

    def alerts(self, value: object) -> AlertConfig:
        key = "alerts"
        table = self.table(value, key, ("complaint_share_jump", "response_time_jump"))
        self.require(table, key, "complaint_share_jump", "response_time_jump")
        return AlertConfig(
            complaint_share_jump=self.positive(
                table["complaint_share_jump"], "alerts.complaint_share_jump"
            ),
            response_time_jump=self.positive(
                table["response_time_jump"], "alerts.response_time_jump"
            ),
        )

    def keymap(self, value: object) -> Mapping[str, str]:
        if not isinstance(value, dict):
            self.fail("not_table", "keymap", value=_show(value))
        keymap = {}
        for binding, keys in value.items():
            keymap[binding] = self.string(keys, _join("keymap", binding))
        return MappingProxyType(keymap)


def _interval_text(interval: tuple[time, time]) -> str:
    return f"{interval[0]:%H:%M}-{interval[1]:%H:%M}"


def _list(names: Any) -> str:
    return ", ".join(str(name) for name in names)
