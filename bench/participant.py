"""One meeting participant in its own process, as in real use.

A participant is either a Liqaa client (a real ``MeetingSession`` through the
embedded server's relay, camera "pattern", microphone "synthetic") or a raw
aiortc peer in a full mesh (one ``RTCPeerConnection`` per other participant,
VP8 and Opus, no relay). Both send the same media: the test pattern with its
frame counter at 640x480@30 and the click train in place of the synthetic voice
(same format and pacing, so the same cost, but recognisable on arrival).

The parent talks to each participant over a pipe. Messages are tuples:

parent -> child: ``("server", ServerInfo)`` (to the creator), ``("invite", Invite)``,
``("signal", from_index, (type, sdp))``,
``("measure", seconds)``, ``("leave",)``
child -> parent: ``("invite", Invite)`` (the creator), ``("signal", to_index, ...)``,
``("status", {...})``, ``("result", {...})``, ``("error", text)``
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import av
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError

from app.client.devices import LocalDevices
from app.client.session import MeetingSession, QuietListener
from app.client.state import PATTERN, SELF, SYNTHETIC, MediaConfig, Status, TileKey
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.roles import MediaKind
from app.media.camera import CameraSource
from app.media.mixer import AudioMixer
from app.media.tracks import CameraTrack, audio_frame_to_samples, audio_resampler
from app.rtc import seams
from app.rtc.configuration import preferred_codecs
from app.server.passthrough import PassthroughDecoder
from bench.linkemu import enter_netns
from bench.probes import (
    RETRANSMISSIONS,
    CaptureLog,
    ClickClock,
    ClickDetector,
    ClickTrack,
    VideoLog,
)
from bench.stats import CpuMeter

WIDTH, HEIGHT, FPS = 640, 480, 30

Message = tuple[Any, ...]


@dataclass(frozen=True)
class ServerInfo:
    host: str
    port: int
    fingerprint: str
    create_token: str


@dataclass(frozen=True)
class Spec:
    system: str  # "liqaa" or "raw"
    index: int
    count: int  # participants in the meeting
    decode: bool = True  # False: received media is counted but not decoded
    audio: bool = True  # False: video only
    joins: int = 0  # > 0: a joiner that measures join time this many times
    netns: str | None = None  # run inside this network namespace (bench/linkemu.py)
    size: tuple[int, int] = (WIDTH, HEIGHT)  # of the camera pattern
    nice: int = 0  # added to the process's nice value (negative: root only)

    @property
    def name(self) -> str:
        return participant_name(self.index)


def participant_name(index: int) -> str:
    return f"P{index}"


# ---------------------------------------------------------------- pipe


class Channel:
    """The pipe to the parent, read on its own thread (not the loop's executor, which
    aiortc's encoders use) and delivered into per-kind asyncio queues."""

    def __init__(self, conn: Connection, loop: asyncio.AbstractEventLoop) -> None:
        self.conn = conn
        self.loop = loop
        self.queues: dict[str, asyncio.Queue[Message]] = defaultdict(asyncio.Queue)
        self._send_lock = threading.Lock()
        threading.Thread(target=self._read, name="bench-pipe", daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                message = ("leave",)  # the parent is gone: leave cleanly
            self.loop.call_soon_threadsafe(self.queues[message[0]].put_nowait, message)
            if message[0] == "leave":
                return

    def send(self, *message: Any) -> None:
        with self._send_lock, contextlib.suppress(OSError, ValueError):
            self.conn.send(message)

    async def get(self, kind: str) -> Message:
        return await self.queues[kind].get()


# ---------------------------------------------------------------- Liqaa


class _DetectingMixer(AudioMixer):
    """The session's mixer, noting clicks in each participant's decoded audio."""

    def __init__(self, detector: ClickDetector, names: dict[str, str]) -> None:
        super().__init__()
        self.detector = detector
        self.names = names

    def push(self, participant: str, samples: np.ndarray, pts: int | None = None) -> None:
        now = time.time()
        self.detector.push(self.names.get(participant, participant), samples, now)
        super().push(participant, samples, pts)  # pts: the mixer conceals losses by it


class BenchDevices(LocalDevices):
    """The session's devices, with the capture time of every pattern frame logged and
    the synthetic voice replaced by the click train."""

    def __init__(
        self,
        config: MediaConfig,
        clicks: ClickClock,
        captures: CaptureLog,
        detector: ClickDetector,
        names: dict[str, str],
    ) -> None:
        super().__init__(config)
        self.clicks = clicks
        self.captures = captures
        self.mixer = _DetectingMixer(detector, names)
        self._logging: set[int] = set()

    async def start(self, kind: MediaKind) -> MediaStreamTrack:
        if kind is MediaKind.AUDIO and self.config.microphone == SYNTHETIC:
            if kind not in self._tracks:
                self._loop = asyncio.get_running_loop()
                self._tracks[kind] = ClickTrack(self.clicks)
            return self._tracks[kind]
        track = await super().start(kind)
        source = self._sources.get(kind)
        if isinstance(source, CameraSource) and id(source) not in self._logging:
            self._logging.add(id(source))
            source.subscribe(self.captures.on_frame)
        return track


class BenchListener(QuietListener):
    """A ``SessionListener`` that logs remote video frames by publisher name."""

    def __init__(self, video: VideoLog, names: dict[str, str]) -> None:
        self.video = video
        self.names = names
        self.status = Status.IDLE
        self.first_remote_frame: float | None = None
        self.got_remote_frame = asyncio.Event()
        self.joined_at: float | None = None

    def status_changed(self, status: Status, code: Code | None) -> None:
        self.status = status
        if status is Status.JOINED and self.joined_at is None:
            self.joined_at = time.perf_counter()

    def meeting_changed(self, view: p.MeetingView) -> None:
        for participant in view.participants:
            self.names[participant.pid] = participant.name

    def frame(self, tile: TileKey, image: np.ndarray) -> None:
        if tile.pid == SELF:
            return
        if self.first_remote_frame is None:
            self.first_remote_frame = time.perf_counter()
            self.got_remote_frame.set()
        self.video.frame(self.names.get(tile.pid, tile.pid), image)


def pattern_config(name: str, size: tuple[int, int] = (WIDTH, HEIGHT)) -> MediaConfig:
    return MediaConfig(
        camera=PATTERN,
        microphone=SYNTHETIC,
        pattern_label=name,
        width=size[0],
        height=size[1],
        fps=FPS,
    )


class Recorder:
    """What every participant measures, whatever its system."""

    def __init__(self) -> None:
        self.captures = CaptureLog()
        self.clicks = ClickClock()
        self.video = VideoLog()
        self.audio = ClickDetector()
        self.names: dict[str, str] = {}

    def status(self) -> dict[str, Any]:
        return {
            "video": sorted(k for k, v in self.video.frames.items() if v >= 3),
            "audio": sorted({d[0] for d in self.audio.detections}),
            "frames": sum(self.video.frames.values()),
        }

    async def measure(self, seconds: float) -> dict[str, Any]:
        self.video.reset()
        self.audio.detections.clear()
        cpu = CpuMeter()
        start = time.time()
        await asyncio.sleep(seconds)
        cpu_seconds, wall = cpu.read()
        end = time.time()
        captured = {k: t for k, t in list(self.captures.times.items()) if t >= start - 5}
        return {
            "cpu_s": cpu_seconds,
            "wall_s": wall,
            "cpu_per_s": cpu_seconds / wall,
            "rss": cpu.rss(),
            "window": (start, end),
            "frames": dict(self.video.frames),
            "unreadable": dict(self.video.unreadable),
            "arrivals": list(self.video.arrivals),
            "captures": captured,
            "capture_fps": sum(1 for t in captured.values() if start <= t < end) / wall,
            "clicks": dict(self.clicks.captures),
            "detections": list(self.audio.detections),
            "retransmissions": RETRANSMISSIONS.counts(),
        }


class LiqaaParticipant:
    def __init__(self, spec: Spec, channel: Channel, recorder: Recorder) -> None:
        self.spec = spec
        self.channel = channel
        self.recorder = recorder
        self.listener = BenchListener(recorder.video, recorder.names)
        self.session = self.new_session(spec.name)

    def new_session(self, name: str, listener: BenchListener | None = None) -> MeetingSession:
        r = self.recorder
        devices = BenchDevices(
            pattern_config(name, self.spec.size), r.clicks, r.captures, r.audio, r.names
        )
        session = MeetingSession(listener or self.listener, DeviceKey.generate(), devices)
        if not self.spec.decode:
            _skip_decoding(session, self.recorder.video, self.recorder.names)
        return session

    async def setup(self) -> None:
        spec, session = self.spec, self.session
        if spec.index == 0:  # creates the meeting on the server the parent names
            (_, s) = await self.channel.get("server")
            hosted = await session.create_meeting(
                s.host, s.port, s.fingerprint, s.create_token, spec.name, waiting_room=False
            )
            if hosted is None:
                raise RuntimeError(f"could not create a meeting: {self.listener.status}")
            self.channel.send("invite", hosted.invite)
        else:
            (_, invite) = await self.channel.get("invite")
            status = await session.join(invite, spec.name)
            if status is not Status.JOINED:
                raise RuntimeError(f"{spec.name} could not join: {status}")
        await session.set_media(MediaKind.VIDEO, True)
        if spec.audio:
            await session.set_media(MediaKind.AUDIO, True)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.session.leave(), 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.session.close(), 5)

    async def join_times(self, count: int) -> list[dict[str, float]]:
        """Join ``count`` times with a fresh session (no camera): seconds from the join
        intent to the status "joined" (signaling: TLS, passcode check) and to the first
        remote frame decoded (then media: SDP, ICE, DTLS, keyframe)."""
        (_, invite) = await self.channel.get("invite")
        times = []
        for k in range(count):
            listener = BenchListener(VideoLog(), {})
            session = self.new_session(f"J{k}", listener)
            start = time.perf_counter()
            status = await session.join(invite, f"J{k}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(listener.got_remote_frame.wait(), 20)
            first, joined = listener.first_remote_frame, listener.joined_at
            if status is Status.JOINED and first is not None and joined is not None:
                times.append({"joined_s": joined - start, "first_frame_s": first - start})
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.leave(), 5)
                await asyncio.wait_for(session.close(), 5)
            await asyncio.sleep(0.3)
        return times


_counting: set[asyncio.Task[None]] = set()


def _skip_decoding(session: MeetingSession, video: VideoLog, names: dict[str, str]) -> None:
    """A participant that does not decode what it receives: its receivers hand encoded
    frames on (the relay's pass-through seam) and they are only counted, so the
    machine's cores go to what is measured (the relay, or a GUI process)."""

    def without_decoding(transceiver: RTCRtpTransceiver, track: MediaStreamTrack) -> None:
        seams.set_decoder(transceiver.receiver, PassthroughDecoder)
        task = asyncio.ensure_future(_count_frames(session, transceiver, track, video, names))
        _counting.add(task)
        task.add_done_callback(_counting.discard)

    session._remote_track = without_decoding  # type: ignore[method-assign]


async def _count_frames(
    session: MeetingSession,
    transceiver: RTCRtpTransceiver,
    track: MediaStreamTrack,
    video: VideoLog,
    names: dict[str, str],
) -> None:
    with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
        while True:
            await track.recv()
            peer = session._peer
            owner = peer.owner(transceiver) if peer is not None else None
            if owner is not None and owner.kind is MediaKind.VIDEO:
                video.frames[names.get(owner.pid, owner.pid)] += 1


# ---------------------------------------------------------------- raw aiortc


def raw_peer_connection() -> RTCPeerConnection:
    # No STUN, like Liqaa: host candidates only.
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def add_sending_transceivers(
    pc: RTCPeerConnection, video: MediaStreamTrack, audio: MediaStreamTrack
) -> None:
    for track in (video, audio):
        transceiver = pc.addTransceiver(track, direction="sendrecv")
        transceiver.setCodecPreferences(preferred_codecs(track.kind))


async def consume_raw(
    publisher: str, track: MediaStreamTrack, video: VideoLog, audio: ClickDetector
) -> None:
    """What a raw aiortc receiver does with a remote track: decode (aiortc), convert
    video to RGB and audio to 48 kHz mono, as the Liqaa client does."""
    resampler = audio_resampler()
    with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
        while True:
            frame = await track.recv()
            if isinstance(frame, av.VideoFrame):
                video.frame(publisher, frame.to_ndarray(format="rgb24"))
            elif isinstance(frame, av.AudioFrame):
                audio.push(publisher, audio_frame_to_samples(frame, resampler), time.time())


class RawParticipant:
    """A full-mesh raw aiortc peer: one connection per other participant, offering
    to those with a higher index, answering the others (SDP through the parent)."""

    def __init__(self, spec: Spec, channel: Channel, recorder: Recorder) -> None:
        self.spec = spec
        self.channel = channel
        self.recorder = recorder
        width, height = spec.size
        self.source = CameraSource(pattern=spec.name, width=width, height=height, fps=FPS)
        self.source.subscribe(recorder.captures.on_frame)
        self.pcs: dict[int, RTCPeerConnection] = {}
        self.tasks: set[asyncio.Task[Any]] = set()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _tracks(self) -> tuple[MediaStreamTrack, MediaStreamTrack]:
        # One track per connection over one capture: each connection encodes on its own.
        return CameraTrack(self.source), ClickTrack(self.recorder.clicks)

    async def setup(self) -> None:
        self.source.start()
        for j in range(self.spec.count):
            if j == self.spec.index:
                continue
            pc = self.pcs[j] = raw_peer_connection()
            self._on_track(pc, participant_name(j))
        self._spawn(self._signals())
        for j, pc in self.pcs.items():
            if self.spec.index < j:
                add_sending_transceivers(pc, *self._tracks())
                await pc.setLocalDescription(await pc.createOffer())
                self.channel.send("signal", j, ("offer", pc.localDescription.sdp))

    def _on_track(self, pc: RTCPeerConnection, publisher: str) -> None:
        r = self.recorder

        def on_track(track: MediaStreamTrack) -> None:
            self._spawn(consume_raw(publisher, track, r.video, r.audio))

        pc.on("track", on_track)

    async def _signals(self) -> None:
        while True:
            (_, sender, (kind, sdp)) = await self.channel.get("signal")
            pc = self.pcs[sender]
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=kind))
            if kind == "offer":
                for track in self._tracks():
                    pc.addTrack(track)
                await pc.setLocalDescription(await pc.createAnswer())
                self.channel.send("signal", sender, ("answer", pc.localDescription.sdp))

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for pc in self.pcs.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pc.close(), 5)
        self.source.stop()

    async def join_times(self, count: int) -> list[dict[str, float]]:
        """Raw baseline of a join: a new pair of connections in one process (loopback),
        offer/answer, ICE, DTLS, until the first frame is decoded."""
        self.source.start()
        times = []
        for _ in range(count):
            sender, receiver = raw_peer_connection(), raw_peer_connection()
            first: asyncio.Future[float] = asyncio.get_running_loop().create_future()

            def on_track(track: MediaStreamTrack, first: asyncio.Future[float] = first) -> None:
                if track.kind == "video":
                    self._spawn(_first_frame(track, first))

            receiver.on("track", on_track)
            start = time.perf_counter()
            tracks = self._tracks()
            add_sending_transceivers(sender, *tracks)
            await sender.setLocalDescription(await sender.createOffer())
            await receiver.setRemoteDescription(sender.localDescription)
            await receiver.setLocalDescription(await receiver.createAnswer())
            await sender.setRemoteDescription(receiver.localDescription)
            joined = time.perf_counter()
            with contextlib.suppress(TimeoutError):
                at = await asyncio.wait_for(first, 20)
                times.append({"joined_s": joined - start, "first_frame_s": at - start})
            for pc in (sender, receiver):
                await pc.close()
            for track in tracks:
                track.stop()
            await asyncio.sleep(0.3)
        return times


async def _first_frame(track: MediaStreamTrack, first: asyncio.Future[float]) -> None:
    with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
        frame = await track.recv()
        frame.to_ndarray(format="rgb24")  # type: ignore[union-attr]
        if not first.done():
            first.set_result(time.perf_counter())


# ---------------------------------------------------------------- process


async def _run(conn: Connection, spec: Spec) -> None:
    channel = Channel(conn, asyncio.get_running_loop())
    recorder = Recorder()
    participant: LiqaaParticipant | RawParticipant
    if spec.system == "liqaa":
        participant = LiqaaParticipant(spec, channel, recorder)
    else:
        participant = RawParticipant(spec, channel, recorder)
    try:
        if spec.joins:
            times = await participant.join_times(spec.joins)
            channel.send("result", {"joins": times})
            await channel.get("leave")
            return
        await participant.setup()
        measuring = asyncio.ensure_future(channel.get("measure"))
        leaving = asyncio.ensure_future(channel.get("leave"))
        while not (measuring.done() or leaving.done()):
            channel.send("status", recorder.status())
            await asyncio.wait([measuring, leaving], timeout=0.25)
        if measuring.done():
            (_, seconds) = measuring.result()
            channel.send("result", await recorder.measure(seconds))
            await leaving
        else:
            measuring.cancel()
    except Exception:
        channel.send("error", f"{spec.system} {spec.name}: {traceback.format_exc()}")
        with contextlib.suppress(Exception):
            await asyncio.wait_for(channel.get("leave"), 30)
    finally:
        await participant.close()


def main(conn: Connection, spec: Spec) -> None:
    """Entry point of a participant process (a child process of the benchmark)."""
    if spec.netns is not None:  # before any socket is opened
        enter_netns(spec.netns)
    if spec.nice:
        os.nice(spec.nice)
    logging.basicConfig(level=logging.ERROR)
    RETRANSMISSIONS.install()
    asyncio.run(_run(conn, spec))
