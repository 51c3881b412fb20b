"""The one bridge between the asyncio thread and Qt.

Signals are emitted on the loop thread and delivered queued to widgets on the GUI
thread; intents are methods that return at once and run on the loop thread. Video
is not sent through signals: the latest frame per tile is kept here (older ones
are dropped) and ``frames_ready`` fires once until the UI takes them, so a slow
GUI never builds a backlog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Coroutine
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from app.client.devices import LocalDevices
from app.client.loop import AsyncioThread
from app.client.session import MeetingSession
from app.client.state import HostedMeeting, LocalMedia, MediaConfig, Status, TileKey
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.invite import Invite
from app.core.roles import MediaKind
from app.server.embedded import EmbeddedServer, EmbeddedServerError, start_embedded_server

logger = logging.getLogger(__name__)


class SessionBridge(QObject):
    # status: a Status value; code: a Code value or "" (why a session closed)
    status_changed = Signal(str, str)
    meeting_changed = Signal(object)  # p.MeetingView
    local_media_changed = Signal(object)  # LocalMedia
    notice = Signal(object)  # p.Notice
    chat_received = Signal(object)  # p.ChatMessage
    error = Signal(str, str)  # Code value, detail
    frames_ready = Signal()  # call take_frames()
    tile_closed = Signal(object)  # TileKey
    speaking_changed = Signal(object)  # frozenset[str] of participant IDs
    hosted = Signal(object)  # HostedMeeting: show passcode and host key once

    def __init__(
        self,
        device_key: DeviceKey,
        config: MediaConfig | None = None,
        *,
        loop: AsyncioThread | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loop = loop or AsyncioThread()
        self._owns_loop = loop is None
        self._frames: dict[TileKey, np.ndarray] = {}
        self._frames_lock = threading.Lock()
        self._frames_pending = False
        self.server: EmbeddedServer | None = None
        self.status = Status.IDLE
        self.view: p.MeetingView | None = None
        self.local = LocalMedia()
        self.hosted_meeting: HostedMeeting | None = None
        self.listener = _Listener(self)
        self.session = MeetingSession(
            self.listener, device_key, LocalDevices(config or MediaConfig())
        )
        # Keep our own copies up to date on the GUI thread for widgets to read.
        self.status_changed.connect(self._remember_status)
        self.meeting_changed.connect(self._remember_view)
        self.local_media_changed.connect(self._remember_local)

    def _frame(self, tile: TileKey, image: np.ndarray) -> None:
        with self._frames_lock:
            self._frames[tile] = image
            if self._frames_pending:
                return
            self._frames_pending = True
        self.frames_ready.emit()

    def take_frames(self) -> dict[TileKey, np.ndarray]:
        """The latest frame of every tile that changed since the last call (GUI thread)."""
        with self._frames_lock:
            frames, self._frames = self._frames, {}
            self._frames_pending = False
        return frames

    def _remember_status(self, status: str, code: str) -> None:
        self.status = Status(status)

    def _remember_view(self, view: p.MeetingView) -> None:
        self.view = view

    def _remember_local(self, media: LocalMedia) -> None:
        self.local = media

    # ------------------------------------------------ intents (GUI thread)

    def _submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        future = self._loop.submit(coro)
        future.add_done_callback(_log_failure)

    def host_new_meeting(self, name: str, *, lan: bool = False, waiting_room: bool = True) -> None:
        """Start the embedded server (a child process) and join as host. ``lan``
        listens on every interface so others on the network can join."""
        self._submit(self._host_new_meeting(name, lan, waiting_room))

    async def _host_new_meeting(self, name: str, lan: bool, waiting_room: bool) -> None:
        import asyncio

        self.listener.status_changed(Status.CONNECTING, None)
        try:
            if self.server is None or not self.server.alive():
                self.server = await asyncio.to_thread(
                    start_embedded_server, "0.0.0.0" if lan else "127.0.0.1"
                )
        except (EmbeddedServerError, OSError) as exc:
            logger.error("embedded server failed: %s", exc)
            self.listener.status_changed(Status.CLOSED, Code.UNREACHABLE)
            return
        host = _lan_address() if lan else self.server.host
        hosted = await self.session.create_meeting(
            host,
            self.server.port,
            self.server.fingerprint,
            self.server.create_token,
            name,
            waiting_room=waiting_room,
        )
        if hosted is not None:
            self.hosted_meeting = hosted
            self.hosted.emit(hosted)

    def join(self, invite: Invite, name: str) -> None:
        self._submit(self.session.join(invite, name))

    def set_media(self, kind: MediaKind, on: bool) -> None:
        self._submit(self.session.set_media(kind, on))

    def send(self, message: p._Msg) -> None:
        """Any protocol intent: host actions, raise hand, rename..."""
        self._submit(self.session.send(message))

    def chat(self, text: str, to: str | None = None) -> None:
        self._submit(self.session.chat(text, to))

    def configure_media(self, config: MediaConfig) -> None:
        self._submit(self.session.configure(config))

    def leave(self) -> None:
        self._submit(self.session.leave())

    def end_meeting(self) -> None:
        self._submit(self.session.end_meeting())

    def run_on_loop(self, coro: Coroutine[Any, Any, Any]) -> None:
        """For helpers that live on the loop too (the demo's simulated guests)."""
        self._submit(coro)

    @property
    def loop(self) -> AsyncioThread:
        return self._loop

    def shutdown(self) -> None:
        """Leave, release devices, stop the embedded server and the loop thread."""
        if self._loop.alive:
            try:
                self._loop.run(self._shutdown(), timeout=10)
            except Exception:
                logger.exception("shutdown did not finish cleanly")
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._owns_loop:
            self._loop.stop()

    async def _shutdown(self) -> None:
        if self.session.status not in (Status.IDLE, Status.CLOSED):
            await self.session.leave()
        await self.session.close()


def _log_failure(future: Any) -> None:
    exc = future.exception() if not future.cancelled() else None
    if exc is not None:
        logger.error("intent failed", exc_info=exc)


def _lan_address() -> str:
    """The address other machines on the LAN reach us at: the first non-loopback IPv4."""
    import ipaddress

    import ifaddr

    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback:
                return ip.ip
    return "127.0.0.1"


class _Listener:
    """The session's listener: re-emits everything as the bridge's signals (loop thread)."""

    def __init__(self, bridge: SessionBridge) -> None:
        self._bridge = bridge

    def status_changed(self, status: Status, code: Code | None) -> None:
        self._bridge.status_changed.emit(str(status), str(code) if code else "")

    def meeting_changed(self, view: p.MeetingView) -> None:
        self._bridge.meeting_changed.emit(view)

    def local_media_changed(self, media: LocalMedia) -> None:
        self._bridge.local_media_changed.emit(media)

    def notice(self, notice: p.Notice) -> None:
        self._bridge.notice.emit(notice)

    def chat(self, message: p.ChatMessage) -> None:
        self._bridge.chat_received.emit(message)

    def error(self, code: Code, detail: str) -> None:
        self._bridge.error.emit(str(code), detail)

    def frame(self, tile: TileKey, image: np.ndarray) -> None:
        self._bridge._frame(tile, image)

    def tile_closed(self, tile: TileKey) -> None:
        self._bridge.tile_closed.emit(tile)

    def speaking_changed(self, pids: frozenset[str]) -> None:
        self._bridge.speaking_changed.emit(pids)
