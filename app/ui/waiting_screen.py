"""The waiting room, as a guest sees it: wait for the host, or leave."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.i18n import isolate

__all__ = ["WaitingScreen"]


class WaitingScreen(QWidget):
    """A window of its own; ``leave_requested`` when the user leaves or closes it."""

    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingScreen")
        self._name = ""
        self._leaving = False

        self.title = QLabel()
        self.title.setObjectName("waitingTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.detail = QLabel()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: something is going on
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(240)
        self.leave_button = QPushButton()
        self.leave_button.setObjectName("leaveWaitingRoom")
        self.leave_button.clicked.connect(self._leave)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addSpacing(16)
        layout.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(16)
        layout.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.resize(560, 360)
        self.retranslate_ui()

    def set_name(self, name: str) -> None:
        """The name the host sees in the waiting room."""
        self._name = name
        self.retranslate_ui()

    def reset(self) -> None:
        self._leaving = False
        self.leave_button.setEnabled(True)

    def _leave(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        self.leave_button.setEnabled(False)
        self.leave_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible():
            self._leave()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Waiting room - Liqaa"))
        self.title.setText(self.tr("Please wait, the host will let you in soon"))
        if self._name:
            self.detail.setText(
                self.tr("The host sees you in the waiting room as %1.").replace(
                    "%1", isolate(self._name)
                )
            )
        else:
            self.detail.setText(self.tr("The host sees you in the waiting room."))
        self.busy.setAccessibleName(self.tr("Waiting for the host"))
        self.leave_button.setText(self.tr("Leave"))
