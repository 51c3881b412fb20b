"""The start screen: new meeting, join, test meeting, settings and language.

It only validates what the user typed and says what it wants (signals); the app
controller (``app.ui.application``) talks to the session bridge.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import Code
from app.core.ids import MEETING_ID_DIGITS, is_meeting_id, normalize_meeting_id
from app.core.invite import Invite, InviteError, parse_invite, parse_server_address
from app.i18n import LANGUAGES, LanguageManager, format_number, isolate_ltr, language_names
from app.settings import Settings, save_settings
from app.ui.join_errors import join_failure_message

__all__ = ["StartWindow", "ascii_digits"]

_DIGITS = {ord("٠") + d: str(d) for d in range(10)} | {ord("۰") + d: str(d) for d in range(10)}
_FINGERPRINT_CHARS = set("0123456789abcdef")
_FINGERPRINT_LENGTH = 64
# Shown as examples inside translated sentences (always left-to-right, never translated).
_INVITE_SCHEME = "liqaa://"
_EXAMPLE_ADDRESS = "192.168.1.20:8443"

# Keys of the inline validation messages (translated when shown, see _error_text).
E_NAME = "name"
E_INVITE = "invite"
E_NOTHING = "nothing"
E_ADDRESS = "address"
E_MEETING_ID = "meeting_id"
E_FINGERPRINT = "fingerprint"


def ascii_digits(text: str) -> str:
    """Arabic-Indic (٠١٢) and Persian (۰۱۲) digits typed by people, as ASCII digits."""
    return text.translate(_DIGITS)


class StartWindow(QWidget):
    # name, lan (others on the network may join)
    new_meeting_requested = Signal(str, bool)
    # Invite, name
    join_requested = Signal(object, str)
    # name ("" if none was typed)
    test_meeting_requested = Signal(str)
    settings_requested = Signal()
    # The user closed the start window: the app quits.
    closed = Signal()

    def __init__(
        self,
        settings: Settings,
        languages: LanguageManager | None = None,
        parent: QWidget | None = None,
        *,
        save: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("startWindow")
        self.settings = settings
        self.languages = languages
        self._save = save
        self._errors: dict[str, str] = {}  # field -> message key
        self._failure: tuple[str, float | None] | None = None
        self._busy = False

        # -------------------------------------------------------------- header
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        for code in LANGUAGES:
            self.language_combo.addItem(code, code)
        self.language_label.setBuddy(self.language_combo)
        self.language_combo.activated.connect(self._language_chosen)
        self.language_combo.setEnabled(languages is not None)
        self.settings_button = QPushButton()
        self.settings_button.setObjectName("settingsButton")
        self.settings_button.clicked.connect(self.settings_requested)

        header_text = QVBoxLayout()
        header_text.addWidget(self.title)
        header_text.addWidget(self.subtitle)
        header = QHBoxLayout()
        header.addLayout(header_text, 1)
        controls = QHBoxLayout()
        controls.addWidget(self.language_label)
        controls.addWidget(self.language_combo)
        controls.addSpacing(8)
        controls.addWidget(self.settings_button)
        header.addLayout(controls)
        header.setAlignment(controls, Qt.AlignmentFlag.AlignTop)

        # -------------------------------------------------------------- name
        self.name_label = QLabel()
        self.name_edit = QLineEdit(settings.display_name)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setMaxLength(60)
        self.name_label.setBuddy(self.name_edit)
        self.name_error = self._error_label("nameError")
        self.name_edit.textEdited.connect(lambda: self._clear_error(E_NAME))
        name_row = QFormLayout()
        name_row.addRow(self.name_label, self.name_edit)
        name_row.addRow("", self.name_error)

        # -------------------------------------------------------------- host
        self.host_box = QGroupBox()
        self.new_meeting_button = QPushButton()
        self.new_meeting_button.setObjectName("newMeetingButton")
        self.new_meeting_button.setDefault(False)
        self.new_meeting_button.setMinimumHeight(44)
        self.new_meeting_button.clicked.connect(self._new_meeting)
        self.lan_check = QCheckBox()
        self.lan_check.setObjectName("lanCheck")
        self.test_meeting_button = QPushButton()
        self.test_meeting_button.setObjectName("testMeetingButton")
        self.test_meeting_button.clicked.connect(self._test_meeting)
        self.test_hint = QLabel()
        self.test_hint.setWordWrap(True)
        host_layout = QVBoxLayout(self.host_box)
        host_layout.addWidget(self.new_meeting_button)
        host_layout.addWidget(self.lan_check)
        host_layout.addSpacing(12)
        host_layout.addWidget(self.test_meeting_button)
        host_layout.addWidget(self.test_hint)
        host_layout.addStretch(1)

        # -------------------------------------------------------------- join
        self.join_box = QGroupBox()
        self.invite_label = QLabel()
        self.invite_edit = QLineEdit()
        self.invite_edit.setObjectName("inviteEdit")
        self.invite_label.setBuddy(self.invite_edit)
        self.invite_edit.setClearButtonEnabled(True)
        self.invite_edit.textChanged.connect(self._invite_changed)
        self.invite_error = self._error_label("inviteError")
        self.or_label = QLabel()
        self.address_label = QLabel()
        self.address_edit = QLineEdit(settings.last_server_address)
        self.address_edit.setObjectName("addressEdit")
        self.address_error = self._error_label("addressError")
        self.meeting_id_label = QLabel()
        self.meeting_id_edit = QLineEdit()
        self.meeting_id_edit.setObjectName("meetingIdEdit")
        self.meeting_id_error = self._error_label("meetingIdError")
        self.passcode_label = QLabel()
        self.passcode_edit = QLineEdit()
        self.passcode_edit.setObjectName("passcodeEdit")
        self.fingerprint_label = QLabel()
        self.fingerprint_edit = QLineEdit()
        self.fingerprint_edit.setObjectName("fingerprintEdit")
        self.fingerprint_error = self._error_label("fingerprintError")
        for label, edit in (
            (self.address_label, self.address_edit),
            (self.meeting_id_label, self.meeting_id_edit),
            (self.passcode_label, self.passcode_edit),
            (self.fingerprint_label, self.fingerprint_edit),
        ):
            label.setBuddy(edit)
            # Typing in a field means the details no longer come from the pasted link.
            edit.textEdited.connect(self._details_edited)
        self.join_button = QPushButton()
        self.join_button.setObjectName("joinButton")
        self.join_button.setMinimumHeight(36)
        self.join_button.clicked.connect(self._join)
        for edit in (
            self.invite_edit,
            self.address_edit,
            self.meeting_id_edit,
            self.passcode_edit,
            self.fingerprint_edit,
        ):
            edit.returnPressed.connect(self._join)

        details = QFormLayout()
        details.addRow(self.address_label, self.address_edit)
        details.addRow("", self.address_error)
        details.addRow(self.meeting_id_label, self.meeting_id_edit)
        details.addRow("", self.meeting_id_error)
        details.addRow(self.passcode_label, self.passcode_edit)
        details.addRow(self.fingerprint_label, self.fingerprint_edit)
        details.addRow("", self.fingerprint_error)
        join_layout = QVBoxLayout(self.join_box)
        join_layout.addWidget(self.invite_label)
        join_layout.addWidget(self.invite_edit)
        join_layout.addWidget(self.invite_error)
        join_layout.addWidget(self.or_label)
        join_layout.addLayout(details)
        join_layout.addWidget(self.join_button)

        boxes = QHBoxLayout()
        boxes.addWidget(self.host_box, 2)
        boxes.addWidget(self.join_box, 3)

        # -------------------------------------------------------------- status
        self.status_label = QLabel()
        self.status_label.setObjectName("statusBanner")
        self.status_label.setWordWrap(True)
        self.status_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.status_label.setMargin(8)
        self.status_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(header)
        layout.addSpacing(8)
        layout.addLayout(name_row)
        layout.addWidget(self.status_label)
        layout.addLayout(boxes, 1)
        self.resize(860, 560)
        self.retranslate_ui()

    # ------------------------------------------------------------ building blocks

    @staticmethod
    def _error_label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setStyleSheet("color: #c62828;")
        label.hide()
        return label

    def _field_label(self, field: str) -> QLabel:
        return {
            E_NAME: self.name_error,
            E_INVITE: self.invite_error,
            E_ADDRESS: self.address_error,
            E_MEETING_ID: self.meeting_id_error,
            E_FINGERPRINT: self.fingerprint_error,
        }[field]

    def _error_text(self, key: str) -> str:
        if key == E_NAME:
            return self.tr("Please enter your name.")
        if key == E_INVITE:
            #: %1 is "liqaa://", the start of every invite link
            return self.tr(
                "This is not a valid Liqaa invite link. An invite starts with %1 "
                "and is sent by the host."
            ).replace("%1", isolate_ltr(_INVITE_SCHEME))
        if key == E_NOTHING:
            return self.tr("Paste an invite link, or enter the server address and meeting ID.")
        if key == E_ADDRESS:
            #: %1 is an example address, 192.168.1.20:8443
            return self.tr("Enter a valid server address, such as %1.").replace(
                "%1", isolate_ltr(_EXAMPLE_ADDRESS)
            )
        if key == E_MEETING_ID:
            #: %1 is always 11
            return self.tr("A meeting ID has %1 digits.").replace(
                "%1", format_number(MEETING_ID_DIGITS)
            )
        if key == E_FINGERPRINT:
            #: %1 is always 64; %2 is "0-9, a-f"
            return (
                self.tr("A certificate fingerprint has %1 hexadecimal characters (%2).")
                .replace("%1", format_number(_FINGERPRINT_LENGTH))
                .replace("%2", isolate_ltr("0-9, a-f"))
            )
        return key

    def _set_error(self, field: str, key: str) -> None:
        self._errors[field] = key
        self._show_errors()

    def _clear_error(self, field: str) -> None:
        if self._errors.pop(field, None) is not None:
            self._show_errors()

    def _clear_errors(self) -> None:
        self._errors.clear()
        self._show_errors()

    def _show_errors(self) -> None:
        for field in (E_NAME, E_INVITE, E_ADDRESS, E_MEETING_ID, E_FINGERPRINT):
            label = self._field_label(field)
            key = self._errors.get(field)
            label.setText(self._error_text(key) if key else "")
            label.setVisible(key is not None)

    def error_for(self, field: str) -> str:
        """The inline message shown for ``field`` ("" if none): for tests and screen readers."""
        key = self._errors.get(field)
        return self._error_text(key) if key else ""

    # ------------------------------------------------------------ inputs

    def display_name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def _checked_name(self) -> str | None:
        name = self.display_name()
        if not name:
            self._set_error(E_NAME, E_NAME)
            self.name_edit.setFocus()
            return None
        self._clear_error(E_NAME)
        return name

    def set_invite_link(self, link: str) -> None:
        """Put an invite (from the command line or the clipboard) into the form."""
        self.invite_edit.setText(link.strip())

    def _invite_changed(self, text: str) -> None:
        self._clear_error(E_INVITE)
        if not text.strip():
            return
        try:
            invite = parse_invite(text)
        except InviteError:
            return  # said when the user presses Join
        self.fill_from_invite(invite)

    def fill_from_invite(self, invite: Invite) -> None:
        host = f"[{invite.host}]" if ":" in invite.host else invite.host
        self.address_edit.setText(f"{host}:{invite.port}")
        self.meeting_id_edit.setText(invite.meeting_id)
        self.passcode_edit.setText(invite.passcode)
        self.fingerprint_edit.setText(invite.fingerprint or "")
        for field in (E_ADDRESS, E_MEETING_ID, E_FINGERPRINT):
            self._clear_error(field)

    def _details_edited(self) -> None:
        if self.invite_edit.text():
            self.invite_edit.blockSignals(True)
            self.invite_edit.clear()
            self.invite_edit.blockSignals(False)
            self._clear_error(E_INVITE)

    def invite(self) -> Invite | None:
        """The invite the form describes, or None with inline messages saying what is wrong."""
        for field in (E_INVITE, E_ADDRESS, E_MEETING_ID, E_FINGERPRINT):
            self._clear_error(field)
        link = self.invite_edit.text().strip()
        if link:
            try:
                invite = parse_invite(ascii_digits(link))
            except InviteError:
                self._set_error(E_INVITE, E_INVITE)
                return None
            self.fill_from_invite(invite)
            return invite
        address = self.address_edit.text().strip()
        meeting_id = normalize_meeting_id(ascii_digits(self.meeting_id_edit.text()))
        fingerprint = self.fingerprint_edit.text().strip().replace(":", "").lower()
        if not address and not meeting_id:
            self._set_error(E_INVITE, E_NOTHING)
            return None
        ok = True
        host, port = "", 0
        try:
            host, port = parse_server_address(ascii_digits(address))
            if any(c.isspace() for c in host) or "/" in address:
                raise InviteError("invalid address")
        except InviteError:
            self._set_error(E_ADDRESS, E_ADDRESS)
            ok = False
        if not is_meeting_id(meeting_id):
            self._set_error(E_MEETING_ID, E_MEETING_ID)
            ok = False
        if fingerprint and (
            len(fingerprint) != _FINGERPRINT_LENGTH or not set(fingerprint) <= _FINGERPRINT_CHARS
        ):
            self._set_error(E_FINGERPRINT, E_FINGERPRINT)
            ok = False
        if not ok:
            return None
        passcode = self.passcode_edit.text().strip()
        return Invite(host, port, meeting_id, passcode, fingerprint or None)

    # ------------------------------------------------------------ actions

    def _remember(self, name: str, address: str | None = None) -> None:
        changed = self.settings.display_name != name
        self.settings.display_name = name
        if address is not None and self.settings.last_server_address != address:
            self.settings.last_server_address = address
            changed = True
        if changed and self._save:
            save_settings(self.settings)

    def _new_meeting(self) -> None:
        if self._busy:
            return
        self.clear_status()
        name = self._checked_name()
        if name is None:
            return
        self._remember(name)
        self.new_meeting_requested.emit(name, self.lan_check.isChecked())

    def _test_meeting(self) -> None:
        if self._busy:
            return
        self.clear_status()
        name = self.display_name()
        if name:
            self._remember(name)
        self.test_meeting_requested.emit(name)

    def submit_join(self) -> None:
        """As if the user pressed Join."""
        self._join()

    def _join(self) -> None:
        if self._busy:
            return
        self.clear_status()
        name = self._checked_name()
        invite = self.invite()
        if name is None or invite is None:
            return
        self._remember(name, self.address_edit.text().strip())
        self.join_requested.emit(invite, name)

    def _language_chosen(self, index: int) -> None:
        code = self.language_combo.itemData(index)
        if self.languages is not None and isinstance(code, str):
            self.languages.set_language(code)

    # ------------------------------------------------------------ state from the controller

    def set_busy(self, busy: bool) -> None:
        """Connecting: buttons wait, and the banner says so."""
        self._busy = busy
        for button in (self.new_meeting_button, self.test_meeting_button, self.join_button):
            button.setEnabled(not busy)
        if busy:
            self._failure = None
        self._show_status()

    def show_failure(self, code: Code | str, retry_after: float | None = None) -> None:
        """Why the last attempt did not work (a join failure Code)."""
        self._busy = False
        for button in (self.new_meeting_button, self.test_meeting_button, self.join_button):
            button.setEnabled(True)
        self._failure = (str(code), retry_after)
        self._show_status()

    def clear_status(self) -> None:
        self._failure = None
        self._show_status()

    def status_text(self) -> str:
        return self.status_label.text() if self.status_label.isVisibleTo(self) else ""

    def _show_status(self) -> None:
        if self._failure is not None:
            code, retry_after = self._failure
            self.status_label.setText(join_failure_message(code, retry_after))
            self.status_label.setStyleSheet(
                "color: #8e1b1b; background: #fdecea; border: 1px solid #f5c2c0;"
            )
            self.status_label.show()
        elif self._busy:
            self.status_label.setText(self.tr("Connecting to the meeting..."))
            self.status_label.setStyleSheet("background: palette(alternate-base);")
            self.status_label.show()
        else:
            self.status_label.clear()
            self.status_label.hide()

    # ------------------------------------------------------------ Qt

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Liqaa"))
        self.title.setText(self.tr("Liqaa"))
        self.subtitle.setText(self.tr("Video meetings where the host is in control."))
        self.language_label.setText(self.tr("Language:"))
        names = language_names()
        current = self.languages.language if self.languages is not None else None
        self.language_combo.blockSignals(True)
        for i in range(self.language_combo.count()):
            code = self.language_combo.itemData(i)
            self.language_combo.setItemText(i, names.get(code, code))
            if code == current:
                self.language_combo.setCurrentIndex(i)
        self.language_combo.blockSignals(False)
        self.settings_button.setText(self.tr("Settings"))
        self.name_label.setText(self.tr("Your name:"))
        self.name_edit.setPlaceholderText(self.tr("The name others see in the meeting"))
        self.host_box.setTitle(self.tr("Host a meeting"))
        self.new_meeting_button.setText(self.tr("New meeting"))
        self.lan_check.setText(self.tr("Let people on my local network join"))
        self.test_meeting_button.setText(self.tr("Test meeting"))
        self.test_hint.setText(
            self.tr("Try Liqaa alone: a meeting on this computer with three simulated guests.")
        )
        self.join_box.setTitle(self.tr("Join a meeting"))
        self.invite_label.setText(self.tr("Invite link:"))
        self.invite_edit.setPlaceholderText(self.tr("Paste the link the host sent you"))
        self.or_label.setText(self.tr("Or enter the meeting details:"))
        self.address_label.setText(self.tr("Server address:"))
        self.address_edit.setPlaceholderText(
            self.tr("For example %1").replace("%1", isolate_ltr(_EXAMPLE_ADDRESS))
        )
        self.meeting_id_label.setText(self.tr("Meeting ID:"))
        #: %1 is always 11
        self.meeting_id_edit.setPlaceholderText(
            self.tr("%1 digits").replace("%1", format_number(MEETING_ID_DIGITS))
        )
        self.passcode_label.setText(self.tr("Passcode:"))
        self.fingerprint_label.setText(self.tr("Certificate fingerprint:"))
        self.fingerprint_edit.setPlaceholderText(self.tr("Optional: from the host's invite"))
        self.join_button.setText(self.tr("Join"))
        self._show_errors()
        self._show_status()
