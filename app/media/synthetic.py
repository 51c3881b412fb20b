"""A synthetic voice for simulated guests and tests: a tone with a syllable-like
envelope (bursts and pauses), so level meters and speaking highlights move."""

from __future__ import annotations

import asyncio
import math
import time

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from app.media.audioformat import FRAME_DURATION, FRAME_SAMPLES, SAMPLE_RATE
from app.media.tracks import AUDIO_TIME_BASE


class SyntheticVoiceTrack(MediaStreamTrack):
    """48 kHz mono s16, 20 ms frames in real time. ``talk_fraction`` of each
    ``period`` seconds is voiced; 1.0 gives a steady tone (used by tests)."""

    kind = "audio"

    def __init__(
        self,
        frequency: float = 220.0,
        *,
        amplitude: float = 0.25,
        period: float = 3.0,
        talk_fraction: float = 0.5,
        phase: float = 0.0,
    ) -> None:
        super().__init__()
        self.frequency = frequency
        self.amplitude = amplitude
        self.period = period
        self.talk_fraction = talk_fraction
        self.phase = phase
        self._start: float | None = None
        self._samples = 0

    def _envelope(self, t: np.ndarray) -> np.ndarray:
        if self.talk_fraction >= 1.0:
            return np.ones_like(t)
        position = ((t + self.phase) % self.period) / self.period
        voiced = position < self.talk_fraction
        # Syllables: a 4 Hz amplitude wobble while voiced.
        return voiced * (0.6 + 0.4 * np.sin(2 * math.pi * 4 * t) ** 2)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._samples / SAMPLE_RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        elif wait < -10 * FRAME_DURATION:  # fell far behind (paused): skip ahead
            self._samples = round((time.monotonic() - self._start) * SAMPLE_RATE)
        t = (np.arange(FRAME_SAMPLES) + self._samples) / SAMPLE_RATE
        wave = np.sin(2 * math.pi * self.frequency * t) * self._envelope(t)
        samples = (self.amplitude * 32767 * wave).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._samples
        frame.time_base = AUDIO_TIME_BASE
        self._samples += FRAME_SAMPLES
        return frame
