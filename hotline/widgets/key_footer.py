"""A footer that is rebuilt only when the keys it shows change.

Textual's `Footer` recomposes (a dozen widgets mounted and styled) every time the screen's
bindings are refreshed, which happens on every focus change: in a form, on every Enter from
field to field. Measured on the intake form that cost more than the frame the keystroke has
(DESIGN.md section 6), for a footer that shows the same keys before and after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Footer):
    """`Footer`, recomposed only when the shown keys, their labels or their states change."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def _signature(self, screen: Screen[object]) -> tuple[tuple[str, str, str, bool], ...]:
        return tuple(
            (binding.key, binding.action, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not (self.is_attached and screen is self.screen):
            return
        signature = self._signature(screen)
        if signature == self._shown and self._bindings_ready:
            return
        self._shown = signature
        super().bindings_changed(screen)
