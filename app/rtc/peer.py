"""The client's one peer connection to the relay.

The client offers first, with three sending transceivers (microphone, camera,
screen) that live for the whole meeting; turning media on and off replaces their
tracks. Every later negotiation is the relay's offer adding or reusing receiving
m-lines; its ``tracks`` map says whose media each m-line carries. A reused m-line
keeps its receiver and remote track object, so the owner of a received frame is
looked up by mid when the frame arrives, never cached per track.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc import (
    MediaStreamTrack,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.jitterbuffer import JitterBuffer

from app.core.protocol import Sdp, TrackInfo
from app.core.roles import MediaKind
from app.rtc.configuration import preferred_codecs, rtc_configuration

SendSignal = Callable[[Sdp], Awaitable[None]]
RemoteTrackCallback = Callable[[RTCRtpTransceiver, MediaStreamTrack], None]


class MediaPeer:
    def __init__(self, send: SendSignal, on_remote_track: RemoteTrackCallback) -> None:
        self.pc = RTCPeerConnection(rtc_configuration())
        self._send = send
        self._on_remote_track = on_remote_track
        self.senders: dict[MediaKind, RTCRtpTransceiver] = {}
        for kind in MediaKind:
            rtc_kind = "audio" if kind is MediaKind.AUDIO else "video"
            transceiver = self.pc.addTransceiver(rtc_kind, direction="sendonly")
            transceiver.setCodecPreferences(preferred_codecs(rtc_kind))
            self.senders[kind] = transceiver
        self.track_map: dict[str, TrackInfo] = {}
        self.connected = asyncio.Event()
        self.pc.on("track", self._track)
        self.pc.on("connectionstatechange", self._state_changed)

    def _state_changed(self) -> None:
        if self.pc.connectionState == "connected":
            self.connected.set()

    def _track(self, track: MediaStreamTrack) -> None:
        for transceiver in self.pc.getTransceivers():
            if transceiver.receiver.track is track and transceiver not in self.senders.values():
                if track.kind == "audio":
                    # aiortc prefetches 4 frames (80 ms) before releasing audio; our
                    # mixer's own jitter buffer smooths playback, so hold just one.
                    # Measured mouth-to-ear: 204 -> 141 ms p50 (bench/audio_latency.py).
                    transceiver.receiver._RTCRtpReceiver__jitter_buffer = JitterBuffer(  # type: ignore[attr-defined]
                        capacity=16, prefetch=1
                    )
                self._on_remote_track(transceiver, track)
                return

    async def start(self) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        tracks = {
            t.mid: TrackInfo(pid="", kind=kind)
            for kind, t in self.senders.items()
            if t.mid is not None
        }
        await self._send(Sdp(sdp_type="offer", sdp=self.pc.localDescription.sdp, tracks=tracks))

    async def handle(self, message: Sdp) -> None:
        if message.sdp_type == "answer":
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=message.sdp, type="answer")
            )
            return
        # Set the map first: "track" events fire inside setRemoteDescription.
        self.track_map = dict(message.tracks)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=message.sdp, type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self._send(Sdp(sdp_type="answer", sdp=self.pc.localDescription.sdp))

    def owner(self, transceiver: RTCRtpTransceiver) -> TrackInfo | None:
        """Whose media a receiving transceiver carries right now (None: unused)."""
        if transceiver.mid is None:
            return None
        return self.track_map.get(transceiver.mid)

    def set_track(self, kind: MediaKind, track: MediaStreamTrack | None) -> None:
        """Start or stop sending one kind of media (None stops: nothing is sent)."""
        self.senders[kind].sender.replaceTrack(track)

    def track(self, kind: MediaKind) -> Any:
        return self.senders[kind].sender.track

    async def close(self) -> None:
        await self.pc.close()
