"""The real windows in Arabic: every visible text translated, right-to-left layout,
a runtime switch back and forth without a restart, Arabic plural forms, and
screenshots (test-output/screenshots/*_ar.png) for people to look at."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.client.bridge import SessionBridge
from app.client.state import HostedMeeting, LocalMedia
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.invite import Invite
from app.core.roles import Role
from app.i18n import LanguageManager
from app.i18n.bidi import FSI, LRI, PDI, RLI
from app.media.state import SourceState
from app.settings import CAMERA_PATTERN, Settings
from app.ui.hosted_dialog import HostedDialog
from app.ui.meeting_window import MeetingWindow
from app.ui.settings_dialog import DeviceLists, SettingsDialog
from app.ui.start_window import StartWindow
from app.ui.waiting_room_panel import WaitingRoomPanel
from tests.ui.conftest import join, person, view

RTL = Qt.LayoutDirection.RightToLeft
LTR = Qt.LayoutDirection.LeftToRight
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ISOLATED = re.compile(f"[{FSI}{LRI}{RLI}][^{PDI}]*{PDI}")

# Names typed by people; they stay as they are in every language.
PEOPLE = [
    person("h", "Hana", Role.HOST, audio=True, joined=1),
    person("a", "Amal", audio=True, video=True, joined=2),
    person("s", "سارة", hand=True, joined=3),
]
LOBBY = [p.WaitingView(pid="w1", name="Omar", since=1_700_000_000.0)]


@pytest.fixture
def bridge(qapp: QApplication) -> Iterator[SessionBridge]:
    """A real SessionBridge that never connects (the test plays its signals)."""
    bridge = SessionBridge(DeviceKey.generate())
    bridge.send = lambda message: None  # type: ignore[method-assign]
    bridge.set_media = lambda kind, on: None  # type: ignore[method-assign]
    bridge.chat = lambda text, to=None: None  # type: ignore[method-assign]
    bridge.leave = lambda: None  # type: ignore[method-assign]
    bridge.end_meeting = lambda: None  # type: ignore[method-assign]
    yield bridge
    bridge.shutdown()


# -- collecting what people read --------------------------------------------------------


# Not the UI's words: what people typed (chat) and the running meeting timer.
USER_CONTENT = {"chatText", "meetingTimer"}


def visible_texts(window: QWidget) -> dict[str, str]:
    """Every text of the window a person reads: its title, labels, buttons, group
    titles, placeholders, actions and menus, and every tooltip, by object."""
    texts: dict[str, str] = {}

    def put(obj: QObject, what: str, text: str) -> None:
        if text and obj.objectName() not in USER_CONTENT:
            texts[f"{type(obj).__name__}@{id(obj):x}.{what}"] = text

    put(window, "windowTitle", window.windowTitle())
    put(window, "toolTip", window.toolTip())
    for widget in window.findChildren(QWidget):
        put(widget, "toolTip", widget.toolTip())
    for label in window.findChildren(QLabel):
        put(label, "text", label.text())
    for button in window.findChildren(QAbstractButton):
        put(button, "text", button.text())
    for box in window.findChildren(QGroupBox):
        put(box, "title", box.title())
    for edit in window.findChildren(QLineEdit):
        put(edit, "placeholder", edit.placeholderText())
    for menu in window.findChildren(QMenu):
        put(menu, "title", menu.title())
    for action in window.findChildren(QAction):
        if not action.isSeparator():
            put(action, "text", action.text())
            put(action, "toolTip", action.toolTip())
    return texts


def untranslated(text: str) -> bool:
    """English words left outside the isolated parts (names, codes, shortcuts)."""
    return bool(LATIN_WORD.search(_ISOLATED.sub("", text)))


def switch(qapp: QApplication, languages: LanguageManager, language: str) -> None:
    languages.set_language(language, remember=False)
    qapp.processEvents()  # the LanguageChange events are posted to each widget


# -- the windows ------------------------------------------------------------------------


def no_devices() -> DeviceLists:
    return DeviceLists()


def meeting_window(qtbot: QtBot, bridge: SessionBridge) -> MeetingWindow:
    """The host's meeting window with three people, one waiting, panels and chat open."""
    bridge.hosted_meeting = HostedMeeting(
        Invite("192.168.1.20", 8443, "12345678901", "K7PQ2MZX", None), "483920", "secret"
    )
    window = MeetingWindow(bridge)
    qtbot.addWidget(window)
    window.resize(1180, 740)
    window.show()
    qtbot.waitExposed(window)
    join(
        bridge,
        view("h", PEOPLE, lobby=LOBBY),
        LocalMedia(mic_on=True, camera_on=False),
    )
    window.show_participants(True)
    window.show_chat(True)
    bridge.chat_received.emit(
        p.ChatMessage(from_pid="a", from_name="Amal", to=None, text="Hello everyone!", at=1e9)
    )
    bridge.chat_received.emit(
        p.ChatMessage(from_pid="h", from_name="Hana", to=None, text="مرحبًا بالجميع", at=1e9 + 60)
    )
    bridge.chat_received.emit(
        p.ChatMessage(from_pid="s", from_name="سارة", to="h", text="سؤال صغير", at=1e9 + 90)
    )
    bridge.notice.emit(p.Notice(kind="waiting_arrived", pid="w1", name="Omar"))
    window.toolbar.stop_timer()
    return window


def settings_dialog(qtbot: QtBot, languages: LanguageManager) -> SettingsDialog:
    settings = Settings(display_name="Amal", camera=CAMERA_PATTERN, microphone="No such mic")
    dialog = SettingsDialog(settings, languages, save=False, scan=no_devices)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # Let the devices settle, so the status lines do not change under the test.
    qtbot.waitUntil(lambda: dialog.devices is not None, timeout=5000)
    qtbot.waitUntil(lambda: dialog.preview.has_picture(), timeout=10000)  # the test pattern
    qtbot.waitUntil(lambda: dialog.microphone_state() is SourceState.UNAVAILABLE, timeout=10000)
    no_microphone = QCoreApplication.translate(
        "SettingsDialog", "Unavailable: no microphone found, or it cannot be opened."
    )
    qtbot.waitUntil(lambda: dialog.microphone_status.text() == no_microphone)  # meter timer
    return dialog


def hosted_dialog(qtbot: QtBot) -> HostedDialog:
    invite = Invite("192.168.1.20", 8443, "12345678901", "K7PQ2MZX", None)
    dialog = HostedDialog(HostedMeeting(invite, "483920", "secret"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.copy_passcode.click()  # "Passcode copied" shows too
    return dialog


# -- tests ------------------------------------------------------------------------------


def test_every_window_switches_to_arabic_and_back_without_restart(
    qtbot: QtBot, qapp: QApplication, languages: LanguageManager, bridge: SessionBridge
) -> None:
    start = StartWindow(languages.settings, languages, save=False)
    qtbot.addWidget(start)
    start.show()
    start.submit_join()  # the inline messages under the empty fields show too
    start.address_edit.setText("not an address")
    start.meeting_id_edit.setText("123")
    start.fingerprint_edit.setText("xyz")
    start.submit_join()
    meeting = meeting_window(qtbot, bridge)
    settings = settings_dialog(qtbot, languages)
    hosted = hosted_dialog(qtbot)
    windows: dict[str, QWidget] = {
        "start": start,
        "meeting": meeting,
        "settings": settings,
        "hosted": hosted,
    }
    for window in windows.values():
        assert window.layoutDirection() == LTR
    english = {name: visible_texts(w) for name, w in windows.items()}

    switch(qapp, languages, "ar")
    for name, window in windows.items():
        assert window.isWindow()
        assert window.layoutDirection() == RTL, name
        arabic = visible_texts(window)
        before = english[name]
        # The same widgets show text (nothing vanished, nothing new appeared).
        assert set(arabic) == set(before), (name, set(arabic) ^ set(before))
        changed = [key for key in before if arabic[key] != before[key]]
        assert len(changed) >= 0.8 * len(before), (name, len(changed), len(before))
        for key, text in arabic.items():
            # Names, codes and numbers may stay as they are; English words may not.
            assert not untranslated(text), (name, key, text, before[key])
            if untranslated(before[key]):
                assert text != before[key], (name, key, text)
                assert ARABIC_LETTER.search(text), (name, key, text)
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert set(windows.values()) <= set(shown)
    assert all(w.layoutDirection() == RTL for w in shown), shown
    assert "لقاء" in start.windowTitle()
    assert meeting.windowTitle() == "لقاء"
    assert settings.windowTitle() == "الإعدادات"
    assert meeting.toolbar.mic_action.text() == "كتم الصوت"
    assert meeting.security_menu.lock_action.text() == "قفل الاجتماع"
    assert meeting.toolbar.speaker_view_action.text() == "عرض المتحدث"
    assert meeting.waiting_panel.title.text() == "غرفة الانتظار (١)"
    assert meeting.participants_panel.title.text() == "المشاركون (٣)"
    assert hosted.passcode_label.text() == "رمز المرور:"
    assert start.error_for("meeting_id") == "يتكون معرّف الاجتماع من ١١ رقمًا."

    switch(qapp, languages, "en")
    for name, window in windows.items():
        assert window.layoutDirection() == LTR, name
        assert visible_texts(window) == english[name], name

    settings.release_devices()


@pytest.mark.parametrize(
    ("n", "tooltip"),
    [
        (0, "لا أحد في الانتظار"),  # zero
        (1, "السماح للشخص المنتظر بدخول الاجتماع"),  # one
        (2, "السماح للشخصين المنتظرَين بدخول الاجتماع"),  # two
        (3, "السماح لـ٣ أشخاص منتظرين بدخول الاجتماع"),  # few: 3-10
        (11, "السماح لـ١١ شخصًا منتظرًا بدخول الاجتماع"),  # many: 11-99
        (100, "السماح لـ١٠٠ شخص منتظر بدخول الاجتماع"),  # other: 100-102
    ],
)
def test_arabic_plural_forms_in_the_waiting_room(
    qtbot: QtBot,
    qapp: QApplication,
    languages: LanguageManager,
    bridge: SessionBridge,
    n: int,
    tooltip: str,
) -> None:
    switch(qapp, languages, "ar")
    lobby = [p.WaitingView(pid=f"w{i}", name=f"Guest {i}", since=1e9) for i in range(n)]
    bridge.view = view("h", PEOPLE, lobby=lobby)
    panel = WaitingRoomPanel(bridge)
    qtbot.addWidget(panel)
    assert len(panel.rows) == n
    assert panel.admit_all_button.toolTip() == tooltip
    assert panel.title.text() == QCoreApplication.translate(
        "WaitingRoomPanel", "Waiting room (%Ln)", "", n
    )
    digits = "".join(chr(0x0660 + int(d)) for d in str(n))
    assert panel.title.text() == f"غرفة الانتظار ({digits})"
    # Back in English: singular and plural.
    switch(qapp, languages, "en")
    english = "Let the person waiting into the meeting" if n == 1 else f"Let the {n} people"
    assert panel.admit_all_button.toolTip().startswith(english)


def test_arabic_screenshots(
    qtbot: QtBot,
    qapp: QApplication,
    languages: LanguageManager,
    bridge: SessionBridge,
    output_dir: Path,
) -> None:
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    switch(qapp, languages, "ar")

    start = StartWindow(languages.settings, languages, save=False)
    qtbot.addWidget(start)
    start.name_edit.setText("سارة")
    start.resize(900, 600)
    start.show()
    qtbot.waitExposed(start)
    start.show_failure("bad_credentials")
    qtbot.wait(200)  # layouts settle
    assert start.grab().save(str(shots / "start_window_ar.png"))

    window = meeting_window(qtbot, bridge)
    qtbot.wait(300)  # the chat's rows take a few layout passes to settle
    assert len(window.gallery.ordered_tiles()) == 3
    # The self view comes first: at the top right in Arabic.
    first, second = window.gallery.ordered_tiles()[:2]
    assert first.geometry().x() > second.geometry().x()
    # The toolbar reads from the right: the status (timer) on the right, Leave on the left.
    toolbar = window.toolbar
    assert (
        toolbar.buttons["leave"].x()
        < toolbar.buttons["mic"].x()
        < toolbar.timer_label.mapTo(toolbar, QPoint(0, 0)).x()
    )
    assert toolbar.buttons["mic"].x() > toolbar.buttons["video"].x()
    # The side panel is on the left of the stage.
    assert (
        window.side.mapTo(window, QPoint(0, 0)).x() < window.gallery.mapTo(window, QPoint(0, 0)).x()
    )
    # Chat: my messages on the trailing side (left in Arabic), others' on the leading side.
    mine = next(b for b in window.chat_panel.bubbles if b.mine)
    theirs = next(b for b in window.chat_panel.bubbles if not b.mine)
    assert mine.mapTo(window, QPoint(0, 0)).x() < theirs.mapTo(window, QPoint(0, 0)).x()
    assert theirs.text_label.layoutDirection() == LTR  # "Hello everyone!" keeps its direction
    assert mine.text_label.layoutDirection() == RTL
    assert window.grab().save(str(shots / "meeting_window_ar.png"))

    menu = window.security_menu
    button = window.toolbar.security_button
    menu.popup(button.mapToGlobal(QPoint(button.width(), 0)))
    qtbot.waitExposed(menu)
    qapp.processEvents()
    assert menu.layoutDirection() == RTL
    # The window as a person sees it with the menu open: a tool button at the bottom of
    # the screen opens its menu upwards, aligned on the button's leading (right) edge.
    image = window.grab()
    painter = QPainter(image)
    corner = button.mapTo(window, QPoint(button.width(), 0))
    origin = QPoint(max(0, corner.x() - menu.width()), max(0, corner.y() - menu.height()))
    painter.drawPixmap(origin, menu.grab())
    painter.end()
    assert image.save(str(shots / "security_menu_ar.png"))
    assert menu.grab().save(str(shots / "security_menu_only_ar.png"))
    menu.close()

    # Speaker view: the filmstrip reads from the right too (the self view at the top right).
    window.toolbar.speaker_view_action.trigger()
    gallery = window.gallery
    big = gallery.featured_tile()
    assert big is not None and big.key.pid == "a"
    strip = [t for t in gallery.ordered_tiles() if t is not big]
    qtbot.waitUntil(lambda: strip[0].geometry().bottom() < big.geometry().top())
    assert strip[0].geometry().x() > strip[1].geometry().x()
    assert window.grab().save(str(shots / "meeting_window_speaker_ar.png"))

    settings = settings_dialog(qtbot, languages)
    qtbot.wait(200)
    assert settings.grab().save(str(shots / "settings_dialog_ar.png"))
    settings.release_devices()
    hosted = hosted_dialog(qtbot)
    qtbot.wait(200)
    assert hosted.grab().save(str(shots / "hosted_dialog_ar.png"))
    for name in ("start_window", "meeting_window", "security_menu", "settings_dialog"):
        path = shots / f"{name}_ar.png"
        assert path.stat().st_size > 5000 and time.time() - path.stat().st_mtime < 600
