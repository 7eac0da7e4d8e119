"""The command palette (ctrl+p): every hotline key of the current screen, by its name.

Built from the screen's active bindings rather than a second list, so a key added to a screen
is in the palette at once, with the same translated description as in the footer and help.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from hotline.i18n import t
from hotline.widgets.keys import hotline_keys


class HotlineCommands(Provider):
    """The hotline actions available on the screen the palette was opened over."""

    def _commands(self) -> Iterator[tuple[str, str, str, DOMNode]]:
        for binding, node in hotline_keys(self.screen):
            keys = self.app.get_key_display(binding)
            yield binding.description, binding.action, keys, node

    async def discover(self) -> Hits:
        for name, action, keys, node in self._commands():
            yield DiscoveryHit(name, partial(self.app.run_action, action, node),
                               help=t("palette.key", keys=keys))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, keys, node in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name),
                          partial(self.app.run_action, action, node),
                          help=t("palette.key", keys=keys))
