"""The UI languages Liqaa ships, how one is chosen, and which QLocale formats for it.

Language names in menus: each language is listed under its *own* name (its endonym:
"English", "العربية"), so that a person who cannot read the current UI language still
finds theirs. When the current UI language calls it something else, that name follows
in parentheses: in the English UI the menu reads "English" / "العربية (Arabic)", in the
Arabic UI "English (الإنجليزية)" / "العربية". The endonyms are never translated; the
names in parentheses go through Qt's translation files (context "Language").
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, QLocale

from app.i18n.bidi import isolate
from app.settings import LANGUAGES, Settings

__all__ = [
    "ARABIC_INDIC_ZERO",
    "LANGUAGES",
    "NATIVE_LANGUAGE_NAMES",
    "digit_mode_names",
    "initial_language",
    "language_names",
    "locale_for",
    "uses_arabic_indic_digits",
]

# Each language's name in that language (never translated).
NATIVE_LANGUAGE_NAMES: Final = {"en": "English", "ar": "العربية"}

ARABIC_INDIC_ZERO: Final = "\u0660"  # ٠

# Pinned on Qt 6.12 (CLDR 46) by tests/i18n/test_formatting.py:
# QLocale("ar") is ar_EG, Arabic-Indic digits: 1234567.89 -> ١٬٢٣٤٬٥٦٧٫٨٩
# QLocale("ar_AE") keeps Latin digits:          1234567.89 -> 1,234,567.89
_ARABIC_INDIC_LOCALE: Final = "ar_EG"
_LATIN_ARABIC_LOCALE: Final = "ar_AE"
_ENGLISH_LOCALE: Final = "en_US"


def _translated_language_name(code: str) -> str:
    # Spelled out (not a dict of tr() calls at import time) so lupdate sees each
    # string and the lookup happens in the language that is current now.
    if code == "ar":
        return QCoreApplication.translate("Language", "Arabic")
    return QCoreApplication.translate("Language", "English")


def language_names() -> dict[str, str]:
    """Menu labels for the UI languages, in the current UI language (see module doc)."""
    labels: dict[str, str] = {}
    for code in LANGUAGES:
        native = NATIVE_LANGUAGE_NAMES[code]
        translated = _translated_language_name(code)
        if translated == native:
            labels[code] = native
        else:
            labels[code] = (
                QCoreApplication.translate(
                    "Language",
                    "%1 (%2)",
                    "language menu: the language's own name, then its name in the UI language",
                )
                .replace("%1", isolate(native))
                .replace("%2", translated)
            )
    return labels


def digit_mode_names() -> dict[bool | None, str]:
    """Labels for the Arabic digit choice (``Settings.arabic_indic_digits``)."""
    return {
        None: QCoreApplication.translate("Language", "Follow the system"),
        True: QCoreApplication.translate("Language", "Arabic-Indic digits (%1)").replace(
            "%1", "١٢٣"
        ),
        False: QCoreApplication.translate("Language", "Western digits (%1)").replace("%1", "123"),
    }


def uses_arabic_indic_digits(locale: QLocale) -> bool:
    return locale.zeroDigit() == ARABIC_INDIC_ZERO


def _is_arabic(locale: QLocale) -> bool:
    if locale.language() == QLocale.Language.Arabic:
        return True
    ui_languages = locale.uiLanguages()
    return bool(ui_languages) and ui_languages[0].split("-")[0].split("_")[0] == "ar"


def initial_language(settings: Settings, system_locale: QLocale | None = None) -> str:
    """The language to start in: the saved choice, else Arabic on an Arabic system, else English."""
    if settings.language in LANGUAGES:
        return settings.language
    system = QLocale.system() if system_locale is None else system_locale
    return "ar" if _is_arabic(system) else "en"


def locale_for(
    language: str,
    arabic_indic_digits: bool | None = None,
    system_locale: QLocale | None = None,
) -> QLocale:
    """The QLocale that formats numbers, times and ``%Ln`` for a UI language.

    English: the system locale if it is an English one, else en_US.
    Arabic: ``arabic_indic_digits`` True -> Arabic-Indic digits (١٬٢٣٤), False -> Latin
    digits (1,234); the system's own Arabic locale is kept whenever its digits already
    match. ``None`` follows the system: its Arabic locale as is (ar_MA has Latin digits,
    ar_SA Arabic-Indic), or for a non-Arabic system Qt's default for Arabic (ar_EG,
    Arabic-Indic digits). The digits setting has no effect on English.
    """
    system = QLocale.system() if system_locale is None else system_locale
    if language != "ar":
        if system.language() == QLocale.Language.English:
            return system
        return QLocale(_ENGLISH_LOCALE)
    system_is_arabic = system.language() == QLocale.Language.Arabic
    if arabic_indic_digits is None:
        return system if system_is_arabic else QLocale(_ARABIC_INDIC_LOCALE)
    if system_is_arabic and uses_arabic_indic_digits(system) == arabic_indic_digits:
        return system
    return QLocale(_ARABIC_INDIC_LOCALE if arabic_indic_digits else _LATIN_ARABIC_LOCALE)
