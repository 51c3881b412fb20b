"""The bundled Arabic UI font (Noto Sans Arabic, SIL OFL; see resources/fonts/)."""

from __future__ import annotations

import logging
from typing import Final

from PySide6.QtGui import QFont, QFontDatabase

from app.resources import resource_path

__all__ = ["ARABIC_FONT_FAMILY", "FONT_FILES", "font_for_language", "load_bundled_fonts"]

log = logging.getLogger(__name__)

ARABIC_FONT_FAMILY: Final = "Noto Sans Arabic"
FONT_FILES: Final = ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")

_loaded: list[str] | None = None


def load_bundled_fonts() -> list[str]:
    """Register the bundled fonts with Qt (once per process); returns their families.

    Needs a QGuiApplication. A missing or unreadable file is logged and skipped: the UI
    then falls back to the system's fonts.
    """
    global _loaded
    if _loaded is not None:
        return list(_loaded)
    families: list[str] = []
    for name in FONT_FILES:
        path = resource_path("resources", "fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("fonts: could not load %s", path)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    _loaded = families
    return list(families)


def font_for_language(language: str, base: QFont) -> QFont:
    """The application font for a UI language, built on the system font ``base``.

    Arabic puts Noto Sans Arabic first and keeps the system families after it, for the
    Latin letters Noto Sans Arabic does not have. English keeps the system font first and
    adds Noto Sans Arabic as a fallback for Arabic names and chat when the system font
    has no Arabic letters.
    """
    font = QFont(base)
    families = [f for f in base.families() or [base.family()] if f != ARABIC_FONT_FAMILY]
    if ARABIC_FONT_FAMILY not in QFontDatabase.families():
        return font
    if language == "ar":
        font.setFamilies([ARABIC_FONT_FAMILY, *families])
    else:
        font.setFamilies([*families, ARABIC_FONT_FAMILY])
    return font
