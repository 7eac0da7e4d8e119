"""Resolving one conflict: the competing values side by side, a digit picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from hotline.i18n import t
from hotline.services.clock import from_text
from hotline.widgets.keys import localized

if TYPE_CHECKING:
    from hotline.app import HotlineApp

MAX_CHOICES = 9


def shown_value(app: HotlineApp, entity: str, field: str, value: Any) -> str:
    """A field value as people read it (status and configured ids by their label)."""
    if value is None or value == "":
        return "—"
    config = app.desk.config
    locale = config.site.locale
    if field == "status":
        return t(f"status.{value}")
    if field in ("priority", "category", "department"):
        try:
            return config.label(field, str(value), locale)
        except (KeyError, ValueError):
            return str(value)
    return str(value)


def field_label(field: str) -> str:
    """A key field's name as people read it."""
    key = f"conflict.field_{field}"
    text = t(key)
    return field if text == key else text


@localized
class ConflictModal(ModalScreen[Any]):
    """Dismissed with the chosen value, or None when the supervisor backs out."""

    app: HotlineApp  # type: ignore[assignment]

    BINDINGS = [
        Binding("escape", "dismiss_none", "conflict.key_cancel", id="conflict-cancel"),
        Binding("1", "choose(0)", "conflict.key_choose", id="conflict-choose", key_display="1–9"),
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(2, MAX_CHOICES + 1)),
    ]

    def __init__(self, conflict: dict[str, Any]) -> None:
        super().__init__()
        self.conflict = conflict
        self.choices = conflict["choices"][:MAX_CHOICES]

    def compose(self) -> ComposeResult:
        c = self.conflict
        field = c["field"]
        with Vertical(id="conflict-box"):
            yield Static(t("conflict.title", record=c["record"], field=field_label(field)),
                         id="conflict-title", markup=False)
            yield Static(t("conflict.choose", n=len(self.choices)), id="conflict-hint",
                         markup=False)
            with Horizontal(id="conflict-choices"):
                for n, choice in enumerate(self.choices, 1):
                    with Vertical(classes="conflict-choice"):
                        yield Label(str(n), classes="conflict-number")
                        yield Static(shown_value(self.app, c["entity"], field, choice["value"]),
                                     classes="conflict-value", markup=False)
                        at = self.app.desk.local(from_text(choice["at"])).strftime("%m-%d %H:%M")
                        yield Static(t("conflict.from_desk", desk=choice["desk"],
                                       agent=choice["agent"] or "-", at=at),
                                     classes="conflict-meta", markup=False)
        yield Footer()

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self.choices):
            self.dismiss(self.choices[index]["value"])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
