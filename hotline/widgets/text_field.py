"""A one-line text box that does not re-lay-out the whole screen on every key.

Textual's `Input` keeps its virtual width equal to the text's width (the range it can scroll
sideways), and `virtual_size` is a reactive that asks for a layout of the *whole screen* when it
changes — on every character typed. On a form with a few dozen widgets (intake: fields, labels,
marks, caller panel, script panel, footer) that layout is most of the time a key takes to reach
the screen. An input's virtual size only bounds its own horizontal scrolling, which is computed
from it on demand, so a repaint is enough: typing, scrolling and the cursor behave the same
(checked against `Input` in `tests/test_text_field.py`).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class TextField(Input):
    """`Input`, minus a screen layout per keystroke."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
