"""Loss recovery on the receive side of every Liqaa peer connection.

aiortc's receiver NACKs a gap once, when it appears, asks for a keyframe only when
its 512-packet buffer overflows, and lets a missing packet hold back every later
frame: under loss its buffer becomes a delay line seconds long. The relay and the
clients both use this instead, following production SFUs (mediasoup
``RtpStreamSend``/``NackGenerator``, Jitsi ``NackHandler``, LiveKit's buffer):

- retransmissions are routed to their receiver (``seams.register_rtx``);
- a missing packet is NACKed again about every round trip, at most
  ``NACK_MAX_TRIES`` times and for at most ``NACK_MAX_AGE``;
- a frame is released as soon as its last packet (RTP marker) is in;
- a gap that is not repaired within ``max(GAP_TIMEOUT_FLOOR, GAP_TIMEOUT_RTTS x RTT)``
  is given up:
  the broken frame is dropped, video waits for the next keyframe (a delta frame
  decoded against a missing reference paints garbage) and asks for one;
- keyframe requests (PLI) are merged and throttled to one per ``PLI_INTERVAL``;
- audio waits ``AUDIO_REORDER_WAIT`` for a late packet, then goes on; where the
  packet after a single-packet gap is there, the client decodes the lost 20 ms from
  its Opus in-band FEC copy (:class:`FecFrame`).

So however long a loss lasts, a frame waits at most one gap timeout: latency stays
bounded. Everything here runs on the event loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable

from aiortc import RTCPeerConnection, RTCRtpReceiver
from aiortc.jitterbuffer import MAX_MISORDER, JitterBuffer, JitterFrame
from aiortc.rtp import RTP_HISTORY_SIZE, RtpPacket
from aiortc.utils import uint16_add, uint16_gt

from app.rtc import seams
from app.rtc.background import spawn
from app.rtc.vp8 import is_vp8_keyframe, vp8_starts_frame

GAP_TIMEOUT_FLOOR = 0.2  # s
# A gap's retransmission arrives ~1 RTT after the first NACK, ~2.2 RTT after one retry,
# ~3.4 RTT after two, plus jitter. An unrepaired gap costs far more than waiting: the
# picture then waits for a keyframe (a PLI round trip and a multi-packet keyframe
# crossing lossy links, ~400 ms at 50±20 ms per link). Measured (3 people, 5 % loss and
# 50±20 ms on every link, 320x240, 15 s): 2 RTT: 10 freezes over 500 ms, the longest
# 985 ms, latency p50 156 ms; 3 RTT: 3-5 freezes, one of 1.27 s; 4 RTT: 0-1 freezes,
# none over 532 ms, p50 188-216 ms, over three runs each.
GAP_TIMEOUT_RTTS = 4
AUDIO_REORDER_WAIT = 0.06  # s: three packets' worth of reordering
PLI_INTERVAL = 0.5  # s
NACK_MAX_TRIES = 10
NACK_MAX_AGE = 1.0  # s: the sender's history (128 packets) holds about this much
DEFAULT_RTT = 0.1  # s, until the first receiver report gives a figure
OPUS_FRAME = 960  # samples: aiortc's Opus encoder sends 20 ms frames at 48 kHz

Clock = Callable[[], float]


class FecFrame(JitterFrame):
    """A lost audio frame to be rebuilt from the in-band FEC copy in the next packet:
    ``data`` is the next packet's payload, ``timestamp`` the lost frame's."""

    fec = True


class RecoveringJitterBuffer(JitterBuffer):
    """A receive buffer that never becomes a delay line (see the module docstring).

    ``add`` returns ``(pli_flag, frame)`` like aiortc's; ``frame`` may be a
    :class:`seams.FrameBatch` when one packet completes several frames.
    """

    def __init__(
        self,
        capacity: int,
        *,
        is_video: bool,
        fec: bool = False,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(capacity, is_video=is_video)
        self.gap_timeout = GAP_TIMEOUT_FLOOR if is_video else AUDIO_REORDER_WAIT
        self.skipped_gaps = 0
        self.dropped_frames = 0  # complete frames dropped while waiting for a keyframe
        self.fec_frames = 0
        self._fec = fec and not is_video
        self._clock = clock
        self._max_seq: int | None = None
        self._waiting_for_keyframe = False
        self._want_keyframe = False

    @property
    def origin(self) -> int | None:
        return self._origin

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        seq = packet.sequence_number
        if (
            self._max_seq is None
            or uint16_gt(seq, self._max_seq)
            or uint16_add(self._max_seq, -seq) >= MAX_MISORDER
        ):
            self._max_seq = seq
        packet._arrival = self._clock()  # type: ignore[attr-defined]
        pli_flag, frame = super().add(packet)
        if self._want_keyframe:
            self._want_keyframe = False
            pli_flag = True
        return pli_flag, frame

    def _remove_frame(self, sequence_number: int) -> JitterFrame | None:
        frames: list[JitterFrame] = []
        now = self._clock()
        while self._origin is not None:
            frame, hole = self._take_frame()
            if frame is not None:
                self._keep(frame, frames)
                continue
            # A hole is as old as the first packet that arrived beyond it: successive
            # holes each wait one timeout from when they were seen, not one after another.
            if hole is None or now - self._seen_beyond(hole) < self.gap_timeout:
                break
            self._skip_gap(frames)
        if not frames:
            return None
        released = frames[0] if len(frames) == 1 else seams.FrameBatch(frames)
        released.released = now  # type: ignore[attr-defined]  # the decoder's lag clock
        return released

    def _seen_beyond(self, hole: int) -> float:
        for count in range(hole + 1, self._capacity):
            packet = self._packets[(self._origin + count) % self._capacity]  # type: ignore[operator]
            if packet is not None:
                arrival: float = packet._arrival  # type: ignore[attr-defined]
                return arrival
        return self._clock()

    def _keep(self, frame: JitterFrame, frames: list[JitterFrame]) -> None:
        if self._is_video:
            if isinstance(frame, _BrokenFrame):
                self.dropped_frames += 1
                self._start_keyframe_wait()
                return
            if self._waiting_for_keyframe:
                if not is_vp8_keyframe(frame.data):
                    self.dropped_frames += 1
                    self._want_keyframe = True  # the throttle merges repeats
                    return
                self._waiting_for_keyframe = False
        frames.append(frame)

    def _take_frame(self) -> tuple[JitterFrame | None, int | None]:
        """The head frame if complete; else the position of the hole that holds it
        back (None: no hole, the frame is still arriving)."""
        assert self._origin is not None and self._max_seq is not None
        packets: list[RtpPacket] = []
        span = uint16_add(self._max_seq, -self._origin)
        for count in range(min(span + 1, self._capacity)):
            packet = self._packets[(self._origin + count) % self._capacity]
            if packet is None:
                return None, count
            if packets and packet.timestamp != packets[0].timestamp:
                # A new frame started without a marker on the previous one (a sender
                # that sets none): release what we have, as aiortc would.
                self.remove(count)
                return self._frame(packets), None
            packets.append(packet)
            if packet.marker or not self._is_video:  # an audio packet is a frame
                self.remove(count + 1)
                return self._frame(packets), None
        return None, None

    def _frame(self, packets: list[RtpPacket]) -> JitterFrame:
        if self._is_video and not vp8_starts_frame(packets[0].payload):
            return _BrokenFrame(data=b"", timestamp=packets[0].timestamp)
        return JitterFrame(
            data=b"".join(p._data for p in packets),  # type: ignore[attr-defined]
            timestamp=packets[0].timestamp,
        )

    def _skip_gap(self, frames: list[JitterFrame]) -> None:
        """Give up on the hole at the head: drop what it broke, resume at the next
        packet that starts a frame."""
        assert self._origin is not None
        self.skipped_gaps += 1
        for count in range(1, self._capacity):
            packet = self._packets[(self._origin + count) % self._capacity]
            if packet is None:
                continue
            if not self._is_video:
                if self._fec:
                    # The packet after a gap carries the lost frame's FEC copy.
                    lost = (packet.timestamp - OPUS_FRAME) & 0xFFFFFFFF
                    frames.append(FecFrame(data=packet._data, timestamp=lost))  # type: ignore[attr-defined]
                    self.fec_frames += 1
                self.remove(count)
                return
            if vp8_starts_frame(packet.payload):
                self.remove(count)
                if not is_vp8_keyframe(packet._data):  # type: ignore[attr-defined]
                    self._start_keyframe_wait()
                return
        self.remove(self._capacity)
        if self._is_video:
            self._start_keyframe_wait()

    def _start_keyframe_wait(self) -> None:
        self._waiting_for_keyframe = True
        self._want_keyframe = True


class _BrokenFrame(JitterFrame):
    """A frame whose first packets were lost: never decoded."""


class RetryingNacks:
    """Stands in for aiortc's ``NackGenerator``: the receiver NACKs ``missing`` when
    ``add`` returns True (only the packets that just went missing); ``due`` gives the
    ones to NACK again, about once per round trip."""

    def __init__(self, on_missing: Callable[[], None], clock: Clock = time.monotonic) -> None:
        self.max_seq: int | None = None
        self.missing: set[int] = set()
        self.media_ssrc = 0
        self.nacked = 0  # distinct packets NACKed
        self.repaired = 0  # NACKed packets that then arrived
        self.abandoned = 0
        self._pending: dict[int, list[float]] = {}  # seq -> [first NACK, last NACK, tries]
        self._on_missing = on_missing
        self._clock = clock

    def add(self, packet: RtpPacket) -> bool:
        seq = packet.sequence_number
        self.media_ssrc = packet.ssrc
        if self.max_seq is None:
            self.max_seq = seq
            return False
        if not uint16_gt(seq, self.max_seq):
            if self._pending.pop(seq, None) is not None:
                self.repaired += 1
            return False
        now = self._clock()
        self.missing = set()
        missing = uint16_add(self.max_seq, 1)
        while uint16_gt(seq, missing) and len(self.missing) < RTP_HISTORY_SIZE:
            self.missing.add(missing)
            self._pending[missing] = [now, now, 1]
            missing = uint16_add(missing, 1)
        self.max_seq = seq
        if not self.missing:
            return False
        self.nacked += len(self.missing)
        self._forget_older_than(uint16_add(seq, -RTP_HISTORY_SIZE))
        self._on_missing()
        return True

    def due(self, rtt: float, now: float | None = None) -> list[int]:
        """Packets to NACK again now (each after about one round trip)."""
        now = self._clock() if now is None else now
        wait = max(rtt * 1.2, 0.02)
        again = []
        for seq, entry in list(self._pending.items()):
            first, last, tries = entry
            if tries >= NACK_MAX_TRIES or now - first > NACK_MAX_AGE:
                del self._pending[seq]
                self.abandoned += 1
            elif now - last >= wait:
                entry[1], entry[2] = now, tries + 1
                again.append(seq)
        return sorted(again)

    def next_due(self, rtt: float) -> float | None:
        """Seconds until the next retry is due (None: nothing is missing)."""
        if not self._pending:
            return None
        wait = max(rtt * 1.2, 0.02)
        soonest = min(entry[1] for entry in self._pending.values()) + wait
        return max(soonest - self._clock(), 0.005)

    def forget_before(self, origin: int) -> None:
        """The jitter buffer gave up on everything before ``origin``."""
        self._forget_older_than(origin)

    def _forget_older_than(self, origin: int) -> None:
        for seq in [s for s in self._pending if uint16_gt(origin, s)]:
            del self._pending[seq]
            self.abandoned += 1


class PliThrottle:
    """At most one PLI per ``PLI_INTERVAL`` per receiver; requests in between are
    merged into one sent when the interval ends."""

    def __init__(
        self, send: Callable[[int], Awaitable[None]], clock: Clock = time.monotonic
    ) -> None:
        self.sent = 0
        self.merged = 0
        self._send = send
        self._clock = clock
        self._last = -PLI_INTERVAL
        self._pending: asyncio.TimerHandle | None = None

    async def __call__(self, media_ssrc: int) -> None:
        wait = self._last + PLI_INTERVAL - self._clock()
        if wait <= 0:
            await self._fire(media_ssrc)
        elif self._pending is None:
            loop = asyncio.get_running_loop()
            self._pending = loop.call_later(wait, self._fire_later, media_ssrc)
        else:
            self.merged += 1

    def _fire_later(self, media_ssrc: int) -> None:
        self._pending = None
        spawn(self._fire(media_ssrc))

    async def _fire(self, media_ssrc: int) -> None:
        self._last = self._clock()
        self.sent += 1
        with contextlib.suppress(ConnectionError):
            await self._send(media_ssrc)

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None


def connection_rtt(pc: RTCPeerConnection) -> float:
    """The connection's round-trip time: the median of its senders' RTCP figures."""
    figures = [
        rtt for sender in pc.getSenders() if (rtt := seams.round_trip_time(sender)) is not None
    ]
    return statistics.median(figures) if figures else DEFAULT_RTT


class ReceiverRecovery:
    """Loss recovery for one receiver: install it from the "track" event."""

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        kind: str,
        rtt: Callable[[], float],
        *,
        fec: bool = False,
        capacity: int | None = None,
    ) -> None:
        seams.register_rtx()
        self.kind = kind
        self.receiver = receiver
        self._rtt = rtt
        video = kind == "video"
        self.buffer = RecoveringJitterBuffer(
            capacity or (512 if video else 64), is_video=video, fec=fec
        )
        seams.set_jitter_buffer(receiver, self.buffer)
        self.nacks: RetryingNacks | None = None
        self.pli = seams.wrap_pli(receiver, PliThrottle)
        self._timer: asyncio.TimerHandle | None = None
        if video:
            self.nacks = RetryingNacks(self._schedule)
            seams.set_nack_generator(receiver, self.nacks)

    def request_keyframe(self) -> None:
        """Ask the remote sender for a keyframe (merged with the buffer's own requests)."""
        if self.nacks is not None and self.nacks.media_ssrc:
            spawn(self.pli(self.nacks.media_ssrc))

    def _schedule(self) -> None:
        if self._timer is not None or self.nacks is None:
            return
        rtt = self._rtt()
        self.buffer.gap_timeout = max(GAP_TIMEOUT_FLOOR, GAP_TIMEOUT_RTTS * rtt)
        delay = self.nacks.next_due(rtt)
        if delay is not None:
            self._timer = asyncio.get_running_loop().call_later(delay, self._retry)

    def _retry(self) -> None:
        self._timer = None
        assert self.nacks is not None
        if self.buffer.origin is not None:
            self.nacks.forget_before(self.buffer.origin)
        again = self.nacks.due(self._rtt())
        if again:
            spawn(_quietly(seams.send_nack(self.receiver, self.nacks.media_ssrc, again)))
        self._schedule()

    def stats(self) -> dict[str, int]:
        figures = {
            "skipped_gaps": self.buffer.skipped_gaps,
            "dropped_frames": self.buffer.dropped_frames,
            "fec_frames": self.buffer.fec_frames,
            "plis_sent": self.pli.sent,
        }
        if self.nacks is not None:
            figures |= {
                "nacked": self.nacks.nacked,
                "repaired": self.nacks.repaired,
                "abandoned": self.nacks.abandoned,
            }
        return figures

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.pli.cancel()


async def _quietly(send: Awaitable[None]) -> None:
    with contextlib.suppress(ConnectionError):
        await send
