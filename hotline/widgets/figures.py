"""Figure tiles: one number and its label, as on a wallboard."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class FigureTile(Static):
    """A labelled count; `alert` colours it when the number needs attention (overdue > 0)."""

    DEFAULT_CSS = """
    FigureTile {
        width: 1fr;
        height: 5;
        border: round $primary;
        content-align: center middle;
        text-align: center;
    }
    FigureTile.-alert {
        border: round $error;
        color: $error;
    }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(markup=False, id=id)
        self._label = label
        self.show(0)

    def show(self, value: int, *, alert: bool = False) -> None:
        text = Text(justify="center")
        text.append(f"{value:,}\n", style="bold")
        text.append(self._label)
        self.update(text)
        self.set_class(alert and value > 0, "-alert")
