"""Headless meeting participants for server tests: real signaling over TLS and a
real aiortc peer connection to the relay, sending a solid colour and a tone."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack, RTCRtpTransceiver
from aiortc.mediastreams import MediaStreamError

from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.roles import MediaKind
from app.media.synthetic import SyntheticVoiceTrack
from app.rtc.decoders import DecodedPicture
from app.rtc.peer import MediaPeer
from app.rtc.signaling import ConnectionClosed, SignalingClient
from tests.waiting import wait_until

VIDEO_SIZE = (320, 240)


class ColourTrack(MediaStreamTrack):
    """A solid colour at 30 fps: receivers check the decoded pixels are ours."""

    kind = "video"

    def __init__(self, rgb: tuple[int, int, int]) -> None:
        super().__init__()
        width, height = VIDEO_SIZE
        self.image = np.zeros((height, width, 3), np.uint8)
        self.image[:] = rgb
        self._start: float | None = None
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        if self._start is None:
            self._start = time.monotonic()
        self._count += 1
        wait = self._start + self._count / 30 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = av.VideoFrame.from_ndarray(self.image, format="rgb24")
        frame.pts = self._count * 3000
        frame.time_base = fractions.Fraction(1, 90000)
        return frame


class Received:
    """What one participant got from one publisher's track."""

    def __init__(self) -> None:
        self.frames = 0
        self.last_rgb: tuple[int, int, int] | None = None
        self.first_at: float | None = None
        self.last_at = 0.0


class Guest:
    def __init__(self, name: str, device_key: DeviceKey | None = None) -> None:
        self.name = name
        self.device_key = device_key or DeviceKey.generate()
        self.signaling = SignalingClient()
        self.pid: str | None = None
        self.session_token: str | None = None
        self.state: p.MeetingView | None = None
        self.events: list[p.ServerMessage] = []
        self.received: dict[tuple[str, MediaKind], Received] = defaultdict(Received)
        self.peer: MediaPeer | None = None
        self.closed: p.Closed | None = None
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------ signaling

    async def connect(self, url: str, fingerprint: str | None) -> None:
        await self.signaling.connect(url, fingerprint)

    async def request(self, message: p._Msg) -> p.ServerMessage:
        """Send before the reader runs and return the next message (create / join)."""
        await self.signaling.send(message)
        return await asyncio.wait_for(self.signaling.recv(), 10)

    async def create(self, token: str, **options: Any) -> p.Created:
        reply = await self.request(p.Create(v=p.PROTOCOL_VERSION, create_token=token, **options))
        assert isinstance(reply, p.Created), reply
        return reply

    async def join(
        self,
        meeting_id: str,
        passcode: str = "",
        host_secret: str | None = None,
        rejoin_token: str | None = None,
    ) -> p.ServerMessage:
        nonce = self.signaling.welcome.nonce if self.signaling.welcome else ""
        reply = await self.request(
            p.Join(
                v=p.PROTOCOL_VERSION,
                meeting_id=meeting_id,
                name=self.name,
                device_key=self.device_key.public_b64,
                device_sig=self.device_key.sign(nonce, meeting_id),
                passcode=passcode,
                host_secret=host_secret,
                rejoin_token=rejoin_token,
            )
        )
        if isinstance(reply, p.Joined):
            self.pid, self.session_token, self.state = reply.pid, reply.session_token, reply.state
        elif isinstance(reply, p.InWaitingRoom):
            self.pid, self.session_token = reply.pid, reply.session_token
        if isinstance(reply, (p.Joined, p.InWaitingRoom)):
            self._reader = asyncio.ensure_future(self._read())
        return reply

    async def send(self, message: p._Msg) -> None:
        await self.signaling.send(message)

    async def _read(self) -> None:
        try:
            while True:
                message = await self.signaling.recv()
                if isinstance(message, p.Sdp) and self.peer is not None:
                    await self.peer.handle(message)
                elif isinstance(message, p.State):
                    self.state = message.state
                elif isinstance(message, p.Closed):
                    self.closed = message
                self.events.append(message)
                self._changed.set()
        except ConnectionClosed:
            self._changed.set()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        return await wait_until(predicate, self._changed, timeout, self.name)

    def errors(self) -> list[p.Error]:
        return [e for e in self.events if isinstance(e, p.Error)]

    def participant(self, name: str) -> p.ParticipantView | None:
        assert self.state is not None
        return next((x for x in self.state.participants if x.name == name), None)

    # ------------------------------------------------------------ media

    async def start_media(
        self, rgb: tuple[int, int, int] | None = None, tone: float | None = None
    ) -> None:
        self.peer = MediaPeer(self.send, self._remote_track)
        if rgb is not None:
            self.peer.set_track(MediaKind.VIDEO, ColourTrack(rgb))
            await self.send(p.SetMedia(kind=MediaKind.VIDEO, on=True))
        if tone is not None:
            self.peer.set_track(
                MediaKind.AUDIO, SyntheticVoiceTrack(tone, amplitude=0.3, talk_fraction=1.0)
            )
            await self.send(p.SetMedia(kind=MediaKind.AUDIO, on=True))
        await self.peer.start()

    def _remote_track(self, transceiver: RTCRtpTransceiver, track: MediaStreamTrack) -> None:
        self._tasks.append(asyncio.ensure_future(self._consume(transceiver, track)))

    async def _consume(self, transceiver: RTCRtpTransceiver, track: MediaStreamTrack) -> None:
        assert self.peer is not None
        try:
            while True:
                frame = await track.recv()
                owner = self.peer.owner(transceiver)
                if owner is None:
                    continue
                entry = self.received[(owner.pid, owner.kind)]
                entry.frames += 1
                entry.last_at = time.monotonic()
                if entry.first_at is None:
                    entry.first_at = entry.last_at
                if isinstance(frame, DecodedPicture):
                    pixels = frame.image
                    centre = pixels[pixels.shape[0] // 4 : -pixels.shape[0] // 4]
                    entry.last_rgb = tuple(int(v) for v in centre.reshape(-1, 3).mean(axis=0))
                self._changed.set()
        except (MediaStreamError, asyncio.CancelledError):
            pass

    def frames_from(self, pid: str, kind: MediaKind) -> int:
        return self.received[(pid, kind)].frames

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._reader is not None:
            self._reader.cancel()
        if self.peer is not None:
            await self.peer.close()
        await self.signaling.close()


def close_to(
    rgb: tuple[int, int, int] | None, expected: tuple[int, int, int], tol: int = 24
) -> bool:
    return rgb is not None and all(abs(a - b) <= tol for a, b in zip(rgb, expected, strict=True))
