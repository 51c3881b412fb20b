"""Mixes every remote participant's audio for the speaker, with a small jitter buffer each.

Pure numpy and device-free. Producers (one per remote track, on the asyncio
thread) ``push`` decoded 48 kHz mono samples; the speaker's audio callback
``read``s the mix. Each participant's buffer:

- waits for ``target_ms`` of audio before playing (absorbs network jitter);
- never holds more than ``max_ms``: when a burst arrives (a network stall
  releasing its backlog, a sender whose clock runs fast) it drops the oldest audio
  back to ``target_ms`` (a short crossfade hides the splice) instead of letting
  latency grow;
- drains back to ``target_ms`` after a burst that stayed under ``max_ms``: when
  the buffer never fell below ``target_ms + drain_slack_ms`` during the last
  ``drain_window_s`` of playback, that standing excess is only delay, and it is
  dropped the same way (NetEq time-stretches instead; a crossfaded drop of a
  few tens of ms once a second at most is inaudible on voice and costs nothing);
- conceals lost packets: given each chunk's ``pts``, a gap in the timeline is
  filled by continuing the last few milliseconds mirrored and faded out
  (``fade_ms``), silence, then a fade-in, so a loss neither splices two
  waveforms together (a click) nor shifts later audio earlier;
- on underrun, or when the participant leaves, continues the last few
  milliseconds mirrored and faded out, so a voice cut mid-word ends without a
  click, and fades back in when audio resumes.

The ``clock`` is injectable so simulations can run a long call in virtual time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from .audioformat import FRAME_SAMPLES, SAMPLE_RATE

_EMPTY = np.zeros(0, dtype=np.float32)
# A sender silent this long while we wait to fill the buffer is stale: restart clean.
_STALE_SECONDS = 0.2
# RTP timestamps (aiortc's audio pts) are 32-bit and wrap.
_PTS_MODULUS = 1 << 32


def _add_aligned(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sum two signals that start at the same instant."""
    if len(a) < len(b):
        a, b = b, a
    out = a.copy()
    out[: len(b)] += b
    return out


class _Stream:
    def __init__(self, fade: int, window: int, now: float) -> None:
        self.pending = _EMPTY
        self.tail = _EMPTY  # concealment still to be heard, aligned to the next read
        self.history = np.zeros(fade, dtype=np.float32)  # last samples played
        self.playing = False
        self.fade_in_left = 0
        self.leaving = False
        self.last_push = now
        self.next_pts: int | None = None  # where the next chunk should start
        self.low_water: int | None = None  # least buffered since the drain window began
        self.window_left = window  # samples to play before the next drain decision

    @property
    def finished(self) -> bool:
        return self.leaving and not self.playing and not len(self.tail) and not len(self.pending)


class AudioMixer:
    """Per-participant jitter buffers summed into one int16 stream; thread-safe."""

    def __init__(
        self,
        *,
        target_ms: float = 30.0,
        max_ms: float = 100.0,
        fade_ms: float = 10.0,
        drain_slack_ms: float = 10.0,
        drain_window_s: float = 1.0,
        sample_rate: int = SAMPLE_RATE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < fade_ms <= target_ms < max_ms:
            raise ValueError("need 0 < fade_ms <= target_ms < max_ms")
        if drain_slack_ms <= 0 or drain_window_s <= 0:
            raise ValueError("drain_slack_ms and drain_window_s must be positive")
        self.sample_rate = sample_rate
        self._clock = clock
        self._target = round(target_ms * sample_rate / 1000)
        self._max = round(max_ms * sample_rate / 1000)
        self._fade = max(1, round(fade_ms * sample_rate / 1000))
        self._drain_slack = round(drain_slack_ms * sample_rate / 1000)
        self._drain_window = round(drain_window_s * sample_rate)
        k = np.arange(self._fade, dtype=np.float32)
        # Raised-cosine ramps: smooth at both ends, and down + up == 1 for crossfades.
        self._ramp_down = (0.5 * (1 + np.cos(np.pi * k / self._fade))).astype(np.float32)
        self._ramp_up = (1 - self._ramp_down).astype(np.float32)
        self._streams: dict[str, _Stream] = {}
        self._lock = threading.Lock()
        #: Times a playing participant ran dry (diagnostics).
        self.underruns = 0
        #: Samples dropped to keep latency bounded (diagnostics).
        self.dropped_samples = 0
        #: Samples of concealment put in place of lost packets (diagnostics).
        self.concealed_samples = 0
        #: Chunks pushed with a timestamp, so that losses can be seen (diagnostics).
        self.timed_chunks = 0

    @property
    def participants(self) -> list[str]:
        with self._lock:
            return [pid for pid, s in self._streams.items() if not s.leaving]

    def buffered_ms(self, participant: str) -> float:
        """Audio waiting to be played for ``participant`` (its added latency)."""
        with self._lock:
            stream = self._streams.get(participant)
            samples = len(stream.pending) if stream else 0
        return samples * 1000 / self.sample_rate

    def push(self, participant: str, samples: np.ndarray, pts: int | None = None) -> None:
        """Queue mono samples (int16, or float in -1..1) from ``participant``.

        ``pts`` is the first sample's timestamp in samples (aiortc gives the RTP
        timestamp); with it, lost packets are concealed and late ones dropped.
        """
        data = np.asarray(samples).reshape(-1)
        if data.dtype == np.int16:
            chunk = data.astype(np.float32) / 32768.0
        else:
            chunk = data.astype(np.float32)
        now = self._clock()
        with self._lock:
            stream = self._streams.get(participant)
            if stream is None:
                stream = self._streams[participant] = _Stream(self._fade, self._drain_window, now)
            stream.leaving = False
            if not stream.playing and now - stream.last_push > _STALE_SECONDS:
                stream.pending = _EMPTY
            stream.last_push = now
            if pts is not None:
                self.timed_chunks += 1
                chunk = self._place(stream, chunk, pts)
            stream.pending = np.concatenate((stream.pending, chunk))
            if len(stream.pending) > self._max:
                self._trim(stream, self._target)

    def _place(self, stream: _Stream, chunk: np.ndarray, pts: int) -> np.ndarray:
        """Line ``chunk`` up with the timeline: conceal a gap before it, or drop it if late."""
        expected, stream.next_pts = stream.next_pts, pts + len(chunk)
        if expected is None:
            return chunk
        gap = (pts - expected + _PTS_MODULUS // 2) % _PTS_MODULUS - _PTS_MODULUS // 2
        if gap == 0:
            return chunk
        if -self._max <= gap < 0:  # a duplicate, or too late: its time has been played
            stream.next_pts = expected
            return chunk[:0]
        if not stream.playing and not len(stream.pending):
            return chunk  # starting to play fades it in
        # Lost packets (or, beyond max_ms, a jump): fade out what comes before the
        # gap (still queued, or just played), keep the gap's length as silence (up
        # to max_ms) and fade the new audio in.
        f = self._fade
        before = (
            stream.pending
            if len(stream.pending) >= f
            else np.concatenate((stream.history, stream.pending))
        )
        fill = max(f, min(gap, self._max)) if gap > 0 else f
        conceal = np.zeros(fill, dtype=np.float32)
        conceal[:f] = before[-f:][::-1] * self._ramp_down
        self.concealed_samples += fill
        return np.concatenate((conceal, self._faded_in(chunk)))

    def _faded_in(self, chunk: np.ndarray) -> np.ndarray:
        out = chunk.copy()
        m = min(len(out), self._fade)
        out[:m] *= self._ramp_up[:m]
        return out

    def _trim(self, stream: _Stream, keep: int) -> None:
        """Drop the oldest audio so that ``keep`` samples remain."""
        old = stream.pending
        drop = len(old) - keep
        if drop <= 0:
            return
        new = old[drop:].copy()
        if stream.playing:
            # Crossfade from where playback is to where it jumps, so the splice is silent.
            f = self._fade
            new[:f] = new[:f] * self._ramp_up + old[:f] * self._ramp_down
        stream.pending = new
        self.dropped_samples += drop
        stream.low_water = None
        stream.window_left = self._drain_window

    def remove(self, participant: str) -> None:
        """The participant left: play out what is buffered, fade out, then forget them."""
        with self._lock:
            stream = self._streams.get(participant)
            if stream is None:
                return
            stream.leaving = True
            if not stream.playing and len(stream.pending):
                stream.playing = True
                stream.fade_in_left = self._fade

    def clear(self) -> None:
        with self._lock:
            self._streams.clear()

    def read(self, n: int = FRAME_SAMPLES) -> np.ndarray:
        """The next ``n`` samples of the mix as int16 (silence when nobody talks)."""
        out = np.zeros(n, dtype=np.float32)
        with self._lock:
            for pid, stream in list(self._streams.items()):
                out += self._take(stream, n)
                if stream.finished:
                    del self._streams[pid]
        np.clip(out * 32768.0, -32768, 32767, out=out)
        return out.astype(np.int16)

    def _conceal(self, stream: _Stream) -> np.ndarray:
        # The last samples played, time-reversed: starts at the last value (no
        # step) and keeps the voice's spectrum while it fades out.
        return stream.history[::-1] * self._ramp_down

    def _take(self, stream: _Stream, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.float32)
        if len(stream.tail):
            k = min(n, len(stream.tail))
            out[:k] += stream.tail[:k]
            stream.tail = stream.tail[k:]
        if not stream.playing and len(stream.pending) >= max(self._target, n):
            stream.playing = True
            stream.fade_in_left = self._fade
        if not stream.playing:
            return out
        k = min(n, len(stream.pending))
        chunk = stream.pending[:k].copy()
        stream.pending = stream.pending[k:]
        if stream.fade_in_left and k:
            start = self._fade - stream.fade_in_left
            m = min(k, stream.fade_in_left)
            chunk[:m] *= self._ramp_up[start : start + m]
            stream.fade_in_left -= m
        out[:k] += chunk
        stream.history = np.concatenate((stream.history, chunk))[-self._fade :]
        if k == n and not stream.leaving:
            self._drain(stream, n)
        if k < n:  # ran dry: conceal, then wait for the buffer to refill
            if not stream.leaving:
                self.underruns += 1
            stream.playing = False
            stream.low_water = None
            stream.window_left = self._drain_window
            conceal = self._conceal(stream)
            fit = min(len(conceal), n - k)
            out[k : k + fit] += conceal[:fit]
            stream.tail = _add_aligned(stream.tail, conceal[fit:])
        return out

    def _drain(self, stream: _Stream, played: int) -> None:
        """Drop a standing excess over target (what a burst left behind) once per window."""
        level = len(stream.pending)
        stream.low_water = level if stream.low_water is None else min(stream.low_water, level)
        stream.window_left -= played
        if stream.window_left > 0:
            return
        excess = stream.low_water - self._target
        stream.low_water = None
        stream.window_left = self._drain_window
        if excess > self._drain_slack:
            self._trim(stream, level - excess)
