"""Echo cancellation, noise suppression and automatic gain for the microphone.

The WebRTC audio processing module (AEC3, NS, AGC, high-pass filter) through
LiveKit's Python binding (``livekit.rtc.AudioProcessingModule``, wheels for
Linux, Windows and macOS). The module works on 10 ms frames, so each 20 ms
microphone frame is processed as two halves.

Echo cancellation needs the *far end*: what the speaker actually plays. The
speaker's audio callback hands every chunk it plays to ``far_end`` (cheap: a
copy into a bounded queue, no call into the module on the real-time thread);
before each near-end chunk is processed, the far-end audio waiting in the queue
is fed to the module as the reverse stream, so the reference always reaches the
canceller before the echo does. AEC3 estimates the remaining delay itself.

Without the binding (or if it fails), ``AudioProcessor`` passes audio through
unchanged and ``reason`` says why (logged once).
"""

from __future__ import annotations

import collections
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .audioformat import SAMPLE_RATE

logger = logging.getLogger(__name__)

CHUNK_SAMPLES = SAMPLE_RATE // 100  # the module's 10 ms
NOISE_SUPPRESSION_LEVELS = ("low", "moderate", "high", "very_high")
# Far-end audio waiting for the capture side: a second is far more than any device
# buffer; beyond that nobody is capturing and the oldest is dropped.
_MAX_FAR_CHUNKS = 100


@dataclass(frozen=True)
class ProcessingConfig:
    echo_cancellation: bool = True
    noise_suppression: bool = True
    auto_gain: bool = True
    high_pass_filter: bool = True
    #: One of ``NOISE_SUPPRESSION_LEVELS``. LiveKit's binding (1.2) exposes only on/off
    #: and runs WebRTC's suppressor at its built-in level; the value is kept for a
    #: binding that takes it.
    noise_suppression_level: str = "high"
    #: Device delay hint in ms (render + capture buffers); AEC3 refines it itself.
    stream_delay_ms: int = 0

    @property
    def any_enabled(self) -> bool:
        return (
            self.echo_cancellation
            or self.noise_suppression
            or self.auto_gain
            or self.high_pass_filter
        )


def _load_binding() -> tuple[Any, Any, str | None]:
    try:
        from livekit.rtc import AudioFrame, AudioProcessingModule
    except Exception as exc:  # ImportError, or the native library failing to load
        return None, None, f"livekit audio processing unavailable: {exc}"
    return AudioProcessingModule, AudioFrame, None


class AudioProcessor:
    """Processes 48 kHz mono int16 near-end frames (any multiple of 10 ms; the app uses 20 ms).

    ``far_end`` may be called from any thread (the speaker's callback);
    ``process`` from one thread (the microphone track's).
    """

    def __init__(self, config: ProcessingConfig | None = None) -> None:
        self.config = config or ProcessingConfig()
        if self.config.noise_suppression_level not in NOISE_SUPPRESSION_LEVELS:
            raise ValueError(f"noise_suppression_level must be one of {NOISE_SUPPRESSION_LEVELS}")
        self._far: collections.deque[np.ndarray] = collections.deque(maxlen=_MAX_FAR_CHUNKS)
        self._far_pending = np.zeros(0, dtype=np.int16)
        self._far_lock = threading.Lock()
        self._apm: Any = None
        self._frame_type: Any = None
        #: Why processing is off (None when it runs).
        self.reason: str | None = None
        #: Near-end 10 ms chunks processed (diagnostics).
        self.chunks = 0
        if not self.config.any_enabled:
            self.reason = "all audio processing is switched off"
            return
        module, frame_type, error = _load_binding()
        if error is not None:
            self.reason = error
            logger.warning("microphone audio processing off: %s", error)
            return
        try:
            self._apm = module(
                echo_cancellation=self.config.echo_cancellation,
                noise_suppression=self.config.noise_suppression,
                high_pass_filter=self.config.high_pass_filter,
                auto_gain_control=self.config.auto_gain,
            )
        except Exception as exc:
            self.reason = f"cannot start the audio processing module: {exc}"
            logger.warning("microphone audio processing off: %s", self.reason)
            return
        self._frame_type = frame_type

    @property
    def active(self) -> bool:
        return self._apm is not None

    @property
    def uses_far_end(self) -> bool:
        return self.active and self.config.echo_cancellation

    def far_end(self, samples: np.ndarray) -> None:
        """What the speaker is about to play (48 kHz mono int16, any length)."""
        if not self.uses_far_end:
            return
        data = np.asarray(samples, dtype=np.int16).reshape(-1)
        with self._far_lock:
            pending = np.concatenate((self._far_pending, data)) if len(self._far_pending) else data
            n = len(pending) // CHUNK_SAMPLES
            for i in range(n):
                self._far.append(pending[i * CHUNK_SAMPLES : (i + 1) * CHUNK_SAMPLES].copy())
            self._far_pending = pending[n * CHUNK_SAMPLES :].copy()

    def _feed_far(self) -> None:
        while True:
            try:
                chunk = self._far.popleft()
            except IndexError:
                return
            frame = self._frame_type(bytearray(chunk.tobytes()), SAMPLE_RATE, 1, CHUNK_SAMPLES)
            self._apm.process_reverse_stream(frame)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """The processed near-end frame (same length; unchanged when inactive)."""
        data = np.asarray(samples, dtype=np.int16).reshape(-1)
        if self._apm is None:
            return data
        if len(data) % CHUNK_SAMPLES:
            raise ValueError(f"frames must be a multiple of {CHUNK_SAMPLES} samples")
        out = np.empty_like(data)
        try:
            for start in range(0, len(data), CHUNK_SAMPLES):
                if self.config.echo_cancellation:
                    self._feed_far()
                    self._apm.set_stream_delay_ms(self.config.stream_delay_ms)
                buffer = bytearray(data[start : start + CHUNK_SAMPLES].tobytes())
                frame = self._frame_type(buffer, SAMPLE_RATE, 1, CHUNK_SAMPLES)
                self._apm.process_stream(frame)
                out[start : start + CHUNK_SAMPLES] = np.frombuffer(frame.data, dtype=np.int16)
                self.chunks += 1
        except Exception as exc:  # never lose the microphone over processing
            self.reason = f"audio processing failed: {exc}"
            logger.warning("microphone audio processing off: %s", self.reason)
            self._apm = None
            return data
        return out
