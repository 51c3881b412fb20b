"""Shown once after "New meeting": the passcode and the host key, with copy buttons.

The host secret is never shown. The meeting ID appears only inside the invite the
host chooses to copy.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.client.state import HostedMeeting
from app.i18n import isolate_ltr

__all__ = ["HostedDialog"]


class HostedDialog(QDialog):
    def __init__(self, hosted: HostedMeeting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hosted = hosted
        self.setObjectName("hostedDialog")
        self.setModal(False)

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)

        self.passcode_label = QLabel()
        self.passcode_value = self._value(hosted.invite.passcode)
        self.passcode_value.setObjectName("passcodeValue")
        self.copy_passcode = QPushButton()
        self.copy_passcode.setObjectName("copyPasscode")
        self.host_key_label = QLabel()
        self.host_key_value = self._value(hosted.host_key)
        self.host_key_value.setObjectName("hostKeyValue")
        self.copy_host_key = QPushButton()
        self.copy_host_key.setObjectName("copyHostKey")

        grid = QGridLayout()
        grid.addWidget(self.passcode_label, 0, 0)
        grid.addWidget(self.passcode_value, 0, 1)
        grid.addWidget(self.copy_passcode, 0, 2)
        grid.addWidget(self.host_key_label, 1, 0)
        grid.addWidget(self.host_key_value, 1, 1)
        grid.addWidget(self.copy_host_key, 1, 2)
        grid.setColumnStretch(1, 1)

        self.host_key_note = QLabel()
        self.host_key_note.setWordWrap(True)
        self.once_note = QLabel()
        self.once_note.setWordWrap(True)
        self.once_note.setStyleSheet("color: palette(mid);")
        self.copied = QLabel()
        self.copied.setObjectName("copiedFeedback")

        self.copy_invite = QPushButton()
        self.copy_invite.setObjectName("copyInvite")
        self.copy_invite.setDefault(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copy_invite)
        bottom.addWidget(self.copied, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(grid)
        layout.addWidget(self.host_key_note)
        layout.addWidget(self.once_note)
        layout.addLayout(bottom)

        self.copy_passcode.clicked.connect(
            lambda: self._copy(hosted.invite.passcode, self._passcode_copied)
        )
        self.copy_host_key.clicked.connect(lambda: self._copy(hosted.host_key, self._key_copied))
        self.copy_invite.clicked.connect(
            lambda: self._copy(hosted.invite.link(), self._invite_copied)
        )
        self._feedback: str | None = None
        self._clear_feedback = QTimer(self)
        self._clear_feedback.setSingleShot(True)
        self._clear_feedback.setInterval(4000)
        self._clear_feedback.timeout.connect(self._forget_feedback)
        self.retranslate_ui()

    @staticmethod
    def _value(text: str) -> QLabel:
        label = QLabel(isolate_ltr(text))
        font = label.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        label.setFont(font)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _copy(self, text: str, feedback: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self._feedback = feedback
        self._clear_feedback.start()
        self.retranslate_ui()

    def _forget_feedback(self) -> None:
        self._feedback = None
        self.retranslate_ui()

    # Which confirmation to show (kept as a key, translated when shown).
    _passcode_copied = "passcode"
    _key_copied = "host_key"
    _invite_copied = "invite"

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Your meeting is ready"))
        self.title.setText(self.tr("Your meeting is ready"))
        self.intro.setText(
            self.tr(
                "Send the invite link to the people you want to meet. They also need the "
                "passcode if they type the meeting details by hand."
            )
        )
        self.passcode_label.setText(self.tr("Passcode:"))
        if not self.hosted.invite.passcode:
            self.passcode_value.setText(self.tr("No passcode"))
            self.copy_passcode.setEnabled(False)
        self.host_key_label.setText(self.tr("Host key:"))
        self.copy_passcode.setText(self.tr("Copy", "copy the passcode"))
        self.copy_passcode.setAccessibleName(self.tr("Copy the passcode"))
        self.copy_host_key.setText(self.tr("Copy", "copy the host key"))
        self.copy_host_key.setAccessibleName(self.tr("Copy the host key"))
        self.copied.setAccessibleName(self.tr("Status"))
        self.copy_invite.setText(self.tr("Copy invite"))
        self.host_key_note.setText(
            self.tr(
                "With the host key you can claim the host role from another device. "
                "Keep it to yourself."
            )
        )
        self.once_note.setText(
            self.tr("Liqaa shows the passcode and the host key only this once: copy them now.")
        )
        if self._feedback == self._passcode_copied:
            self.copied.setText(self.tr("Passcode copied"))
        elif self._feedback == self._key_copied:
            self.copied.setText(self.tr("Host key copied"))
        elif self._feedback == self._invite_copied:
            self.copied.setText(self.tr("Invite link copied"))
        else:
            self.copied.setText("")
