"""The client's one peer connection to the relay.

The client offers first, with three sending transceivers (microphone, camera,
screen) that live for the whole meeting; turning media on and off replaces their
tracks. Every later negotiation is the relay's offer adding or reusing receiving
m-lines; its ``tracks`` map says whose media each m-line carries. A reused m-line
keeps its receiver and remote track object, so the owner of a received frame is
looked up by mid when the frame arrives, never cached per track.

Every receiver gets ``app.rtc.recovery``'s loss recovery (NACK retries, a gap that
holds the picture at most max(200 ms, 2 RTT), keyframe wait, throttled PLI); audio
is sent and decoded with Opus in-band FEC, and video reaches the remote track as
RGB pictures (``app.rtc.decoders``).
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

from app.core.protocol import Sdp, TrackInfo
from app.core.roles import MediaKind
from app.media.opus import FecOpusEncoder
from app.rtc import seams
from app.rtc.configuration import preferred_codecs, rtc_configuration
from app.rtc.decoders import client_decoder
from app.rtc.recovery import ReceiverRecovery, connection_rtt

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
        seams.set_encoder(self.senders[MediaKind.AUDIO].sender, FecOpusEncoder())
        self.recoveries: dict[RTCRtpTransceiver, ReceiverRecovery] = {}
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
                # Audio is released as soon as it arrives (aiortc prefetches 4 frames,
                # 80 ms): the mixer's own buffer smooths playback.
                audio = track.kind == "audio"
                seams.set_decoder(transceiver.receiver, client_decoder)
                self.recoveries[transceiver] = ReceiverRecovery(
                    transceiver.receiver, track.kind, self.rtt, fec=audio
                )
                self._on_remote_track(transceiver, track)
                return

    def rtt(self) -> float:
        return connection_rtt(self.pc)

    def recovery_stats(self) -> dict[str, int]:
        """Loss-recovery counters summed over every receiver (for tests and bench)."""
        total: dict[str, int] = {}
        for recovery in self.recoveries.values():
            for name, value in recovery.stats().items():
                total[name] = total.get(name, 0) + value
        return total

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
        for recovery in self.recoveries.values():
            recovery.close()
        await self.pc.close()
