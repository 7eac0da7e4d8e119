"""Search (F4, `hotline search`): one box for a phone or its tail, a call number, a name, words."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from hotline.services import search as search_service
from hotline.services.calls import CallIntake, take_call
from hotline.services.clock import to_text
from hotline.services.desk import Desk
from hotline.services.search import search
from tests.cli_runner import run
from tests.conftest import FROZEN

CALLS = (
    # phone, name, model, symptom, description, hours before now
    ("13800138000", "张三", "KFR-35GW/N1", "空调不制冷", "外机不转,客户很着急", 1),
    ("13800138000", "张三", "XQG100-14", "洗衣机脱水噪音大", "", 30),
    ("021-62345678", "Li Lei", "BCD-470WDPG", "fridge is leaking water", "the door seal", 5),
    ("13912345678", "[b]王[/b]五", "BCD-470WDPG", "冰箱冷藏室漏水", "", 3),
    ("15900008000", "张伟", "JSQ25-13", "热水器不点火", "", 2),
)


def _take(desk: Desk, phone: str, name: str, model: str, symptom: str, description: str,
          hours: int, *, training: bool = False) -> dict[str, object]:
    intake = CallIntake(phone=phone, customer_name=name, product_model=model, symptom=symptom,
                        description=description, training=training,
                        started_at=to_text(FROZEN - timedelta(hours=hours)))
    intake.confirmed = {f: {"value": intake.value(f), "by": "S01", "at": "t"}
                        for f in desk.config.key_fields}
    return take_call(desk, intake)


@pytest.fixture
def filled(desk: Desk) -> Desk:
    for row in CALLS:
        _take(desk, *row)
    return desk


def _numbers(found: search_service.SearchResults) -> list[str]:
    return [c["number"] for c in found.calls]


def test_the_last_four_digits_find_the_customer_and_their_calls_newest_first(filled: Desk) -> None:
    found = search(filled, "8000")
    assert found.kind == "digits"
    assert {c["name"] for c in found.customers} == {"张三", "张伟"}
    assert [c["symptom"] for c in found.calls] == ["空调不制冷", "热水器不点火", "洗衣机脱水噪音大"]
    zhang = next(c for c in found.customers if c["name"] == "张三")
    assert zhang["call_count"] == 2 and zhang["tags"] == []


def test_a_longer_tail_narrows_it_down(filled: Desk) -> None:
    found = search(filled, "138000")
    assert {c["name"] for c in found.customers} == {"张三"}
    assert len(found.calls) == 2


def test_a_whole_phone_in_any_spelling_finds_one_customer(filled: Desk) -> None:
    for text in ("13800138000", "138-0013-8000", "+86 138 0013 8000"):
        found = search(filled, text)
        assert found.kind == "phone"
        assert [c["name"] for c in found.customers] == ["张三"]
        assert [c["symptom"] for c in found.calls] == ["空调不制冷", "洗衣机脱水噪音大"]


def test_a_landline_by_its_area_code_prefix_and_by_its_tail(filled: Desk) -> None:
    assert [c["name"] for c in search(filled, "02162345").customers] == ["Li Lei"]
    assert {c["name"] for c in search(filled, "5678").customers} == {"Li Lei", "[b]王[/b]五"}


def test_a_call_number_or_its_beginning(filled: Desk) -> None:
    numbers = sorted(r["number"] for r in filled.store.query("SELECT number FROM calls"))
    found = search(filled, numbers[0].lower())
    assert found.kind == "number" and _numbers(found) == [numbers[0]]
    found = search(filled, numbers[0][:12])
    assert found.kind == "number" and _numbers(found) == sorted(numbers, reverse=True)


def test_a_customer_name_exact_then_by_its_beginning(filled: Desk) -> None:
    found = search(filled, "张三")
    assert [c["name"] for c in found.customers] == ["张三"]
    found = search(filled, "张")
    assert [c["name"] for c in found.customers] == ["张三", "张伟"]


def test_chinese_words_of_three_or_more_characters_use_the_trigram_index(filled: Desk) -> None:
    found = search(filled, "不制冷")
    assert found.kind == "text" and found.window == 0
    assert [c["symptom"] for c in found.calls] == ["空调不制冷"]
    assert [c["symptom"] for c in search(filled, "冷藏室漏水").calls] == ["冰箱冷藏室漏水"]
    assert [c["symptom"] for c in search(filled, "客户很着急").calls] == ["空调不制冷"]


def test_one_or_two_chinese_characters_scan_only_the_latest_calls(
        filled: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    found = search(filled, "漏水")
    assert found.kind == "recent" and found.window == search_service.RECENT_WINDOW
    assert [c["symptom"] for c in found.calls] == ["冰箱冷藏室漏水"]
    assert [c["symptom"] for c in search(filled, "噪").calls] == ["洗衣机脱水噪音大"]
    # the scan is bounded: with a window of 3 calls, the call of 30 hours ago is not looked at
    monkeypatch.setattr(search_service, "RECENT_WINDOW", 3)
    assert search(filled, "噪").calls == []
    assert search(filled, "冷").calls  # 1 hour ago: inside the window


def test_english_words_any_case_and_short_words_with_long_ones(filled: Desk) -> None:
    assert [c["customer_name"] for c in search(filled, "LEAKING").calls] == ["Li Lei"]
    assert [c["customer_name"] for c in search(filled, "leaking is").calls] == ["Li Lei"]
    assert search(filled, "leaking fridge door").calls  # every word, any column
    assert search(filled, "leaking spin").calls == []
    assert [c["name"] for c in search(filled, "Li Lei").customers] == ["Li Lei"]


def test_markup_looking_text_is_searched_and_returned_literally(filled: Desk) -> None:
    found = search(filled, "[b]王")
    assert [c["name"] for c in found.customers] == ["[b]王[/b]五"]
    assert [c["customer_name"] for c in found.calls] == ["[b]王[/b]五"]
    assert search(filled, '"[/b] OR *').calls == []  # FTS syntax is never interpreted


def test_training_calls_are_never_found(filled: Desk) -> None:
    _take(filled, "13800138000", "张三", "KFR-35GW/N1", "演练: 空调不制冷", "", 0, training=True)
    assert [c["symptom"] for c in search(filled, "不制冷").calls] == ["空调不制冷"]
    assert len(search(filled, "8000").calls) == 3
    assert len(search(filled, "13800138000").calls) == 2


def test_customers_come_first_when_streamed(filled: Desk) -> None:
    parts = list(search_service.iter_search(filled, "张三"))
    assert [p.done for p in parts] == [False, True]
    assert parts[0].customers and not parts[0].calls
    assert parts[1].calls


def test_limits_say_when_there_are_more(filled: Desk) -> None:
    found = search(filled, "8000", limit=1)
    assert len(found.customers) == 1 and found.more_customers
    assert len(found.calls) == 1 and found.more_calls
    assert search(filled, "   ").kind == "empty"


# -- the command line ---------------------------------------------------------------------------


def _cfg(folder: Path) -> list[str]:
    return ["--config", str(folder / "hotline.toml")]


def test_cli_json_is_one_document_with_both_groups(desk_dir: Path) -> None:
    from hotline.launch import Options

    desk = Options(db=None, config=desk_dir / "hotline.toml", training=False).open_desk()
    desk.clock = lambda: FROZEN
    for row in CALLS:
        _take(desk, *row)
    desk.store.close()
    result = run(*_cfg(desk_dir), "search", "8000", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert isinstance(doc, dict) and set(doc) == {"customers", "calls"}
    assert {c["name"] for c in doc["customers"]} == {"张三", "张伟"}
    assert {"number", "status", "phone", "symptom", "overdue"} <= set(doc["calls"][0])
    plain = run(*_cfg(desk_dir), "search", "13800138000")
    assert plain.code == 0 and "138****8000" in plain.out and "13800138000" not in plain.out
    assert "空调不制冷" in plain.out
    nothing = run(*_cfg(desk_dir), "search", "没有这个")
    assert nothing.code == 0 and "没有找到" in nothing.out
    short = run(*_cfg(desk_dir), "search", "漏水")
    assert short.code == 0 and "20,000" in short.err


def test_cli_refuses_an_empty_text_and_a_bad_limit(desk_dir: Path) -> None:
    empty = run(*_cfg(desk_dir), "search", "  ")
    assert empty.code == 1 and empty.err.startswith("hotline: error: ")
    bad = run(*_cfg(desk_dir), "search", "8000", "--limit", "0")
    assert bad.code == 2 and bad.err.startswith("hotline: error: ")
    missing = run(*_cfg(desk_dir), "search")
    assert missing.code == 1
