"""Phone numbers: validated and normalised with `phonenumbers` (CN is the default region).

The normalised form (E.164) is what the store keeps and what a customer's id derives from, so
`138-0013-8000`, `+86 138 0013 8000` and `13800138000` are one caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from hotline.errors import InputRefused

DEFAULT_REGION = "CN"


@dataclass(frozen=True)
class Phone:
    e164: str
    extension: str | None = None

    @property
    def national_digits(self) -> str:
        """The number as a caller says it: `13800138000`, `01012345678`."""
        parsed = phonenumbers.parse(self.e164)
        return phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL
        ).replace(" ", "").replace("-", "")

    @property
    def stored(self) -> str:
        return f"{self.e164};ext={self.extension}" if self.extension else self.e164


def normalize_phone(raw: str) -> Phone:
    """Parse what an agent typed into a phone number.

    Accepts mobiles, landlines with area code, `+86`/`0086` prefixes, spaces and dashes, and an
    extension after `ext`, `x`, `#` or `转`.

    Raises:
        InputRefused: not a valid number (the message names what was typed).
    """
    text = raw.strip().replace("转", " ext ").replace("#", " ext ")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InputRefused("phone.invalid", value=raw) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InputRefused("phone.invalid", value=raw)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164, parsed.extension or None)


def mask(e164: str) -> str:
    """A phone for lists, where a passer-by may read the screen: `138****8000`."""
    digits = Phone(e164.split(";")[0]).national_digits if e164.startswith("+") else e164
    if len(digits) <= 7:
        return digits[:2] + "*" * max(0, len(digits) - 4) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def display(e164: str) -> str:
    """A phone as the agent reads it on the call screen (national digits)."""
    number, _, ext = e164.partition(";ext=")
    digits = Phone(number).national_digits if number.startswith("+") else number
    return f"{digits} ext {ext}" if ext else digits


def stored_prefix(typed: str) -> str:
    """The beginning of a stored (E.164) number from the digits typed so far, for lookups as
    the agent types: `021…` is `+8621…`, `138…` is `+86138…`, `0086…` and `+…` are kept."""
    raw = typed.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.startswith("+"):
        return "+" + digits
    return "+86" + (digits[1:] if digits.startswith("0") else digits)
