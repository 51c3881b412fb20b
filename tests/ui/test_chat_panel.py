"""Chat: everyone or one person, times, plain text, each message in its own
direction, bubbles on the sender's side (mirrored right-to-left), and the host
turning chat off."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.roles import Permission, Role
from app.ui.chat_panel import ChatPanel, text_direction
from tests.ui.conftest import Intents, join, person, view

LTR, RTL = Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft
PEOPLE = [person("h", "Hana", Role.HOST), person("a", "Amal"), person("s", "سارة")]


def _panel(qtbot: QtBot, bridge: SessionBridge, you: str = "a", **state: object) -> ChatPanel:
    join(bridge, view(you, PEOPLE, **state))  # type: ignore[arg-type]
    panel = ChatPanel(bridge)
    qtbot.addWidget(panel)
    panel.resize(340, 520)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _message(sender: str, name: str, text: str, to: str | None = None) -> p.ChatMessage:
    return p.ChatMessage(from_pid=sender, from_name=name, to=to, text=text, at=time.time())


def test_text_direction() -> None:
    assert text_direction("Hello مرحبا") == LTR
    assert text_direction("مرحبا Hello") == RTL
    assert text_direction("123 - مرحبا") == RTL  # digits are not strong
    assert text_direction("!!!") == QApplication.layoutDirection()


def test_send_to_everyone_or_one_person(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, intents = offline_bridge
    panel = _panel(qtbot, bridge)
    names = [panel.recipients.itemText(i) for i in range(panel.recipients.count())]
    assert names == ["Everyone", "\u2068Hana\u2069", "\u2068سارة\u2069"]  # not yourself
    assert not panel.send_button.isEnabled()
    qtbot.keyClicks(panel.input, "Hello all")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    panel.set_recipient("s")
    qtbot.keyClicks(panel.input, "Private note")
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert intents.chats == [("Hello all", None), ("Private note", "s")]
    assert panel.input.text() == ""
    # The private recipient leaves: back to Everyone.
    bridge.meeting_changed.emit(view("a", PEOPLE[:2]))
    panel.update_view(bridge.view)
    assert panel.recipient() is None


def test_bubbles_direction_sides_and_plain_text(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, _ = offline_bridge
    panel = _panel(qtbot, bridge)
    mine = panel.add_message(_message("a", "Amal", "Meeting at 5 ok?"))
    theirs = panel.add_message(_message("s", "سارة", "نعم، الساعة 5 PM مناسبة", to="a"))
    html = panel.add_message(_message("h", "Hana", "<b>not bold</b> <img src=x>"))
    private_mine = panel.add_message(_message("a", "Amal", "only you", to="h"))
    qtbot.waitUntil(lambda: theirs.isVisible() and theirs.width() > 0)
    assert mine.text_label.layoutDirection() == LTR
    assert theirs.text_label.layoutDirection() == RTL
    assert mine.sender_label.text() == "You"
    assert theirs.sender_label.text() == "\u2068سارة\u2069 to you (privately)"
    assert private_mine.sender_label.text() == "You to \u2068Hana\u2069 (privately)"
    assert html.text_label.textFormat() == Qt.TextFormat.PlainText
    assert html.text_label.text() == "<b>not bold</b> <img src=x>"
    assert mine.time_label.text()  # a clock time in the locale's format

    def sides() -> tuple[int, int]:
        width = panel.scroll_area.viewport().width()
        return mine.geometry().right(), width - theirs.geometry().left()

    qtbot.waitUntil(lambda: mine.geometry().right() > panel.scroll_area.viewport().width() - 20)
    assert theirs.geometry().left() < 20  # others on the leading (left) side
    panel.setLayoutDirection(RTL)
    qtbot.waitUntil(lambda: mine.geometry().left() < 20)  # yours move to the left
    assert theirs.geometry().right() > panel.scroll_area.viewport().width() - 20
    assert theirs.text_label.layoutDirection() == RTL  # content direction stays
    assert sides()


def test_chat_off_explains_why_and_counts_unread(
    qtbot: QtBot, offline_bridge: tuple[SessionBridge, Intents]
) -> None:
    bridge, _ = offline_bridge
    panel = _panel(qtbot, bridge, permissions={Permission.CHAT: False})
    assert not panel.input.isEnabled() and not panel.send_button.isEnabled()
    assert panel.disabled_label.isVisibleTo(panel)
    assert panel.disabled_label.text() == "The host has turned chat off"
    assert panel.input.placeholderText() == "Chat is off"
    # Hosts can always chat.
    host_panel = _panel(qtbot, bridge, you="h", permissions={Permission.CHAT: False})
    assert host_panel.input.isEnabled() and not host_panel.disabled_label.isVisibleTo(host_panel)

    counts: list[int] = []
    panel.unread_changed.connect(counts.append)
    panel.hide()
    panel.add_message(_message("h", "Hana", "one"))
    panel.add_message(_message("h", "Hana", "two"))
    panel.show()
    assert counts == [1, 2, 0]
