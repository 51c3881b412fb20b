"""``LanguageManager``: the one owner of translators, default locale, layout direction and
application font.

Switching language at runtime works the Qt way. Installing or removing a QTranslator
makes Qt send ``QEvent.LanguageChange`` to every widget; each widget therefore
implements::

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

where ``retranslate_ui()`` sets *every* user-visible string (and anything else that
depends on the language: formatted numbers, directional icons) and is safe to call any
number of times. Widgets never store translated text; they call ``retranslate_ui()`` once
from ``__init__`` too. The layout direction is set explicitly here (right-to-left for
Arabic) before the translators change, so ``retranslate_ui()`` already sees it; widgets
that have not set their own direction follow it, so a widget never sets it itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication

from app.i18n.fonts import font_for_language, load_bundled_fonts
from app.i18n.languages import initial_language, locale_for
from app.resources import resource_path
from app.settings import LANGUAGES, Settings, load_settings, save_settings

__all__ = ["LanguageManager", "qt_translations_dir"]

log = logging.getLogger(__name__)


def qt_translations_dir() -> Path:
    """Where Qt's own catalogues (``qtbase_ar.qm``) are: PySide6's, or the bundle's."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


class LanguageManager(QObject):
    """Loads Liqaa's and Qt's translations and applies a UI language to the application.

    Create it once, after the QApplication, and call :meth:`start`. ``settings`` is the
    application's settings object (shared: the chosen language and digits are written
    into it and saved with ``save``, which is ``app.settings.save_settings`` by default;
    pass ``save=None`` to keep them in memory only).
    """

    # Emitted with the language code ("ar", "en") after a switch is complete, and after
    # a change of the digits setting.
    language_changed = Signal(str)

    def __init__(
        self,
        settings: Settings | None = None,
        parent: QObject | None = None,
        *,
        save: Callable[[Settings], object] | None = save_settings,
        translations_dir: Path | None = None,
        qt_translations: Path | None = None,
        system_locale: QLocale | None = None,
    ) -> None:
        super().__init__(parent)
        if QCoreApplication.instance() is None:
            raise RuntimeError("LanguageManager needs a QApplication first")
        self._settings = load_settings() if settings is None else settings
        self._save = save
        self._translations_dir = (
            resource_path("translations") if translations_dir is None else translations_dir
        )
        self._qt_translations_dir = (
            qt_translations_dir() if qt_translations is None else qt_translations
        )
        self._system_locale = QLocale.system() if system_locale is None else system_locale
        self._translators: list[QTranslator] = []
        self._language: str | None = None
        self._initial_locale = QLocale()
        self._initial_direction: Qt.LayoutDirection | None = None
        self._base_font: QFont | None = None

    # -- queries ------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def language(self) -> str | None:
        """The applied language, or None before :meth:`start` / :meth:`set_language`."""
        return self._language

    def locale(self) -> QLocale:
        """The locale that formats numbers and times now (also ``QLocale()``)."""
        return QLocale()

    def is_rtl(self) -> bool:
        return self._language == "ar"

    def layout_direction(self) -> Qt.LayoutDirection:
        return Qt.LayoutDirection.RightToLeft if self.is_rtl() else Qt.LayoutDirection.LeftToRight

    def loaded_catalogues(self) -> list[str]:
        """File paths of the installed translators (for diagnostics and tests)."""
        return [t.filePath() for t in self._translators]

    # -- actions ------------------------------------------------------------------------

    def start(self) -> str:
        """Load the bundled fonts and apply the initial language (not saved: the user has
        not chosen it yet if the settings say ``None``). Returns the language."""
        if isinstance(QCoreApplication.instance(), QGuiApplication):
            load_bundled_fonts()
        language = initial_language(self._settings, self._system_locale)
        self._apply(language)
        return language

    def set_language(self, language: str, *, remember: bool = True) -> None:
        """Switch the whole UI to ``language`` ("ar" or "en") now, without a restart.

        With ``remember`` the choice is written to the settings and saved.
        """
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
        if language != self._language:
            self._apply(language)
        if remember and self._settings.language != language:
            self._settings.language = language
            self._persist()

    def set_arabic_indic_digits(self, value: bool | None) -> None:
        """Choose Arabic-Indic (True), Latin (False) or the system's (None) digits for the
        Arabic UI; widgets are told through ``LanguageChange`` so they reformat."""
        if self._settings.arabic_indic_digits != value:
            self._settings.arabic_indic_digits = value
            self._persist()
        if self._language is None:
            return
        self._set_default_locale(self._language)
        app = QCoreApplication.instance()
        if app is not None:
            QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
        self.language_changed.emit(self._language)

    def uninstall(self) -> None:
        """Remove the translators and restore the locale, direction and font found at
        construction (for shutdown and tests)."""
        self._remove_translators()
        QLocale.setDefault(self._initial_locale)
        app = QCoreApplication.instance()
        if app is not None:
            QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LocaleChange))
        if isinstance(QCoreApplication.instance(), QGuiApplication):
            if self._initial_direction is not None:
                QGuiApplication.setLayoutDirection(self._initial_direction)
            if self._base_font is not None:
                QGuiApplication.setFont(self._base_font)
        self._language = None

    # -- internals ----------------------------------------------------------------------

    def _locale_for(self, language: str) -> QLocale:
        return locale_for(language, self._settings.arabic_indic_digits, self._system_locale)

    def _set_default_locale(self, language: str) -> None:
        QLocale.setDefault(self._locale_for(language))
        # Widgets resolve their locale() once; LocaleChange makes QApplication hand the
        # new default to every widget that has not set its own (spin boxes, calendars).
        app = QCoreApplication.instance()
        if app is not None:
            QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LocaleChange))

    def _persist(self) -> None:
        if self._save is not None:
            self._save(self._settings)

    def _apply(self, language: str) -> None:
        # Locale, direction and font first: the LanguageChange events that the translator
        # changes send make widgets retranslate, and they must see the final state.
        self._set_default_locale(language)
        if isinstance(QCoreApplication.instance(), QGuiApplication):
            if self._initial_direction is None:
                self._initial_direction = QGuiApplication.layoutDirection()
            if self._base_font is None:
                self._base_font = QGuiApplication.font()
            QGuiApplication.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft
                if language == "ar"
                else Qt.LayoutDirection.LeftToRight
            )
            QGuiApplication.setFont(font_for_language(language, self._base_font))
        self._remove_translators()
        for directory, name in (
            (self._qt_translations_dir, f"qtbase_{language}.qm"),
            (self._translations_dir, f"liqaa_{language}.qm"),
        ):
            self._install(directory / name)
        self._language = language
        self.language_changed.emit(language)

    def _install(self, path: Path) -> None:
        translator = QTranslator(self)
        if not path.is_file() or not translator.load(str(path)):
            # English needs no catalogue for most strings; a missing Arabic one is a
            # packaging bug, but the app must still start.
            log.warning("i18n: cannot load translations %s", path)
            translator.deleteLater()
            return
        QCoreApplication.installTranslator(translator)
        self._translators.append(translator)

    def _remove_translators(self) -> None:
        while self._translators:
            translator = self._translators.pop()
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()
