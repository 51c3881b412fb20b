"""A microphone input level meter (dBFS in, a bar out)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QProgressBar, QWidget

from app.i18n import format_number

#: The quietest level the meter shows; below it the bar is empty.
FLOOR_DB = -60.0


class LevelMeter(QProgressBar):
    """Fills from the leading edge (the right in Arabic) as the level rises."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 100)
        self.setTextVisible(False)
        self.setFixedHeight(10)
        self._db = -120.0
        self.set_level_db(self._db)

    @property
    def level_db(self) -> float:
        return self._db

    def set_level_db(self, db: float) -> None:
        self._db = db
        fraction = (max(FLOOR_DB, min(0.0, db)) - FLOOR_DB) / -FLOOR_DB
        self.setValue(round(fraction * 100))
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Microphone level"))
        self.setToolTip(self.tr("%1 dB").replace("%1", format_number(max(self._db, FLOOR_DB), 0)))
