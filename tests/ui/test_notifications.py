"""Banners: words for every notice kind and refusal code, action buttons, at most
three at once, and re-worded on a language switch."""

from __future__ import annotations

from typing import get_args, get_type_hints

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from pytestqt.qtbot import QtBot

from app.core import protocol as p
from app.core.errors import Code
from app.ui.notifications import NotificationArea, closed_text, error_text, notice_text


def test_every_code_and_notice_has_words() -> None:
    texts = {error_text(code) for code in Code}
    assert len(texts) == len(Code)  # each code says something of its own
    for code in Code:
        assert error_text(code) != str(code) and " " in error_text(code)
        assert error_text(code)[0].isupper()
    assert error_text("no-such-code") == error_text(Code.INTERNAL)
    assert closed_text(Code.REMOVED) == "The host removed you from the meeting"
    assert closed_text(Code.ENDED) == "The host ended the meeting for everyone"
    assert closed_text("") == "You left the meeting"
    kinds = get_args(get_type_hints(p.Notice)["kind"])
    assert len(kinds) == 10
    for kind in kinds:
        text = notice_text(p.Notice(kind=kind, pid="x", name="Amal"))
        assert text and text != "Something changed in the meeting"
    arrived = notice_text(p.Notice(kind="waiting_arrived", pid="x", name="Amal\u202e"))
    assert arrived == "\u2068Amal\u2069 is waiting to join the meeting"  # isolated, no RLO


def test_banners_actions_limit_and_language_change(qtbot: QtBot) -> None:
    area = NotificationArea()
    qtbot.addWidget(area)
    area.show()
    clicked: list[str] = []
    words = {"text": "Asked"}
    banner = area.show_message(
        lambda: words["text"], action_text=lambda: "Unmute", action=lambda: clicked.append("x")
    )
    assert area.isVisible() and banner.action_button.text() == "Unmute"
    words["text"] = "Re-worded"
    QCoreApplication.sendEvent(banner, QEvent(QEvent.Type.LanguageChange))
    assert banner.text == "Re-worded"
    qtbot.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)
    assert clicked == ["x"] and area.texts() == []
    assert not area.isVisible()

    for i in range(5):
        area.show_message(lambda i=i: f"n{i}")
    assert area.texts() == ["n2", "n3", "n4"]
    area.show_message(lambda: "again", key="k")
    area.show_message(lambda: "replaced", key="k")
    assert area.texts()[-1] == "replaced" and "again" not in area.texts()
    short = area.show_message(lambda: "short", timeout_ms=50)
    qtbot.waitUntil(lambda: short not in area.banners)
