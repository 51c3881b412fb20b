"""The questions the meeting window asks (confirmations, a number, a name, a person).

Every dialog is opened window-modal with ``open()`` and answers through a callback,
so no nested event loop runs and the meeting keeps updating behind it. The dialog on
screen is ``current`` (with its buttons by name in ``buttons``): tests click them
like a person would.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.ui.participant_picker import ParticipantPicker

__all__ = ["MeetingDialogs"]


class MeetingDialogs(QObject):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.current: QDialog | None = None
        self.buttons: dict[str, QPushButton] = {}

    def _open(self, dialog: QDialog) -> None:
        if self.current is not None:
            self.current.reject()
        self.current = dialog
        dialog.finished.connect(lambda _=0, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.current is dialog:
            self.current = None
            self.buttons = {}
        dialog.deleteLater()

    def confirm(
        self, title: str, text: str, accept_text: str, then: Callable[[], None]
    ) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self._parent)
        accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)

        def done() -> None:
            if box.clickedButton() is accept:
                then()

        box.finished.connect(done)
        self._open(box)
        self.buttons = {"accept": accept, "cancel": cancel}
        return box

    def ask_leave(
        self,
        *,
        can_end: bool,
        leave: Callable[[], None],
        end: Callable[[], None],
    ) -> QMessageBox:
        """The host's End button: end the meeting for all, or just leave."""
        box = QMessageBox(parent=self._parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Leave meeting"))
        if can_end:
            box.setText(
                self.tr("End the meeting for everyone, or leave and let it continue without you?")
            )
        else:
            box.setText(self.tr("Leave the meeting?"))
        buttons: dict[str, QPushButton] = {}
        if can_end:
            buttons["end"] = box.addButton(
                self.tr("End meeting for all"), QMessageBox.ButtonRole.DestructiveRole
            )
        buttons["leave"] = box.addButton(
            self.tr("Leave meeting"), QMessageBox.ButtonRole.AcceptRole
        )
        buttons["cancel"] = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(buttons["cancel"])
        box.setEscapeButton(buttons["cancel"])

        def done() -> None:
            clicked = box.clickedButton()
            if can_end and clicked is buttons["end"]:
                end()
            elif clicked is buttons["leave"]:
                leave()

        box.finished.connect(done)
        self._open(box)
        self.buttons = buttons
        return box

    def ask_int(
        self,
        title: str,
        label: str,
        value: int,
        minimum: int,
        maximum: int,
        then: Callable[[int], None],
    ) -> QInputDialog:
        dialog = QInputDialog(self._parent)
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setIntRange(minimum, maximum)
        dialog.setIntValue(value)
        dialog.setOkButtonText(self.tr("Save"))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.intValueSelected.connect(then)
        self._open(dialog)
        return dialog

    def ask_text(
        self, title: str, label: str, text: str, then: Callable[[str], None]
    ) -> QInputDialog:
        dialog = QInputDialog(self._parent)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.setOkButtonText(self.tr("Save"))
        dialog.setCancelButtonText(self.tr("Cancel"))

        def selected(value: str) -> None:
            if value.strip():
                then(value.strip())

        dialog.textValueSelected.connect(selected)
        self._open(dialog)
        return dialog

    def ask_participant(
        self,
        title: str,
        prompt: str,
        accept_text: str,
        choices: list[tuple[str, str]],
        then: Callable[[str, str], None],
        *,
        with_reason: bool = False,
    ) -> ParticipantPicker:
        picker = ParticipantPicker(
            title, prompt, accept_text, choices, with_reason=with_reason, parent=self._parent
        )

        def accepted() -> None:
            pid = picker.chosen()
            if pid:
                then(pid, picker.reason_text())

        picker.accepted.connect(accepted)
        self._open(picker)
        return picker
