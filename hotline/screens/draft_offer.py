"""The offer to resume an unsaved call: after sign-in, and when F2 finds one left over."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from hotline.errors import HotlineError
from hotline.i18n import t
from hotline.services.clock import from_text
from hotline.services.phones import mask, normalize_phone
from hotline.widgets.keys import localized

if TYPE_CHECKING:
    from hotline.app import HotlineApp
    from hotline.services.intake import Draft

RESUME, DISCARD, LATER = "resume", "discard", "later"


@localized
class DraftOfferModal(ModalScreen[None]):
    """Y resumes the draft, N discards it, Esc leaves it for later (it is offered again)."""

    app: HotlineApp  # type: ignore[assignment]

    DEFAULT_CSS = """
    DraftOfferModal { align: center middle; }
    DraftOfferModal > Vertical {
        width: 64; max-width: 95%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    DraftOfferModal #draft-title { text-style: bold; }
    DraftOfferModal #draft-keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("y,enter", "choose('resume')", "intake.draft.key_yes", id="draft-resume"),
        Binding("n", "choose('discard')", "intake.draft.key_no", id="draft-discard"),
        Binding("escape", "choose('later')", "intake.draft.key_later", id="draft-later"),
    ]

    def __init__(self, draft: Draft, on_choice: Callable[[str], None]) -> None:
        super().__init__()
        self.draft = draft
        self._on_choice = on_choice

    def compose(self) -> ComposeResult:
        intake = self.draft.intake
        desk = self.app.desk
        try:
            phone = mask(normalize_phone(intake.phone).stored) if intake.phone.strip() else "-"
        except HotlineError:  # a half-typed number is shown as typed
            phone = intake.phone.strip() or "-"
        started = (desk.local(from_text(intake.started_at)).strftime("%m-%d %H:%M")
                   if intake.started_at else "-")
        with Vertical():
            yield Label(t("intake.draft.title"), id="draft-title")
            yield Static(Text(t("intake.draft.question", number=intake.number, phone=phone,
                                started=started)), id="draft-question")
            yield Static(t("intake.draft.keys"), id="draft-keys", markup=False)

    def action_choose(self, choice: str) -> None:
        # The choice goes to a callback run by the app, not to a dismiss() result callback:
        # those run on the widget that pushed the modal, and after sign-in that widget (the
        # PIN field) is gone with its screen, so the answer would never arrive.
        self.dismiss()
        self.app.call_later(self._on_choice, choice)
