"""The one audio format inside the app: 48 kHz mono int16 in 20 ms frames.

It is Opus's native rate, so nothing resamples between microphone, encoder,
decoder and speaker unless a device insists on another rate.
"""

from __future__ import annotations

import math

import av
import numpy as np

SAMPLE_RATE = 48000
CHANNELS = 1
FRAME_DURATION = 0.020
FRAME_SAMPLES = 960
#: What ``level_dbfs`` reports for digital silence (instead of minus infinity).
SILENCE_DBFS = -100.0


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level of int16 samples in dBFS (0 = full-scale square wave)."""
    if samples.size == 0:
        return SILENCE_DBFS
    x = samples.astype(np.float32)
    rms = math.sqrt(float(np.mean(x * x))) / 32768.0
    if rms <= 0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20 * math.log10(rms))


class RateConverter:
    """Streams mono int16 audio from one sample rate to another (stateful, no clicks).

    Only used when a device refuses 48 kHz; av's resampler keeps its filter state
    between calls, so consecutive chunks join seamlessly.
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=to_rate)

    def convert(self, samples: np.ndarray) -> np.ndarray:
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.int16).reshape(1, -1),
            format="s16",
            layout="mono",
        )
        frame.sample_rate = self.from_rate
        parts: list[np.ndarray] = [
            f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)


def to_mono_int16(block: np.ndarray) -> np.ndarray:
    """A (frames, channels) int16 block as a mono int16 vector (channels averaged)."""
    if block.ndim == 1:
        return block
    if block.shape[1] == 1:
        return block[:, 0].copy()
    mono: np.ndarray = block.mean(axis=1).astype(np.int16)
    return mono


def stream_formats(
    preferred_rate: int, default_rate: float, max_channels: int
) -> list[tuple[int, int]]:
    """(rate, channels) to try in order when opening a device: ours first, then its own."""
    rates = [preferred_rate]
    if round(default_rate) not in rates and default_rate > 0:
        rates.append(round(default_rate))
    formats = []
    for rate in rates:
        for channels in (1, 2):
            if channels <= max(1, max_channels):
                formats.append((rate, channels))
    return formats
