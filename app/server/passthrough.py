"""The relay's receivers hand on encoded frames instead of decoding them.

The relay must forward encoded frames: decoding and re-encoding video costs one
encode per subscriber per publisher. Each receiver the relay marks gets, through
``app.rtc.seams.set_decoder``, a "decoder" that turns the reassembled frame into an
``av.Packet``; senders already pack pre-encoded packets without encoding
(``RTCRtpSender`` → ``encoder.pack()``).

The receive buffer comes from ``app.rtc.recovery`` as on the clients: it releases a
frame as soon as its last packet (RTP marker) is in, so the relay adds no smoothing
delay (the subscriber's own buffer does that), and a lost packet holds a stream back
for at most a gap timeout.
"""

from __future__ import annotations

import fractions
from collections.abc import Callable
from typing import Any

import av
from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from app.rtc import seams
from app.rtc.recovery import ReceiverRecovery


class PassthroughDecoder:
    """An aiortc ``Decoder`` that decodes nothing: each frame becomes an ``av.Packet``."""

    def __init__(self, codec: RTCRtpCodecParameters) -> None:
        self._time_base = fractions.Fraction(1, codec.clockRate)

    def decode(self, encoded_frame: JitterFrame) -> list[Any]:
        packet = av.Packet(encoded_frame.data)
        packet.pts = encoded_frame.timestamp
        packet.time_base = self._time_base
        return [packet]


def make_passthrough(
    receiver: RTCRtpReceiver, kind: str, rtt: Callable[[], float]
) -> ReceiverRecovery:
    """Mark a receiver before it starts (call from the peer connection's "track" event)."""
    seams.set_decoder(receiver, PassthroughDecoder)
    return ReceiverRecovery(receiver, kind, rtt)
