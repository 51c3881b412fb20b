"""The session controller: one meeting from join to leave, on the asyncio thread.

It owns the signaling connection, the peer connection to the relay and the local
devices, and reports to a :class:`SessionListener` (the Qt bridge, or a test).
It obeys the host: when the server's view says our microphone, camera or share is
off, the matching local media stops; a client that did not would still be cut
off by the relay. All methods run on the session's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Protocol

import av
import numpy as np
from aiortc import MediaStreamTrack, RTCRtpTransceiver
from aiortc.mediastreams import MediaStreamError

from app.client.devices import LocalDevices
from app.client.speaking import SpeakingDetector
from app.client.state import SELF, HostedMeeting, LocalMedia, MediaConfig, Status, TileKey
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.invite import Invite
from app.core.roles import MediaKind
from app.rtc.decoders import DecodedPicture
from app.rtc.peer import MediaPeer
from app.rtc.signaling import (
    CertificateMismatch,
    ConnectionClosed,
    ServerUnreachable,
    SignalingClient,
)

logger = logging.getLogger(__name__)

# Seconds of retrying after the connection drops (the server keeps our place 120 s).
RECONNECT_FOR = 60.0
SELF_VIEW_FPS = 15


class SessionListener(Protocol):
    """Everything the session reports. Called on the session's loop thread."""

    def status_changed(self, status: Status, code: Code | None) -> None: ...

    def meeting_changed(self, view: p.MeetingView) -> None: ...

    def local_media_changed(self, media: LocalMedia) -> None: ...

    def notice(self, notice: p.Notice) -> None: ...

    def chat(self, message: p.ChatMessage) -> None: ...

    def error(self, code: Code, detail: str) -> None: ...

    def frame(self, tile: TileKey, image: np.ndarray) -> None: ...

    def tile_closed(self, tile: TileKey) -> None: ...

    def speaking_changed(self, pids: frozenset[str]) -> None: ...


class QuietListener:
    """A ``SessionListener`` that ignores everything: subclass it and override only
    what you need (simulated guests, benchmarks)."""

    def status_changed(self, status: Status, code: Code | None) -> None:
        pass

    def meeting_changed(self, view: p.MeetingView) -> None:
        pass

    def local_media_changed(self, media: LocalMedia) -> None:
        pass

    def notice(self, notice: p.Notice) -> None:
        pass

    def chat(self, message: p.ChatMessage) -> None:
        pass

    def error(self, code: Code, detail: str) -> None:
        pass

    def frame(self, tile: TileKey, image: np.ndarray) -> None:
        pass

    def tile_closed(self, tile: TileKey) -> None:
        pass

    def speaking_changed(self, pids: frozenset[str]) -> None:
        pass


class MeetingSession:
    def __init__(
        self,
        listener: SessionListener,
        device_key: DeviceKey,
        devices: LocalDevices | None = None,
    ) -> None:
        self.listener = listener
        self.device_key = device_key
        self.devices = devices or LocalDevices(MediaConfig())
        self.devices.on_change = self._local_changed
        self.status = Status.IDLE
        self.view: p.MeetingView | None = None
        self.pid: str | None = None
        self.invite: Invite | None = None
        self.name = ""
        self._host_secret: str | None = None
        self._session_token: str | None = None
        self._signaling: SignalingClient | None = None
        self._peer: MediaPeer | None = None
        self._reader: asyncio.Task[None] | None = None
        self._self_view_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._remote_tiles: set[TileKey] = set()
        self._speaking = SpeakingDetector()
        self._wanted: dict[MediaKind, bool] = dict.fromkeys(MediaKind, False)
        self._closing = False
        #: Seconds to wait before trying again, after a rate-limited join.
        self.retry_after = 0.0

    # ------------------------------------------------------------ entry

    async def create_meeting(
        self,
        invite_host: str,
        port: int,
        fingerprint: str | None,
        create_token: str,
        name: str,
        *,
        waiting_room: bool = True,
    ) -> HostedMeeting | None:
        """Create a meeting on a server and join it as host. None when that failed
        (the status change says why)."""
        self._set_status(Status.CONNECTING)
        signaling = SignalingClient()
        url = Invite(invite_host, port, "0" * 11).server_url
        try:
            await signaling.connect(url, fingerprint)
            await signaling.send(
                p.Create(v=p.PROTOCOL_VERSION, create_token=create_token, waiting_room=waiting_room)
            )
            reply = await asyncio.wait_for(signaling.recv(), 20)
        except (ServerUnreachable, ConnectionClosed, TimeoutError):
            await signaling.close()
            self._closed(Code.UNREACHABLE)
            return None
        except CertificateMismatch:
            self._closed(Code.CERTIFICATE_MISMATCH)
            return None
        await signaling.close()
        if not isinstance(reply, p.Created):
            self._closed(reply.code if isinstance(reply, p.JoinFailed) else Code.INTERNAL)
            return None
        invite = Invite(invite_host, port, reply.meeting_id, reply.passcode or "", fingerprint)
        hosted = HostedMeeting(invite, reply.host_key, reply.host_secret)
        await self.join(invite, name, host_secret=reply.host_secret)
        return hosted

    async def join(self, invite: Invite, name: str, host_secret: str | None = None) -> Status:
        self.invite, self.name, self._host_secret = invite, name, host_secret
        self._closing = False
        self._set_status(Status.CONNECTING)
        return await self._connect_and_join(rejoin=False)

    async def _connect_and_join(self, *, rejoin: bool) -> Status:
        assert self.invite is not None
        signaling = SignalingClient()
        try:
            welcome = await signaling.connect(self.invite.server_url, self.invite.fingerprint)
            await signaling.send(
                p.Join(
                    v=p.PROTOCOL_VERSION,
                    meeting_id=self.invite.meeting_id,
                    name=self.name,
                    device_key=self.device_key.public_b64,
                    device_sig=self.device_key.sign(welcome.nonce, self.invite.meeting_id),
                    passcode=self.invite.passcode,
                    host_secret=self._host_secret,
                    rejoin_token=self._session_token if rejoin else None,
                )
            )
            reply = await asyncio.wait_for(signaling.recv(), 30)
        except CertificateMismatch:
            self._closed(Code.CERTIFICATE_MISMATCH)
            return self.status
        except (ServerUnreachable, ConnectionClosed, TimeoutError):
            await signaling.close()
            if not rejoin:
                self._closed(Code.UNREACHABLE)
            return Status.CLOSED
        except BaseException:  # e.g. cancelled: the user left while we were reconnecting
            await signaling.close()
            raise
        if isinstance(reply, p.JoinFailed):
            await signaling.close()
            self.retry_after = reply.retry_after
            if rejoin and reply.code is Code.RATE_LIMITED:
                return Status.CLOSED  # a lockout (say, an attack on the meeting): retry
            if rejoin and reply.code is Code.BAD_CREDENTIALS:
                # The passcode was right a moment ago: the server no longer knows the
                # meeting (it restarted, or the meeting ended while we were away).
                self._closed(Code.ENDED)
                return self.status
            self._closed(reply.code)
            return self.status
        self._signaling = signaling
        if isinstance(reply, p.Joined):
            self.pid, self._session_token = reply.pid, reply.session_token
            self._reader = self._spawn(self._read())
            await self._entered(reply.state)
        elif isinstance(reply, p.InWaitingRoom):
            self.pid, self._session_token = reply.pid, reply.session_token
            self._reader = self._spawn(self._read())
            self._set_status(Status.WAITING)
        else:
            await signaling.close()
            self._closed(Code.INTERNAL)
        return self.status

    async def _entered(self, view: p.MeetingView) -> None:
        """In the meeting (joined, admitted or reconnected): media starts."""
        self._set_status(Status.JOINED)
        self._apply_view(view)
        await self._start_peer()

    async def _start_peer(self) -> None:
        await self._stop_peer()
        self._peer = MediaPeer(self._send_sdp, self._remote_track)
        for kind, wanted in self._wanted.items():
            if wanted:
                await self._start_local(kind)
        await self._peer.start()
        if self._self_view_task is None or self._self_view_task.done():
            self._self_view_task = self._spawn(self._self_view())

    async def _send_sdp(self, message: p.Sdp) -> None:
        await self.send(message)

    # ------------------------------------------------------------ intents

    async def send(self, message: p._Msg) -> None:
        """Send any protocol message (host actions, raise hand...); errors come back
        through the listener."""
        if self._signaling is None:
            self.listener.error(Code.BAD_STATE, "not connected")
            return
        try:
            await self._signaling.send(message)
        except ConnectionClosed:
            pass  # the reader notices and reconnects

    async def chat(self, text: str, to: str | None = None) -> None:
        await self.send(p.SendChat(text=text, to=to))

    async def set_media(self, kind: MediaKind, on: bool) -> None:
        """The user turns the microphone, camera or screen share on or off."""
        self._wanted[kind] = on
        if on:
            if self.status is Status.JOINED and not self._allowed(kind):
                self._wanted[kind] = False
                self.listener.error(Code.PERMISSION_OFF, str(kind))
                self._local_changed()
                return
            await self._start_local(kind)
        else:
            self._stop_local(kind)
        if self.status is Status.JOINED:
            await self.send(p.SetMedia(kind=kind, on=on))
        self._local_changed()

    def _allowed(self, kind: MediaKind) -> bool:
        me = self._me()
        if self.view is None or me is None:
            return True
        if me.role != "participant":
            return True
        if kind is MediaKind.AUDIO and self.view.asked_to_unmute:
            return True
        return self.view.permissions.get(kind.permission, True)

    async def _start_local(self, kind: MediaKind) -> None:
        track = await self.devices.start(kind)
        if self._peer is not None:
            self._peer.set_track(kind, track)

    def _stop_local(self, kind: MediaKind) -> None:
        if self._peer is not None:
            self._peer.set_track(kind, None)  # stops sending, not just silence
        self.devices.stop(kind)
        if kind is MediaKind.SCREEN:
            self.listener.tile_closed(TileKey(SELF, MediaKind.SCREEN))

    async def leave(self) -> None:
        self._closing = True
        if self._signaling is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._signaling.send(p.Leave())
        await self._teardown()
        self._set_status(Status.CLOSED)

    async def end_meeting(self) -> None:
        await self.send(p.EndMeeting())

    async def configure(self, config: MediaConfig) -> None:
        """New device choices; running media moves to them."""
        tracks = await self.devices.reconfigure(config)
        if self._peer is not None:
            for kind, track in tracks.items():
                self._peer.set_track(kind, track)
        self._local_changed()

    # ------------------------------------------------------------ incoming

    async def _read(self) -> None:
        assert self._signaling is not None
        signaling = self._signaling
        try:
            while True:
                message = await signaling.recv()
                await self._handle(message)
        except ConnectionClosed:
            pass
        except asyncio.CancelledError:
            return
        if self._closing or self.status is Status.CLOSED or signaling is not self._signaling:
            return
        await signaling.close()  # its HTTP session too, before a new one is opened
        await self._reconnect()

    async def _handle(self, message: p.ServerMessage) -> None:
        match message:
            case p.State(state=view):
                self._apply_view(view)
            case p.Sdp():
                if self._peer is not None:
                    try:
                        await self._peer.handle(message)
                    except Exception as exc:  # a bad SDP must not end the session
                        logger.warning("could not apply the relay's %s: %s", message.sdp_type, exc)
            case p.Notice(kind="admitted"):
                self.listener.notice(message)
            case p.Notice(kind="sent_to_waiting_room"):
                await self._stop_peer()
                self._set_status(Status.WAITING)
                self.listener.notice(message)
            case p.Notice():
                self.listener.notice(message)
            case p.ChatMessage():
                self.listener.chat(message)
            case p.Error(code=code, detail=detail, ref=ref):
                if ref == "set_media":
                    self._sync_with_host()
                self.listener.error(code, detail)
            case p.Closed(code=code):
                self._closing = True
                await self._teardown()
                self._closed(code)

    def _apply_view(self, view: p.MeetingView) -> None:
        previous = self._me()
        old_view = self.view
        self.view = view
        if self.status is Status.WAITING and any(x.pid == self.pid for x in view.participants):
            # Admitted. Enter once: more views may arrive before _entered runs.
            self.status = Status.JOINED
            self._spawn(self._entered(view))
            return
        if self.status is not Status.JOINED:
            return
        me = self._me()
        if previous is not None and me is not None:
            # The host (or a permission change, or suspend) turned our media off.
            for kind in MediaKind:
                if _media_on(previous, kind) and not _media_on(me, kind):
                    self._obey(kind)
        present = {x.pid for x in view.participants}
        for tile in [t for t in self._remote_tiles if t.pid not in present]:
            self._close_tile(tile)
        silent = {x.pid for x in view.participants if not x.audio_on}
        if old_view is not None:
            for gone in {x.pid for x in old_view.participants} - present:
                self.devices.forget(gone)  # audio-only participants have no tile to close
                silent.add(gone)
        before = self._speaking.speaking
        for pid in silent:
            self._speaking.forget(pid)
        if self._speaking.speaking != before:
            self.listener.speaking_changed(self._speaking.speaking)
        self.listener.meeting_changed(view)

    def _obey(self, kind: MediaKind) -> None:
        if self._wanted[kind]:
            self._wanted[kind] = False
            self._stop_local(kind)
            self._local_changed()

    def _sync_with_host(self) -> None:
        """The server refused to turn something on: stop what it has off."""
        me = self._me()
        if me is not None:
            for kind in MediaKind:
                if not _media_on(me, kind):
                    self._obey(kind)

    def _me(self) -> p.ParticipantView | None:
        if self.view is None:
            return None
        return next((x for x in self.view.participants if x.pid == self.pid), None)

    # ------------------------------------------------------------ media in

    def _remote_track(self, transceiver: RTCRtpTransceiver, track: MediaStreamTrack) -> None:
        self._spawn(self._consume(transceiver, track))

    async def _consume(self, transceiver: RTCRtpTransceiver, track: MediaStreamTrack) -> None:
        peer = self._peer
        assert peer is not None
        try:
            while True:
                frame = await track.recv()
                owner = peer.owner(transceiver)
                if owner is None:
                    continue
                if isinstance(frame, DecodedPicture):
                    tile = TileKey(owner.pid, owner.kind)
                    self._remote_tiles.add(tile)
                    self.listener.frame(tile, frame.image)
                elif isinstance(frame, av.AudioFrame):
                    level = self.devices.play(owner.pid, frame)
                    if self._speaking.update(owner.pid, level, time.monotonic()):
                        self.listener.speaking_changed(self._speaking.speaking)
        except (MediaStreamError, asyncio.CancelledError):
            pass

    def _close_tile(self, tile: TileKey) -> None:
        self._remote_tiles.discard(tile)
        self.devices.forget(tile.pid)
        self.listener.tile_closed(tile)

    async def _self_view(self) -> None:
        """The self view and our own screen preview, at a modest rate."""
        tick = 0
        try:
            while self._peer is not None:
                for kind in (MediaKind.VIDEO, MediaKind.SCREEN):
                    image = self.devices.latest_image(kind) if self._wanted[kind] else None
                    if image is not None:
                        self.listener.frame(TileKey(SELF, kind), image)
                tick += 1
                if self._speaking.expire(time.monotonic()):
                    self.listener.speaking_changed(self._speaking.speaking)
                if self._wanted[MediaKind.AUDIO] and tick % 3 == 0:
                    self._local_changed()  # the input level meter, ~5 times a second
                await asyncio.sleep(1 / SELF_VIEW_FPS)
        except asyncio.CancelledError:
            pass

    # ------------------------------------------------------------ lifecycle

    async def _reconnect(self) -> None:
        """The connection dropped: keep our place by rejoining with the session token."""
        await self._stop_peer()
        self._set_status(Status.RECONNECTING)
        deadline = time.monotonic() + RECONNECT_FOR
        delay = 0.5
        while time.monotonic() < deadline and not self._closing:
            status = await self._connect_and_join(rejoin=True)
            if status in (Status.JOINED, Status.WAITING, Status.CLOSED) and (
                self._signaling is not None and not self._signaling.closed
            ):
                return
            if self.status is Status.CLOSED:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        self._closed(Code.CONNECTION_LOST)

    async def _stop_peer(self) -> None:
        peer, self._peer = self._peer, None
        for tile in list(self._remote_tiles):
            self._close_tile(tile)
        if peer is not None:
            await peer.close()

    async def _teardown(self) -> None:
        await self._stop_peer()
        for kind in MediaKind:
            self.devices.stop(kind)
        if self._signaling is not None:
            await self._signaling.close()
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()

    async def close(self) -> None:
        """Release everything (devices included); the session cannot be used again."""
        await self._teardown()
        self.devices.close()

    def _closed(self, code: Code) -> None:
        self.status = Status.CLOSED
        self.listener.status_changed(Status.CLOSED, code)

    def _set_status(self, status: Status) -> None:
        self.status = status
        self.listener.status_changed(status, None)

    def _local_changed(self) -> None:
        self.listener.local_media_changed(self.devices.snapshot(self._wanted))

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


def _media_on(participant: p.ParticipantView, kind: MediaKind) -> bool:
    return {
        MediaKind.AUDIO: participant.audio_on,
        MediaKind.VIDEO: participant.video_on,
        MediaKind.SCREEN: participant.screen_on,
    }[kind]
