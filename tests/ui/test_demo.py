"""The test meeting end to end, as a newcomer sees it: the Test meeting button, the
embedded server, three simulated guests (two in, one waiting), a raised hand, chat
in Arabic and English, the host's waiting-room controls; then a clean shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.client.state import Status, TileKey
from app.core import protocol as p
from app.i18n import LanguageManager
from app.settings import Settings
from app.ui.application import AppController
from app.ui.meeting_window import MeetingWindow
from tests.ui.conftest import running_app


@pytest.fixture
def controller(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppController]:
    monkeypatch.setenv("LIQAA_CONFIG_DIR", str(tmp_path))
    languages = LanguageManager(Settings(language="en"), save=None)
    languages.start()
    with running_app(languages, "Host") as app:
        yield app
    languages.uninstall()


def names(view: p.MeetingView | None) -> list[str]:
    return sorted(x.name for x in view.participants) if view is not None else []


def lobby(view: p.MeetingView | None) -> list[str]:
    return [x.name for x in view.lobby] if view is not None else []


def person(view: p.MeetingView | None, name: str) -> p.ParticipantView:
    assert view is not None
    return next(x for x in view.participants if x.name == name)


def test_test_meeting_shows_every_feature(
    qtbot: QtBot, controller: AppController, output_dir: Path
) -> None:
    bridge = controller.bridge
    chats: list[p.ChatMessage] = []
    bridge.chat_received.connect(chats.append)
    controller.start()
    start = controller.start_window
    QTest.mouseClick(start.test_meeting_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: controller.meeting_window is not None and controller.meeting_window.isVisible(),
        timeout=20000,
    )
    window = controller.meeting_window
    assert isinstance(window, MeetingWindow) and not start.isVisible()
    demo = controller.demo
    assert demo is not None
    qtbot.waitUntil(lambda: demo.finished, timeout=30000)

    # In the meeting: us (the host) with Omar and Lina; سارة waits in the waiting room.
    qtbot.waitUntil(lambda: names(bridge.view) == ["Lina", "Me", "Omar"], timeout=15000)
    assert lobby(bridge.view) == ["سارة"]
    assert person(bridge.view, "Me").role == "host"
    qtbot.waitUntil(lambda: person(bridge.view, "Omar").hand_raised, timeout=10000)
    qtbot.waitUntil(lambda: len(chats) >= 2, timeout=10000)
    assert {m.from_name for m in chats} == {"Lina"}
    assert any("مرحبًا" in m.text for m in chats) and any("Hello" in m.text for m in chats)
    assert controller.hosted_dialog is None  # no passcode pop-up in the test meeting

    # ... and on screen: the guests' tiles with their pattern cameras, the waiting
    # room panel with an Admit button, the chat, the Security menu.
    omar = person(bridge.view, "Omar").pid
    lina = person(bridge.view, "Lina").pid
    tiles = {tile.key: tile for tile in window.gallery.ordered_tiles()}
    assert TileKey(omar) in tiles and TileKey(lina) in tiles
    qtbot.waitUntil(lambda: tiles[TileKey(omar)].frames_received > 5, timeout=20000)
    qtbot.waitUntil(lambda: tiles[TileKey(lina)].frames_received > 5, timeout=20000)
    assert tiles[TileKey(omar)].hand_raised
    sara = bridge.view.lobby[0].pid if bridge.view else ""
    assert window.waiting_panel.isVisible() and sara in window.waiting_panel.rows
    assert len(window.chat_panel.bubbles) >= 2
    assert window.toolbar.security_button.isVisible()

    window.resize(1280, 800)
    window.show_chat(True)
    qtbot.wait(300)
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(shots / "test_meeting.png"))
    assert controller.languages is not None
    controller.languages.set_language("ar", remember=False)
    qtbot.waitUntil(window.isRightToLeft)
    qtbot.wait(300)
    assert window.grab().save(str(shots / "test_meeting_ar.png"))
    controller.languages.set_language("en", remember=False)

    # The host lets سارة in from the waiting room panel: she comes in with her camera.
    QTest.mouseClick(window.waiting_panel.row(sara).admit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "سارة" in names(bridge.view), timeout=15000)
    qtbot.waitUntil(lambda: person(bridge.view, "سارة").video_on, timeout=15000)
    assert lobby(bridge.view) == []

    # Closing the app: the guests leave, the embedded server stops.
    server = bridge.server
    assert server is not None and server.alive()
    guests = demo.guests.guests
    controller.shutdown()
    assert all(g.status is Status.CLOSED for g in guests)
    assert not server.alive() and bridge.server is None


def test_guests_leave_when_the_host_ends_the_meeting(
    qtbot: QtBot, controller: AppController
) -> None:
    controller.start(demo=True)  # liqaa --demo: straight into the test meeting
    qtbot.waitUntil(lambda: controller.demo is not None and controller.demo.finished, timeout=30000)
    demo = controller.demo
    assert demo is not None
    bridge = controller.bridge
    qtbot.waitUntil(lambda: len(names(bridge.view)) == 3, timeout=15000)
    bridge.end_meeting()
    qtbot.waitUntil(lambda: bridge.status is Status.CLOSED, timeout=15000)
    qtbot.waitUntil(
        lambda: all(g.status is Status.CLOSED for g in demo.guests.guests), timeout=15000
    )
    assert controller.demo is None
    # The meeting window says the meeting ended until the user closes it; then the
    # start window is back, with the same reason.
    window = controller.meeting_window
    assert isinstance(window, MeetingWindow) and window.isVisible()
    assert window.stack.currentWidget() is window.status_page
    QTest.mouseClick(window.status_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(controller.start_window.isVisible, timeout=5000)
    assert controller.meeting_window is None
    assert controller.start_window.status_text() == "This meeting has ended."
