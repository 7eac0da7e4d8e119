"""Script templates (话术): loading, checking, rendering, FAQ ranking, reading values aloud."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hotline.i18n import LOCALES, t
from hotline.scripts import (
    STAGES,
    VARIABLES,
    ScriptLibrary,
    ScriptProblem,
    Template,
    check,
    load_library,
    read_aloud,
    render,
)
from hotline.scripts.library import SHIPPED_DIR


@pytest.fixture(scope="module")
def library() -> ScriptLibrary:
    return load_library()


def write(root: Path, locale: str, name: str, body: str) -> Path:
    path = root / locale / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def desk_problems(root: Path) -> list[ScriptProblem]:
    """Problems from a desk folder only (the shipped files have none, see below)."""
    return [p for p in check(root) if SHIPPED_DIR not in p.file.parents]


# --------------------------------------------------------------------------- shipped templates


def test_shipped_library_has_no_problems(library: ScriptLibrary) -> None:
    assert library.problems == ()
    assert check() == []


def test_both_locales_have_the_same_ids(library: ScriptLibrary) -> None:
    zh, en = library.ids("zh_CN"), library.ids("en")
    assert zh, "no zh_CN templates shipped"
    assert zh == en


@pytest.mark.parametrize("locale", LOCALES)
def test_every_stage_has_generic_wording(library: ScriptLibrary, locale: str) -> None:
    for stage in STAGES:
        if stage == "faq":
            continue  # every FAQ answer is about something: they are found by rank_faq()
        template = library.for_stage(stage, locale)
        assert template is not None, f"{locale}: no wording for {stage}"
        assert template.category is None


@pytest.mark.parametrize("locale", LOCALES)
def test_shipped_sets_cover_the_issue(library: ScriptLibrary, locale: str) -> None:
    faqs = [t for t in library.templates(locale) if t.stage == "faq"]
    assert len(faqs) >= 8
    assert {"logistics", "return_exchange", "warranty", "installation", "invoice"} <= {
        t.category for t in faqs
    }
    for field in ("phone", "product_model", "symptom"):
        assert library.readback(field, locale).id == f"readback.{field}"  # type: ignore[union-attr]
    assert library.readback("address", locale).id == "readback.field"  # type: ignore[union-attr]
    transfer = library.for_stage("transfer", locale)
    assert transfer is not None
    assert {"{reason}", "{department}", "{eta}"} <= {
        f"{{{name}}}" for name in VARIABLES if f"{{{name}}}" in transfer.text
    }
    assert "{notice}" in library.for_stage("outage", locale).text  # type: ignore[union-attr]


def test_default_greeting_follows_the_source_rules(library: ScriptLibrary) -> None:
    greeting = library.for_stage("greeting", "zh_CN")
    assert greeting is not None
    text = render(greeting, {"company": "美的", "agent": "小王"})
    assert text.startswith("您好，美的售后热线，很高兴为您服务！")


def test_stage_order_and_after_hours(library: ScriptLibrary) -> None:
    flow = ["greeting", "identify", "record", "readback", "resolve", "closing"]
    for here, there in zip(flow, flow[1:], strict=False):
        assert library.next_stage(here) == there
    assert library.next_stage("transfer") == "closing"
    assert library.next_stage("closing") is None
    assert library.next_stage("callback") == "satisfaction"
    after = library.for_stage("greeting", "zh_CN", after_hours=True)
    assert after is not None and after.stage == "after_hours_greeting"
    assert library.get("nope", "zh_CN") is None
    assert library.for_stage("greeting", "fr") is None


def test_category_wording_wins_over_generic(library: ScriptLibrary) -> None:
    assert library.for_stage("transfer", "en", category="complaint").id == "transfer.complaint"  # type: ignore[union-attr]
    assert library.for_stage("transfer", "en", category="logistics").id == "transfer.default"  # type: ignore[union-attr]
    assert library.for_stage("transfer", "en").id == "transfer.default"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- rendering


def test_render_fills_every_variable() -> None:
    text = " ".join(f"{name}={{{name}}}" for name in sorted(VARIABLES))
    values = {name: f"<{name}>" for name in VARIABLES}
    rendered = render(text, values)
    for name in VARIABLES:
        assert f"{name}=<{name}>" in rendered
    assert "{" not in rendered and "‹" not in rendered


def test_render_marks_gaps_and_never_raises(library: ScriptLibrary) -> None:
    transfer = library.get("transfer.default", "zh_CN")
    assert transfer is not None
    text = render(transfer, {"customer": "张先生", "department": "", "eta": "   "})
    assert text.startswith("张先生，")
    assert "‹department›" in text and "‹eta›" in text and "‹reason›" in text
    assert render("{unknown} {0} {} {customer:>10}", {"customer": "x"}) == (
        "‹unknown› ‹0› ‹› ‹customer:>10›"
    )
    assert render("no variables at all", {}) == "no variables at all"


def test_markup_looking_values_render_literally(library: ScriptLibrary) -> None:
    greeting = library.get("greeting.default", "en")
    assert greeting is not None
    tricky = "[/foo] [@click=app.bell]Bob[/] {agent} %s"
    text = render(greeting, {"company": tricky, "agent": "A01"})
    assert tricky in text  # the value's own `{agent}` is not filled a second time
    assert "This is A01 speaking" in text


def test_render_drops_control_characters() -> None:
    assert render("{customer}!", {"customer": "Bob\x1b]0;PWNED\x07\n\x9b"}) == "Bob]0;PWNED!"


# --------------------------------------------------------------------------- reading aloud


@pytest.mark.parametrize(
    ("field", "value", "spoken"),
    [
        ("phone", "13800138000", "138 0013 8000"),
        ("phone", "138-0013-8000", "138 0013 8000"),
        ("phone", "+86 13800138000", "+86 138 0013 8000"),
        ("phone", "010-12345678", "010 1234 5678"),
        ("phone", "01012345678", "010 1234 5678"),
        ("phone", "0755-1234567", "0755 123 4567"),
        ("phone", "(021) 87654321", "021 8765 4321"),
        ("phone", "400-123-4567", "400 123 4567"),
        ("phone", "unknown", "unknown"),
        ("alt_phone", "13800138000", "138 0013 8000"),
        ("serial_no", "SN20250101A7", "S N 2 0 2 5 0 1 0 1 A 7"),
        ("product_model", "KFR-35GW", "K F R - 3 5 G W"),
        ("product_model", "kfr-35gw/bp2", "k f r - 3 5 g w / b p 2"),
        ("product_model", "空调大1匹", "空调大1匹"),
        ("product_model", "KFR", "KFR"),
        ("customer", "KFR-35GW", "KFR-35GW"),
        ("symptom", "不制冷 E1", "不制冷 E1"),
    ],
)
def test_read_aloud(field: str, value: str, spoken: str) -> None:
    assert read_aloud(field, value, "zh_CN") == spoken


def test_read_aloud_extension_in_each_locale() -> None:
    assert read_aloud("phone", "010-12345678-123", "zh_CN") == "010 1234 5678 转 123"
    assert read_aloud("phone", "010-12345678-123", "en") == "010 1234 5678 extension 123"


# --------------------------------------------------------------------------- FAQ and search


def test_faq_ranking_chinese(library: ScriptLibrary) -> None:
    ranked = library.rank_faq("快递三天了还没到,物流查不到", "zh_CN")
    assert ranked[0].id == "faq.logistics"
    assert library.rank_faq("发票抬头开错了，要重开", "zh_CN")[0].id == "faq.invoice_change"
    assert library.rank_faq("空调买了一周还没人来装", "zh_CN")[0].category == "installation"
    assert library.rank_faq("保修期多久", "zh_CN")[0].id == "faq.warranty"
    assert library.rank_faq("退货的钱还没到账", "zh_CN")[0].id == "faq.refund_progress"


def test_faq_ranking_english(library: ScriptLibrary) -> None:
    ranked = library.rank_faq("My parcel still hasn't arrived and the tracking shows nothing", "en")
    assert ranked[0].id == "faq.logistics"
    assert library.rank_faq("I need an invoice with our tax number", "en")[0].category == "invoice"
    assert library.rank_faq("the installer charged me for a bracket", "en")[0].id == (
        "faq.installation_fee"
    )


def test_faq_ranking_edges(library: ScriptLibrary) -> None:
    assert library.rank_faq("", "zh_CN") == []
    assert library.rank_faq("   ", "en") == []
    assert library.rank_faq("快递", "zh_CN", limit=0) == []
    assert len(library.rank_faq("退货 换货 退款 发票 保修 安装 快递", "zh_CN", limit=3)) <= 3
    assert all(t.stage == "faq" for t in library.rank_faq("退货 发票 保修", "zh_CN"))


def test_search(library: ScriptLibrary) -> None:
    found = library.search("发票", "zh_CN")
    assert {t.id for t in found[:2]} == {"faq.invoice", "faq.invoice_change"}
    assert library.search("退", "zh_CN"), "one Chinese character finds something"
    assert library.search("hold", "en")[0].stage == "hold"
    assert library.search("complaint", "en")[0].category == "complaint"
    assert library.search("zzzz-nothing", "en") == []
    assert len(library.search("", "en", limit=5)) == 5


# --------------------------------------------------------------------------- problems


def test_unknown_variable_reported_with_file_line_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "zh_CN",
        "desk.toml",
        '''
        [[template]]
        id = "desk.welcome"
        stage = "greeting"
        title = "欢迎"
        text = """您好，
        {costumer}，欢迎致电！"""

        [[template]]
        id = "desk.fine"
        stage = "hold"
        title = "稍候"
        text = "请稍等，{customer}。"
        ''',
    )
    library = load_library(tmp_path)
    problems = [p for p in library.problems if p.file == path]
    assert problems == [ScriptProblem(path, 6, "costumer", "scripts.problem.unknown_variable")]
    assert "costumer" in str(problems[0]) and f"{path}:6" in str(problems[0])
    # the rest still loads
    assert library.get("desk.fine", "zh_CN") is not None
    assert library.get("desk.welcome", "zh_CN") is None
    assert library.get("greeting.default", "zh_CN") is not None


def test_parse_error_reported_with_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "en",
        "broken.toml",
        """
        [[template]]
        id = "x"
        stage = "hold"
        title =
        text = "Hold on"
        """,
    )
    problems = desk_problems(tmp_path)
    assert len(problems) == 1
    (problem,) = problems
    assert (problem.file, problem.line, problem.message) == (path, 4, "scripts.problem.parse_error")
    assert problem.name  # the TOML reader's words
    assert load_library(tmp_path).get("greeting.default", "en") is not None


def test_duplicate_id_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "en",
        "a.toml",
        """
        [[template]]
        id = "desk.same"
        stage = "hold"
        title = "One"
        text = "One moment."
        """,
    )
    second = write(
        tmp_path,
        "en",
        "b.toml",
        """
        # a comment first

        [[template]]
        id = "desk.same"
        stage = "hold"
        title = "Two"
        text = "Two moments."
        """,
    )
    library = load_library(tmp_path)
    problems = [p for p in library.problems if SHIPPED_DIR not in p.file.parents]
    assert problems == [ScriptProblem(second, 3, "desk.same", "scripts.problem.duplicate_id")]
    assert library.get("desk.same", "en").title == "One"  # type: ignore[union-attr]


def test_missing_key_and_other_mistakes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "zh_CN",
        "bad.toml",
        """
        [[template]]
        id = "desk.no_text"
        stage = "hold"
        title = "无正文"

        [[template]]
        id = "desk.bad_stage"
        stage = "lunch"
        title = "午饭"
        text = "稍等"

        [[template]]
        id = "desk.extra"
        stage = "hold"
        title = "多余的键"
        text = "稍等"
        colour = "red"
        keywords = "not a list"
        """,
    )
    problems = {(p.line, p.name, p.message) for p in desk_problems(tmp_path)}
    assert problems == {
        (1, "text", "scripts.problem.missing_key"),
        (8, "lunch", "scripts.problem.unknown_stage"),
        (17, "colour", "scripts.problem.unknown_key"),
        (18, "keywords", "scripts.problem.not_text_list"),
    }
    assert all(p.file == path for p in desk_problems(tmp_path))


def test_problem_messages_exist_in_both_catalogs(tmp_path: Path) -> None:
    write(tmp_path, "en", "x.toml", "[[template]]\nid = 1\n")
    write(tmp_path, "fr", "x.toml", "")
    problems = check(tmp_path) + check(tmp_path / "missing")
    assert problems
    for problem in problems:
        for locale in LOCALES:
            assert t(problem.message, locale) != problem.message
            assert problem.describe(locale)


def test_desk_folder_overrides_by_id(tmp_path: Path) -> None:
    write(
        tmp_path,
        "zh_CN",
        "ours.toml",
        """
        [[template]]
        id = "greeting.default"
        stage = "greeting"
        title = "本店问候"
        text = "您好，{company}服务中心，工号{agent}为您服务。"

        [[template]]
        id = "faq.desk_only"
        stage = "faq"
        category = "logistics"
        title = "自提点"
        text = "自提点营业时间是九点到六点。"
        keywords = ["自提", "营业时间"]
        """,
    )
    shipped = load_library()
    library = load_library(tmp_path)
    assert desk_problems(tmp_path) == []
    greeting = library.for_stage("greeting", "zh_CN")
    assert greeting is not None
    assert greeting.title == "本店问候" and greeting.source.parent == tmp_path / "zh_CN"
    assert (
        render(greeting, {"company": "美的", "agent": "007"})
        == "您好，美的服务中心，工号007为您服务。"
    )
    assert library.rank_faq("自提点几点关门", "zh_CN")[0].id == "faq.desk_only"
    # other locales and other ids are untouched
    assert library.get("greeting.default", "en") == shipped.get("greeting.default", "en")
    assert library.ids("zh_CN") == shipped.ids("zh_CN") | {"faq.desk_only"}


def test_template_is_frozen_and_located(library: ScriptLibrary) -> None:
    template = library.get("closing.default", "en")
    assert isinstance(template, Template)
    assert template.source.name == "flow.toml" and template.line > 1
    assert template.source.read_text().splitlines()[template.line - 1].strip() == "[[template]]"
    with pytest.raises(AttributeError):
        template.text = "changed"  # type: ignore[misc]


def test_scripts_package_is_import_light() -> None:
    code = "import sys, hotline.scripts; print('textual' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
