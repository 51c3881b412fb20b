"""The toolbar shows the current state, is greyed out with a reason when the host
does not allow something, and keeps time."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.client.state import DeviceState, LocalMedia
from app.core.roles import Permission, Role
from app.ui.meeting_toolbar import MeetingToolbar, format_elapsed
from tests.ui.conftest import person, view


def _toolbar(qtbot: QtBot) -> MeetingToolbar:
    toolbar = MeetingToolbar()
    qtbot.addWidget(toolbar)
    toolbar.resize(1100, 70)
    toolbar.show()
    return toolbar


def test_format_elapsed() -> None:
    assert format_elapsed(0) == "00:00"
    assert format_elapsed(65) == "01:05"
    assert format_elapsed(3600 + 2 * 60 + 3) == "1:02:03"
    previous = QLocale()
    try:
        QLocale.setDefault(QLocale("ar_EG"))
        assert format_elapsed(65) == "٠١:٠٥"
    finally:
        QLocale.setDefault(previous)


def test_buttons_show_the_current_state(qtbot: QtBot) -> None:
    toolbar = _toolbar(qtbot)
    me = person("a", "Amal", audio=True, video=True)
    meeting = view("a", [person("h", "Hana", Role.HOST), me])
    toolbar.update_state(meeting, LocalMedia(mic_on=True, camera_on=True), unread_chat=3)
    assert toolbar.mic_action.text() == "Mute"
    assert toolbar.video_action.text() == "Stop video"
    assert toolbar.share_action.text() == "Share screen"
    assert toolbar.hand_action.text() == "Raise hand"
    assert toolbar.participants_action.text() == "Participants (2)"
    assert toolbar.chat_action.text() == "Chat (3)"
    assert toolbar.leave_action.text() == "Leave"
    assert not toolbar.security_button.isVisibleTo(toolbar)  # participants have no Security menu
    assert "Alt+A" in toolbar.mic_action.toolTip()

    toolbar.update_state(meeting, LocalMedia(microphone=DeviceState.UNAVAILABLE))
    assert toolbar.mic_action.text() == "Unmute"
    assert toolbar.video_action.text() == "Start video"
    assert "No microphone" in toolbar.mic_action.toolTip()

    host = view("h", [person("h", "Hana", Role.HOST, hand=True), me], locked=True)
    toolbar.update_state(host, LocalMedia())
    assert toolbar.security_button.isVisibleTo(toolbar)
    assert toolbar.leave_action.text() == "End"
    assert toolbar.hand_action.text() == "Lower hand"
    assert toolbar.lock_label.isVisibleTo(toolbar)


def test_disabled_with_the_reason_when_the_host_does_not_allow_it(qtbot: QtBot) -> None:
    toolbar = _toolbar(qtbot)
    off = {Permission.UNMUTE: False, Permission.START_VIDEO: False}
    me = person("a", "Amal")
    meeting = view("a", [person("h", "Hana", Role.HOST), me], permissions=off)
    toolbar.update_state(meeting, LocalMedia())
    assert not toolbar.mic_action.isEnabled()
    assert not toolbar.buttons["mic"].isEnabled()
    assert toolbar.buttons["mic"].toolTip() == (
        "The host does not allow participants to unmute themselves"
    )
    assert not toolbar.video_action.isEnabled()
    assert "start their video" in toolbar.video_action.toolTip()
    assert toolbar.share_action.isEnabled()
    # Asked to unmute: allowed once.
    asked = view("a", [person("h", "Hana", Role.HOST), me], permissions=off, asked_to_unmute=True)
    toolbar.update_state(asked, LocalMedia())
    assert toolbar.mic_action.isEnabled()
    # Someone else shares: a participant cannot take over.
    sharing = view("a", [person("h", "Hana", Role.HOST, screen=True), me])
    toolbar.update_state(sharing, LocalMedia())
    assert not toolbar.share_action.isEnabled()
    assert "sharing" in toolbar.share_action.toolTip()
    # Suspended: the reason says so.
    suspended = view("a", [person("h", "Hana", Role.HOST), me], permissions=off, suspended=True)
    toolbar.update_state(suspended, LocalMedia())
    assert "suspended" in toolbar.mic_action.toolTip()
    # Hosts and co-hosts are never held back.
    cohost = view(
        "a", [person("h", "Hana", Role.HOST), person("a", "Amal", Role.COHOST)], permissions=off
    )
    toolbar.update_state(cohost, LocalMedia())
    assert toolbar.mic_action.isEnabled() and toolbar.video_action.isEnabled()


def test_shortcuts_and_timer(qtbot: QtBot) -> None:
    toolbar = _toolbar(qtbot)
    shortcuts = {
        toolbar.mic_action: "Alt+A",
        toolbar.video_action: "Alt+V",
        toolbar.share_action: "Alt+S",
        toolbar.participants_action: "Alt+U",
        toolbar.chat_action: "Alt+H",
        toolbar.hand_action: "Alt+Y",
    }
    for action, keys in shortcuts.items():
        assert action.shortcut() == QKeySequence(keys)
    toolbar.update_state(view("a", [person("a", "Amal")]), LocalMedia())
    toolbar.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is toolbar)
    with qtbot.waitSignal(toolbar.mic_action.triggered, timeout=2000):
        qtbot.keyClick(toolbar, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert toolbar.timer_label.text() == "00:00"
    toolbar.start_timer(already=65)
    assert toolbar.timer_label.text() == "01:05"
    toolbar.start_timer()  # a reconnect keeps counting
    assert toolbar.elapsed_seconds() >= 65
