"""A host and two guests in one process, each with a SessionBridge and a
MeetingWindow, through a real meeting server (the embedded child process the app
starts) on 127.0.0.1, with real (generated) camera and voice. Every step is done
the way a person would (buttons, menu actions, dialogs) and checked in the
windows of everyone concerned."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.client.state import PATTERN, SYNTHETIC, MediaConfig, Status
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.roles import Permission, Role
from app.ui.meeting_window import MeetingWindow
from app.ui.notifications import closed_text
from app.ui.participant_picker import ParticipantPicker
from app.ui.participants_panel import ParticipantsPanel
from app.ui.status_page import StatusPage

LEFT = Qt.MouseButton.LeftButton
MEDIA = 20000  # ms: media paths take a few seconds to come up


class Party:
    def __init__(self, qtbot: QtBot, name: str) -> None:
        self.name = name
        config = MediaConfig(
            camera=PATTERN,
            microphone=SYNTHETIC,
            pattern_label=name,
            width=320,
            height=240,
            fps=15,
        )
        self.bridge = SessionBridge(DeviceKey.generate(), config)
        self.window = MeetingWindow(self.bridge)
        self.window.resize(1180, 740)
        self.window.show()
        qtbot.waitExposed(self.window)

    @property
    def pid(self) -> str:
        assert self.bridge.view is not None
        return self.bridge.view.you

    @property
    def page(self) -> QWidget:
        return self.window.stack.currentWidget()

    @property
    def status_page(self) -> StatusPage:
        return self.window.status_page

    @property
    def people(self) -> ParticipantsPanel:
        return self.window.participants_panel

    def texts(self) -> list[str]:
        return self.window.notifications.texts()

    def close(self) -> None:
        self.window.close()
        self.bridge.shutdown()


@pytest.fixture
def parties(qtbot: QtBot) -> Iterator[Callable[[str], Party]]:
    made: list[Party] = []

    def make(name: str) -> Party:
        party = Party(qtbot, name)
        made.append(party)
        return party

    yield make
    for party in reversed(made):  # guests first; the host's bridge stops the server
        party.close()


def wait(qtbot: QtBot, condition: Callable[[], Any], timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)


def ok(dialog: QWidget | None) -> None:
    assert dialog is not None
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    button.click()


def shots(output_dir: Path) -> Path:
    folder = output_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_meeting(
    qtbot: QtBot, parties: Callable[[str], Party], *, waiting_room: bool
) -> tuple[Party, Party, Party]:
    host, amal, badr = parties("Hana"), parties("Amal"), parties("Badr")
    host.bridge.host_new_meeting("Hana", waiting_room=waiting_room)
    wait(qtbot, lambda: host.bridge.hosted_meeting and host.page is host.window.meeting_page, 30000)
    assert host.window.windowTitle() == "Liqaa"
    hosted = host.bridge.hosted_meeting
    assert hosted is not None
    amal.bridge.join(hosted.invite, "Amal")
    badr.bridge.join(hosted.invite, "Badr")
    return host, amal, badr


def everyone_in(qtbot: QtBot, *parties: Party) -> None:
    wait(
        qtbot,
        lambda: all(
            p.page is p.window.meeting_page
            and p.bridge.view is not None
            and len(p.bridge.view.participants) == len(parties)
            for p in parties
        ),
        15000,
    )


def test_lobby_tiles_and_every_security_menu_item(
    qtbot: QtBot, parties: Callable[[str], Party], output_dir: Path
) -> None:
    host, amal, badr = start_meeting(qtbot, parties, waiting_room=True)
    lobby = host.window.waiting_panel

    # Both guests wait; the host hears about it and sees them in the waiting room.
    wait(qtbot, lambda: len(lobby.rows) == 2)
    assert lobby.isVisible() and lobby.title.text() == "Waiting room (2)"
    wait(qtbot, lambda: any("Amal" in t and "waiting" in t for t in host.texts()))
    assert amal.page is amal.status_page
    assert amal.status_page.message_label.text() == "Please wait, the host will let you in soon"
    wait(qtbot, lambda: lobby.height() >= lobby.sizeHint().height() > 100)  # laid out
    assert lobby.grab().save(str(shots(output_dir) / "waiting_room_panel.png"))
    assert host.window.grab().save(str(shots(output_dir) / "host_with_waiting_room.png"))
    by_name = {row.waiting.name: row for row in lobby.rows.values()}

    # Admit Amal, deny Badr.
    qtbot.mouseClick(by_name["Amal"].admit_button, LEFT)
    qtbot.mouseClick(by_name["Badr"].deny_button, LEFT)
    wait(qtbot, lambda: amal.page is amal.window.meeting_page)
    wait(qtbot, lambda: "The host let you into the meeting" in amal.texts())
    wait(qtbot, lambda: badr.status_page.message_label.text() == closed_text(Code.DENIED))
    assert badr.page is badr.status_page and badr.status_page.button.text() == "Close"

    # Badr asks again; Admit all lets him in.
    hosted = host.bridge.hosted_meeting
    assert hosted is not None
    badr.bridge.join(hosted.invite, "Badr")
    wait(qtbot, lambda: len(lobby.rows) == 1)
    qtbot.mouseClick(lobby.admit_all_button, LEFT)
    everyone_in(qtbot, host, amal, badr)
    wait(qtbot, lambda: not host.window.waiting_panel.isVisible())

    # Cameras on (the "Start video off" check below needs them running).
    for party in (host, amal, badr):
        party.window.toolbar.video_action.trigger()
    wait(qtbot, lambda: all(p.bridge.local.camera_on for p in (host, amal, badr)), MEDIA)
    assert len(host.window.gallery.tiles) == 3
    assert host.window.gallery.grid_shape() == (2, 2)

    menu = host.window.security_menu
    assert host.window.toolbar.security_button.isVisible()
    assert not amal.window.toolbar.security_button.isVisible()

    # Lock meeting.
    menu.lock_action.trigger()
    wait(qtbot, lambda: amal.bridge.view is not None and amal.bridge.view.locked)
    wait(qtbot, lambda: amal.window.toolbar.lock_label.isVisible())
    wait(qtbot, menu.lock_action.isChecked)

    # Allow participants to: chat (off), unmute themselves (off), and back on.
    menu.permission_actions[Permission.CHAT].trigger()
    wait(qtbot, lambda: not amal.window.chat_panel.input.isEnabled())
    assert amal.window.chat_panel.disabled_label.text() == "The host has turned chat off"
    wait(qtbot, lambda: not menu.permission_actions[Permission.CHAT].isChecked())
    menu.permission_actions[Permission.UNMUTE].trigger()
    wait(qtbot, lambda: not badr.window.toolbar.mic_action.isEnabled())
    wait(
        qtbot,
        lambda: (
            badr.window.toolbar.buttons["mic"].toolTip()
            == "The host does not allow participants to unmute themselves"
        ),
    )
    menu.permission_actions[Permission.CHAT].trigger()
    menu.permission_actions[Permission.UNMUTE].trigger()
    wait(qtbot, lambda: amal.window.chat_panel.input.isEnabled())
    wait(qtbot, lambda: badr.window.toolbar.mic_action.isEnabled())
    # Share screen / rename themselves / start video: each reaches the participants.
    for permission in (Permission.SHARE_SCREEN, Permission.RENAME, Permission.START_VIDEO):
        menu.permission_actions[permission].trigger()
    wait(
        qtbot,
        lambda: (
            badr.bridge.view is not None
            and not any(
                badr.bridge.view.permissions[x]
                for x in (Permission.SHARE_SCREEN, Permission.RENAME, Permission.START_VIDEO)
            )
        ),
    )
    # Start video off stops the participants' cameras at once.
    wait(qtbot, lambda: not badr.bridge.local.camera_on, MEDIA)
    wait(qtbot, lambda: not badr.window.toolbar.video_action.isEnabled())
    for permission in (Permission.SHARE_SCREEN, Permission.RENAME, Permission.START_VIDEO):
        menu.permission_actions[permission].trigger()
    wait(qtbot, lambda: badr.window.toolbar.video_action.isEnabled())

    # Chat in Arabic and English: each message keeps its own direction.
    amal.window.chat_panel.input.setText("مرحبا بالجميع – hello")
    amal.window.chat_panel.send_current()
    wait(qtbot, lambda: len(host.window.chat_panel.bubbles) == 1)
    bubble = host.window.chat_panel.bubbles[0]
    assert bubble.text_label.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert bubble.sender_label.text() == "\u2068Amal\u2069" and not bubble.mine
    wait(qtbot, lambda: host.window.toolbar.chat_action.text() == "Chat (1)")

    # Enable waiting room (off: new people come straight in).
    assert menu.waiting_room_action.isChecked()
    menu.waiting_room_action.trigger()
    wait(qtbot, lambda: host.bridge.view is not None and not host.bridge.view.waiting_room)
    wait(qtbot, lambda: not menu.waiting_room_action.isChecked())

    # Capacity limit…
    menu.capacity_action.trigger()
    dialog = host.window.dialogs.current
    assert isinstance(dialog, QInputDialog)
    dialog.setIntValue(5)
    ok(dialog)
    wait(qtbot, lambda: amal.bridge.view is not None and amal.bridge.view.capacity == 5)
    wait(qtbot, lambda: menu.capacity_action.text() == "Capacity limit (5)…")

    # Copy invite link.
    menu.copy_invite_action.trigger()
    assert QApplication.clipboard().text() == hosted.invite.link()

    # Report participant…: the hosts are told.
    menu.report_action.trigger()
    picker = host.window.dialogs.current
    assert isinstance(picker, ParticipantPicker)
    picker.select(badr.pid)
    picker.reason.setPlainText("Shared something rude")
    ok(picker)
    wait(qtbot, lambda: "\u2068Badr\u2069 was reported to the host" in host.texts())

    # The menu as the host sees it now, open under its button.
    button = host.window.toolbar.security_button
    menu.popup(button.mapToGlobal(QPoint(0, -menu.sizeHint().height())))
    wait(qtbot, menu.isVisible)
    assert menu.grab().save(str(shots(output_dir) / "security_menu_open.png"))
    menu.close()


def test_tiles_and_every_participant_menu_item(
    qtbot: QtBot, parties: Callable[[str], Party], output_dir: Path
) -> None:
    host, amal, badr = start_meeting(qtbot, parties, waiting_room=False)
    everyone_in(qtbot, host, amal, badr)
    panel = host.people

    # Cameras on from the toolbar: three tiles with live video in every window.
    for party in (host, amal, badr):
        party.window.toolbar.video_action.trigger()
    for party in (host, amal, badr):
        gallery = party.window.gallery
        wait(
            qtbot,
            lambda g=gallery: (
                len(g.tiles) == 3 and all(t.frames_painted >= 3 for t in g.tiles.values())
            ),
            MEDIA,
        )
        assert gallery.grid_shape() == (2, 2)
        assert party.window.toolbar.video_action.text() == "Stop video"
    captions = sorted(t.caption for t in host.window.gallery.ordered_tiles())
    assert captions == ["\u2068Amal\u2069", "\u2068Badr\u2069", "\u2068Hana\u2069 (you)"]
    host.window.show_participants()
    assert host.window.grab().save(str(shots(output_dir) / "meeting_window_3_tiles.png"))

    # Mute: Amal's microphone (a generated voice) goes off, and she is told.
    amal.window.toolbar.mic_action.trigger()
    wait(qtbot, lambda: panel.rows[amal.pid].participant.audio_on, MEDIA)
    panel.menu_for(amal.pid).mute_action.trigger()
    wait(qtbot, lambda: not amal.bridge.local.mic_on)
    wait(qtbot, lambda: "The host muted you" in amal.texts())
    wait(qtbot, lambda: amal.window.toolbar.mic_action.text() == "Unmute")

    # Ask to unmute: Amal's banner has an Unmute button.
    wait(qtbot, lambda: panel.menu_for(amal.pid).ask_unmute_action.isEnabled())
    panel.menu_for(amal.pid).ask_unmute_action.trigger()
    wait(qtbot, lambda: "The host asks you to unmute" in amal.texts())
    banner = next(b for b in amal.window.notifications.banners if "asks you" in b.text)
    qtbot.mouseClick(banner.action_button, LEFT)
    wait(qtbot, lambda: amal.bridge.local.mic_on and panel.rows[amal.pid].participant.audio_on)

    # Mute all (the participants panel's button).
    host.window.show_participants()
    qtbot.mouseClick(panel.mute_all_button, LEFT)
    wait(qtbot, lambda: not amal.bridge.local.mic_on)

    # Stop video.
    assert panel.rows[amal.pid].participant.video_on
    panel.menu_for(amal.pid).stop_video_action.trigger()
    wait(qtbot, lambda: not amal.bridge.local.camera_on)
    wait(qtbot, lambda: "The host stopped your video" in amal.texts())

    # Make co-host: Amal gets the Security menu; Remove co-host takes it back.
    menu = panel.menu_for(amal.pid)
    assert menu.cohost_action.text() == "Make co-host"
    menu.cohost_action.trigger()
    wait(qtbot, lambda: amal.window.toolbar.security_button.isVisible())
    wait(qtbot, lambda: "The host made you a co-host" in amal.texts())
    wait(qtbot, lambda: panel.rows[amal.pid].role_label.text() == "Co-host")
    # A co-host's menu on the host is greyed out with the reason.
    on_host = amal.people.menu_for(host.pid)
    assert not on_host.remove_action.isEnabled()
    assert on_host.remove_action.toolTip() == "Nobody can do this to the host"
    wait(qtbot, lambda: panel.menu_for(amal.pid).cohost_action.text() == "Remove co-host")
    menu = panel.menu_for(amal.pid)
    menu.cohost_action.trigger()
    wait(qtbot, lambda: not amal.window.toolbar.security_button.isVisible())
    assert amal.bridge.view is not None
    mine = next(x for x in amal.bridge.view.participants if x.pid == amal.pid)
    assert mine.role == Role.PARTICIPANT

    # Rename…: everyone sees the new name.
    panel.menu_for(badr.pid).rename_action.trigger()
    dialog = host.window.dialogs.current
    assert isinstance(dialog, QInputDialog) and dialog.textValue() == "Badr"
    dialog.setTextValue("Badr Nasser")
    ok(dialog)
    wait(qtbot, lambda: "Badr Nasser" in amal.people.rows[badr.pid].name_label.text())
    wait(qtbot, lambda: "Badr Nasser" in badr.window.gallery.ordered_tiles()[0].caption)

    # Lower hand: Badr raises it from his toolbar, the host lowers it.
    badr.window.toolbar.hand_action.trigger()
    wait(qtbot, lambda: panel.rows[badr.pid].hand_label.isVisibleTo(panel))
    wait(qtbot, lambda: badr.window.toolbar.hand_action.text() == "Lower hand")
    panel.menu_for(badr.pid).hand_action.trigger()
    wait(qtbot, lambda: badr.window.toolbar.hand_action.text() == "Raise hand")

    # Report… from a participant's own menu: the host is told.
    report = amal.people.menu_for(badr.pid)
    assert not report.remove_action.isEnabled()
    report.report_action.trigger()
    ok(amal.window.dialogs.current)
    wait(qtbot, lambda: "\u2068Badr Nasser\u2069 was reported to the host" in host.texts())

    # Put in waiting room, then admit again.
    panel.menu_for(badr.pid).waiting_room_action.trigger()
    wait(qtbot, lambda: badr.page is badr.status_page)
    assert "will let you in" in badr.status_page.message_label.text()
    wait(qtbot, lambda: badr.pid in host.window.waiting_panel.rows)
    qtbot.mouseClick(host.window.waiting_panel.row(badr.pid).admit_button, LEFT)
    wait(qtbot, lambda: badr.page is badr.window.meeting_page)

    # Remove… (confirmed): Badr is told, the others' lists and galleries update.
    removed = badr.pid
    panel.menu_for(removed).remove_action.trigger()
    assert "Badr Nasser" in host.window.dialogs.current.text()  # type: ignore[union-attr]
    qtbot.mouseClick(host.window.dialogs.buttons["accept"], LEFT)
    wait(qtbot, lambda: badr.status_page.message_label.text() == closed_text(Code.REMOVED))
    assert badr.bridge.status is Status.CLOSED
    wait(qtbot, lambda: removed not in amal.people.rows and len(amal.people.rows) == 2)
    wait(qtbot, lambda: len(amal.window.gallery.tiles) == 2)
    wait(qtbot, lambda: amal.window.gallery.grid_shape() in ((1, 2), (2, 1)))  # re-flowed
    assert amal.people.title.text() == "Participants (2)"


def test_suspend_then_end_for_all(
    qtbot: QtBot, parties: Callable[[str], Party], output_dir: Path
) -> None:
    host, amal, badr = start_meeting(qtbot, parties, waiting_room=False)
    everyone_in(qtbot, host, amal, badr)
    for guest in (amal, badr):
        guest.window.toolbar.video_action.trigger()
        guest.window.toolbar.mic_action.trigger()
    wait(
        qtbot,
        lambda: all(g.bridge.local.camera_on and g.bridge.local.mic_on for g in (amal, badr)),
        MEDIA,
    )

    # Suspend participant activities… asks first; Cancel does nothing.
    menu = host.window.security_menu
    menu.suspend_action.trigger()
    qtbot.mouseClick(host.window.dialogs.buttons["cancel"], LEFT)
    menu.suspend_action.trigger()
    qtbot.mouseClick(host.window.dialogs.buttons["accept"], LEFT)
    wait(qtbot, lambda: amal.bridge.view is not None and amal.bridge.view.suspended)
    for guest in (amal, badr):
        wait(qtbot, lambda g=guest: not g.bridge.local.camera_on and not g.bridge.local.mic_on)
        toolbar = guest.window.toolbar
        wait(qtbot, lambda t=toolbar: not t.video_action.isEnabled())
        assert not toolbar.mic_action.isEnabled()
        assert toolbar.buttons["video"].toolTip() == (
            "The host has suspended participant activities"
        )
        assert not guest.window.chat_panel.input.isEnabled()
        wait(qtbot, lambda g=guest: "The host suspended participant activities" in g.texts())
    wait(qtbot, lambda: menu.lock_action.isChecked() and not menu.suspend_action.isEnabled())
    assert amal.window.grab().save(str(shots(output_dir) / "guest_after_suspend.png"))

    # End meeting for all (the host's End button, confirmed).
    host.window.toolbar.leave_action.trigger()
    assert set(host.window.dialogs.buttons) == {"end", "leave", "cancel"}
    qtbot.mouseClick(host.window.dialogs.buttons["end"], LEFT)
    ended = closed_text(Code.ENDED)
    for guest in (amal, badr):
        wait(qtbot, lambda g=guest: g.status_page.message_label.text() == ended)
        assert guest.page is guest.status_page
    wait(qtbot, lambda: host.bridge.status is Status.CLOSED)
    assert amal.window.grab().save(str(shots(output_dir) / "guest_meeting_ended.png"))
