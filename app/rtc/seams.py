"""Every private aiortc hook Liqaa uses, in one place.

aiortc is written for two trusting peers and keeps the parts a relay and a lossy
network need (jitter buffer, NACK generator, decoder thread, keyframe and REMB
handling, RTX routing) private. Liqaa reaches them only through this module, so an
aiortc upgrade is checked in one file: aiortc is pinned exactly in pyproject.toml
and ``tests/rtc/test_seams.py`` exercises each hook against the installed version.

The hooks:

- ``register_rtx``: aiortc's ``RtpRouter`` delivers a packet from an SSRC it does
  not know only when exactly one receiver uses its payload type, and it never
  registers the RTX SSRCs it reads from the SDP, so with two video receivers on one
  connection every retransmission was discarded.
- ``set_decoder``: ``RTCRtpReceiver.receive()`` starts the module-level
  ``decoder_worker`` in a thread; a dispatcher replaces it and runs, per receiver,
  the decoder we choose (pass-through in the relay, Opus with FEC in the client),
  and understands frame batches (several frames released by one packet).
- ``set_jitter_buffer`` / ``set_nack_generator``: the receiver's private buffers.
- ``on_keyframe_request`` / ``on_remb``: what a sender does with PLI/FIR and REMB.
- ``intercept_remb``: rewrite the REMB a receiver sends to its remote sender.
- ``round_trip_time`` / ``rtcp_ssrc``: figures aiortc computes but does not expose.
- ``set_audio_encoder``: the sender's encoder before its first frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import av
from aiortc import RTCDtlsTransport, RTCRtpReceiver, RTCRtpSender
from aiortc import rtcrtpreceiver as _receiver_module
from aiortc.codecs import get_decoder
from aiortc.codecs.base import Encoder
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpReceiveParameters
from aiortc.rtp import RTCP_PSFB_APP, AnyRtcpPacket, RtcpPsfbPacket, pack_remb_fci, unpack_remb_fci

from app.rtc.vp8 import is_vp8_keyframe

logger = logging.getLogger(__name__)

# Returns an object with aiortc's ``Decoder.decode(frame) -> list`` (duck-typed: the
# relay's "decoder" yields encoded packets).
DecoderFactory = Callable[[RTCRtpCodecParameters], Any]
W = TypeVar("W")


class FrameBatch(JitterFrame):
    """Several frames a jitter buffer releases at once (a late packet completed the
    head frame and the ones queued behind it). ``timestamp`` is the last frame's, so
    aiortc's timestamp mapper sees time move forward; the worker re-bases the others."""

    def __init__(self, frames: list[JitterFrame]) -> None:
        super().__init__(data=frames[-1].data, timestamp=frames[-1].timestamp)
        self.frames = frames
        self.raw_timestamp = frames[-1].timestamp


# ------------------------------------------------------------------ RTX routing

_original_register = RTCDtlsTransport._register_rtp_receiver


def _register_with_rtx(
    self: RTCDtlsTransport, receiver: Any, parameters: RTCRtpReceiveParameters
) -> None:
    _original_register(self, receiver, parameters)
    router = self._rtp_router
    for encoding in parameters.encodings:
        if encoding.rtx is not None:
            router.ssrc_table[encoding.rtx.ssrc] = receiver


def register_rtx() -> None:
    """Route each receiver's RTX SSRC (from the SDP's FID group) to it (idempotent)."""
    RTCDtlsTransport._register_rtp_receiver = _register_with_rtx  # type: ignore[method-assign]


# ------------------------------------------------------------- decoder thread

_original_worker = _receiver_module.decoder_worker
_decoders: weakref.WeakKeyDictionary[asyncio.Queue[Any], DecoderFactory] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def _dispatching_worker(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: asyncio.Queue[Any],
    decode_error: threading.Event,
) -> None:
    with _lock:
        factory = _decoders.get(output_q)
    if factory is None:
        _original_worker(loop, input_q, output_q, decode_error)
    else:
        _decode(factory, loop, input_q, output_q, decode_error)


# A video frame released by the jitter buffer longer ago than this when its turn to be
# decoded comes means the decoder cannot keep up: skip ahead. By age, not queue length:
# jitter legitimately completes several frames at once.
MAX_DECODE_LAG = 0.5  # s


def _decode(
    factory: DecoderFactory,
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: asyncio.Queue[Any],
    decode_error: threading.Event,
) -> None:
    decoder: Any = None
    codec_name = None
    skipping = False  # dropped frames: decode nothing until the next keyframe
    while True:
        task = input_q.get()
        if task is None:
            loop.call_soon_threadsafe(output_q.put_nowait, None)
            return
        codec, encoded = task
        if decoder is None or codec.name != codec_name:
            decoder, codec_name = factory(codec), codec.name
        frames = _unbatch(encoded)
        if codec.name == "VP8":
            # A decoder that cannot keep up (an overloaded machine) must not become a
            # delay line: skip to the newest keyframe waiting, or drop what waits and
            # ask for one (setting decode_error makes the receiver send a PLI).
            released = getattr(encoded, "released", None)
            if released is not None and time.monotonic() - released > MAX_DECODE_LAG:
                frames, ended = _newest_from_keyframe(frames, input_q)
                if ended:
                    input_q.put(None)
                skipping = not frames
                if skipping:
                    decode_error.set()
            elif skipping:
                frames = frames[_first_keyframe(frames) :]
                skipping = not frames
        for frame in frames:
            try:
                outputs = decoder.decode(frame)
            except av.FFmpegError as exc:
                logger.debug("could not decode a %s frame: %s", codec.name, exc)
                decode_error.set()  # the receiver asks for a keyframe
                continue
            for output in outputs:
                loop.call_soon_threadsafe(output_q.put_nowait, output)


def _unbatch(encoded: JitterFrame) -> list[JitterFrame]:
    if not isinstance(encoded, FrameBatch):
        return [encoded]
    # The receiver mapped the batch's (last) timestamp; keep the others' distance to it.
    for frame in encoded.frames:
        frame.timestamp = encoded.timestamp - (
            (encoded.raw_timestamp - frame.timestamp) & 0xFFFFFFFF
        )
    return encoded.frames


def _first_keyframe(frames: list[JitterFrame]) -> int:
    """Index of the first VP8 keyframe (tag bit 0 clear), or len(frames)."""
    return next((i for i, f in enumerate(frames) if is_vp8_keyframe(f.data)), len(frames))


def _newest_from_keyframe(
    frames: list[JitterFrame], input_q: queue.Queue[Any]
) -> tuple[list[JitterFrame], bool]:
    """Everything waiting, from its newest keyframe on ([] if none); and whether the
    end-of-stream marker was among it."""
    ended = False
    while True:
        try:
            task = input_q.get_nowait()
        except queue.Empty:
            break
        if task is None:
            ended = True
            break
        frames += _unbatch(task[1])
    start = len(frames)
    for i in range(len(frames) - 1, -1, -1):
        if is_vp8_keyframe(frames[i].data):
            start = i
            break
    return frames[start:], ended


def set_decoder(receiver: RTCRtpReceiver, factory: DecoderFactory | None = None) -> None:
    """Decode this receiver's frames with ``factory`` (default: aiortc's decoders).

    Call from the peer connection's "track" event, before the receiver starts.
    """
    _receiver_module.decoder_worker = _dispatching_worker
    with _lock:
        _decoders[receiver.track._queue] = factory or get_decoder  # type: ignore[attr-defined]


# ---------------------------------------------------------- receiver internals


def set_jitter_buffer(receiver: RTCRtpReceiver, buffer: JitterBuffer) -> None:
    receiver._RTCRtpReceiver__jitter_buffer = buffer  # type: ignore[attr-defined]


def set_nack_generator(receiver: RTCRtpReceiver, generator: Any) -> None:
    """Replace the receiver's NACK generator (audio receivers have none)."""
    receiver._RTCRtpReceiver__nack_generator = generator  # type: ignore[attr-defined]


def rtcp_ssrc(receiver: RTCRtpReceiver) -> int | None:
    """The SSRC the receiver's RTCP reports come from (None until its first report)."""
    ssrc: int | None = receiver._RTCRtpReceiver__rtcp_ssrc  # type: ignore[attr-defined]
    return ssrc


async def send_nack(receiver: RTCRtpReceiver, media_ssrc: int, lost: list[int]) -> None:
    await receiver._send_rtcp_nack(media_ssrc, lost)


def wrap_pli(
    receiver: RTCRtpReceiver, wrapper: Callable[[Callable[[int], Awaitable[None]]], W]
) -> W:
    """Route every PLI the receiver sends through ``wrapper(original)`` (a throttle),
    and return the wrapper."""
    wrapped = wrapper(receiver._send_rtcp_pli)
    receiver._send_rtcp_pli = wrapped  # type: ignore[method-assign,assignment]
    return wrapped


def intercept_remb(receiver: RTCRtpReceiver, rewrite: Callable[[int], int | None]) -> None:
    """Let ``rewrite(bitrate)`` change the bitrate of each REMB the receiver sends
    (None: don't send this one)."""
    original = receiver._send_rtcp

    async def send(packet: AnyRtcpPacket) -> None:
        remb = _remb(packet)
        if remb is not None:
            new = rewrite(remb[0])
            if new is None:
                return
            assert isinstance(packet, RtcpPsfbPacket)
            packet.fci = pack_remb_fci(new, remb[1])
        await original(packet)

    receiver._send_rtcp = send  # type: ignore[method-assign]


def _remb(packet: AnyRtcpPacket) -> tuple[int, list[int]] | None:
    """A REMB's bitrate and SSRCs; None for any other packet (or a malformed REMB, which
    aiortc ignores in turn)."""
    if not (isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP):
        return None
    try:
        return unpack_remb_fci(packet.fci)
    except ValueError:
        return None


async def send_remb(receiver: RTCRtpReceiver, bitrate: int, media_ssrc: int) -> None:
    """Send the remote sender a REMB of our own (no-op before the first RTCP report)."""
    ssrc = rtcp_ssrc(receiver)
    if ssrc is None:
        return
    packet = RtcpPsfbPacket(
        fmt=RTCP_PSFB_APP, ssrc=ssrc, media_ssrc=0, fci=pack_remb_fci(bitrate, [media_ssrc])
    )
    with contextlib.suppress(ConnectionError):
        await receiver._send_rtcp(packet)


# ------------------------------------------------------------ sender internals


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """aiortc's pack path ignores PLI/FIR (it sets a flag only ``encode`` reads)."""
    sender._send_keyframe = callback  # type: ignore[method-assign]


def on_remb(sender: RTCRtpSender, callback: Callable[[int], None]) -> None:
    """Call ``callback(bitrate)`` for each REMB naming this sender's SSRC."""
    original = sender._handle_rtcp_packet

    async def handle(packet: AnyRtcpPacket) -> None:
        remb = _remb(packet)
        if remb is not None and sender._ssrc in remb[1]:
            callback(remb[0])
        await original(packet)

    sender._handle_rtcp_packet = handle  # type: ignore[method-assign]


def round_trip_time(sender: RTCRtpSender) -> float | None:
    """aiortc's smoothed RTT from the remote end's receiver reports (None: not yet)."""
    rtt: float | None = sender._RTCRtpSender__rtt  # type: ignore[attr-defined]
    return rtt


def set_encoder(sender: RTCRtpSender, encoder: Encoder) -> None:
    """Use ``encoder`` instead of the one aiortc would create on the first frame."""
    sender._RTCRtpSender__encoder = encoder  # type: ignore[attr-defined]
