"""What the client's receivers decode with (plugged in through ``seams.set_decoder``).

- Opus through libopus with in-band FEC (``app.media.opus``).
- Video through aiortc's decoders, converted to RGB in the decoder thread: the
  conversion costs about as much as the decode, and on the event loop it delayed
  every packet, NACK and signaling message of the meeting (at 7 remote streams it
  starved the loop until signaling timed out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import av
import numpy as np
from aiortc.codecs import get_decoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from app.media.opus import FecOpusDecoder


@dataclass(frozen=True, slots=True)
class DecodedPicture:
    """A decoded video frame as RGB (H x W x 3, uint8)."""

    image: np.ndarray
    pts: int | None


class RgbVideoDecoder:
    def __init__(self, codec: RTCRtpCodecParameters) -> None:
        self._decoder = get_decoder(codec)

    def decode(self, encoded_frame: JitterFrame) -> list[Any]:
        pictures = []
        for frame in self._decoder.decode(encoded_frame):
            assert isinstance(frame, av.VideoFrame)
            pictures.append(DecodedPicture(frame.to_ndarray(format="rgb24"), frame.pts))
        return pictures


def client_decoder(codec: RTCRtpCodecParameters) -> Any:
    if codec.name.lower() == "opus":
        return FecOpusDecoder()
    if codec.mimeType.lower().startswith("video/"):
        return RgbVideoDecoder(codec)
    return get_decoder(codec)
