"""`TextField` types, scrolls and places the cursor exactly as Textual's `Input` does, without
asking for a layout of the whole screen on every key."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

from hotline.widgets.text_field import TextField

KEYS = ("abcdefghijklmnopqrstuvwxyz", "空调不制冷外机", ("home",), ("end",), ("left",) * 5,
        ("backspace",) * 20, ("ctrl+u",), "13800138000")


class _Form(App[None]):
    CSS = "Input { width: 14; }"

    def __init__(self, kind: type[Input]) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield self.kind(compact=True)


async def _typed(kind: type[Input]) -> tuple[list[tuple[object, ...]], int]:
    app = _Form(kind)
    seen: list[tuple[object, ...]] = []
    layouts = 0
    async with app.run_test(size=(40, 5)) as pilot:
        field = app.query_one(kind)
        screen = app.screen
        original = screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            original(*args, **kwargs)  # type: ignore[arg-type]

        screen._refresh_layout = counted  # type: ignore[method-assign]
        for keys in KEYS:
            await pilot.press(*keys)
            await pilot.pause()
            line = field.render_line(0).text
            seen.append((field.value, field.cursor_position, field.scroll_x, line))
    return seen, layouts


async def test_text_field_behaves_as_input_without_a_layout_per_key() -> None:
    as_input, input_layouts = await _typed(Input)
    as_field, field_layouts = await _typed(TextField)
    assert as_field == as_input
    assert input_layouts > len(KEYS)  # Textual's Input: a layout per changed value
    assert field_layouts <= 2
