"""The script panel: snapshots at several stages in both locales, and a Pilot test of `show()`.

Snapshot tests are plain `def` (snap_compare runs its own event loop, STYLE.md 3.2); bless them
with `pytest tests/test_script_panel_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from hotline.scripts import ScriptLibrary, load_library, read_aloud
from hotline.widgets.script_panel import ScriptPanel

LIBRARY = load_library()

ZH = {
    "company": "美的",
    "agent": "小王",
    "customer": "张先生",
    "department": "技术支持部",
    "reason": "需要工程师上门检测",
    "eta": "6月3日 18:00",
    "call_number": "D01-20250602-0007",
    "field": "产品型号",
    "value": read_aloud("product_model", "KFR-35GW", "zh_CN"),
    "symptom": "空调开机十分钟后不制冷，显示E1",
}
EN = {
    "company": "Midea",
    "agent": "Wang",
    "customer": "Mr Smith",
    "department": "Technical Support",
    "reason": "an engineer needs to inspect the unit",
    "eta": "3 June 18:00",
    "call_number": "D01-20250602-0007",
    "field": "phone number",
    "value": read_aloud("phone", "13800138000", "en"),
    "symptom": "no cooling after ten minutes, error E1",
}


class ScriptPanelApp(App[None]):
    """An intake-like layout: a form on the left, the script panel docked on the right."""

    CSS = """
    #form { width: 1fr; padding: 1; }
    """

    def __init__(
        self,
        library: ScriptLibrary,
        stage: str | None = None,
        variables: Mapping[str, str] | None = None,
        *,
        panel_width: int | None = None,
        **show: Any,
    ) -> None:
        super().__init__()
        self.library = library
        self.stage = stage
        self.variables = dict(variables or {})
        self.panel_width = panel_width
        self.show_args = show

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("intake form", id="form")
            yield ScriptPanel(self.library, id="panel")

    def on_mount(self) -> None:
        panel = self.query_one(ScriptPanel)
        if self.panel_width is not None:
            panel.styles.width = self.panel_width
        if self.stage is not None:
            panel.show(self.stage, self.variables, **self.show_args)


CASES: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {
    "greeting_zh": ((60, 24), dict(stage="greeting", variables=ZH, locale="zh_CN")),
    "after_hours_greeting_en": (
        (60, 24),
        dict(stage="greeting", variables=EN, locale="en", after_hours=True),
    ),
    "readback_zh": (
        (60, 24),
        dict(stage="readback", variables=ZH, locale="zh_CN", faq_text=ZH["symptom"]),
    ),
    "readback_en": ((60, 24), dict(stage="readback", variables=EN, locale="en")),
    "transfer_zh_outage_faq_80": (
        (80, 24),
        dict(
            stage="transfer",
            variables=ZH,
            locale="zh_CN",
            panel_width=32,
            notice="工单系统故障，预计15:00恢复",
            faq_text="快递三天了还没到,物流查不到",
        ),
    ),
    "transfer_complaint_en_120": (
        (120, 30),
        dict(
            stage="transfer",
            variables=EN,
            locale="en",
            category="complaint",
            panel_width=48,
            faq_text="The installer charged me for a bracket",
        ),
    ),
    "closing_en_missing_customer": (
        (60, 24),
        dict(stage="closing", variables={**EN, "customer": ""}, locale="en"),
    ),
    "calming_zh_markup_name": (
        (60, 24),
        dict(
            stage="calming",
            variables={**ZH, "customer": "[/foo][@click=app.bell]张[b]三"},
            locale="zh_CN",
        ),
    ),
    "calming_en": ((60, 24), dict(stage="calming", variables=EN, locale="en")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_script_panel_snapshot(snap_compare: Any, case: str) -> None:
    size, args = CASES[case]
    app = ScriptPanelApp(LIBRARY, **args)
    assert snap_compare(app, terminal_size=size)


async def test_show_updates_the_panel() -> None:
    app = ScriptPanelApp(LIBRARY)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ScriptPanel)
        assert panel.stage is None

        panel.show("greeting", {"company": "美的", "agent": "A01"}, locale="zh_CN")
        await pilot.pause()
        assert panel.stage == "greeting"
        assert panel.now_text.startswith("您好，美的售后热线，很高兴为您服务！")
        now = app.query_one("#script-now", Static)
        assert "开场问候" in str(now.render())
        assert app.query_one("#script-notice").has_class("-empty")

        name = "[/foo][@click=app.bell]Bob"
        panel.show(
            "transfer",
            {"customer": name, "department": "Repairs"},
            locale="en",
            notice="ticket system down until 15:00",
            faq_text="parcel not arrived, tracking empty",
        )
        await pilot.pause()
        assert panel.stage == "transfer" and panel.template is not None
        assert panel.template.id == "transfer.default"
        assert panel.now_text.startswith(f"{name}, this needs to be handled by our Repairs")
        assert "‹eta›" in panel.now_text
        assert name in str(now.render())
        assert not app.query_one("#script-notice").has_class("-empty")
        assert "until 15:00" in str(app.query_one("#script-notice", Static).render())
        assert [t.id for t in panel.faq][:1] == ["faq.logistics"]
        assert "Where is my delivery?" in str(app.query_one("#script-faq", Static).render())
        next_text = str(app.query_one("#script-next", Static).render())
        assert "Closing" in next_text and "Thank you for calling" in next_text

        panel.show("closing", {}, locale="en")
        await pilot.pause()
        assert app.query_one("#script-faq").has_class("-empty")
        assert app.query_one("#script-next").has_class("-empty")  # closing is the last stage
        assert app.query_one("#script-notice").has_class("-empty")


async def test_unknown_stage_shows_a_readable_gap() -> None:
    app = ScriptPanelApp(LIBRARY)
    async with app.run_test() as pilot:
        panel = app.query_one(ScriptPanel)
        panel.show("lunch", {}, locale="en")
        await pilot.pause()
        assert panel.template is None
        assert panel.now_text == "No wording for this stage yet"


async def test_show_before_mount_is_painted_on_mount() -> None:
    app = ScriptPanelApp(LIBRARY)
    async with app.run_test() as pilot:
        late = ScriptPanel(LIBRARY, id="late")
        late.show("hold", {"customer": "李女士"}, locale="zh_CN")
        await app.screen.mount(late)
        await pilot.pause()
        assert late.template is not None and late.template.id == "hold.default"
        assert "请您稍等" in str(late.query_one("#script-now", Static).render())
        assert not late.query_one("#script-now").has_class("-empty")
