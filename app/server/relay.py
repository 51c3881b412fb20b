"""The media relay (SFU): forwards encoded frames from each publisher to every subscriber.

Each participant has one :class:`PeerSession` (one ``RTCPeerConnection``). The
participant offers first with its three sending m-lines (audio, camera, screen);
the relay answers, then offers back one sending transceiver per remote track.
Transceivers are never removed (aiortc has no ``removeTrack``): when a publisher
leaves, its transceivers go ``inactive`` and are reused for the next publisher of
the same kind.

Video is never decoded here. A subscriber that falls behind or starts late skips
to the next keyframe and the relay asks the publisher for one (PLI); frames
between keyframes are never dropped on their own, since the picture would break.
Media the host has not allowed (muted by host, video or sharing disallowed,
suspended) is dropped here, whatever the participant's client does.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from aiortc.mediastreams import MediaStreamError

from app.core.protocol import Sdp, TrackInfo
from app.core.roles import MediaKind
from app.rtc import recovery, seams
from app.rtc.background import spawn
from app.rtc.configuration import preferred_codecs, rtc_configuration
from app.rtc.recovery import ReceiverRecovery
from app.rtc.vp8 import is_vp8_keyframe
from app.server import passthrough

logger = logging.getLogger(__name__)

# A subscriber whose oldest queued frame has waited this long is behind: video skips
# to the next keyframe, audio drops its oldest frames. By age, not count: a repaired
# gap releases a burst of frames at once, which is not falling behind.
VIDEO_QUEUE_AGE = 0.2  # s
AUDIO_QUEUE_AGE = 0.1  # s
QUEUE_MAX = 256  # frames, whatever their age
NEGOTIATION_TIMEOUT = 15.0

Gate = Callable[[str, MediaKind], bool]
SendSignal = Callable[[Sdp], Awaitable[None]]


DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


class BadSdp(ValueError):
    """SDP from a participant that the relay will not apply."""


class NegotiationFailed(Exception):
    """aiortc could not apply a participant's SDP; its media session is unusable."""


def check_sdp(text: str) -> None:
    """Refuse SDP that aiortc would choke on or be left half-configured by.

    aiortc is written for trusted peers: on malformed input it raises anything from
    KeyError to AttributeError, and some inputs (two sections with the same mid)
    leave it with a transceiver that has no transport, crashing a background task
    later. A participant's SDP is hostile input, so the shape is checked first.
    """
    try:
        description = aiortc_sdp.SessionDescription.parse(text)
    except Exception as exc:
        raise BadSdp(f"unreadable SDP ({type(exc).__name__})") from None
    mids: set[str] = set()
    for media in description.media:
        mid = media.rtp.muxId
        if media.kind not in ("audio", "video"):
            raise BadSdp("only audio and video media sections")
        if not mid or mid in mids:
            raise BadSdp("each media section needs its own mid")
        mids.add(mid)
        if media.direction not in DIRECTIONS:
            raise BadSdp("bad or missing direction")
        if media.ice is None or not media.ice.usernameFragment or not media.ice.password:
            raise BadSdp("ICE credentials missing")
        if media.dtls is None or not media.dtls.fingerprints:
            raise BadSdp("DTLS fingerprint missing")
        if not media.rtcp_mux:
            raise BadSdp("RTCP mux is required")
        if not media.rtp.codecs:
            raise BadSdp("no codecs")
    for group in description.group:
        if any(str(item) not in mids for item in group.items):
            raise BadSdp("a group names an unknown mid")


class Publication:
    """One track a participant sends (audio, camera or screen), fanned out.

    Loss on the publisher's link is repaired by the receiver's recovery (NACK
    retries, gap timeout, keyframe wait: ``app.rtc.recovery``); subscribers' NACKs
    are answered by each relay sender from its own packet history. Keyframe requests
    from every subscriber and from the receiver itself go through one throttle. The
    publisher's encoder bitrate follows the REMB the relay sends it: the lower of its
    own uplink estimate and a low percentile of what its subscribers can take.
    """

    def __init__(
        self,
        pid: str,
        kind: MediaKind,
        track: MediaStreamTrack,
        receiver: RTCRtpReceiver,
        recovery: ReceiverRecovery,
        gate: Gate,
    ) -> None:
        self.pid = pid
        self.kind = kind
        self.track = track
        self.receiver = receiver
        self.recovery = recovery
        self.subscribers: set[RelayTrack] = set()
        self.forwarded = 0
        self.bitrate = BitrateAggregate()
        self._gate = gate
        self._task = asyncio.ensure_future(self._run())
        if self.is_video:
            seams.intercept_remb(receiver, self._uplink_estimate)

    @property
    def is_video(self) -> bool:
        return self.kind is not MediaKind.AUDIO

    async def _run(self) -> None:
        was_open = False
        try:
            while True:
                packet = await self.track.recv()
                assert isinstance(packet, av.Packet)
                if not self._gate(self.pid, self.kind):
                    was_open = False
                    continue
                keyframe = not self.is_video or is_vp8_keyframe(bytes(packet))
                if self.is_video and not was_open:
                    # Media allowed again: everyone needs a fresh picture.
                    for subscriber in self.subscribers:
                        subscriber.wait_for_keyframe()
                    self.request_keyframe()
                was_open = True
                now = time.monotonic()
                for subscriber in list(self.subscribers):
                    subscriber.push(packet, keyframe, now)
                self.forwarded += 1
        except (MediaStreamError, asyncio.CancelledError):
            pass
        finally:
            for subscriber in list(self.subscribers):
                subscriber.detach()

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe (PLI; merged, at most one per 500 ms)."""
        if self.is_video:
            self.recovery.request_keyframe()

    def subscriber_estimate(self) -> None:
        """A subscriber reported what it can take: pass a drop on at once."""
        advertised = self.bitrate.update(time.monotonic())
        ssrc = self.recovery.nacks.media_ssrc if self.recovery.nacks else 0
        if advertised is not None and ssrc:
            spawn(seams.send_remb(self.receiver, advertised, ssrc))

    def _uplink_estimate(self, bitrate: int) -> int | None:
        self.bitrate.uplink = bitrate
        return self.bitrate.update(time.monotonic(), refresh=True)

    def stop(self) -> None:
        self._task.cancel()
        self.recovery.close()


class BitrateAggregate:
    """The bitrate the relay asks a publisher for (REMB).

    The lower of the publisher's uplink estimate and a low percentile of its
    subscribers' fresh estimates (one subscriber on a poor link should not set the
    whole class's quality, but a few should). aiortc rebuilds its VP8 encoder (a
    keyframe) whenever the target moves by more than 10 %, so the advertised figure
    moves only on a change of more than ``STEP``, and upwards at most every
    ``RAISE_INTERVAL``: no keyframe storms.
    """

    PERCENTILE = 0.1
    STALE = 5.0  # s without a report: that subscriber no longer counts
    STEP = 0.15
    RAISE_INTERVAL = 3.0  # s

    def __init__(self) -> None:
        self.uplink: int | None = None
        self.advertised: int | None = None
        self._estimates: dict[RelayTrack, tuple[int, float]] = {}
        self._changed_at = -self.RAISE_INTERVAL

    def report(self, subscriber: RelayTrack, bitrate: int, now: float) -> None:
        self._estimates[subscriber] = (bitrate, now)

    def forget(self, subscriber: RelayTrack) -> None:
        self._estimates.pop(subscriber, None)

    def target(self, now: float) -> int | None:
        fresh = sorted(b for b, at in self._estimates.values() if now - at <= self.STALE)
        figures = [self.uplink] if self.uplink is not None else []
        if fresh:
            figures.append(fresh[int(self.PERCENTILE * (len(fresh) - 1))])
        return min(figures) if figures else None

    def update(self, now: float, refresh: bool = False) -> int | None:
        """The figure to send now, or None when nothing needs sending (``refresh``: a
        REMB is going out anyway, so always give a figure)."""
        target = self.target(now)
        if target is None:
            return None
        current = self.advertised
        if current is None or target < current * (1 - self.STEP):
            changed = True
        else:
            changed = (
                target > current * (1 + self.STEP) and now - self._changed_at >= self.RAISE_INTERVAL
            )
        if changed:
            self.advertised, self._changed_at = target, now
            return target
        return current if refresh else None


class RelayTrack(MediaStreamTrack):
    """What one subscriber receives on one transceiver: encoded packets from the
    publication currently attached (the attachment changes as people come and go)."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.source: Publication | None = None
        self._queue: collections.deque[tuple[av.Packet[Any], float]] = collections.deque()
        self._max_age = VIDEO_QUEUE_AGE if kind == "video" else AUDIO_QUEUE_AGE
        self._ready = asyncio.Event()
        self._needs_keyframe = True
        self.skips = 0

    def attach(self, publication: Publication) -> None:
        self.detach()
        self.source = publication
        publication.subscribers.add(self)
        self.wait_for_keyframe()
        publication.request_keyframe()

    def detach(self) -> None:
        if self.source is not None:
            self.source.subscribers.discard(self)
            self.source.bitrate.forget(self)
            self.source = None
        self._queue.clear()

    def report_bitrate(self, bitrate: int) -> None:
        """The subscriber's REMB for this stream (what its link can take)."""
        if self.source is not None:
            self.source.bitrate.report(self, bitrate, time.monotonic())
            self.source.subscriber_estimate()

    def wait_for_keyframe(self) -> None:
        self._needs_keyframe = self.kind == "video"

    def request_keyframe(self) -> None:
        """The subscriber's decoder lost the picture (its PLI reached our sender)."""
        if self.source is not None:
            self.source.request_keyframe()

    def push(self, packet: av.Packet[Any], keyframe: bool, now: float) -> None:
        if self.kind == "video" and self._needs_keyframe and not keyframe:
            return
        self._needs_keyframe = False
        queue = self._queue
        if queue and (now - queue[0][1] > self._max_age or len(queue) >= QUEUE_MAX):
            if self.kind == "video":
                # Behind: skip to the next keyframe instead of queueing stale frames.
                queue.clear()
                self.skips += 1
                if not keyframe:
                    self._needs_keyframe = True
                    if self.source is not None:
                        self.source.request_keyframe()
                    return
            else:
                while queue and now - queue[0][1] > self._max_age:
                    queue.popleft()
        queue.append((packet, now))
        self._ready.set()

    async def recv(self) -> av.Packet[Any]:
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            self._ready.clear()
            await self._ready.wait()
        return self._queue.popleft()[0]

    def stop(self) -> None:
        super().stop()
        self.detach()
        self._ready.set()


class PeerSession:
    """The relay's peer connection with one participant."""

    def __init__(self, pid: str, relay: Relay, send: SendSignal) -> None:
        self.pid = pid
        self.relay = relay
        self.pc = RTCPeerConnection(rtc_configuration())
        self.publications: dict[MediaKind, Publication] = {}
        self._send = send
        self._client_kinds: dict[str, MediaKind] = {}
        self._slots: dict[tuple[str, MediaKind], RTCRtpTransceiver] = {}
        self._tracks: dict[RTCRtpTransceiver, RelayTrack] = {}
        self._free: dict[str, list[RTCRtpTransceiver]] = {"audio": [], "video": []}
        self._pending: list[Publication] = []
        self._ready = False
        self._negotiating = False
        self._dirty = False
        self._offer_timeout: asyncio.TimerHandle | None = None
        self.closed = False
        self.pc.on("track", self._on_track)

    def rtt(self) -> float:
        return recovery.connection_rtt(self.pc)

    # -------------------------------------------------------- publishing side

    async def handle_offer(self, sdp: str, tracks: dict[str, TrackInfo]) -> None:
        """The participant's offer: its sending m-lines, labelled by media kind."""
        if self._negotiating or self.pc.signalingState != "stable":
            raise ValueError("an offer is already being negotiated")
        check_sdp(sdp)
        self._client_kinds = {mid: info.kind for mid, info in tracks.items()}
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            for transceiver in self.pc.getTransceivers():
                if transceiver.mid in self._client_kinds:
                    transceiver.direction = "recvonly"
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        except Exception as exc:  # e.g. no codec in common: the pc may be half set up
            raise NegotiationFailed(f"{type(exc).__name__}: {exc}") from exc
        await self._send(Sdp(sdp_type="answer", sdp=self.pc.localDescription.sdp))
        if not self._ready:
            self._ready = True
            for publication in self._pending:
                self.subscribe(publication)
            self._pending.clear()
        self.request_negotiation()

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(
            (t for t in self.pc.getTransceivers() if t.receiver.track is track), None
        )
        if transceiver is None:
            return
        kind = self._client_kinds.get(transceiver.mid or "")
        expected = "audio" if kind is MediaKind.AUDIO else "video"
        if kind is None or track.kind != expected or kind in self.publications:
            logger.warning("participant %s: unlabelled or duplicate track ignored", self.pid)
            return
        recovery = passthrough.make_passthrough(transceiver.receiver, track.kind, self.rtt)
        publication = Publication(
            self.pid, kind, track, transceiver.receiver, recovery, self.relay.gate
        )
        self.publications[kind] = publication
        self.relay.published(publication)

    # ------------------------------------------------------ subscribing side

    def subscribe(self, publication: Publication) -> None:
        if self.closed:
            return
        if not self._ready:
            self._pending.append(publication)
            return
        key = (publication.pid, publication.kind)
        transceiver = self._slots.get(key)
        if transceiver is None:
            kind = "audio" if publication.kind is MediaKind.AUDIO else "video"
            transceiver = self._free[kind].pop() if self._free[kind] else self._new_slot(kind)
            self._slots[key] = transceiver
        transceiver.direction = "sendonly"
        self._tracks[transceiver].attach(publication)
        self.request_negotiation()

    def _new_slot(self, kind: str) -> RTCRtpTransceiver:
        track = RelayTrack(kind)
        transceiver = self.pc.addTransceiver(track, direction="sendonly")
        transceiver.setCodecPreferences(preferred_codecs(kind))
        # aiortc's pack path ignores keyframe requests; pass them to the publisher.
        seams.on_keyframe_request(transceiver.sender, track.request_keyframe)
        if kind == "video":
            seams.on_remb(transceiver.sender, track.report_bitrate)
        self._tracks[transceiver] = track
        return transceiver

    def unsubscribe(self, publisher_pid: str) -> None:
        changed = False
        for key in [k for k in self._slots if k[0] == publisher_pid]:
            transceiver = self._slots.pop(key)
            self._tracks[transceiver].detach()
            transceiver.direction = "inactive"
            self._free[self._tracks[transceiver].kind].append(transceiver)
            changed = True
        self._pending = [p for p in self._pending if p.pid != publisher_pid]
        if changed:
            self.request_negotiation()

    def subscriptions(self) -> dict[str, TrackInfo]:
        return {
            t.mid: TrackInfo(pid=pid, kind=kind)
            for (pid, kind), t in self._slots.items()
            if t.mid is not None
        }

    # ----------------------------------------------------------- negotiation

    def request_negotiation(self) -> None:
        if self.closed or not self._ready:
            return
        if self._negotiating:
            self._dirty = True
            return
        self._negotiating = True
        spawn(self._offer())

    async def _offer(self) -> None:
        self._dirty = False
        if self.closed:  # closed after this was scheduled (left, removed, meeting ended)
            return
        try:
            await self.pc.setLocalDescription(await self.pc.createOffer())
        except Exception:
            if self.closed:
                return
            logger.exception("participant %s: could not create an offer", self.pid)
            self._negotiating = False
            return
        if self.closed:
            return
        await self._send(
            Sdp(sdp_type="offer", sdp=self.pc.localDescription.sdp, tracks=self.subscriptions())
        )
        loop = asyncio.get_running_loop()
        self._offer_timeout = loop.call_later(NEGOTIATION_TIMEOUT, self._answer_timed_out)

    def _answer_timed_out(self) -> None:
        logger.warning("participant %s did not answer the relay's offer", self.pid)
        spawn(self.relay.remove(self.pid))

    async def handle_answer(self, sdp: str) -> None:
        if not self._negotiating:
            raise ValueError("no offer is waiting for an answer")
        check_sdp(sdp)  # refused before it touches the pc: the offer still waits
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        except Exception as exc:
            raise NegotiationFailed(f"{type(exc).__name__}: {exc}") from exc
        if self._offer_timeout is not None:
            self._offer_timeout.cancel()
        self._negotiating = False
        if self._dirty:
            self.request_negotiation()

    async def close(self) -> None:
        self.closed = True
        if self._offer_timeout is not None:
            self._offer_timeout.cancel()
        for publication in self.publications.values():
            publication.stop()
        for track in self._tracks.values():
            track.stop()
        with contextlib.suppress(Exception):
            await self.pc.close()


class Relay:
    """All peer sessions of one meeting."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.peers: dict[str, PeerSession] = {}

    def peer(self, pid: str, send: SendSignal) -> PeerSession:
        session = self.peers.get(pid)
        if session is None:
            session = PeerSession(pid, self, send)
            self.peers[pid] = session
            for other in self.peers.values():
                if other is not session:
                    for publication in other.publications.values():
                        session.subscribe(publication)
        return session

    def published(self, publication: Publication) -> None:
        for pid, session in self.peers.items():
            if pid != publication.pid:
                session.subscribe(publication)

    def request_keyframes(self, pid: str) -> None:
        """A publisher's media was allowed again (or it turned its camera back on)."""
        session = self.peers.get(pid)
        if session is not None:
            for publication in session.publications.values():
                publication.request_keyframe()

    async def remove(self, pid: str) -> None:
        session = self.peers.pop(pid, None)
        if session is None:
            return
        for other in self.peers.values():
            other.unsubscribe(pid)
        await session.close()

    async def close(self) -> None:
        for pid in list(self.peers):
            await self.remove(pid)
