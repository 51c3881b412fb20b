"""A small dialog: choose a participant, and optionally say why (Remove / Report)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.meeting import MAX_REPORT_LENGTH
from app.i18n import isolate

__all__ = ["ParticipantPicker"]


class ParticipantPicker(QDialog):
    """``choices`` are (pid, name) pairs; ``with_reason`` adds a text box for a reason."""

    def __init__(
        self,
        title: str,
        prompt: str,
        accept_text: str,
        choices: list[tuple[str, str]],
        *,
        with_reason: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("participantPicker")
        self.setWindowTitle(title)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.combo = QComboBox()
        for pid, name in choices:
            self.combo.addItem(isolate(name), pid)
        self.reason_label = QLabel()
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(90)
        self.reason_label.setVisible(with_reason)
        self.reason.setVisible(with_reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(accept_text)
        self.ok_button.setEnabled(bool(choices))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.prompt)
        form.addRow(self.combo)
        form.addRow(self.reason_label)
        form.addRow(self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def select(self, pid: str) -> None:
        index = self.combo.findData(pid)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def chosen(self) -> str:
        return str(self.combo.currentData() or "")

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()[:MAX_REPORT_LENGTH]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.reason_label.setText(self.tr("What happened? (the host sees this)"))
        self.reason.setPlaceholderText(self.tr("Optional"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText(self.tr("Cancel"))
