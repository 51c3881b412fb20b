"""The participants list and each person's menu: hosts' powers send their messages,
and what someone may not do is greyed out with the reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.roles import Permission, Role
from app.ui.dialogs import MeetingDialogs
from app.ui.participant_picker import ParticipantPicker
from app.ui.participants_panel import ParticipantsPanel
from tests.ui.conftest import Intents, join, person, view

PEOPLE = [
    person("b", "Badr", joined=5),
    person("a", "Amal", audio=True, video=True, screen=True, hand=True, joined=4),
    person("c", "Carim", Role.COHOST, joined=3),
    person("d", "Dina", Role.COHOST, joined=6),
    person("h", "Hana", Role.HOST, joined=1),
]


def _panel(
    qtbot: QtBot, bridge: SessionBridge, you: str, **state: object
) -> tuple[ParticipantsPanel, MeetingDialogs]:
    window = QWidget()
    qtbot.addWidget(window)
    dialogs = MeetingDialogs(window)
    join(bridge, view(you, PEOPLE, **state))  # type: ignore[arg-type]
    panel = ParticipantsPanel(bridge, dialogs, window)
    window.resize(340, 500)
    window.show()
    return panel, dialogs


def _click_ok(dialog: QWidget | None) -> None:
    assert dialog is not None
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_list_order_roles_and_states(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, _ = offline_bridge
    panel, _ = _panel(qtbot, bridge, "b")
    assert list(panel.rows) == ["b", "h", "c", "d", "a"]  # you, host, co-hosts, hands, others
    assert panel.title.text() == "Participants (5)"
    assert panel.rows["b"].name_label.text() == "\u2068Badr\u2069 (you)"
    assert panel.rows["h"].role_label.text() == "Host"
    assert panel.rows["c"].role_label.text() == "Co-host"
    assert not panel.rows["b"].role_label.isVisibleTo(panel)
    amal = panel.rows["a"]
    assert amal.hand_label.isVisibleTo(panel) and not panel.rows["b"].hand_label.isVisibleTo(panel)
    assert amal.mic_label.toolTip() == "Microphone on"
    assert panel.rows["b"].mic_label.toolTip() == "Muted"
    assert not panel.mute_all_button.isVisibleTo(panel)  # participants cannot mute all
    # A name change updates the row in place.
    renamed = [person("b", "Badr B.", joined=5), *PEOPLE[1:]]
    bridge.meeting_changed.emit(view("b", renamed))
    panel.update_view(bridge.view)
    assert "Badr B." in panel.rows["b"].name_label.text()


def test_host_menu_sends_every_action(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, intents = offline_bridge
    panel, dialogs = _panel(qtbot, bridge, "h")
    assert panel.mute_all_button.isVisibleTo(panel)
    qtbot.mouseClick(panel.mute_all_button, Qt.MouseButton.LeftButton)
    assert intents.sent == [p.MuteAll()]

    menu = panel.menu_for("a")
    assert not menu.ask_unmute_action.isEnabled()
    assert menu.ask_unmute_action.toolTip() == "Their microphone is already on"
    for action in (
        menu.mute_action,
        menu.stop_video_action,
        menu.stop_share_action,
        menu.cohost_action,
        menu.hand_action,
        menu.waiting_room_action,
    ):
        assert action.isEnabled(), action.text()
        action.trigger()
    assert menu.cohost_action.text() == "Make co-host"
    assert menu.hand_action.text() == "Lower hand"
    assert intents.sent[1:] == [
        p.Mute(pid="a"),
        p.StopVideo(pid="a"),
        p.StopShare(pid="a"),
        p.SetCohost(pid="a", on=True),
        p.LowerHand(pid="a"),
        p.SendToWaitingRoom(pid="a"),
    ]
    intents.sent.clear()

    menu.rename_action.trigger()
    dialog = dialogs.current
    assert isinstance(dialog, QInputDialog) and dialog.textValue() == "Amal"
    dialog.setTextValue("Amal H.")
    _click_ok(dialog)
    menu.remove_action.trigger()
    assert "Amal" in dialogs.current.text()  # type: ignore[union-attr]
    qtbot.mouseClick(dialogs.buttons["accept"], Qt.MouseButton.LeftButton)
    menu.report_action.trigger()
    picker = dialogs.current
    assert isinstance(picker, ParticipantPicker) and picker.chosen() == "a"
    _click_ok(picker)
    assert intents.sent == [
        p.Rename(pid="a", name="Amal H."),
        p.Remove(pid="a"),
        p.ReportParticipant(pid="a", reason=""),
    ]
    intents.sent.clear()

    badr = panel.menu_for("b")  # muted, no video, not sharing, no hand
    assert not badr.mute_action.isEnabled() and badr.mute_action.toolTip() == "Already muted"
    assert not badr.stop_video_action.isEnabled() and not badr.stop_share_action.isEnabled()
    assert not badr.hand_action.isEnabled()
    badr.ask_unmute_action.trigger()
    assert intents.sent == [p.AskToUnmute(pid="b")]

    carim = panel.menu_for("c")
    assert carim.cohost_action.text() == "Remove co-host"
    carim.cohost_action.trigger()
    assert intents.sent[-1] == p.SetCohost(pid="c", on=False)

    own = panel.menu_for("h")
    visible = [a.text() for a in own.actions() if a.isVisible() and not a.isSeparator()]
    assert visible == ["Rename…", "Raise hand"]


def test_cohost_and_participant_see_why_not(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, intents = offline_bridge
    panel, _ = _panel(qtbot, bridge, "c")
    on_host = panel.menu_for("h")
    assert not on_host.mute_action.isEnabled() and not on_host.remove_action.isEnabled()
    assert on_host.remove_action.toolTip() == "Nobody can do this to the host"
    on_cohost = panel.menu_for("d")
    assert on_cohost.waiting_room_action.toolTip() == "Only the host can do this to a co-host"
    on_amal = panel.menu_for("a")
    assert on_amal.remove_action.isEnabled()
    assert not on_amal.cohost_action.isEnabled()
    assert on_amal.cohost_action.toolTip() == "Only the host can choose co-hosts"

    panel2, _ = _panel(qtbot, bridge, "b", permissions={Permission.RENAME: False})
    other = panel2.menu_for("a")
    for action in (other.mute_action, other.remove_action, other.waiting_room_action):
        assert not action.isEnabled()
        assert action.toolTip() == "Only the host and co-hosts can do this"
    assert other.report_action.isEnabled()
    own = panel2.menu_for("b")
    assert not own.rename_action.isEnabled()
    assert own.rename_action.toolTip() == (
        "The host does not allow participants to rename themselves"
    )
    own.hand_action.trigger()
    assert intents.sent[-1] == p.RaiseHand(up=True)
