"""LanguageManager: runtime switch, layout direction, Qt's own catalogue, plurals, fonts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.i18n import (
    ARABIC_FONT_FAMILY,
    LanguageManager,
    digit_mode_names,
    format_duration_words,
    format_number,
    initial_language,
    language_names,
    load_bundled_fonts,
)
from app.settings import Settings, load_settings


class Panel(QWidget):
    """The pattern every Liqaa widget follows."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.count)
        self.retranslations = 0
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.retranslations += 1
        self.title.setText(QCoreApplication.translate("Language", "English"))
        self.count.setText(format_number(1234))


def has_arabic_letters(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_switch_retranslates_widgets_and_flips_direction(
    qtbot: QtBot, qapp: QApplication, languages: LanguageManager
) -> None:
    panel = Panel()
    qtbot.addWidget(panel)
    panel.show()
    assert languages.language == "en"
    assert panel.title.text() == "English"
    assert panel.count.text() == "1,234"
    assert panel.layoutDirection() == Qt.LayoutDirection.LeftToRight

    with qtbot.waitSignal(languages.language_changed) as signal:
        languages.set_language("ar")
    assert signal.args == ["ar"]
    qtbot.waitUntil(lambda: panel.title.text() == "الإنجليزية")
    assert panel.count.text() == "١٬٢٣٤"
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert panel.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert panel.title.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert languages.is_rtl()

    languages.set_language("en")
    qtbot.waitUntil(lambda: panel.title.text() == "English")
    assert panel.count.text() == "1,234"
    assert panel.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_qtbase_catalogue_translates_standard_buttons(
    qtbot: QtBot, languages: LanguageManager
) -> None:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Cancel"
    languages.set_language("ar")
    qtbot.waitUntil(lambda: cancel.text() != "Cancel")
    assert has_arabic_letters(cancel.text())
    assert any(p.endswith("qtbase_ar.qm") for p in languages.loaded_catalogues())
    assert any(p.endswith("liqaa_ar.qm") for p in languages.loaded_catalogues())
    languages.set_language("en")
    qtbot.waitUntil(lambda: cancel.text() == "Cancel")
    assert not any(p.endswith("_ar.qm") for p in languages.loaded_catalogues())


def test_choice_is_saved_and_start_does_not_save(
    qapp: QApplication, settings: Settings, languages: LanguageManager
) -> None:
    assert settings.language is None  # start() applied English without recording a choice
    assert load_settings().language is None
    languages.set_language("ar")
    assert settings.language == "ar"
    assert load_settings().language == "ar"
    languages.set_arabic_indic_digits(False)
    assert load_settings().arabic_indic_digits is False
    languages.set_language("en", remember=False)
    assert load_settings().language == "ar"


def test_unknown_language_is_refused(languages: LanguageManager) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        languages.set_language("fr")
    assert languages.language == "en"


def test_digits_setting_reformats_widgets(qtbot: QtBot, languages: LanguageManager) -> None:
    panel = Panel()
    qtbot.addWidget(panel)
    languages.set_language("ar")
    qtbot.waitUntil(lambda: panel.count.text() == "١٬٢٣٤")
    before = panel.retranslations
    with qtbot.waitSignal(languages.language_changed):
        languages.set_arabic_indic_digits(False)
    qtbot.waitUntil(lambda: panel.count.text() == "1,234")
    assert panel.retranslations > before
    assert panel.title.text() == "الإنجليزية"
    languages.set_arabic_indic_digits(True)
    qtbot.waitUntil(lambda: panel.count.text() == "١٬٢٣٤")


def test_existing_widgets_take_the_new_locale(qtbot: QtBot, languages: LanguageManager) -> None:
    window = QWidget()
    spin = QSpinBox(window)  # created before the switch; formats with its own locale()
    spin.setRange(0, 5000)
    spin.setValue(1234)
    qtbot.addWidget(window)
    assert spin.text() == "1234"
    languages.set_language("ar")
    assert spin.locale().name() == "ar_EG"
    assert spin.text() == "١٢٣٤"
    languages.set_arabic_indic_digits(False)
    assert spin.locale().name() == "ar_AE"
    assert spin.text() == "1234"


def test_initial_language() -> None:
    assert initial_language(Settings(language="en"), QLocale("ar_SA")) == "en"
    assert initial_language(Settings(language="ar"), QLocale("en_US")) == "ar"
    assert initial_language(Settings(), QLocale("ar_SA")) == "ar"
    assert initial_language(Settings(), QLocale("ar_MA")) == "ar"
    assert initial_language(Settings(), QLocale("en_GB")) == "en"
    assert initial_language(Settings(), QLocale("fr_FR")) == "en"


def test_start_follows_saved_language(qapp: QApplication) -> None:
    manager = LanguageManager(Settings(language="ar"), save=None, system_locale=QLocale("en_US"))
    try:
        assert manager.start() == "ar"
        assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert QLocale().zeroDigit() == "٠"
    finally:
        manager.uninstall()
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "٠ دقيقة"),  # zero
        (1, "دقيقة واحدة"),  # one
        (2, "دقيقتان"),  # two
        (3, "٣ دقائق"),  # few: 3-10
        (10, "١٠ دقائق"),
        (11, "١١ دقيقة"),  # many: 11-99
        (99, "٩٩ دقيقة"),
        (100, "١٠٠ دقيقة"),  # other: 100-102
        (103, "١٠٣ دقائق"),  # few again (n % 100 in 3..10)
    ],
)
def test_arabic_plural_forms(languages: LanguageManager, n: int, expected: str) -> None:
    languages.set_language("ar")
    assert QCoreApplication.translate("Duration", "%Ln minute(s)", "", n) == expected
    if 0 < n < 60:
        assert format_duration_words(n * 60) == expected


def test_arabic_plural_forms_are_all_distinct_where_grammar_differs(
    languages: LanguageManager,
) -> None:
    languages.set_language("ar")
    texts = [QCoreApplication.translate("Duration", "%Ln hour(s)", "", n) for n in (1, 2, 3, 11)]
    assert texts == ["ساعة واحدة", "ساعتان", "٣ ساعات", "١١ ساعة"]
    assert format_duration_words(2 * 3600 + 5 * 60) == "ساعتان و٥ دقائق"
    languages.set_arabic_indic_digits(False)
    assert format_duration_words(45) == "45 ثانية"


def test_english_plural_forms(languages: LanguageManager) -> None:
    assert format_duration_words(60) == "1 minute"
    assert format_duration_words(120) == "2 minutes"
    assert format_duration_words(3600 + 60) == "1 hour 1 minute"
    assert format_duration_words(7) == "7 seconds"
    assert format_duration_words(0) == "0 seconds"


def test_language_names_show_each_language_in_itself(languages: LanguageManager) -> None:
    assert language_names() == {"ar": "\u2068العربية\u2069 (Arabic)", "en": "English"}
    assert digit_mode_names()[None] == "Follow the system"
    languages.set_language("ar")
    assert language_names() == {"ar": "العربية", "en": "\u2068English\u2069 (الإنجليزية)"}
    assert digit_mode_names() == {
        None: "حسب إعدادات النظام",
        True: "الأرقام العربية المشرقية (١٢٣)",
        False: "الأرقام الغربية (123)",
    }


def test_bundled_font_is_loaded_and_used_for_arabic(
    qapp: QApplication, languages: LanguageManager
) -> None:
    assert ARABIC_FONT_FAMILY in load_bundled_fonts()
    assert ARABIC_FONT_FAMILY in QFontDatabase.families()
    assert QFontDatabase.isSmoothlyScalable(ARABIC_FONT_FAMILY, "Bold")
    assert QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(ARABIC_FONT_FAMILY)
    assert QGuiApplication.font().families()[0] != ARABIC_FONT_FAMILY  # English: system first
    assert ARABIC_FONT_FAMILY in QGuiApplication.font().families()  # ... Arabic fallback
    languages.set_language("ar")
    families = QGuiApplication.font().families()
    assert families[0] == ARABIC_FONT_FAMILY
    assert len(families) > 1  # system font kept for Latin letters
    label = QLabel("اجتماع")
    assert label.font().families()[0] == ARABIC_FONT_FAMILY
    assert label.fontInfo().family() == ARABIC_FONT_FAMILY


def test_manager_before_start_changes_nothing(qapp: QApplication) -> None:
    manager = LanguageManager(Settings(), save=None)
    assert manager.language is None
    assert not manager.is_rtl()
    assert manager.layout_direction() == Qt.LayoutDirection.LeftToRight
    assert manager.loaded_catalogues() == []
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
