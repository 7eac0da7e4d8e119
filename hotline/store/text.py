"""Text hygiene at the store boundary: what is stored can be shown safely anywhere.

Rich and Textual strip only a few control codes; ESC and C1 CSI would reach the agent's
terminal byte stream (STYLE.md 3.3). Every string entering the store passes here once.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: str) -> str:
    """`value` without C0 controls (tab and newline kept), DEL and C1 controls."""
    return _CONTROL.sub("", value)


def clean_value(value: object) -> object:
    """`clean` applied to every string inside a JSON-like value."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value
