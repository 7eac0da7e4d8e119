"""hotline.toml: the shipped default, its loader, and one test per validation rule.

Every bad configuration used here lives in `BAD`, so the last tests can check that each error
message renders in both locales, names the file and the key, and that every `config.*` catalog
text is reachable.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import date, time
from pathlib import Path
from typing import NamedTuple

import pytest

from hotline.config import (
    BUILTIN_FIELDS,
    DEFAULT_CONFIG_PATH,
    KPI_NAMES,
    Config,
    default_config_text,
    load_config,
    parse_config,
)
from hotline.errors import ConfigError
from hotline.i18n import LOCALES, catalog, placeholders, t

REPO = Path(__file__).resolve().parent.parent
FILE = Path("desk/hotline.toml")
SITE = '[site]\ncompany = "示例电器"\ndesk = "D01"\n'


def parse(text: str = "", *, top: str = "") -> Config:
    """A config from `top` (top-level keys) + a minimal [site] + `text`; the rest is default."""
    return parse_config(top + SITE + text, path=FILE)


def refusal(text: str, *, top: str = "", whole: bool = False) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text if whole else top + SITE + text, path=FILE)
    return caught.value


class Bad(NamedTuple):
    text: str
    problem: str
    key: str
    top: str = ""
    whole: bool = False


def _dept(sla: object = 8, ident: str = "tech_support") -> str:
    return (
        f'[[departments]]\nid = "{ident}"\nlabel = {{ zh_CN = "部门", en = "Dept" }}\n'
        f"sla_hours = {sla}\nbusiness_hours = true\n"
    )


def _band(ident: str, score: int) -> str:
    return (
        f'[[grading.bands]]\nid = "{ident}"\nlabel = {{ zh_CN = "档", en = "Band" }}\n'
        f"min_score = {score}\n"
    )


_BANDS = _band("excellent", 90) + _band("pass", 60) + _band("needs_improvement", 0)

BAD: dict[str, Bad] = {
    # unknown keys, anywhere
    "unknown_top": Bad("", "unknown_key", "colour", top='colour = "red"\n'),
    "unknown_site": Bad('desk_name = "x"\n', "unknown_key", "site.desk_name"),
    "unknown_in_list": Bad(
        _dept() + _dept(ident="sales") + "slaa_hours = 3\n",
        "unknown_key",
        "departments[1].slaa_hours",
    ),
    "unknown_label": Bad(
        '[[channels]]\nid = "phone"\nlabel = { zh_CN = "电话", en = "Phone", fr = "Tél" }\n'
        "response_seconds = 30\ntarget_share = 0.8\n",
        "unknown_key",
        "channels[0].label.fr",
    ),
    "unknown_keymap_table": Bad("[calendar.extra]\n", "unknown_key", "calendar.extra"),
    # required keys
    "no_company": Bad('[site]\ndesk = "D01"\n', "required", "site.company", whole=True),
    "no_site": Bad('key_fields = ["phone"]\n', "required", "site.company", whole=True),
    "no_label": Bad(
        '[[priorities]]\nid = "normal"\n',
        "required",
        "priorities[0].label",
        top='default_priority = "normal"\n',
    ),
    # wrong types
    "desk_int": Bad('[site]\ncompany = "x"\ndesk = 101\n', "not_string", "site.desk", whole=True),
    "sla_string": Bad(_dept(sla='"8"'), "not_number", "departments[0].sla_hours"),
    "sla_bool": Bad(_dept(sla="true"), "not_number", "departments[0].sla_hours"),
    "sla_nan": Bad(_dept(sla="nan"), "not_number", "departments[0].sla_hours"),
    "threshold_float": Bad(
        "[satisfaction]\nthreshold = 4.0\n", "not_integer", "satisfaction.threshold"
    ),
    "business_hours_str": Bad(
        _dept().replace("business_hours = true", 'business_hours = "yes"'),
        "not_bool",
        "departments[0].business_hours",
    ),
    "calendar_not_list": Bad('[calendar]\nmon = "08:30-12:00"\n', "not_array", "calendar.mon"),
    "departments_table": Bad("[departments]\n", "not_array", "departments"),
    "label_str": Bad(
        _dept().replace('{ zh_CN = "部门", en = "Dept" }', '"部门"'),
        "not_table",
        "departments[0].label",
    ),
    "empty_company": Bad(
        '[site]\ncompany = "  "\ndesk = "D01"\n', "empty", "site.company", whole=True
    ),
    "no_departments": Bad("", "empty", "departments", top="departments = []\n"),
    "company_newline": Bad(
        '[site]\ncompany = "a\\nb"\ndesk = "D01"\n', "control_chars", "site.company", whole=True
    ),
    # site
    "locale": Bad('locale = "fr"\n', "unknown_locale", "site.locale"),
    "timezone": Bad('timezone = "Asia/Beijing"\n', "bad_timezone", "site.timezone"),
    "timezone_folder": Bad('timezone = "Asia"\n', "bad_timezone", "site.timezone"),
    "desk_lower": Bad('[site]\ncompany = "x"\ndesk = "d01"\n', "bad_desk", "site.desk", whole=True),
    "desk_short": Bad('[site]\ncompany = "x"\ndesk = "D"\n', "bad_desk", "site.desk", whole=True),
    "desk_long": Bad(
        '[site]\ncompany = "x"\ndesk = "D01234567"\n', "bad_desk", "site.desk", whole=True
    ),
    "desk_digit": Bad('[site]\ncompany = "x"\ndesk = "1AB"\n', "bad_desk", "site.desk", whole=True),
    # hours
    "sla_negative": Bad(
        _dept() + _dept(ident="sales") + _dept(-4, "refunds"),
        "not_positive",
        "departments[2].sla_hours",
    ),
    "sla_zero": Bad(_dept(0), "not_positive", "departments[0].sla_hours"),
    "resolve_zero": Bad(
        '[[categories]]\nid = "inquiry"\nlabel = { zh_CN = "咨询", en = "Inquiry" }\n'
        "resolve_hours = 0\ncomplaint = false\n",
        "not_positive",
        "categories[0].resolve_hours",
    ),
    "respond_negative": Bad(
        '[[priorities]]\nid = "normal"\nlabel = { zh_CN = "普通", en = "Normal" }\n'
        "respond_hours = -1\n",
        "not_positive",
        "priorities[0].respond_hours",
        top='default_priority = "normal"\n',
    ),
    "callback_zero": Bad(
        "[followup]\ncallback_hours = 0\n", "not_positive", "followup.callback_hours"
    ),
    "lockout_negative": Bad(
        "[security]\nlockout_minutes = -15\n", "not_positive", "security.lockout_minutes"
    ),
    # calendar
    "interval_syntax": Bad('[calendar]\nmon = ["0830-1200"]\n', "bad_interval", "calendar.mon[0]"),
    "interval_hour": Bad('[calendar]\ntue = ["08:00-25:00"]\n', "bad_interval", "calendar.tue[0]"),
    "interval_backwards": Bad(
        '[calendar]\nwed = ["08:00-12:00", "17:00-13:00"]\n', "bad_interval", "calendar.wed[1]"
    ),
    "interval_empty": Bad('[calendar]\nthu = ["12:00-12:00"]\n', "bad_interval", "calendar.thu[0]"),
    "overlap": Bad('[calendar]\nfri = ["13:00-17:30", "08:30-13:30"]\n', "overlap", "calendar.fri"),
    "holiday_workday": Bad(
        '[calendar]\nholidays = ["2026-10-01..2026-10-07"]\n'
        'extra_workdays = ["2026-09-20", "2026-10-03"]\n',
        "holiday_workday",
        "calendar.extra_workdays[1]",
    ),
    "bad_date": Bad('[calendar]\nholidays = ["2026-13-01"]\n', "bad_date", "calendar.holidays[0]"),
    "bad_range": Bad(
        '[calendar]\nholidays = ["2026-10-07..2026-10-01"]\n', "bad_range", "calendar.holidays[0]"
    ),
    "no_working_hours": Bad(
        "[calendar]\nmon = []\ntue = []\nwed = []\nthu = []\nfri = []\n",
        "no_working_hours",
        "calendar",
    ),
    # ids
    "bad_id": Bad(_dept(ident="Tech-Support"), "bad_id", "departments[0].id"),
    "duplicate_department": Bad(
        _dept() + _dept(ident="sales") + _dept(ident="tech_support"),
        "duplicate",
        "departments[2].id",
    ),
    "duplicate_band": Bad(_BANDS + _band("pass", 70), "duplicate", "grading.bands[3].id"),
    "duplicate_score": Bad(_BANDS + _band("good", 60), "duplicate", "grading.bands[3].min_score"),
    "builtin_field": Bad(
        '[[fields]]\nid = "serial_no"\nlabel = { zh_CN = "序列号", en = "Serial" }\n'
        "required = false\nmax_length = 30\n",
        "builtin_field",
        "fields[0].id",
    ),
    # references
    "key_field_unknown": Bad(
        "", "unknown_field", "key_fields[1]", top='key_fields = ["phone", "invoice_no"]\n'
    ),
    "key_field_twice": Bad(
        "", "duplicate", "key_fields[1]", top='key_fields = ["phone", "phone"]\n'
    ),
    "default_category": Bad(
        "", "unknown_id", "default_category", top='default_category = "billing"\n'
    ),
    "default_priority": Bad(
        "", "unknown_id", "default_priority", top='default_priority = "asap"\n'
    ),
    # satisfaction
    "threshold_zero": Bad(
        "[satisfaction]\nthreshold = 0\n", "out_of_range", "satisfaction.threshold"
    ),
    "threshold_six": Bad(
        "[satisfaction]\nthreshold = 6\n", "out_of_range", "satisfaction.threshold"
    ),
    "pass_rate_percent": Bad(
        "[satisfaction]\npass_rate = 90\nreward_rate = 95\n",
        "out_of_range",
        "satisfaction.pass_rate",
    ),
    "reward_rate_negative": Bad(
        "[satisfaction]\npass_rate = 0\nreward_rate = -0.1\n",
        "out_of_range",
        "satisfaction.reward_rate",
    ),
    "target_share": Bad(
        '[[channels]]\nid = "phone"\nlabel = { zh_CN = "电话", en = "Phone" }\n'
        "response_seconds = 30\ntarget_share = 1.5\n",
        "out_of_range",
        "channels[0].target_share",
    ),
    "reward_below_pass": Bad(
        "[satisfaction]\npass_rate = 0.9\nreward_rate = 0.85\n",
        "reward_below_pass",
        "satisfaction.reward_rate",
    ),
    # grading
    "kpi_unknown": Bad(
        "[grading.kpi_weights]\nresponse_speed = 0.5\nspeed = 0.5\n",
        "unknown_kpi",
        "grading.kpi_weights.speed",
    ),
    "kpi_sum": Bad(
        "[grading.kpi_weights]\nresponse_speed = 0.4\nresolution = 0.25\nsatisfaction = 0.3\n",
        "weights_sum",
        "grading.kpi_weights",
    ),
    "kpi_negative": Bad(
        "[grading.kpi_weights]\nresponse_speed = 1.2\nresolution = -0.2\n",
        "negative",
        "grading.kpi_weights.resolution",
    ),
    "band_score": Bad(_BANDS + _band("perfect", 101), "out_of_range", "grading.bands[3].min_score"),
    "no_zero_band": Bad(
        _band("excellent", 90) + _band("pass", 60), "no_zero_band", "grading.bands"
    ),
    "pass_band": Bad('[grading]\npass_band = "qualified"\n', "unknown_id", "grading.pass_band"),
    # keymap
    "keymap_value": Bad("[keymap]\nnew-call = 113\n", "not_string", "keymap.new-call"),
    "keymap_list": Bad('[keymap]\n"new call" = ["f2"]\n', "not_string", 'keymap."new call"'),
}


def check(name: str) -> ConfigError:
    bad = BAD[name]
    error = refusal(bad.text, top=bad.top, whole=bad.whole)
    assert error.key == f"config.{bad.problem}", error.message("en")
    assert error.params["key"] == bad.key, error.message("en")
    assert error.params["file"] == str(FILE)
    return error


def names(*prefixes: str) -> list[str]:
    return [name for name in BAD if name.startswith(prefixes)]


# --- the shipped file -------------------------------------------------------------------------


def test_shipped_default_loads() -> None:
    config = load_config(DEFAULT_CONFIG_PATH)
    assert config.path == DEFAULT_CONFIG_PATH
    assert config.site.desk == "D01" and config.site.locale == "zh_CN"
    assert config.site.timezone == "Asia/Shanghai"
    assert config.site.store is None and config.site.site_key is None and config.scripts_dir is None
    assert config.key_fields == ("phone", "product_model", "symptom")
    assert config.priority("urgent").respond_hours == 24
    assert config.priority("important").respond_hours == 72
    assert config.priority("normal").respond_hours is None
    assert config.department("tech_support").sla_hours == 8
    assert (
        config.category("complaint").complaint and config.category("complaint").resolve_hours == 24
    )
    assert [(c.id, c.response_seconds) for c in config.channels][:3] == [
        ("phone", 30),
        ("online", 60),
        ("email", 14400),
    ]
    assert config.channels[0].target_share == 0.8
    assert (config.satisfaction.threshold, config.satisfaction.pass_rate) == (4, 0.9)
    assert config.satisfaction.reward_rate == 0.95
    assert [(b.label.zh_CN, b.min_score) for b in config.grading.bands] == [
        ("优秀", 90),
        ("良好", 80),
        ("合格", 60),
        ("待改进", 0),
    ]
    assert config.grading.pass_band == "pass" and config.grading.retrain_after_months == 3
    assert set(config.grading.kpi_weights) == set(KPI_NAMES)
    assert config.followup.callback_hours == 24 and config.followup.callback_max_attempts == 3
    assert config.security.pin_max_attempts == 5
    assert dict(config.keymap) == {}
    assert config.default_category in {c.id for c in config.categories}
    assert config.default_priority == "normal"


def test_default_calendar() -> None:
    calendar = load_config(DEFAULT_CONFIG_PATH).calendar
    assert calendar.hours[0] == ((time(8, 30), time(12)), (time(13), time(17, 30)))
    assert set(calendar.hours) == set(range(7))
    assert calendar.hours[5] == calendar.hours[6] == ()
    # 2026 as published: Spring Festival 02-15..02-23, Saturdays 02-14 and 02-28 worked.
    assert {date(2026, 2, 15), date(2026, 2, 23), date(2026, 10, 7)} <= calendar.holidays
    assert date(2026, 2, 24) not in calendar.holidays
    assert {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28)} <= calendar.extra_workdays
    assert all(day.weekday() >= 5 for day in calendar.extra_workdays)
    assert {day.year for day in calendar.holidays} == {2026, 2027}


def test_repo_hotline_toml_is_the_default() -> None:
    assert (REPO / "hotline.toml").read_bytes() == DEFAULT_CONFIG_PATH.read_bytes()


def test_every_default_key_is_documented() -> None:
    """Each key line has a comment above it in its paragraph, or a trailing one, or is a key of a
    repeated [[table]] documented at its first occurrence."""
    table = ""
    documented: set[tuple[str, str]] = set()
    commented = False
    for line in DEFAULT_CONFIG_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            commented = False
        elif line.startswith("#"):
            commented = True
        elif line.startswith("["):
            table = line.strip("[] ")
        elif match := re.match(r"([A-Za-z_-]+) = ", line):
            key = (table, match[1])
            assert commented or "#" in line or key in documented, f"[{table}] {match[1]}"
            documented.add(key)


def test_config_is_immutable() -> None:
    config = load_config(DEFAULT_CONFIG_PATH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.site.desk = "D02"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.keymap["new-call"] = "f2"  # type: ignore[index]
    with pytest.raises(TypeError):
        config.calendar.hours[5] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        config.grading.kpi_weights["callback"] = 1.0  # type: ignore[index]


def test_lookups_and_labels() -> None:
    config = load_config(DEFAULT_CONFIG_PATH)
    assert config.label("department", "tech_support", "zh_CN") == "技术支持"
    assert config.label("department", "tech_support", "en") == "Technical support"
    assert config.label("priority", "urgent", "zh_CN") == "紧急"
    assert config.label("channel", "phone", "en") == "Phone"
    assert config.label("category", "complaint", "zh_CN") == "投诉"
    for lookup in (config.category, config.priority, config.department):
        with pytest.raises(KeyError):
            lookup("nope")
    with pytest.raises(KeyError):
        config.label("channel", "fax", "en")
    with pytest.raises(ValueError):
        config.label("colour", "red", "en")


def test_missing_keys_fall_back_to_the_default() -> None:
    config = parse('locale = "en"\n[satisfaction]\nthreshold = 5\n')
    assert config.site.locale == "en" and config.site.company == "示例电器"
    assert config.satisfaction.threshold == 5 and config.satisfaction.pass_rate == 0.9
    assert config.departments == load_config(DEFAULT_CONFIG_PATH).departments


def test_a_written_list_replaces_the_default_one() -> None:
    config = parse(_dept(12))
    assert [d.id for d in config.departments] == ["tech_support"]
    assert config.departments[0].sla_hours == 12.0


def test_bands_are_sorted_and_partial_kpi_weights_filled() -> None:
    config = parse(
        _band("needs_improvement", 0)
        + _band("excellent", 90)
        + _band("pass", 60)
        + "[grading.kpi_weights]\nresponse_speed = 0.4\nsatisfaction = 0.6\n"
    )
    assert [b.id for b in config.grading.bands] == ["excellent", "pass", "needs_improvement"]
    assert dict(config.grading.kpi_weights) == {
        "response_speed": 0.4,
        "resolution": 0.0,
        "satisfaction": 0.6,
        "accuracy": 0.0,
        "callback": 0.0,
    }


def test_extra_fields_can_be_key_fields() -> None:
    config = parse(
        '[[fields]]\nid = "invoice_no"\nlabel = { zh_CN = "发票号", en = "Invoice number" }\n'
        "required = true\nmax_length = 30\n",
        top='key_fields = ["phone", "invoice_no"]\n',
    )
    assert config.fields[0].id == "invoice_no" and config.fields[0].max_length == 30
    assert config.key_fields == ("phone", "invoice_no")


def test_calendar_dates_as_toml_dates_and_ranges() -> None:
    config = parse(
        '[calendar]\nsat = ["09:00-12:00"]\nholidays = [2026-10-01, "2026-10-02..2026-10-03"]\n'
        "extra_workdays = [2026-09-27]\n"
    )
    assert config.calendar.holidays == {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)}
    assert config.calendar.extra_workdays == {date(2026, 9, 27)}
    assert config.calendar.hours[5] == ((time(9), time(12)),)


def test_intervals_sorted_and_touching_allowed() -> None:
    config = parse('[calendar]\nmon = ["13:00-17:00", "8:00-13:00"]\n')
    assert config.calendar.hours[0] == ((time(8), time(13)), (time(13), time(17)))


# --- paths ------------------------------------------------------------------------------------


def test_relative_paths_resolve_against_the_files_folder(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    path = folder / "hotline.toml"
    path.write_text(
        'scripts_dir = "my-scripts"\n'
        + SITE
        + 'store = "data/hotline.db"\nsite_key = "/keys/site.key"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.path == path
    assert config.site.store == folder / "data" / "hotline.db"
    assert config.site.site_key == Path("/keys/site.key")
    assert config.scripts_dir == folder / "my-scripts"


def test_base_dir_overrides_the_files_folder(tmp_path: Path) -> None:
    config = parse_config(SITE + 'store = "x.db"\n', base_dir=tmp_path)
    assert config.site.store == tmp_path / "x.db"
    assert config.path is None


# --- the file itself --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "hotline.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "config.missing"
    assert str(path) in caught.value.message("en") and str(path) in caught.value.message("zh_CN")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)  # a folder
    assert caught.value.key == "config.unreadable"
    assert str(tmp_path) in caught.value.message("en")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "hotline.toml"
    path.write_bytes(SITE.encode() + 'timezone = "上海"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "config.not_utf8"
    assert caught.value.params["line"] == 4


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "hotline.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SITE.encode())
    assert load_config(path).site.company == "示例电器"


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "hotline.toml"
    path.write_text(SITE + "locale = zh_CN\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.key == "config.syntax"
    assert (error.params["line"], error.params["column"]) == (4, 10)
    assert error.message("en").startswith(
        f"{path}: line 4, column 10: TOML syntax error: Invalid value"
    )
    assert error.message("zh_CN").startswith(f"{path}: 第 4 行第 10 列")


def test_syntax_error_at_end_of_document() -> None:
    error = refusal('[site]\ncompany = "x', whole=True)
    assert error.key == "config.syntax"
    assert "(at" not in error.params["detail"]  # type: ignore[operator]
    assert error.params["line"] == 2


# --- one test per validation rule -------------------------------------------------------------


@pytest.mark.parametrize("name", names("unknown_"))
def test_unknown_key(name: str) -> None:
    check(name)


def test_unknown_key_lists_the_known_ones() -> None:
    assert "company, desk, locale" in check("unknown_site").message("en")


@pytest.mark.parametrize("name", names("no_company", "no_site", "no_label"))
def test_required_key(name: str) -> None:
    check(name)


@pytest.mark.parametrize(
    "name",
    names("desk_int", "sla_string", "sla_bool", "sla_nan", "threshold_float", "business_hours_str")
    + names("calendar_not_list", "departments_table", "label_str", "keymap_list"),
)
def test_wrong_type(name: str) -> None:
    check(name)


@pytest.mark.parametrize("name", names("empty_company", "no_departments"))
def test_empty(name: str) -> None:
    check(name)


def test_control_characters_in_company() -> None:
    check("company_newline")


def test_unknown_locale() -> None:
    assert "zh_CN, en" in check("locale").message("en")


@pytest.mark.parametrize("name", names("timezone"))
def test_bad_timezone(name: str) -> None:
    check(name)


@pytest.mark.parametrize("name", names("desk_lower", "desk_short", "desk_long", "desk_digit"))
def test_bad_desk_code(name: str) -> None:
    check(name)


@pytest.mark.parametrize(
    "name",
    names("sla_negative", "sla_zero", "resolve_zero", "respond_negative", "callback_zero")
    + ["lockout_negative"],
)
def test_hours_must_be_positive(name: str) -> None:
    check(name)


def test_positive_message_matches_the_design() -> None:
    error = check("sla_negative")
    assert (
        error.message("en")
        == f"{FILE}: departments[2].sla_hours: must be a positive number, got -4"
    )
    assert error.message("zh_CN") == f"{FILE}: departments[2].sla_hours: 必须是正数,实际为 -4"


@pytest.mark.parametrize("name", names("interval_"))
def test_bad_interval_syntax(name: str) -> None:
    check(name)


def test_overlapping_intervals_name_the_weekday() -> None:
    message = check("overlap").message("en")
    assert "calendar.fri" in message and "08:30-13:30 and 13:00-17:30" in message


def test_date_both_holiday_and_extra_workday() -> None:
    assert "2026-10-03" in check("holiday_workday").message("en")


@pytest.mark.parametrize("name", ["bad_date", "bad_range"])
def test_bad_dates(name: str) -> None:
    check(name)


def test_business_hours_need_working_hours() -> None:
    check("no_working_hours")
    # Without a business-hours department an empty calendar is fine (a round-the-clock site).
    depts = _dept().replace("business_hours = true", "business_hours = false")
    parse("[calendar]\nmon = []\ntue = []\nwed = []\nthu = []\nfri = []\n" + depts)


def test_bad_id() -> None:
    check("bad_id")


@pytest.mark.parametrize("name", names("duplicate_", "key_field_twice"))
def test_duplicate_ids(name: str) -> None:
    error = check(name)
    assert "first at" in error.message("en")


def test_extra_field_cannot_reuse_a_builtin_name() -> None:
    check("builtin_field")
    assert "serial_no" in BUILTIN_FIELDS


def test_key_fields_naming_an_unknown_field() -> None:
    assert '"invoice_no"' in check("key_field_unknown").message("en")


@pytest.mark.parametrize("name", ["default_category", "default_priority"])
def test_default_category_or_priority_unknown(name: str) -> None:
    check(name)


@pytest.mark.parametrize("name", names("threshold_zero", "threshold_six"))
def test_threshold_outside_1_to_5(name: str) -> None:
    assert "between 1 and 5" in check(name).message("en")


@pytest.mark.parametrize("name", names("pass_rate_percent", "reward_rate_negative", "target_share"))
def test_rates_outside_0_to_1(name: str) -> None:
    check(name)


def test_reward_rate_below_pass_rate() -> None:
    check("reward_below_pass")


def test_kpi_weight_unknown_name() -> None:
    check("kpi_unknown")


def test_kpi_weights_not_summing_to_1() -> None:
    assert "0.95" in check("kpi_sum").message("en")
    check("kpi_negative")


def test_kpi_weights_within_tolerance() -> None:
    parse(
        "[grading.kpi_weights]\nresponse_speed = 0.1\nresolution = 0.2\n"
        "satisfaction = 0.7000000001\n"
    )


def test_bands_missing_zero() -> None:
    check("no_zero_band")
    check("band_score")


def test_pass_band_unknown() -> None:
    check("pass_band")


@pytest.mark.parametrize("name", names("keymap_"))
def test_keymap_values_must_be_strings(name: str) -> None:
    check(name)


def test_keymap_loads() -> None:
    config = parse('[keymap]\nnew-call = "f2,ctrl+n"\n')
    assert dict(config.keymap) == {"new-call": "f2,ctrl+n"}


def test_first_problem_in_file_order_is_reported() -> None:
    error = refusal('locale = "fr"\ntimezone = "Nowhere/City"\n' + _dept(-1))
    assert error.params["key"] == "site.locale"


# --- default_config_text ----------------------------------------------------------------------


def test_default_config_text_round_trips(tmp_path: Path) -> None:
    company = '示例电器 "quoted" \\ back'
    text = default_config_text(company=company, desk="D02")
    path = tmp_path / "hotline.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert config.site.company == company
    assert config.site.desk == "D02" and config.site.locale == "zh_CN"
    # Only the three [site] values change; every comment and other line stays.
    default = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(default, text.splitlines(), strict=True) if a != b]
    assert [b for _, b in changed] == [
        'company = "示例电器 \\"quoted\\" \\\\ back"',
        'desk = "D02"',
    ]


def test_default_config_text_locale() -> None:
    text = default_config_text(company="Acme", desk="HQ1", locale="en")
    assert parse_config(text).site.locale == "en"


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"company": "Acme", "desk": "d2"}, "config.bad_desk"),
        ({"company": "Acme", "desk": "D02", "locale": "fr"}, "config.unknown_locale"),
        ({"company": "Acme\nLtd", "desk": "D02"}, "config.control_chars"),
        ({"company": "", "desk": "D02"}, "config.empty"),
    ],
)
def test_default_config_text_validates(kwargs: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        default_config_text(**kwargs)
    assert caught.value.key == problem


# --- messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(BAD))
def test_every_message_renders_and_names_file_and_key(name: str, locale: str) -> None:
    bad = BAD[name]
    error = refusal(bad.text, top=bad.top, whole=bad.whole)
    message = error.message(locale)
    assert error.key in catalog(locale), error.key
    assert message.startswith(f"{FILE}: {bad.key}: "), message
    assert not re.search(r"\{[a-z_]+\}", message), message
    assert placeholders(catalog(locale)[error.key]) <= set(error.params)


def test_catalogs_match_and_cover_every_problem() -> None:
    en = {k: v for k, v in catalog("en").items() if k.startswith("config.")}
    zh = {k: v for k, v in catalog("zh_CN").items() if k.startswith("config.")}
    assert en.keys() == zh.keys()
    for key in en:
        assert placeholders(en[key]) == placeholders(zh[key]), key
        assert "file" in placeholders(en[key]), key
    source = (REPO / "hotline" / "config.py").read_text(encoding="utf-8")
    raised = {f"config.{p}" for p in re.findall(r'(?:fail\(\s*|"config\.)"?([a-z_0-9]+)"', source)}
    assert raised == en.keys()
    file_level = {"config.missing", "config.unreadable", "config.not_utf8", "config.syntax"}
    reached = {f"config.{bad.problem}" for bad in BAD.values()} | file_level
    assert reached == en.keys()


def test_cli_style_rendering_uses_the_current_locale() -> None:
    error = check("locale")
    assert str(error) == t(error.key, None, **error.params)


def test_import_is_stdlib_only() -> None:
    code = (
        "import sys, hotline.config; "
        "bad = [m for m in ('textual', 'rich', 'sqlite_utils', 'typer') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
