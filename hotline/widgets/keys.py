"""Key bindings whose footer texts follow the desk's locale.

Textual merges a class's BINDINGS once, when the class is created, and footers show the
`description` as written. Our BINDINGS hold catalog keys (`"keys.help"`) instead of words;
`@localized` classes get their merged bindings translated, again each time `relabel()` runs
after the locale changes (once per process in the app; per test in the suite). This is the one
place that touches Textual's merged-bindings cache, pinned with `textual==8.2.8`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TypeVar

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen

from hotline.i18n import t

N = TypeVar("N", bound=type[DOMNode])
_REGISTRY: list[type[DOMNode]] = []


def _translate(cls: type[DOMNode]) -> None:
    merged = cls._merge_bindings()
    cls._merged_bindings = BindingsMap.from_keys(
        {
            key: [replace(b, description=t(b.description)) if b.description else b for b in group]
            for key, group in merged.key_to_bindings.items()
        }
    )


def localized(cls: N) -> N:
    """Class decorator: the class's binding descriptions are catalog keys."""
    _REGISTRY.append(cls)
    _translate(cls)
    return cls


def relabel() -> None:
    """Translate every `@localized` class's bindings into the current locale."""
    for cls in _REGISTRY:
        _translate(cls)


def hotline_keys(screen: Screen[object]) -> Iterator[tuple[Binding, DOMNode]]:
    """The keys of `screen` that hotline defines (they all have ids), once per action, with
    the node that handles each: what F1 help and the command palette list.

    The editing keys of Textual's own widgets are left out: they are what any text box does,
    and would bury the call-desk keys.
    """
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        yield binding, active.node
