"""Phone numbers as agents type them, as the store keeps them, and as lists show them."""

from __future__ import annotations

import pytest

from hotline.errors import InputRefused
from hotline.services.phones import display, mask, normalize_phone, stored_prefix


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("010-62345678", "+861062345678"),
        ("0755 2345 6789", "+8675523456789"),
        ("01062345678转801", "+861062345678;ext=801"),
    ],
)
def test_one_caller_whatever_the_spelling(typed: str, stored: str) -> None:
    assert normalize_phone(typed).stored == stored


@pytest.mark.parametrize("typed", ["", "12345", "138001380001234", "abc", "[b]138[/b]"])
def test_invalid_numbers_are_refused_by_name(typed: str) -> None:
    with pytest.raises(InputRefused) as err:
        normalize_phone(typed)
    assert err.value.key == "phone.invalid"


def test_lists_mask_and_the_call_screen_shows_digits() -> None:
    assert mask("+8613800138000") == "138****8000"
    assert display("+861062345678;ext=801") == "01062345678 ext 801"


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [("138", "+86138"), ("021", "+8621"), ("0086138", "+86138"), ("+852", "+852"),
     ("138-00", "+8613800")],
)
def test_a_prefix_typed_so_far_matches_the_stored_form(typed: str, prefix: str) -> None:
    assert stored_prefix(typed) == prefix
