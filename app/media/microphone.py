"""Microphone capture: a PortAudio input stream delivering 20 ms frames to asyncio.

The audio callback only copies samples into a bounded deque and pokes the event
loop with ``call_soon_threadsafe``: it never takes a lock that the loop holds and
never waits. If the consumer stalls, the oldest frames are dropped (latency stays
bounded). State changes happen on the thread calling ``start``/``stop``, on the
asyncio thread that ``read``s (stall detection), or on PortAudio's thread when the
stream dies (``finished_callback``), never in the real-time callback.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .audioformat import (
    FRAME_SAMPLES,
    SAMPLE_RATE,
    SILENCE_DBFS,
    RateConverter,
    level_dbfs,
    to_mono_int16,
)
from .soundstream import SoundStream
from .state import LoopWake, SourceState, StateCallback

# Devices may take a moment to deliver their first block: no stall alarm before that.
_START_GRACE = 2.0


class MicrophoneSource(SoundStream):
    """Captures 48 kHz mono int16 in 960-sample frames from an input device.

    ``device`` is an index, a name (exact, case-insensitive or substring) or None
    for the default. ``device_rate`` forces the rate the device is opened at
    (resampled to 48 kHz); normally leave it None. With no usable device the
    state is ``unavailable`` and ``error`` says why; nothing raises. Call
    ``start()`` again to retry (after ``devices.rescan_devices()`` for new hardware).
    """

    KIND = "input"
    NOUN = "microphone"
    DIED = "stopped delivering audio"

    def __init__(
        self,
        device: int | str | None = None,
        *,
        on_state: StateCallback | None = None,
        device_rate: int | None = None,
        max_frames: int = 10,
        stall_timeout: float = 1.0,
    ) -> None:
        super().__init__(device, on_state=on_state, device_rate=device_rate)
        self._frames: collections.deque[np.ndarray] = collections.deque(maxlen=max_frames)
        self._stall_timeout = stall_timeout
        self._converter: RateConverter | None = None
        self._pending = np.zeros(0, dtype=np.int16)
        self._level = SILENCE_DBFS
        self._last_callback = 0.0
        self._wake = LoopWake()
        #: Frames dropped because nobody read them in time (diagnostics).
        self.dropped_frames = 0
        # Recorders (``add_tap``); replaced, never mutated, so the callback reads it lock-free.
        self._taps: tuple[Callable[[np.ndarray], None], ...] = ()

    @property
    def level_dbfs(self) -> float:
        """RMS level of the latest 20 ms in dBFS, for the UI's input meter."""
        return self._level if self.state is SourceState.LIVE else SILENCE_DBFS

    def add_tap(self, tap: Callable[[np.ndarray], None]) -> None:
        """Also hand every captured 20 ms frame to ``tap`` (a recorder, e.g. the
        microphone test). It runs on PortAudio's thread and must only copy."""
        with self._control:
            self._taps = (*self._taps, tap)

    def remove_tap(self, tap: Callable[[np.ndarray], None]) -> None:
        with self._control:
            self._taps = tuple(t for t in self._taps if t != tap)

    def _opened(self) -> None:
        self._last_callback = time.monotonic() + _START_GRACE

    def _prepare(self, rate: int) -> None:
        self._converter = RateConverter(rate, SAMPLE_RATE) if rate != SAMPLE_RATE else None
        self._stream_rate = rate
        self._pending = np.zeros(0, dtype=np.int16)

    def _closed(self) -> None:
        self._frames.clear()
        self._level = SILENCE_DBFS

    # PortAudio threads

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        self._last_callback = time.monotonic()
        mono = to_mono_int16(indata)
        if self._converter is not None:
            mono = self._converter.convert(mono)
        pending = np.concatenate((self._pending, mono)) if len(self._pending) else mono
        produced = False
        while len(pending) >= FRAME_SAMPLES:
            frame = pending[:FRAME_SAMPLES].copy()
            pending = pending[FRAME_SAMPLES:]
            if len(self._frames) == self._frames.maxlen:
                self.dropped_frames += 1
            self._frames.append(frame)  # deque with maxlen: drops the oldest
            self._level = level_dbfs(frame)
            for tap in self._taps:
                tap(frame)
            produced = True
        self._pending = pending.copy() if len(pending) else np.zeros(0, dtype=np.int16)
        if produced:
            self._wake.wake()

    # Consumer side (one asyncio reader)

    def read_nowait(self) -> np.ndarray | None:
        """The oldest waiting frame, or None."""
        try:
            return self._frames.popleft()
        except IndexError:
            return None

    def discard_backlog(self, keep: int = 0) -> None:
        """Drop waiting frames but the newest ``keep`` (a new reader wants fresh audio)."""
        while len(self._frames) > keep:
            try:
                self._frames.popleft()
            except IndexError:
                break

    async def read(self) -> np.ndarray:
        """Wait for the next 960-sample int16 frame (waits while unavailable)."""
        event = self._wake.event()
        while True:
            frame = self.read_nowait()
            if frame is not None:
                if self.state is SourceState.UNAVAILABLE and self._stream is not None:
                    self._state.set(SourceState.LIVE)  # the device came back
                return frame
            event.clear()
            if self._frames:
                continue
            try:
                # Not wait_for(): on 3.11 it can swallow a cancel that races with the
                # event, and a track's task that ignores cancel hangs pc.close().
                async with asyncio.timeout(self._stall_timeout):
                    await event.wait()
            except TimeoutError:
                self._check_stall()

    def _check_stall(self) -> None:
        stalled = time.monotonic() - self._last_callback > self._stall_timeout
        if self._stream is not None and self.state is SourceState.LIVE and stalled:
            name = self._device.name if self._device else "microphone"
            self._state.set(SourceState.UNAVAILABLE, f"no audio from {name}")
