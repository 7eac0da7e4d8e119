"""Errors a person can act on: a catalog key, its parameters, and the CLI exit code.

Services raise these; a screen turns one into a notification and the CLI into
`hotline: error: …` with `exit_code` (DESIGN.md section 8: 1 usage/config, 2 input refused,
3 not allowed). Nothing else is allowed to reach a person.
"""

from __future__ import annotations


class HotlineError(Exception):
    """A refusal with a message key from the i18n catalogs."""

    exit_code = 1

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, locale: str | None = None) -> str:
        from hotline.i18n import t

        return t(self.key, locale, **self.params)

    def __str__(self) -> str:
        return self.message()


class UsageError(HotlineError):
    """Bad usage or configuration: exit code 1."""

    exit_code = 1


class ConfigError(UsageError):
    """hotline.toml is missing or invalid; the message names the file, the key and the problem."""


class InputRefused(HotlineError):
    """A value, CSV row or bundle was refused and nothing was written: exit code 2."""

    exit_code = 2


class NotAllowed(HotlineError):
    """The signed-in agent's role does not allow this: exit code 3."""

    exit_code = 3
