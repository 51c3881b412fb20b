"""Fixtures for the meeting-window tests: a real SessionBridge that is not connected
(its signals are emitted by the test and its intents recorded), meeting views built
by hand, and fake video frames."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from app.client.bridge import SessionBridge
from app.client.state import PATTERN, SYNTHETIC, LocalMedia, MediaConfig, Status
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.roles import MediaKind, Permission, Role
from app.i18n import LanguageManager, load_bundled_fonts
from app.settings import Settings
from app.ui.application import AppController


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIQAA_CONFIG_DIR", str(tmp_path))
    """Settings are read from and saved to a fresh directory."""
    return tmp_path


@pytest.fixture
def languages(qapp: QApplication) -> Iterator[LanguageManager]:
    """The UI in English (the tests compare English texts)."""
    manager = LanguageManager(Settings(language="en"), save=None)
    manager.start()
    yield manager
    manager.uninstall()


@contextlib.contextmanager
def running_app(languages: LanguageManager, label: str) -> Iterator[AppController]:
    """The whole app (windows and a real, unconnected bridge) with a test pattern
    camera and a synthetic voice; its windows are closed and deleted afterwards."""
    config = MediaConfig(camera=PATTERN, microphone=SYNTHETIC, pattern_label=label)
    bridge = SessionBridge(DeviceKey.generate(), config)
    app = AppController(languages.settings, languages, bridge, save=False, demo_pace=0)
    app.start_window.closed.disconnect(app.quit)  # closing a window must not quit pytest
    try:
        yield app
    finally:
        app.shutdown()
        for widget in (app.start_window, app.waiting_screen, app.meeting_window):
            if widget is not None:
                widget.hide()
                widget.deleteLater()


@dataclass
class Intents:
    """What the widgets asked the bridge to do."""

    sent: list[Any] = field(default_factory=list)
    media: list[tuple[MediaKind, bool]] = field(default_factory=list)
    chats: list[tuple[str, str | None]] = field(default_factory=list)
    left: int = 0
    ended: int = 0

    def of(self, kind: type) -> list[Any]:
        return [m for m in self.sent if isinstance(m, kind)]


@pytest.fixture(autouse=True)
def _fonts(qapp: QApplication) -> None:
    # Arabic names and chat need a font with Arabic letters (the app bundles one).
    load_bundled_fonts()


@pytest.fixture
def offline_bridge(qapp: QApplication) -> Iterator[tuple[SessionBridge, Intents]]:
    bridge = SessionBridge(DeviceKey.generate())
    intents = Intents()
    bridge.send = intents.sent.append  # type: ignore[method-assign]
    bridge.set_media = lambda kind, on: intents.media.append((kind, on))  # type: ignore[method-assign]
    bridge.chat = lambda text, to=None: intents.chats.append((text, to))  # type: ignore[method-assign]

    def leave() -> None:
        intents.left += 1

    def end() -> None:
        intents.ended += 1

    bridge.leave = leave  # type: ignore[method-assign]
    bridge.end_meeting = end  # type: ignore[method-assign]
    yield bridge, intents
    bridge.shutdown()


def person(
    pid: str,
    name: str,
    role: Role = Role.PARTICIPANT,
    *,
    audio: bool = False,
    video: bool = False,
    screen: bool = False,
    hand: bool = False,
    joined: float | None = None,
) -> p.ParticipantView:
    return p.ParticipantView(
        pid=pid,
        name=name,
        role=role,
        audio_on=audio,
        video_on=video,
        screen_on=screen,
        hand_raised=hand,
        joined_at=joined if joined is not None else time.time(),
    )


def view(
    you: str,
    participants: list[p.ParticipantView],
    *,
    lobby: list[p.WaitingView] | None = None,
    locked: bool = False,
    waiting_room: bool = True,
    capacity: int = 100,
    suspended: bool = False,
    permissions: dict[Permission, bool] | None = None,
    asked_to_unmute: bool = False,
) -> p.MeetingView:
    perms = {perm: True for perm in Permission}
    perms.update(permissions or {})
    return p.MeetingView(
        you=you,
        participants=participants,
        lobby=lobby or [],
        locked=locked,
        waiting_room=waiting_room,
        capacity=capacity,
        suspended=suspended,
        permissions=perms,
        asked_to_unmute=asked_to_unmute,
    )


def join(bridge: SessionBridge, meeting: p.MeetingView, local: LocalMedia | None = None) -> None:
    """Play the bridge's signals as a session that just joined would (GUI thread: direct)."""
    bridge.status_changed.emit(str(Status.JOINED), "")
    if local is not None:
        bridge.local_media_changed.emit(local)
    bridge.meeting_changed.emit(meeting)


def frame(rgb: tuple[int, int, int], width: int = 320, height: int = 240) -> np.ndarray:
    image = np.zeros((height, width, 3), np.uint8)
    image[:] = rgb
    image[height // 3 : 2 * height // 3, width // 3 : 2 * width // 3] = 255
    return image
