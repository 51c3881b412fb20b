"""The full-window message shown instead of the meeting: connecting, in the
waiting room, or why the meeting is over for us (left, removed, ended...)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.client.state import Status
from app.core.errors import Code
from app.ui.notifications import closed_text
from app.ui.ui_icons import ui_icon

__all__ = ["StatusPage"]


class StatusPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusPage")
        self.status = Status.CONNECTING
        self.code = ""
        self.icon_label = QLabel()
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label = QLabel()
        self.message_label.setObjectName("statusMessage")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("secondaryLabel")
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_label.setWordWrap(True)
        self.button = QPushButton()
        self.button.setObjectName("statusButton")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.detail_label)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.retranslate_ui()

    def show_status(self, status: Status, code: str = "") -> None:
        self.status, self.code = status, code
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        icon = "waiting-room"
        detail = ""
        if self.status is Status.WAITING:
            message = self.tr("Please wait, the host will let you in soon")
            detail = self.tr("You are in the waiting room")
            button = self.tr("Leave")
        elif self.status is Status.CLOSED:
            message = closed_text(self.code)
            icon = "shield" if self.code in (Code.REMOVED, Code.DENIED) else "leave"
            button = self.tr("Close")
        elif self.status is Status.RECONNECTING:
            message = self.tr("Reconnecting…")
            button = self.tr("Leave")
        else:
            message = self.tr("Joining the meeting…")
            button = self.tr("Cancel")
        self.icon_label.setPixmap(ui_icon(icon).pixmap(56, 56))
        self.message_label.setText(message)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.button.setText(button)
