"""The waiting room: who waits and since when, Admit / Deny / Admit all, and a
warning mark on a name that is already in the meeting."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.roles import Role
from app.i18n import format_time
from app.ui.waiting_room_panel import WaitingRoomPanel
from tests.ui.conftest import Intents, join, person, view


def test_rows_buttons_and_duplicate_names(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents], output_dir: Path
) -> None:
    bridge, intents = offline_bridge
    since = time.time() - 90
    lobby = [
        p.WaitingView(pid="w1", name="amal  HADDAD", since=since),
        p.WaitingView(pid="w2", name="Badr", since=since + 30),
    ]
    people = [person("h", "Hana", Role.HOST), person("a", "Amal Haddad")]
    join(bridge, view("h", people, lobby=lobby))
    panel = WaitingRoomPanel(bridge)
    qtbot.addWidget(panel)
    panel.setStyleSheet("QWidget { background: #242427; color: #e8eaed; }")
    panel.resize(340, 200)
    panel.show()
    assert panel.wanted()
    assert panel.title.text() == "Waiting room (2)"
    assert list(panel.rows) == ["w1", "w2"]
    first = panel.row("w1")
    assert first.duplicate and first.warning_label.isVisibleTo(panel)
    assert "already in the meeting" in first.warning_label.toolTip()
    assert not panel.row("w2").warning_label.isVisibleTo(panel)
    expected = format_time(dt.datetime.fromtimestamp(since))
    assert first.since_label.text() == f"Waiting since {expected}"

    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(shots / "waiting_room_panel_widget.png"))

    qtbot.mouseClick(first.admit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.row("w2").deny_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.admit_all_button, Qt.MouseButton.LeftButton)
    assert intents.sent == [p.Admit(pid="w1"), p.Deny(pid="w2"), p.AdmitAll()]

    # Someone admitted leaves the list; an empty waiting room hides the panel.
    bridge.meeting_changed.emit(view("h", people, lobby=lobby[1:]))
    panel.update_view(bridge.view)
    assert list(panel.rows) == ["w2"] and panel.title.text() == "Waiting room (1)"
    bridge.meeting_changed.emit(view("h", people))
    panel.update_view(bridge.view)
    assert not panel.wanted()


def test_participants_never_see_the_waiting_room(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, _ = offline_bridge
    lobby = [p.WaitingView(pid="w1", name="Badr", since=time.time())]
    join(bridge, view("a", [person("h", "Hana", Role.HOST), person("a", "Amal")], lobby=lobby))
    panel = WaitingRoomPanel(bridge)
    qtbot.addWidget(panel)
    assert not panel.wanted()
