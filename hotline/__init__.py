"""hotline: a keyboard-first terminal workstation for after-sales hotline desks.

Nothing is imported eagerly here: `hotline --help` and the CLI must start without paying for
Textual or sqlite-utils (STYLE.md practice 18).
"""

__version__ = "0.1.0"
