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

Noise suppression levels. The binding switches WebRTC's suppressor on or off
but does not take its level; "high" is the suppressor as the binding runs it
(about 15 dB off steady noise), in the same single module as everything else.
The other levels are built around it, in a chain of modules (echo canceller,
then the suppressor, then gain control):

- "low" and "moderate" cap how deep the suppression goes, like WebRTC's own
  levels (6 and 12 dB): the suppressed signal is mixed with the same signal
  unsuppressed (a twin module with the same filter bank, so the two are in
  phase once the suppressor's fixed delay, measured at start, is matched).
  Where the suppressor removes noise, the mix keeps 1/2 or 1/4 of it;
  where it passes speech, the two halves are the same speech.
- "very_high" runs the suppressor twice in a row.

Without the binding (or if it fails), ``AudioProcessor`` passes audio through
unchanged and ``reason`` says why (logged once).
"""

from __future__ import annotations

import collections
import functools
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from .audioformat import SAMPLE_RATE

logger = logging.getLogger(__name__)

CHUNK_SAMPLES = SAMPLE_RATE // 100  # the module's 10 ms
NOISE_SUPPRESSION_LEVELS = ("low", "moderate", "high", "very_high")
#: The share of the unsuppressed signal kept at each capped level: at most
#: -20*log10(share) dB of suppression (6 and 12 dB, WebRTC's own low/moderate).
_DRY_SHARE = {"low": 0.5, "moderate": 0.25}
# Far-end audio waiting for the capture side: a second is far more than any device
# buffer; beyond that nobody is capturing and the oldest is dropped.
_MAX_FAR_CHUNKS = 100


@dataclass(frozen=True)
class ProcessingConfig:
    echo_cancellation: bool = True
    noise_suppression: bool = True
    auto_gain: bool = True
    high_pass_filter: bool = True
    #: One of ``NOISE_SUPPRESSION_LEVELS`` (see the module docstring).
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


class _Module:
    """One WebRTC audio processing module, on int16 10 ms chunks."""

    def __init__(self, binding: tuple[Any, Any], **features: bool) -> None:
        module, self._frame_type = binding
        self.apm = module(**features)

    def frame(self, chunk: np.ndarray) -> Any:
        return self._frame_type(bytearray(chunk.tobytes()), SAMPLE_RATE, 1, CHUNK_SAMPLES)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        frame = self.frame(chunk)
        self.apm.process_stream(frame)
        return np.frombuffer(frame.data, dtype=np.int16).copy()

    def reverse(self, chunk: np.ndarray) -> None:
        self.apm.process_reverse_stream(self.frame(chunk))


class _CappedSuppressor:
    """Noise suppression whose depth is capped by mixing in the unsuppressed signal."""

    def __init__(self, binding: tuple[Any, Any], dry_share: float, delay: int) -> None:
        self._wet = _Module(binding, high_pass_filter=True, noise_suppression=True)
        self._dry = _Module(binding, high_pass_filter=True)
        self._share = dry_share
        self._line = np.zeros(delay, dtype=np.int16)  # delays dry by the suppressor's lag

    def process(self, chunk: np.ndarray) -> np.ndarray:
        wet = self._wet.process(chunk).astype(np.float32)
        line = np.concatenate((self._line, self._dry.process(chunk)))
        dry, self._line = line[:CHUNK_SAMPLES].astype(np.float32), line[CHUNK_SAMPLES:]
        mixed = (1 - self._share) * wet + self._share * dry
        return np.clip(np.rint(mixed), -32768, 32767).astype(np.int16)


@functools.cache
def suppressor_delay() -> int | None:
    """The suppressor's own delay in samples (None if it cannot be measured).

    Measured once, on fresh modules and a probe signal, rather than hard-coded:
    it belongs to the binding's build (288 samples, 6 ms, with livekit 1.2).
    """
    module, frame_type, error = _load_binding()
    if error is not None:
        return None
    binding = (module, frame_type)
    wet = _Module(binding, high_pass_filter=True, noise_suppression=True)
    dry = _Module(binding, high_pass_filter=True)
    # Loud broadband noise: the suppressor, not yet adapted, passes it nearly whole.
    probe = (np.random.default_rng(7).standard_normal(CHUNK_SAMPLES * 40) * 6000).astype(np.int16)
    chunks = range(0, len(probe), CHUNK_SAMPLES)
    a = np.concatenate([wet.process(probe[i : i + CHUNK_SAMPLES]) for i in chunks]).astype(float)
    b = np.concatenate([dry.process(probe[i : i + CHUNK_SAMPLES]) for i in chunks]).astype(float)
    start, stop, most = 2400, len(a) - 1200, 1200
    seg = a[start:stop]
    best, lag = -1.0, 0
    for k in range(most):
        ref = b[start - k : stop - k]
        c = float(np.dot(seg, ref) / (np.linalg.norm(seg) * np.linalg.norm(ref) + 1e-9))
        if c > best:
            best, lag = c, k
    return lag if best > 0.9 else None


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
        # The module that takes the far end, and what runs after it, in order.
        self._canceller: _Module | None = None
        self._stages: list[_Module | _CappedSuppressor] = []
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
            self._build((module, frame_type))
        except Exception as exc:
            self._stages = []
            self.reason = f"cannot start the audio processing module: {exc}"
            logger.warning("microphone audio processing off: %s", self.reason)

    def _build(self, binding: tuple[Any, Any]) -> None:
        c = self.config
        level = c.noise_suppression_level if c.noise_suppression else "high"
        delay = suppressor_delay() if level in _DRY_SHARE else None
        if level in _DRY_SHARE and delay is None:
            logger.warning("cannot cap noise suppression at %s: using the full level", level)
            level = "high"
        if level == "high":  # everything in one module: the cheapest, the default
            one = _Module(
                binding,
                echo_cancellation=c.echo_cancellation,
                noise_suppression=c.noise_suppression,
                high_pass_filter=c.high_pass_filter,
                auto_gain_control=c.auto_gain,
            )
            self._stages = [one]
            self._canceller = one if c.echo_cancellation else None
            return
        if c.echo_cancellation:
            self._canceller = _Module(binding, echo_cancellation=True)
            self._stages.append(self._canceller)
        if level == "very_high":
            self._stages.append(_Module(binding, high_pass_filter=True, noise_suppression=True))
            self._stages.append(_Module(binding, noise_suppression=True))
        else:
            assert delay is not None
            self._stages.append(_CappedSuppressor(binding, _DRY_SHARE[level], delay))
        if c.auto_gain:
            self._stages.append(_Module(binding, auto_gain_control=True))

    @property
    def active(self) -> bool:
        return bool(self._stages)

    @property
    def uses_far_end(self) -> bool:
        return self._canceller is not None

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

    def _feed_far(self, canceller: _Module) -> None:
        while True:
            try:
                chunk = self._far.popleft()
            except IndexError:
                return
            canceller.reverse(chunk)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """The processed near-end frame (same length; unchanged when inactive)."""
        data = np.asarray(samples, dtype=np.int16).reshape(-1)
        if not self._stages:
            return data
        if len(data) % CHUNK_SAMPLES:
            raise ValueError(f"frames must be a multiple of {CHUNK_SAMPLES} samples")
        out = np.empty_like(data)
        try:
            for start in range(0, len(data), CHUNK_SAMPLES):
                if self._canceller is not None:
                    self._feed_far(self._canceller)
                    self._canceller.apm.set_stream_delay_ms(self.config.stream_delay_ms)
                chunk = data[start : start + CHUNK_SAMPLES]
                for stage in self._stages:
                    chunk = stage.process(chunk)
                out[start : start + CHUNK_SAMPLES] = chunk
                self.chunks += 1
        except Exception as exc:  # never lose the microphone over processing
            self.reason = f"audio processing failed: {exc}"
            logger.warning("microphone audio processing off: %s", self.reason)
            self._stages = []
            self._canceller = None
            return data
        return out
