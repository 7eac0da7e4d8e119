"""Both catalogs say the same things: same keys, same placeholders."""

from __future__ import annotations

import pytest

from hotline.i18n import LOCALES, catalog, placeholders, set_locale, t


def test_every_locale_has_the_same_keys() -> None:
    keys = {locale: set(catalog(locale)) for locale in LOCALES}
    assert keys["zh_CN"] - keys["en"] == set(), "keys missing in en"
    assert keys["en"] - keys["zh_CN"] == set(), "keys missing in zh_CN"


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_placeholders_match_between_locales(key: str) -> None:
    assert placeholders(catalog("zh_CN")[key]) == placeholders(catalog("en")[key])


def test_t_fills_parameters_in_the_current_locale() -> None:
    set_locale("en")
    assert t("call.not_found", number="D01-1") == "no call numbered D01-1"
    assert t("call.not_found", "zh_CN", number="D01-1") == "没有单号为 D01-1 的来电"


def test_an_unknown_key_shows_itself_instead_of_crashing() -> None:
    assert t("no.such.key") == "no.such.key"


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError):
        set_locale("fr")
