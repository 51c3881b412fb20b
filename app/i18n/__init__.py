"""Languages for Liqaa: translators, locale, layout direction and fonts, in one place.

Start-up::

    app = QApplication(sys.argv)
    settings = load_settings()
    languages = LanguageManager(settings)
    languages.start()            # fonts, saved or system language, direction, translators
    ...
    languages.set_language("ar")  # runtime switch; widgets get LanguageChange

How to write translatable widgets and run the translation tool: ``app/i18n/README.md``.
"""

from app.i18n.bidi import isolate, isolate_ltr, strip_bidi_controls
from app.i18n.fonts import ARABIC_FONT_FAMILY, font_for_language, load_bundled_fonts
from app.i18n.formatting import (
    format_count,
    format_duration,
    format_duration_words,
    format_number,
    format_time,
    localize_digits,
)
from app.i18n.icons import directional_icon, icon_path
from app.i18n.languages import (
    LANGUAGES,
    NATIVE_LANGUAGE_NAMES,
    digit_mode_names,
    initial_language,
    language_names,
    locale_for,
    uses_arabic_indic_digits,
)
from app.i18n.manager import LanguageManager, qt_translations_dir

__all__ = [
    "ARABIC_FONT_FAMILY",
    "LANGUAGES",
    "NATIVE_LANGUAGE_NAMES",
    "LanguageManager",
    "digit_mode_names",
    "directional_icon",
    "font_for_language",
    "format_count",
    "format_duration",
    "format_duration_words",
    "format_number",
    "format_time",
    "icon_path",
    "initial_language",
    "isolate",
    "isolate_ltr",
    "language_names",
    "load_bundled_fonts",
    "locale_for",
    "localize_digits",
    "qt_translations_dir",
    "strip_bidi_controls",
    "uses_arabic_indic_digits",
]
