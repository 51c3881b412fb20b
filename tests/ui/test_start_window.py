"""The start screen: inline validation, invite links, join failures explained,
the language switch, and New meeting / Join against a real embedded server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.client.state import PATTERN, SYNTHETIC, MediaConfig, Status
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.invite import Invite, parse_invite
from app.i18n import LanguageManager
from app.ui.application import AppController
from app.ui.join_errors import JOIN_FAILURE_CODES, join_failure_message
from app.ui.start_window import (
    E_ADDRESS,
    E_FINGERPRINT,
    E_INVITE,
    E_MEETING_ID,
    E_NAME,
    StartWindow,
)
from tests.ui.conftest import running_app

FINGERPRINT = "ab" * 32
LINK = f"liqaa://192.168.1.20:9443/12345678901?pwd=K7PQ2MZX&fp={FINGERPRINT}"


@pytest.fixture
def window(qtbot: QtBot, languages: LanguageManager, config_dir: Path) -> StartWindow:
    start = StartWindow(languages.settings, languages, save=False)
    qtbot.addWidget(start)
    start.show()
    return start


def click(qtbot: QtBot, button: QPushButton) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_each_invalid_input_gets_its_message(qtbot: QtBot, window: StartWindow) -> None:
    joins: list[tuple[Invite, str]] = []
    hosts: list[tuple[str, bool]] = []
    window.join_requested.connect(lambda invite, name: joins.append((invite, name)))
    window.new_meeting_requested.connect(lambda name, lan: hosts.append((name, lan)))

    # Nothing typed: a name is needed, and a link or the details.
    click(qtbot, window.join_button)
    assert window.error_for(E_NAME) == "Please enter your name."
    assert window.name_error.isVisible()
    assert window.error_for(E_INVITE).startswith("Paste an invite link")
    click(qtbot, window.new_meeting_button)
    assert window.error_for(E_NAME) == "Please enter your name." and hosts == []

    # Typing the name clears its message.
    QTest.keyClicks(window.name_edit, "Amal")
    assert window.error_for(E_NAME) == "" and not window.name_error.isVisible()

    # A link that is not a Liqaa invite, or one with a bad meeting ID.
    for bad in ("https://example.com/meeting", "liqaa://host:8443/123?pwd=x"):
        window.invite_edit.setText(bad)
        click(qtbot, window.join_button)
        assert window.error_for(E_INVITE).startswith("This is not a valid Liqaa invite link")
    window.invite_edit.clear()

    # Details typed by hand: address, meeting ID and fingerprint are each checked.
    window.address_edit.setText("my server/x")
    window.meeting_id_edit.setText("123 45")
    window.fingerprint_edit.setText("not-hex")
    click(qtbot, window.join_button)
    assert window.error_for(E_ADDRESS).startswith("Enter a valid server address")
    assert window.error_for(E_MEETING_ID) == "A meeting ID has 11 digits."
    assert window.error_for(E_FINGERPRINT).startswith("A certificate fingerprint has 64")
    window.address_edit.setText("example.org:99999")  # no such port
    click(qtbot, window.join_button)
    assert window.error_for(E_ADDRESS).startswith("Enter a valid server address")
    assert joins == []

    # Valid details, with the meeting ID typed in Arabic-Indic digits and spaces.
    window.address_edit.setText("example.org:9443")
    window.meeting_id_edit.setText("١٢٣ ٤٥٦٧ ٨٩٠١")
    window.passcode_edit.setText("K7PQ2MZX")
    window.fingerprint_edit.setText(FINGERPRINT.upper())
    click(qtbot, window.join_button)
    assert all(window.error_for(f) == "" for f in (E_ADDRESS, E_MEETING_ID, E_FINGERPRINT))
    assert joins == [(Invite("example.org", 9443, "12345678901", "K7PQ2MZX", FINGERPRINT), "Amal")]
    assert window.settings.display_name == "Amal"  # remembered for next time
    assert window.settings.last_server_address == "example.org:9443"


def test_a_valid_invite_link_fills_the_fields(qtbot: QtBot, window: StartWindow) -> None:
    joins: list[Invite] = []
    window.join_requested.connect(lambda invite, name: joins.append(invite))
    window.name_edit.setText("Omar")
    window.set_invite_link(f"  {LINK}\n")
    assert window.address_edit.text() == "192.168.1.20:9443"
    assert window.meeting_id_edit.text() == "12345678901"
    assert window.passcode_edit.text() == "K7PQ2MZX"
    assert window.fingerprint_edit.text() == FINGERPRINT
    click(qtbot, window.join_button)
    assert joins == [parse_invite(LINK)]
    # Editing a field by hand means the link no longer applies: the fields win.
    QTest.keyClicks(window.passcode_edit, "9")
    assert window.invite_edit.text() == ""
    click(qtbot, window.join_button)
    assert joins[-1].passcode == "K7PQ2MZX9" and joins[-1].fingerprint == FINGERPRINT


def test_every_join_failure_has_a_clear_message(window: StartWindow) -> None:
    messages = {}
    for code in JOIN_FAILURE_CODES:
        window.show_failure(code)
        messages[code] = window.status_text()
        assert messages[code] == join_failure_message(code) and len(messages[code]) > 15
    assert len(set(messages.values())) == len(messages)  # each says something different
    # Wrong passcode and unknown meeting look the same: the message names both.
    bad = messages[Code.BAD_CREDENTIALS]
    assert bad.startswith("Wrong meeting ID or passcode")
    assert messages[Code.LOCKED].startswith("The host has locked this meeting")
    assert messages[Code.UNREACHABLE].startswith("Cannot reach the meeting server")
    assert "certificate" in messages[Code.CERTIFICATE_MISMATCH]
    # Rate limited: with the wait time when the server gives one.
    window.show_failure(Code.RATE_LIMITED, retry_after=120)
    assert window.status_text() == "Too many attempts. Wait 2 minutes, then try again."
    window.clear_status()
    assert window.status_text() == "" and not window.status_label.isVisible()


def test_language_switch_takes_effect_at_once(
    qtbot: QtBot, window: StartWindow, languages: LanguageManager, output_dir: Path
) -> None:
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    window.resize(900, 600)
    window.name_edit.clear()
    window.submit_join()
    window.show_failure(Code.BAD_CREDENTIALS)
    assert window.grab().save(str(shots / "start_window_en.png"))
    arabic = window.language_combo.findData("ar")
    window.language_combo.setCurrentIndex(arabic)
    window.language_combo.activated.emit(arabic)
    assert languages.language == "ar"
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.isRightToLeft()
    # Retranslated in place: the language menu now speaks Arabic.
    english = window.language_combo.findData("en")
    qtbot.waitUntil(lambda: "الإنجليزية" in window.language_combo.itemText(english))
    assert window.language_combo.currentIndex() == arabic
    # The leading side is the right: the name field sits right of its label.
    name_label = window.name_label.mapTo(window, window.name_label.rect().center())
    name_edit = window.name_edit.mapTo(window, window.name_edit.rect().center())
    assert name_label.x() > name_edit.x()
    assert window.grab().save(str(shots / "start_window_ar.png"))
    window.retranslate_ui()  # safe to repeat
    languages.set_language("en", remember=False)
    qtbot.waitUntil(lambda: window.language_combo.itemText(english) == "English")
    assert window.new_meeting_button.text() == "New meeting"
    assert window.error_for(E_NAME) == "Please enter your name."


# ---------------------------------------------------------------- with a real server


@pytest.fixture
def controller(
    qtbot: QtBot, languages: LanguageManager, config_dir: Path
) -> Iterator[AppController]:
    with running_app(languages, "Guest") as app:
        yield app


@pytest.fixture
def host_bridge(qapp: QApplication) -> Iterator[SessionBridge]:
    config = MediaConfig(camera=PATTERN, microphone=SYNTHETIC, pattern_label="Host")
    bridge = SessionBridge(DeviceKey.generate(), config)
    yield bridge
    bridge.shutdown()


def test_join_against_a_real_server(
    qtbot: QtBot, controller: AppController, host_bridge: SessionBridge, output_dir: Path
) -> None:
    host_bridge.host_new_meeting("Host")
    qtbot.waitUntil(lambda: host_bridge.hosted_meeting is not None, timeout=20000)
    assert host_bridge.hosted_meeting is not None
    invite = host_bridge.hosted_meeting.invite
    controller.start()
    start = controller.start_window
    assert start.isVisible()
    start.name_edit.setText("Guest")

    # Wrong passcode: the bad-credentials message, which does not say what was wrong.
    wrong = Invite(invite.host, invite.port, invite.meeting_id, "WRONG123", invite.fingerprint)
    start.set_invite_link(wrong.link())
    click(qtbot, start.join_button)
    expected = join_failure_message(Code.BAD_CREDENTIALS)
    qtbot.waitUntil(lambda: start.status_text() == expected, timeout=15000)
    assert controller.bridge.status is Status.CLOSED
    assert start.isVisible() and start.join_button.isEnabled()

    # The right passcode: the waiting room, until the guest leaves.
    start.set_invite_link(invite.link())
    click(qtbot, start.join_button)
    waiting = controller.waiting_screen
    qtbot.waitUntil(waiting.isVisible, timeout=15000)
    assert not start.isVisible()
    assert waiting.title.text() == "Please wait, the host will let you in soon"
    assert "Guest" in waiting.detail.text()
    qtbot.waitUntil(
        lambda: (
            host_bridge.view is not None and [w.name for w in host_bridge.view.lobby] == ["Guest"]
        ),
        timeout=10000,
    )
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert waiting.grab().save(str(shots / "waiting_screen.png"))
    click(qtbot, waiting.leave_button)
    qtbot.waitUntil(start.isVisible, timeout=10000)
    assert not waiting.isVisible() and start.status_text() == ""
    qtbot.waitUntil(
        lambda: host_bridge.view is not None and host_bridge.view.lobby == [], timeout=10000
    )


def test_new_meeting_shows_passcode_and_host_key_once(
    qtbot: QtBot, controller: AppController, output_dir: Path
) -> None:
    from app.ui.hosted_dialog import HostedDialog

    controller.start()
    start = controller.start_window
    start.name_edit.setText("Amal")
    click(qtbot, start.new_meeting_button)
    assert not start.new_meeting_button.isEnabled()  # busy while the server starts
    qtbot.waitUntil(lambda: controller.hosted_dialog is not None, timeout=20000)
    dialog = controller.hosted_dialog
    assert isinstance(dialog, HostedDialog)
    hosted = controller.bridge.hosted_meeting
    assert hosted is not None and dialog.hosted is hosted
    assert controller.bridge.server is not None and controller.bridge.server.alive()
    assert len(hosted.invite.passcode) == 8 and len(hosted.host_key) == 6
    assert hosted.invite.passcode in dialog.passcode_value.text()
    assert hosted.host_key in dialog.host_key_value.text()
    # The meeting ID and host secret are not shown; they travel only in the invite.
    shown = " ".join(w.text() for w in dialog.findChildren(type(dialog.title)))
    assert hosted.invite.meeting_id not in shown and hosted.host_secret not in shown
    clipboard = QGuiApplication.clipboard()
    click(qtbot, dialog.copy_passcode)
    assert clipboard.text() == hosted.invite.passcode
    assert dialog.copied.text() == "Passcode copied"
    click(qtbot, dialog.copy_host_key)
    assert clipboard.text() == hosted.host_key
    click(qtbot, dialog.copy_invite)
    assert parse_invite(clipboard.text()) == hosted.invite
    # The meeting window is up, with us as host.
    window = controller.meeting_window
    assert window is not None and window.isVisible() and not start.isVisible()
    assert controller.bridge.status is Status.JOINED
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(shots / "hosted_dialog.png"))
    # Leaving brings the start window back; the dialog goes with the meeting.
    controller.leave()
    qtbot.waitUntil(start.isVisible, timeout=10000)
    assert controller.meeting_window is None and controller.hosted_dialog is None


def test_invite_on_the_command_line(qtbot: QtBot, controller: AppController) -> None:
    controller.start(invite_link=LINK)
    start = controller.start_window
    assert start.meeting_id_edit.text() == "12345678901"
    assert controller.bridge.status is Status.IDLE  # no name yet: wait for the user
    assert start.name_edit.hasFocus() or not start.isActiveWindow()
    controller.start(invite_link="liqaa://nowhere/42")
    assert start.error_for(E_INVITE).startswith("This is not a valid Liqaa invite link")


def test_settings_button_opens_the_settings(qtbot: QtBot, controller: AppController) -> None:
    from app.ui.settings_dialog import SettingsDialog

    configured: list[MediaConfig] = []
    controller.bridge.configure_media = configured.append
    controller.start()
    QTest.mouseClick(controller.start_window.settings_button, Qt.MouseButton.LeftButton)
    dialog = controller.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    assert controller.open_settings() is dialog  # one at a time
    dialog.name_edit.setText("Huda")
    dialog.camera_combo.setCurrentIndex(dialog.camera_combo.findData("pattern"))
    dialog.accept()
    assert controller.start_window.name_edit.text() == "Huda"
    assert configured and configured[-1].camera == PATTERN
    assert configured[-1].pattern_label == "Huda"
    assert controller.settings_dialog is None
