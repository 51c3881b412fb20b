"""Every Security-menu item shows the meeting's state and sends its message; the
dialogs behind the "…" items are answered by clicking their buttons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.client.state import HostedMeeting
from app.core import protocol as p
from app.core.invite import Invite
from app.core.roles import Permission, Role
from app.ui.dialogs import MeetingDialogs
from app.ui.participant_picker import ParticipantPicker
from app.ui.security_menu import SecurityMenu
from tests.ui.conftest import Intents, join, person, view

PEOPLE = [
    person("h", "Hana", Role.HOST, joined=1),
    person("c", "Carim", Role.COHOST, joined=2),
    person("a", "Amal", joined=3),
    person("b", "Badr", joined=4),
]


def _menu(qtbot: QtBot, bridge: SessionBridge, you: str = "h", **state: object) -> SecurityMenu:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(600, 400)
    parent.show()
    join(bridge, view(you, PEOPLE, **state))  # type: ignore[arg-type]
    menu = SecurityMenu(bridge, MeetingDialogs(parent), parent)
    return menu


def _ok(dialog: QWidget) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None and button.isEnabled()
    button.click()


def test_checkable_items_show_state_and_send(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, intents = offline_bridge
    menu = _menu(qtbot, bridge, permissions={Permission.CHAT: False})
    assert menu.lock_action.isCheckable() and not menu.lock_action.isChecked()
    assert menu.waiting_room_action.isChecked()
    assert not menu.permission_actions[Permission.CHAT].isChecked()
    assert menu.permission_actions[Permission.UNMUTE].isChecked()
    assert menu.allow_header.text() == "Allow participants to:"
    assert menu.capacity_action.text() == "Capacity limit (100)…"

    menu.lock_action.trigger()
    menu.waiting_room_action.trigger()
    for permission in Permission:
        menu.permission_actions[permission].trigger()
    assert intents.sent == [
        p.SetLock(locked=True),
        p.SetWaitingRoom(on=False),
        *(
            p.SetPermission(permission=perm, allowed=perm is Permission.CHAT)
            for perm in menu.permission_actions
        ),
    ]
    # The next state from the server is what the menu shows.
    bridge.meeting_changed.emit(view("h", PEOPLE, locked=True, capacity=7))
    menu.update_view(bridge.view)
    assert menu.lock_action.isChecked()
    assert menu.capacity_action.text() == "Capacity limit (7)…"


def test_capacity_remove_report_suspend_dialogs(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, intents = offline_bridge
    menu = _menu(qtbot, bridge)
    dialogs = menu._dialogs

    menu.capacity_action.trigger()
    dialog = dialogs.current
    assert isinstance(dialog, QInputDialog) and dialog.intValue() == 100
    dialog.setIntValue(12)
    _ok(dialog)
    assert intents.of(p.SetCapacity) == [p.SetCapacity(capacity=12)]

    menu.remove_action.trigger()
    picker = dialogs.current
    assert isinstance(picker, ParticipantPicker)
    # The host may remove co-hosts and participants, never themself.
    assert [picker.combo.itemData(i) for i in range(picker.combo.count())] == ["c", "a", "b"]
    assert not picker.reason.isVisibleTo(picker)
    picker.select("b")
    _ok(picker)
    assert intents.of(p.Remove) == [p.Remove(pid="b")]

    menu.report_action.trigger()
    picker = dialogs.current
    assert isinstance(picker, ParticipantPicker) and picker.reason.isVisibleTo(picker)
    picker.select("a")
    picker.reason.setPlainText("  Posted spam links  ")
    _ok(picker)
    assert intents.of(p.ReportParticipant) == [
        p.ReportParticipant(pid="a", reason="Posted spam links")
    ]

    menu.suspend_action.trigger()
    assert "locked" in dialogs.current.text()  # type: ignore[union-attr]
    qtbot.mouseClick(dialogs.buttons["cancel"], Qt.MouseButton.LeftButton)
    assert intents.of(p.Suspend) == []
    menu.suspend_action.trigger()
    qtbot.mouseClick(dialogs.buttons["accept"], Qt.MouseButton.LeftButton)
    assert intents.of(p.Suspend) == [p.Suspend()]
    assert dialogs.current is None

    bridge.meeting_changed.emit(view("h", PEOPLE, suspended=True, locked=True))
    menu.update_view(bridge.view)
    assert not menu.suspend_action.isEnabled()
    assert "suspended" in menu.suspend_action.toolTip()


def test_cohost_choices_and_copy_invite(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, _ = offline_bridge
    menu = _menu(qtbot, bridge, you="c")
    assert menu.lock_action.isEnabled()
    # A co-host cannot copy an invite it never had...
    assert not menu.copy_invite_action.isEnabled()
    assert "host who started" in menu.copy_invite_action.toolTip()
    # ...and may remove participants only (not the host, not other co-hosts).
    menu.remove_action.trigger()
    picker = menu._dialogs.current
    assert isinstance(picker, ParticipantPicker)
    assert [picker.combo.itemData(i) for i in range(picker.combo.count())] == ["a", "b"]
    picker.reject()

    invite = Invite("127.0.0.1", 8443, "12345678901", "s3cret", "ab" * 32)
    bridge.hosted_meeting = HostedMeeting(invite, "123456", "host-secret")
    menu.update_view(bridge.view)
    assert menu.copy_invite_action.isEnabled()
    menu.copy_invite_action.trigger()
    assert QApplication.clipboard().text() == invite.link()


def test_menu_screenshot(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents], output_dir: Path
) -> None:
    bridge, _ = offline_bridge
    menu = _menu(qtbot, bridge, locked=True, permissions={Permission.SHARE_SCREEN: False})
    menu.popup(QPoint(100, 100))
    qtbot.waitUntil(menu.isVisible)
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    image = menu.grab()
    assert image.width() > 150 and image.height() > 250
    assert image.save(str(shots / "security_menu_widget.png"))
    menu.close()
