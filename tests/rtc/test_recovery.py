"""The receive-side loss recovery the relay and the clients share (app.rtc.recovery),
driven packet by packet with a clock the test sets."""

from __future__ import annotations

import asyncio

from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from app.rtc import seams
from app.rtc.recovery import (
    NACK_MAX_TRIES,
    PLI_INTERVAL,
    FecFrame,
    PliThrottle,
    RecoveringJitterBuffer,
    RetryingNacks,
)
from app.rtc.vp8 import is_vp8_keyframe, vp8_starts_frame

START = b"\x10"  # VP8 payload descriptor: S=1, partition 0
MIDDLE = b"\x00"
KEY = b"\x10\x02\x00\x9d\x01\x2a"  # depayloaded keyframe: tag bit 0 clear
DELTA = b"\x31\x02\x00"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def video(seq: int, ts: int, *, first: bool, last: bool, key: bool = False) -> RtpPacket:
    packet = RtpPacket(sequence_number=seq & 0xFFFF, timestamp=ts, marker=int(last))
    packet.payload = (START if first else MIDDLE) + b"p"
    packet._data = (KEY if key else DELTA) if first else b"x"  # type: ignore[attr-defined]
    return packet


def audio(seq: int) -> RtpPacket:
    packet = RtpPacket(sequence_number=seq & 0xFFFF, timestamp=960 * seq, marker=1)
    packet.payload = bytes([seq & 0xFF])
    packet._data = packet.payload  # type: ignore[attr-defined]
    return packet


def frames_of(frame: object) -> list[object]:
    if frame is None:
        return []
    return list(frame.frames) if isinstance(frame, seams.FrameBatch) else [frame]


def test_vp8_bits() -> None:
    assert is_vp8_keyframe(KEY) and not is_vp8_keyframe(DELTA) and not is_vp8_keyframe(b"")
    assert vp8_starts_frame(b"\x90\x80") and vp8_starts_frame(START)
    assert (
        not vp8_starts_frame(b"\x00")
        and not vp8_starts_frame(b"\x11")
        and not vp8_starts_frame(b"")
    )


def test_a_frame_is_released_on_its_last_packet() -> None:
    buffer = RecoveringJitterBuffer(128, is_video=True)
    assert buffer.add(video(1, 100, first=True, last=False)) == (False, None)
    _, frame = buffer.add(video(2, 100, first=False, last=True))
    assert frame is not None and frame.data == DELTA + b"x" and frame.timestamp == 100
    # aiortc's own buffer holds the same frame until the next frame starts.
    stock = JitterBuffer(capacity=128, is_video=True)
    stock.add(video(1, 100, first=True, last=False))
    assert stock.add(video(2, 100, first=False, last=True))[1] is None


def test_a_repaired_gap_releases_everything_queued_behind_it_at_once() -> None:
    clock = Clock()
    buffer = RecoveringJitterBuffer(512, is_video=True, clock=clock)
    buffer.add(video(1, 100, first=True, last=False))
    # Packet 2 (end of frame 100) is late; frames 110 and 120 arrive complete.
    for seq, ts in ((3, 110), (4, 120)):
        clock.now += 0.033
        assert buffer.add(video(seq, ts, first=True, last=True))[1] is None
    clock.now += 0.05  # the retransmission, within the gap timeout
    pli, frame = buffer.add(video(2, 100, first=False, last=True))
    assert not pli and [f.timestamp for f in frames_of(frame)] == [100, 110, 120]
    assert buffer.skipped_gaps == 0


def test_an_unrepaired_gap_is_given_up_after_the_timeout_then_waits_for_a_keyframe() -> None:
    clock = Clock()
    buffer = RecoveringJitterBuffer(512, is_video=True, clock=clock)
    buffer.gap_timeout = 0.2
    buffer.add(video(1, 100, first=True, last=False))  # its second packet is lost for good
    released, plis, seq, ts = [], 0, 3, 110
    for _ in range(20):  # 20 delta frames of 2 packets, 33 ms apart
        clock.now += 0.033
        for i in range(2):
            pli, frame = buffer.add(video(seq, ts, first=i == 0, last=i == 1))
            plis += pli
            released += frames_of(frame)
            seq += 1
        ts += 10
    # Held for the gap timeout only, then dropped; the delta frames after it would
    # decode against a missing reference, so none is released; a keyframe is asked for.
    assert buffer.skipped_gaps == 1 and released == [] and plis >= 1
    assert buffer.dropped_frames >= 13
    clock.now += 0.033
    buffer.add(video(seq, ts, first=True, last=False, key=True))
    _, frame = buffer.add(video(seq + 1, ts, first=False, last=True))
    assert [f.timestamp for f in frames_of(frame)] == [ts]
    clock.now += 0.033
    _, frame = buffer.add(video(seq + 2, ts + 10, first=True, last=True))
    assert frame is not None and frame.timestamp == ts + 10


def test_latency_stays_bounded_however_long_the_loss_lasts() -> None:
    """Every packet lost 10 % of the time, never repaired: no frame ever waits longer
    than the gap timeout plus one frame, unlike aiortc's buffer (a 512-packet line)."""
    clock = Clock()
    buffer = RecoveringJitterBuffer(512, is_video=True, clock=clock)
    buffer.gap_timeout = 0.2
    sent_at: dict[int, float] = {}
    worst, seq = 0.0, 0
    for n in range(3000):  # 100 s of 30 fps, 3 packets per frame, a keyframe every 2 s
        ts = 3000 * n
        sent_at[ts] = clock.now
        for i in range(3):
            seq += 1
            if (seq * 7919) % 10 == 0:  # deterministic 10 % loss
                continue
            packet = video(seq, ts, first=i == 0, last=i == 2, key=n % 60 == 0)
            for frame in frames_of(buffer.add(packet)[1]):
                worst = max(worst, clock.now - sent_at[frame.timestamp])
        clock.now += 1 / 30
    assert worst <= 0.2 + 2 / 30 + 1e-9
    assert buffer.skipped_gaps > 100


def test_a_large_frame_still_arriving_is_not_a_gap() -> None:
    clock = Clock()
    buffer = RecoveringJitterBuffer(512, is_video=True, clock=clock)
    frames = []
    for seq in range(1, 101):  # a 100-packet keyframe (a shared screen) over 1 s
        clock.now += 0.01
        packet = video(seq, 500, first=seq == 1, last=seq == 100, key=True)
        frames.append(buffer.add(packet)[1])
    assert frames[:-1] == [None] * 99 and frames[-1] is not None
    assert buffer.skipped_gaps == 0


def test_sequence_numbers_wrap() -> None:
    buffer = RecoveringJitterBuffer(512, is_video=True)
    timestamps = []
    for n, seq in enumerate(range(65530, 65545)):
        timestamps += [
            f.timestamp for f in frames_of(buffer.add(video(seq, n, first=True, last=True))[1])
        ]
    assert timestamps == list(range(15))


def test_lost_audio_waits_for_reordering_then_plays_with_the_fec_copy() -> None:
    clock = Clock()
    buffer = RecoveringJitterBuffer(64, is_video=False, fec=True, clock=clock)
    assert buffer.add(audio(1))[1] is not None
    # 2 is late (reordered): 3 waits for it, and it comes.
    clock.now += 0.02
    assert buffer.add(audio(3))[1] is None
    clock.now += 0.02
    assert [f.timestamp for f in frames_of(buffer.add(audio(2))[1])] == [960 * 2, 960 * 3]
    # 4 is lost: 5 and 6 wait the reorder window, then the FEC copy in 5 stands in for 4.
    released = []
    for seq in (5, 6, 7, 8):
        clock.now += 0.025  # the window closes between 7 and 8
        released += frames_of(buffer.add(audio(seq))[1])
    assert [f.timestamp for f in released] == [960 * s for s in (4, 5, 6, 7, 8)]
    assert isinstance(released[0], FecFrame) and released[0].data == audio(5).payload
    assert buffer.fec_frames == 1 and buffer.skipped_gaps == 1
    # The late packet 4 arriving after that is dropped, not played out of order.
    assert buffer.add(audio(4))[1] is None


def test_nacks_are_retried_every_round_trip_and_given_up() -> None:
    clock = Clock()
    calls: list[int] = []
    nacks = RetryingNacks(lambda: calls.append(1), clock=clock)
    assert not nacks.add(video(10, 1, first=True, last=True))
    assert nacks.add(video(13, 2, first=True, last=True))
    assert nacks.missing == {11, 12} and calls == [1]
    assert nacks.due(rtt=0.1) == []  # just NACKed
    clock.now += 0.13
    assert nacks.due(rtt=0.1) == [11, 12]
    nacks.add(video(11, 1, first=False, last=True))  # repaired
    assert nacks.repaired == 1
    tries = 2
    while nacks.due(rtt=0.05, now=clock.now + 0.07 * tries) == [12]:
        tries += 1
    assert tries == NACK_MAX_TRIES and nacks.abandoned == 1
    assert nacks.next_due(rtt=0.1) is None


async def test_keyframe_requests_are_merged_and_throttled() -> None:
    sent: list[tuple[float, int]] = []
    loop = asyncio.get_running_loop()

    async def send(ssrc: int) -> None:
        sent.append((loop.time(), ssrc))

    throttle = PliThrottle(send, clock=loop.time)
    start = loop.time()
    for _ in range(20):
        await throttle(7)
        await asyncio.sleep(0.02)
    await asyncio.sleep(PLI_INTERVAL + 0.1)
    # 20 requests over 0.4 s: one at once, the rest merged into one at the interval.
    assert len(sent) == 2 and throttle.merged == 18
    assert sent[1][0] - sent[0][0] >= PLI_INTERVAL - 0.01
    assert sent[0][0] - start < 0.05
