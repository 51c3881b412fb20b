"""Loss recovery and congestion through the real relay: three participants, every
peer connection (clients' and relay's) losing 5 % of its outgoing RTP."""

from __future__ import annotations

import asyncio
import fractions
import time

import av
import numpy as np
from aiortc import MediaStreamTrack

from app.core import protocol as p
from app.core.roles import MediaKind
from app.rtc import seams
from app.server.relay import BitrateAggregate
from tests.rtc.lossy import Dropper
from tests.server.conftest import RunningServer
from tests.server.harness import Guest, close_to
from tests.server.test_meeting_flow import BLUE, GREEN, RED, guest_joins, host_meeting


async def _three_in_a_meeting(
    running: RunningServer,
) -> tuple[dict[Guest, tuple[int, int, int]], str]:
    host, created = await host_meeting(running, waiting_room=False)
    a = await guest_joins(running, created, "Amal")
    b = await guest_joins(running, created, "Badr")
    colours = {host: RED, a: GREEN, b: BLUE}
    for guest, colour in colours.items():
        await guest.start_media(colour, 440)
    for viewer in colours:
        for publisher in colours:
            if publisher is not viewer:
                pid = publisher.pid or ""
                await viewer.wait_for(
                    lambda v=viewer, pid=pid: v.frames_from(pid, MediaKind.VIDEO) > 5, 20
                )
    return colours, created.meeting_id


async def test_every_link_repairs_losses_and_video_keeps_flowing(running: RunningServer) -> None:
    colours, meeting_id = await _three_in_a_meeting(running)
    relay = running.server.rooms[meeting_id].relay
    droppers = []
    for n, guest in enumerate(colours):
        assert guest.peer is not None
        for pc in (guest.peer.pc, relay.peers[guest.pid or ""].pc):
            dropper = Dropper(0.05, seed=n * 10 + len(droppers))
            dropper.attach(pc)
            droppers.append(dropper)

    def repaired_everywhere() -> bool:
        at_relay = [
            relay.peers[g.pid or ""].publications[MediaKind.VIDEO].recovery.stats()["repaired"]
            for g in colours
        ]
        at_clients = [g.peer.recovery_stats().get("repaired", 0) for g in colours if g.peer]
        return min(at_relay) >= 5 and min(at_clients) >= 5

    host = next(iter(colours))
    await host.wait_for(repaired_everywhere, 40)

    # Video keeps its pace and its picture; audio keeps flowing, lost packets rebuilt
    # from Opus FEC where the next packet came.
    counts = {
        (v, p, kind): v.frames_from(p.pid or "", kind)
        for v in colours
        for p in colours
        if p is not v
        for kind in (MediaKind.VIDEO, MediaKind.AUDIO)
    }
    start = time.monotonic()
    await asyncio.sleep(3)
    elapsed = time.monotonic() - start
    for viewer in colours:
        for publisher, colour in colours.items():
            if publisher is viewer:
                continue
            pid = publisher.pid or ""
            video = viewer.frames_from(pid, MediaKind.VIDEO)
            fps = (video - counts[(viewer, publisher, MediaKind.VIDEO)]) / elapsed
            assert fps >= 15, f"{viewer.name} sees {publisher.name} at {fps:.1f} fps"
            assert close_to(viewer.received[(pid, MediaKind.VIDEO)].last_rgb, colour)
            audio_before = counts[(viewer, publisher, MediaKind.AUDIO)]
            assert viewer.frames_from(pid, MediaKind.AUDIO) > audio_before
    assert sum(g.peer.recovery_stats()["fec_frames"] for g in colours if g.peer) > 0
    assert all(d.dropped > 0 for d in droppers)
    for guest in colours:
        await guest.close()


async def test_a_subscriber_on_a_slow_link_lowers_the_publishers_bitrate(
    running: RunningServer,
) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    slow = await guest_joins(running, created, "Slow")
    await host.start_media()
    assert host.peer is not None
    host.peer.set_track(MediaKind.VIDEO, NoiseTrack())  # costly to encode: a high bitrate
    await host.send(p.SetMedia(kind=MediaKind.VIDEO, on=True))
    await slow.start_media()
    pid = host.pid or ""
    await slow.wait_for(lambda: slow.frames_from(pid, MediaKind.VIDEO) > 10, 20)
    assert slow.peer is not None
    # Before: the publisher sends well above what the slow link will take.
    await host.wait_for(lambda: (encoder_bitrate(host) or 0) > 500_000, 20)
    # The slow subscriber's receivers report 300 kbit/s (what a capped link's
    # estimator settles at), whatever aiortc's estimator says.
    for transceiver in slow.peer.recoveries:
        seams.intercept_remb(transceiver.receiver, lambda _bitrate: 300_000)
    await host.wait_for(lambda: (encoder_bitrate(host) or 10**9) <= 300_000, 20)
    relay = running.server.rooms[created.meeting_id].relay
    publication = relay.peers[pid].publications[MediaKind.VIDEO]
    assert publication.bitrate.advertised == 300_000
    # The video still flows to the slow subscriber.
    before = slow.frames_from(pid, MediaKind.VIDEO)
    await slow.wait_for(lambda: slow.frames_from(pid, MediaKind.VIDEO) > before + 10, 10)
    for guest in (host, slow):
        await guest.close()


class NoiseTrack(MediaStreamTrack):
    """Random pixels at 30 fps: VP8 needs all the bitrate it is given."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self._random = np.random.default_rng(5)
        self._count = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        self._start = self._start or time.monotonic()
        self._count += 1
        wait = self._start + self._count / 30 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        pixels = self._random.integers(0, 255, (240, 320, 3), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        frame.pts, frame.time_base = self._count * 3000, fractions.Fraction(1, 90000)
        return frame


def encoder_bitrate(guest: Guest) -> int | None:
    assert guest.peer is not None
    sender = guest.peer.senders[MediaKind.VIDEO].sender
    encoder = sender._RTCRtpSender__encoder  # type: ignore[attr-defined]
    return getattr(encoder, "target_bitrate", None)


def test_the_advertised_bitrate_drops_at_once_and_rises_slowly() -> None:
    aggregate = BitrateAggregate()
    subscribers = [object() for _ in range(12)]
    aggregate.uplink = 1_500_000
    assert aggregate.update(0.0) == 1_500_000
    for n, subscriber in enumerate(subscribers):
        aggregate.report(subscriber, 1_000_000 + n * 10_000, 0.0)  # type: ignore[arg-type]
    # The 10th percentile of 12 subscribers: the second lowest; a drop goes out at once.
    assert aggregate.update(0.1) == 1_010_000
    # One subscriber on a poor link does not set the class's quality; two do.
    aggregate.report(subscribers[0], 200_000, 0.2)  # type: ignore[arg-type]
    assert aggregate.update(0.2) is None and aggregate.advertised == 1_010_000
    aggregate.report(subscribers[1], 250_000, 0.3)  # type: ignore[arg-type]
    assert aggregate.update(0.3) == 250_000
    # Small moves are not passed on (each would rebuild the encoder: a keyframe).
    aggregate.report(subscribers[1], 270_000, 0.4)  # type: ignore[arg-type]
    assert aggregate.update(0.4) is None
    assert aggregate.update(0.4, refresh=True) == 250_000
    # Recovery: a rise waits RAISE_INTERVAL after the last change.
    aggregate.report(subscribers[1], 1_000_000, 1.0)  # type: ignore[arg-type]
    aggregate.report(subscribers[0], 1_000_000, 1.0)  # type: ignore[arg-type]
    assert aggregate.update(1.0) is None
    assert aggregate.update(0.3 + BitrateAggregate.RAISE_INTERVAL) == 1_000_000
    # A subscriber that stops reporting stops counting; one that leaves is forgotten.
    aggregate.forget(subscribers[2])
    assert aggregate.target(100.0) == 1_500_000  # only the uplink is fresh
