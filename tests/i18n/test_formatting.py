"""Locale formatting: which QLocale gives which digits on this Qt, and the helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QLocale

from app.i18n import (
    format_count,
    format_duration,
    format_number,
    format_time,
    locale_for,
    localize_digits,
    uses_arabic_indic_digits,
)
from app.i18n.bidi import LRI, PDI

ARABIC_INDIC = QLocale("ar")  # resolves to ar_EG
LATIN_ARABIC = QLocale("ar_AE")
ENGLISH = QLocale("en_US")


# -- what Qt 6.12 (CLDR) does: pinned, because the digit choice relies on it ------------


def test_qlocale_ar_is_egyptian_with_arabic_indic_digits() -> None:
    assert ARABIC_INDIC.name() == "ar_EG"
    assert ARABIC_INDIC.zeroDigit() == "٠"
    assert ARABIC_INDIC.toString(1234567.89, "f", 2) == "١٬٢٣٤٬٥٦٧٫٨٩"
    assert ARABIC_INDIC.toString(1234) == "١٬٢٣٤"


@pytest.mark.parametrize("name", ["ar_AE", "ar_001", "ar_EH"])
def test_latin_digit_arabic_locales(name: str) -> None:
    locale = QLocale(name)
    assert locale.language() == QLocale.Language.Arabic
    assert locale.toString(1234567.89, "f", 2) == "1,234,567.89"


@pytest.mark.parametrize("name", ["ar_MA", "ar_DZ", "ar_TN", "ar_LY"])
def test_maghreb_locales_use_latin_digits_and_european_separators(name: str) -> None:
    assert QLocale(name).toString(1234567.89, "f", 2) == "1.234.567,89"


@pytest.mark.parametrize("name", ["ar_SA", "ar_EG", "ar_JO", "ar_IQ", "ar_KW", "ar_SY", "ar_QA"])
def test_arabic_indic_locales(name: str) -> None:
    assert QLocale(name).toString(1234567.89, "f", 2) == "١٬٢٣٤٬٥٦٧٫٨٩"


# -- which locale the app picks ---------------------------------------------------------


def test_locale_for_english() -> None:
    assert locale_for("en", None, QLocale("ar_SA")).name() == "en_US"
    assert locale_for("en", True, QLocale("en_GB")).name() == "en_GB"


@pytest.mark.parametrize(
    ("digits", "system", "expected"),
    [
        (True, "en_US", "ar_EG"),
        (False, "en_US", "ar_AE"),
        (None, "en_US", "ar_EG"),  # not an Arabic system: CLDR's default for Arabic
        (None, "ar_MA", "ar_MA"),  # follow the system: Latin digits
        (None, "ar_SA", "ar_SA"),  # follow the system: Arabic-Indic digits
        (True, "ar_SA", "ar_SA"),  # the system already has the wanted digits
        (False, "ar_MA", "ar_MA"),
        (False, "ar_SA", "ar_AE"),
        (True, "ar_MA", "ar_EG"),
    ],
)
def test_locale_for_arabic(digits: bool | None, system: str, expected: str) -> None:
    locale = locale_for("ar", digits, QLocale(system))
    assert locale.name() == expected
    if digits is not None:
        assert uses_arabic_indic_digits(locale) is digits


# -- helpers, in both digit modes ---------------------------------------------------------


def test_format_number() -> None:
    assert format_number(1234, locale=ARABIC_INDIC) == "١٬٢٣٤"
    assert format_number(1234, locale=LATIN_ARABIC) == "1,234"
    assert format_number(1234, locale=ENGLISH) == "1,234"
    assert format_number(1234567.89, locale=ARABIC_INDIC) == "١٬٢٣٤٬٥٦٧٫٨٩"
    assert format_number(1234567.89, locale=LATIN_ARABIC) == "1,234,567.89"
    assert format_number(0.5, decimals=2, locale=ARABIC_INDIC) == "٠٫٥٠"
    assert format_number(3.0, locale=ENGLISH) == "3"
    assert format_number(-42, locale=ENGLISH) == "-42"


def test_format_number_uses_default_locale() -> None:
    saved = QLocale()
    try:
        QLocale.setDefault(ARABIC_INDIC)
        assert format_number(2025) == "٢٬٠٢٥"
        QLocale.setDefault(LATIN_ARABIC)
        assert format_number(2025) == "2,025"
    finally:
        QLocale.setDefault(saved)


def test_format_duration() -> None:
    assert format_duration(5025, ARABIC_INDIC) == "٠١:٢٣:٤٥"
    assert format_duration(5025, LATIN_ARABIC) == "01:23:45"
    assert format_duration(5025, ENGLISH) == "01:23:45"
    assert format_duration(59.9, ENGLISH) == "00:00:59"
    assert format_duration(-3, ENGLISH) == "00:00:00"
    assert format_duration(100 * 3600 + 1, ENGLISH) == "100:00:01"


def test_format_count() -> None:
    assert format_count(7, locale=ARABIC_INDIC) == "٧"
    assert format_count(1500, locale=LATIN_ARABIC) == "1,500"
    assert format_count(99, 99, locale=ENGLISH) == "99"
    assert format_count(150, 99, locale=ENGLISH) == LRI + "99+" + PDI
    assert format_count(150, 99, locale=ARABIC_INDIC) == LRI + "٩٩+" + PDI


def test_format_time() -> None:
    t = dt.time(13, 5, 9)
    assert format_time(t, locale=ARABIC_INDIC) == "١:٠٥ م"
    assert format_time(t, locale=LATIN_ARABIC) == "1:05 م"
    assert format_time(t, locale=QLocale("ar_MA")) == "13:05"
    assert format_time(t, locale=ENGLISH) == "1:05\u202fPM"
    assert format_time(t, seconds=True, locale=ENGLISH) == "1:05:09\u202fPM"
    assert format_time(dt.datetime(2025, 1, 2, 13, 5), locale=ARABIC_INDIC) == "١:٠٥ م"
    aware = dt.datetime(2025, 1, 2, 13, 5, tzinfo=dt.UTC)
    local = aware.astimezone().time()
    assert format_time(aware, locale=ENGLISH) == format_time(local, locale=ENGLISH)


def test_localize_digits() -> None:
    assert localize_digits("Room 12-30", ARABIC_INDIC) == "Room ١٢-٣٠"
    assert localize_digits("Room 12-30", LATIN_ARABIC) == "Room 12-30"
