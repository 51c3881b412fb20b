"""aiortc seams that turn a receiver into a pass-through for the relay.

The relay must forward encoded frames: decoding and re-encoding video costs one
encode per subscriber per publisher. aiortc decodes in ``decoder_worker``, a
module-level function that ``RTCRtpReceiver.receive()`` starts in a thread; we
replace it with a dispatcher that, for receivers the relay marked, hands each
reassembled frame on as an ``av.Packet`` instead of decoding it. Senders already
pack pre-encoded packets without encoding (``RTCRtpSender`` → ``encoder.pack()``).

The receive side also delays media: aiortc's audio jitter buffer prefetches 4
frames (80 ms) and the video one releases a frame only when the next frame's
first packet arrives (33 ms at 30 fps). The relay is not where smoothing belongs
(the subscriber's own jitter buffer does that), so marked receivers get a buffer
that releases a frame as soon as its last packet (RTP marker bit) arrives.

These are private aiortc internals: aiortc is pinned exactly in pyproject.toml and
tests/server/test_passthrough.py checks the seams still exist and behave.
"""

from __future__ import annotations

import asyncio
import fractions
import queue
import threading
import weakref
from typing import Any

import av
from aiortc import RTCRtpReceiver
from aiortc import rtcrtpreceiver as _receiver_module
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RtpPacket

_original_worker = _receiver_module.decoder_worker
_passthrough_queues: weakref.WeakSet[asyncio.Queue[Any]] = weakref.WeakSet()
_lock = threading.Lock()


class MarkerJitterBuffer(JitterBuffer):
    """Releases a frame as soon as all its packets are in, ending on the marker bit.

    A missing packet holds back what follows until it is retransmitted (NACK), but
    not for long: once ``max_backlog`` packets wait behind the gap, the incomplete
    frame is dropped and, for video, a keyframe requested. aiortc's own buffer
    waits for its whole capacity (512 packets, seconds of video) instead, which
    froze the relay's video after losses under load.
    """

    def __init__(
        self,
        capacity: int,
        prefetch: int = 0,
        is_video: bool = False,
        max_backlog: int | None = None,
    ) -> None:
        super().__init__(capacity, prefetch=prefetch, is_video=is_video)
        # Video: room for a NACK round trip on a LAN. Audio is never retransmitted.
        self.max_backlog = max_backlog if max_backlog is not None else (48 if is_video else 1)
        self.skipped_gaps = 0
        self._skipped = False

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        pli_flag, frame = super().add(packet)
        if self._skipped:
            self._skipped = False
            pli_flag = pli_flag or self._is_video
        return pli_flag, frame

    def _remove_frame(self, sequence_number: int) -> JitterFrame | None:
        frame = self._complete_frame()
        if frame is None and self._backlog() > self.max_backlog:
            self._skip_gap()
            frame = self._complete_frame()
        return frame

    def _complete_frame(self) -> JitterFrame | None:
        assert self._origin is not None
        packets: list[RtpPacket] = []
        for count in range(self.capacity):
            pos = (self._origin + count) % self._capacity
            packet = self._packets[pos]
            if packet is None:
                return None
            if packets and packet.timestamp != packets[0].timestamp:
                # A new frame started without a marker on the previous one
                # (lost marker packet): release what we have, as aiortc would.
                self.remove(count)
                return _frame(packets)
            packets.append(packet)
            if packet.marker:
                self.remove(count + 1)
                return _frame(packets)
        return None

    def _backlog(self) -> int:
        """Packets waiting behind a hole (0 while a frame is merely still arriving)."""
        assert self._origin is not None
        waiting, hole = 0, False
        for count in range(self.capacity):
            if self._packets[(self._origin + count) % self._capacity] is None:
                hole = True
            elif hole:
                waiting += 1
        return waiting

    def _skip_gap(self) -> None:
        """Drop the incomplete frame around the gap; keep the frames after it."""
        assert self._origin is not None
        self.skipped_gaps += 1
        self._skipped = True
        head = self._packets[self._origin % self._capacity]
        gap = False
        for count in range(self.capacity):
            packet = self._packets[(self._origin + count) % self._capacity]
            if packet is None:
                gap = True
                continue
            if gap and (
                not self._is_video or (head is not None and packet.timestamp != head.timestamp)
            ):
                # Audio frames are single packets; in video the lost packets ended
                # the head's frame. Either way the next packet starts a frame.
                self.remove(count)
                return
            if gap and packet.marker:
                self.remove(count + 1)  # the lost packets were inside this frame
                return
        self.remove(self.capacity)


def _frame(packets: list[RtpPacket]) -> JitterFrame:
    return JitterFrame(
        data=b"".join(p._data for p in packets),  # type: ignore[attr-defined]
        timestamp=packets[0].timestamp,
    )


def _dispatching_worker(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: asyncio.Queue[Any],
    decode_error: threading.Event,
) -> None:
    with _lock:
        passthrough = output_q in _passthrough_queues
    if passthrough:
        _passthrough_worker(loop, input_q, output_q)
    else:
        _original_worker(loop, input_q, output_q, decode_error)


def _passthrough_worker(
    loop: asyncio.AbstractEventLoop, input_q: queue.Queue[Any], output_q: asyncio.Queue[Any]
) -> None:
    while True:
        task = input_q.get()
        if task is None:
            asyncio.run_coroutine_threadsafe(output_q.put(None), loop)
            return
        codec, encoded_frame = task
        packet = av.Packet(encoded_frame.data)
        packet.pts = encoded_frame.timestamp
        packet.time_base = fractions.Fraction(1, codec.clockRate)
        asyncio.run_coroutine_threadsafe(output_q.put(packet), loop)


def install() -> None:
    """Replace aiortc's decoder worker with the dispatcher (idempotent)."""
    _receiver_module.decoder_worker = _dispatching_worker


def make_passthrough(receiver: RTCRtpReceiver, kind: str) -> None:
    """Mark a receiver before it starts (call from the peer connection's "track" event)."""
    install()
    with _lock:
        _passthrough_queues.add(receiver.track._queue)  # type: ignore[attr-defined]
    capacity = 16 if kind == "audio" else 512
    receiver._RTCRtpReceiver__jitter_buffer = MarkerJitterBuffer(  # type: ignore[attr-defined]
        capacity=capacity, is_video=kind == "video"
    )


def is_vp8_keyframe(data: bytes) -> bool:
    """VP8 frame tag: bit 0 of the first byte is 0 for key frames (RFC 6386 §9.1)."""
    return bool(data) and not data[0] & 0x01
