"""What the benchmarks send and how they recognise it on arrival.

Video: the test pattern carries a frame counter in its pixels
(``app.media.pattern``); the sender logs the capture wall time of each counter
value, the receiver reads the counter back from the decoded picture.

Audio: a click train in otherwise silent 48 kHz audio, a 5 ms Hann-windowed tone
burst every 500 ms. The burst's pitch (1 to 4.5 kHz in 500 Hz steps) tags the
click index modulo 8, so a click is matched to the right capture even when audio
runs up to 4 s late. The sender paces frames like a microphone (a 20 ms frame is released
once its last sample is "captured") and logs each click's capture wall time;
the receiver looks for the burst in decoded audio.
"""

from __future__ import annotations

import asyncio
import bisect
import fractions
import math
import time
from collections import defaultdict
from typing import Any

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from app.media.frames import CapturedFrame
from app.media.pattern import COUNTER_MODULUS, read_counter

SAMPLE_RATE = 48000
FRAME_SAMPLES = 960
CLICK_INTERVAL = 24000  # samples: 500 ms, a whole number of 20 ms frames
CLICK_LENGTH = 240  # samples: 5 ms
CLICK_AMPLITUDE = 0.6
CLICK_TAGS = 8
TAG_STEP = 500.0  # Hz between the pitches of consecutive tags
DETECT_THRESHOLD = 0.15 * 32767
REFRACTORY = 0.25  # seconds after a detected click during which no other counts
TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)


def click_frequency(index: int) -> float:
    return 1000.0 + TAG_STEP * (index % CLICK_TAGS)


def click_burst(index: int) -> np.ndarray:
    """The int16 samples of click ``index``."""
    t = np.arange(CLICK_LENGTH) / SAMPLE_RATE
    window = np.hanning(CLICK_LENGTH)
    wave = np.sin(2 * math.pi * click_frequency(index) * t) * window
    return (CLICK_AMPLITUDE * 32767 * wave).astype(np.int16)


def _onset(samples: np.ndarray) -> int | None:
    above = np.flatnonzero(np.abs(samples.astype(np.int32)) > DETECT_THRESHOLD)
    return int(above[0]) if above.size else None


#: Where the detector finds each clean burst's onset (the capture instant logged).
REFERENCE_ONSET = [_onset(click_burst(i)) or 0 for i in range(CLICK_TAGS)]


def classify(window: np.ndarray) -> int | None:
    """Which tag (0-7) a burst starting in ``window`` carries, from its strongest pitch."""
    if window.size < CLICK_LENGTH // 2:
        return None
    x = window[:CLICK_LENGTH].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size), n=SAMPLE_RATE // 100))
    peak = float(np.argmax(spectrum)) * 100.0  # n = 480: 100 Hz per bin
    tag = round((peak - 1000.0) / TAG_STEP)
    return tag if 0 <= tag < CLICK_TAGS else None


class ClickClock:
    """The sender's shared click schedule: every click track of a process uses it,
    so each click has one capture time whichever peer connection carries it."""

    def __init__(self) -> None:
        self.start_monotonic: float | None = None
        self.start_wall = 0.0
        self.captures: dict[int, float] = {}  # click index -> capture wall time

    def begin(self) -> float:
        if self.start_monotonic is None:
            self.start_monotonic = time.monotonic()
            self.start_wall = time.time()
        return self.start_monotonic

    def frame(self, first_sample: int) -> np.ndarray:
        """Samples ``first_sample`` .. +960 of the train, logging the clicks they hold."""
        samples = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        index = first_sample // CLICK_INTERVAL
        start = index * CLICK_INTERVAL
        if start == first_sample:  # clicks start on frame boundaries
            samples[:CLICK_LENGTH] = click_burst(index)
            onset = start + REFERENCE_ONSET[index % CLICK_TAGS]
            self.captures.setdefault(index, self.start_wall + onset / SAMPLE_RATE)
        return samples


class ClickTrack(MediaStreamTrack):
    """The click train as a 48 kHz mono s16 track, 20 ms frames paced like a microphone."""

    kind = "audio"

    def __init__(self, clock: ClickClock) -> None:
        super().__init__()
        self.clock = clock
        self._sample: int | None = None
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        start = self.clock.begin()
        if self._sample is None:  # join the shared schedule at the next frame boundary
            elapsed = time.monotonic() - start
            self._sample = math.ceil(elapsed * SAMPLE_RATE / FRAME_SAMPLES) * FRAME_SAMPLES
        due = start + (self._sample + FRAME_SAMPLES) / SAMPLE_RATE
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        elif wait < -0.2:  # fell far behind (an overloaded machine): skip ahead
            behind = -wait * SAMPLE_RATE
            self._sample += int(behind // FRAME_SAMPLES) * FRAME_SAMPLES
        samples = self.clock.frame(self._sample)
        self._sample += FRAME_SAMPLES
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        frame.time_base = TIME_BASE
        self._pts += FRAME_SAMPLES
        return frame


class ClickDetector:
    """Finds clicks in each publisher's decoded audio (48 kHz mono int16 chunks).

    A click counts when the decoded chunk is handed on for playback: detection
    time = hand-over wall time + the onset's offset inside the chunk.
    """

    def __init__(self) -> None:
        self.detections: list[tuple[str, int, float]] = []  # publisher, tag, wall time
        self._quiet_until: dict[str, float] = defaultdict(float)
        # A burst found near a chunk's end: (onset wall time, samples so far).
        self._pending: dict[str, tuple[float, np.ndarray]] = {}

    def push(self, publisher: str, samples: np.ndarray, now: float) -> None:
        pending = self._pending.pop(publisher, None)
        if pending is not None:
            onset_time, head = pending
            self._finish(publisher, onset_time, np.concatenate([head, samples]))
        onset = _onset(samples)
        if onset is None:
            return
        onset_time = now + onset / SAMPLE_RATE
        if onset_time < self._quiet_until[publisher]:
            return
        self._quiet_until[publisher] = onset_time + REFRACTORY
        burst = samples[onset:]
        if burst.size < CLICK_LENGTH:
            self._pending[publisher] = (onset_time, burst)
        else:
            self._finish(publisher, onset_time, burst)

    def _finish(self, publisher: str, onset_time: float, burst: np.ndarray) -> None:
        tag = classify(burst)
        if tag is not None:
            self.detections.append((publisher, tag, onset_time))


def match_clicks(
    captures: dict[int, float], detections: list[tuple[int, float]], window: float = 4.0
) -> list[float]:
    """Latencies (s) of detections ``(tag, wall time)`` against one sender's captures:
    each detection goes to the latest capture with its tag that precedes it."""
    by_tag: dict[int, list[float]] = defaultdict(list)
    for index, wall in captures.items():
        by_tag[index % CLICK_TAGS].append(wall)
    for times in by_tag.values():
        times.sort()
    latencies = []
    for tag, detected in detections:
        times = by_tag.get(tag, [])
        position = bisect.bisect_right(times, detected)
        if position:
            latency = detected - times[position - 1]
            if 0 < latency < window:
                latencies.append(latency)
    return latencies


class CaptureLog:
    """The sender's capture wall time of every counter value it painted."""

    def __init__(self) -> None:
        self.times: dict[int, float] = {}

    def on_frame(self, frame: CapturedFrame) -> None:  # called on the capture thread
        self.times[frame.seq % COUNTER_MODULUS] = frame.wall_time


class VideoLog:
    """The receiver's view of every remote video stream: frame counts, and the
    display-ready wall time of each counter read back from the pixels."""

    def __init__(self) -> None:
        self.frames: dict[str, int] = defaultdict(int)
        self.unreadable: dict[str, int] = defaultdict(int)
        self.arrivals: list[tuple[str, int, float]] = []  # publisher, counter, wall time

    def frame(self, publisher: str, image: np.ndarray) -> None:
        now = time.time()
        self.frames[publisher] += 1
        counter = read_counter(image)
        if counter is None:
            self.unreadable[publisher] += 1
        else:
            self.arrivals.append((publisher, counter, now))

    def reset(self) -> None:
        self.frames.clear()
        self.unreadable.clear()
        self.arrivals.clear()


class RetransmissionCounter:
    """Counts RTX packets sent (a NACK answered from the sender's history) and RTX
    packets that reached a receiver, in this process, for Liqaa and raw aiortc alike.
    It wraps aiortc's methods without changing what they do."""

    def __init__(self) -> None:
        self.sent = 0
        self.received = 0
        self._installed = False

    def install(self) -> None:
        if self._installed:
            return
        self._installed = True
        from aiortc import RTCRtpReceiver, RTCRtpSender
        from aiortc.codecs import is_rtx
        from aiortc.rtp import RTP_HISTORY_SIZE

        counter = self
        retransmit = RTCRtpSender._retransmit
        handle = RTCRtpReceiver._handle_rtp_packet

        async def counted_retransmit(sender: Any, sequence_number: int) -> None:
            history = sender._RTCRtpSender__rtp_history
            packet = history.get(sequence_number % RTP_HISTORY_SIZE)
            if packet is not None and packet.sequence_number == sequence_number:
                counter.sent += 1
            await retransmit(sender, sequence_number)

        async def counted_handle(receiver: Any, packet: Any, arrival_time_ms: int) -> None:
            codec = receiver._RTCRtpReceiver__codecs.get(packet.payload_type)
            if codec is not None and is_rtx(codec):
                counter.received += 1
            await handle(receiver, packet, arrival_time_ms=arrival_time_ms)

        RTCRtpSender._retransmit = counted_retransmit  # type: ignore[method-assign,assignment]
        RTCRtpReceiver._handle_rtp_packet = counted_handle  # type: ignore[method-assign,assignment]

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "received": self.received}


RETRANSMISSIONS = RetransmissionCounter()
