"""A select for forms typed at speed: Enter moves on, the arrow keys or space open the list.

Textual's `Select` opens its list on Enter. In a form where Enter means "next field", an agent
who keeps the preselected channel, category or priority would pay two keys per select; here
they pay one, the same as for a text field.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Select


class FormSelect(Select[str], inherit_bindings=False):
    """A `Select` whose Enter posts `FormSelect.Submitted` instead of opening the list."""

    BINDINGS = [
        Binding("down,space,up", "show_overlay", show=False),
        Binding("enter", "submit", show=False),
    ]

    class Submitted(Message):
        """Enter on a closed select: the form moves to the next field."""

        def __init__(self, select: FormSelect) -> None:
            super().__init__()
            self.select = select

        @property
        def control(self) -> FormSelect:
            return self.select

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))
