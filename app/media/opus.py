"""Opus with in-band forward error correction (FEC).

With FEC on, each Opus packet also carries a low-bitrate copy of the previous 20 ms
(LBRR), so a receiver that lost one packet rebuilds it from the next instead of
concealing the gap. aiortc's encoder leaves FEC off and its decoder (FFmpeg through
PyAV) has no way to ask for the FEC copy, so:

- :class:`FecOpusEncoder` is aiortc's encoder with libopus' ``fec`` and
  ``packet_loss`` options set (the encoder spends LBRR bits only when it expects
  loss);
- :class:`FecOpusDecoder` calls libopus itself (ctypes; Debian's ``libopus0``, or the
  copy PyAV's wheel ships) and decodes a :class:`~app.rtc.recovery.FecFrame` with
  ``decode_fec=1``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fractions
import glob
import os
from typing import Any

import numpy as np
from aiortc.codecs.opus import OpusEncoder
from aiortc.jitterbuffer import JitterFrame
from av import AudioFrame

SAMPLE_RATE = 48000
CHANNELS = 2
MAX_FRAME = 5760  # samples per channel: 120 ms, the longest Opus frame
TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
EXPECTED_LOSS_PERCENT = 10  # what the encoder plans LBRR for


class OpusUnavailable(RuntimeError):
    """No libopus could be loaded."""


def _load_libopus() -> ctypes.CDLL:
    candidates = []
    name = ctypes.util.find_library("opus")
    if name:
        candidates.append(name)
    import av

    wheel_libs = os.path.join(os.path.dirname(os.path.dirname(av.__file__)), "av.libs")
    candidates += sorted(glob.glob(os.path.join(wheel_libs, "libopus*.so*")))
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        lib.opus_decoder_create.restype = ctypes.c_void_p
        lib.opus_decoder_create.argtypes = [
            ctypes.c_int32,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int),
        ]
        lib.opus_decode.restype = ctypes.c_int
        lib.opus_decode.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int32,
            ctypes.POINTER(ctypes.c_int16),
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        return lib
    raise OpusUnavailable("libopus not found (Debian: apt-get install libopus0)")


_lib: ctypes.CDLL | None = None


def libopus() -> ctypes.CDLL:
    global _lib
    if _lib is None:
        _lib = _load_libopus()
    return _lib


class FecOpusEncoder(OpusEncoder):
    """aiortc's Opus encoder with in-band FEC on."""

    def __init__(self) -> None:
        super().__init__()
        self.codec.options = {
            "application": "voip",
            "fec": "1",
            "packet_loss": str(EXPECTED_LOSS_PERCENT),
        }


class FecOpusDecoder:
    """An aiortc ``Decoder`` for Opus that can decode a lost frame from FEC."""

    def __init__(self) -> None:
        self._lib = libopus()
        error = ctypes.c_int(0)
        self._state = self._lib.opus_decoder_create(SAMPLE_RATE, CHANNELS, ctypes.byref(error))
        if error.value != 0 or not self._state:
            raise OpusUnavailable(f"opus_decoder_create failed ({error.value})")
        self._pcm = np.zeros(MAX_FRAME * CHANNELS, dtype=np.int16)
        self._pcm_pointer = self._pcm.ctypes.data_as(ctypes.POINTER(ctypes.c_int16))
        self.fec_decoded = 0

    def decode(self, encoded_frame: JitterFrame) -> list[Any]:
        fec = bool(getattr(encoded_frame, "fec", False))
        data = encoded_frame.data
        # For FEC, frame_size must be exactly the lost duration (one 20 ms frame).
        frame_size = 960 if fec else MAX_FRAME
        samples = self._lib.opus_decode(
            self._state, data, len(data), self._pcm_pointer, frame_size, int(fec)
        )
        if samples <= 0:
            return []
        self.fec_decoded += fec
        pcm = self._pcm[: samples * CHANNELS].reshape(1, -1).copy()
        frame = AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = encoded_frame.timestamp
        frame.time_base = TIME_BASE
        return [frame]

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state:
            self._lib.opus_decoder_destroy(state)
            self._state = None
