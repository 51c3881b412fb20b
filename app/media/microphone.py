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
import logging
import threading
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
from .devices import AudioDevice, open_stream, portaudio, portaudio_error, resolve_device
from .state import SourceState, StateCallback, StateCell

logger = logging.getLogger(__name__)

# Devices may take a moment to deliver their first block: no stall alarm before that.
_START_GRACE = 2.0


class MicrophoneSource:
    """Captures 48 kHz mono int16 in 960-sample frames from an input device.

    ``device`` is an index, a name (exact, case-insensitive or substring) or None
    for the default. ``device_rate`` forces the rate the device is opened at
    (resampled to 48 kHz); normally leave it None. With no usable device the
    state is ``unavailable`` and ``error`` says why; nothing raises. Call
    ``start()`` again to retry (after ``devices.rescan_devices()`` for new hardware).
    """

    def __init__(
        self,
        device: int | str | None = None,
        *,
        on_state: StateCallback | None = None,
        device_rate: int | None = None,
        max_frames: int = 10,
        stall_timeout: float = 1.0,
    ) -> None:
        self._device_spec = device
        self._device_rate = device_rate
        self._state = StateCell(on_state)
        self._frames: collections.deque[np.ndarray] = collections.deque(maxlen=max_frames)
        self._stall_timeout = stall_timeout
        self._control = threading.Lock()
        self._stream: Any = None
        self._stopping = False
        self._device: AudioDevice | None = None
        self._converter: RateConverter | None = None
        self._stream_rate = 0
        self._pending = np.zeros(0, dtype=np.int16)
        self._level = SILENCE_DBFS
        self._last_callback = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        #: Frames dropped because nobody read them in time (diagnostics).
        self.dropped_frames = 0
        # Recorders (``add_tap``); replaced, never mutated, so the callback reads it lock-free.
        self._taps: tuple[Callable[[np.ndarray], None], ...] = ()

    @property
    def state(self) -> SourceState:
        return self._state.value

    @property
    def error(self) -> str | None:
        return self._state.error

    @property
    def stream_rate(self) -> int:
        """The rate the device was opened at (48000 unless it refused; 0 before start)."""
        return self._stream_rate

    @property
    def device(self) -> AudioDevice | None:
        """The device in use (after ``start``)."""
        return self._device

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

    def start(self) -> None:
        with self._control:
            if self._stream is not None:
                return
            self._stopping = False
            if portaudio() is None:
                self._state.set(SourceState.UNAVAILABLE, portaudio_error())
                return
            device = resolve_device(self._device_spec, "input")
            if device is None:
                reason = (
                    "no microphone found"
                    if self._device_spec is None
                    else f"microphone {self._device_spec!r} not found"
                )
                self._state.set(SourceState.UNAVAILABLE, reason)
                return
            self._state.set(SourceState.STARTING)
            try:
                self._stream = self._open(device)
            except Exception as exc:
                self._stream = None
                self._state.set(SourceState.UNAVAILABLE, f"cannot open {device.name}: {exc}")
                return
            self._device = device
            self._last_callback = time.monotonic() + _START_GRACE
            self._state.set(SourceState.LIVE)

    def _open(self, device: AudioDevice) -> Any:
        return open_stream(
            "input",
            device,
            self._device_rate or SAMPLE_RATE,
            self._callback,
            self._finished,
            self._prepare,
        )

    def _prepare(self, rate: int) -> None:
        self._converter = RateConverter(rate, SAMPLE_RATE) if rate != SAMPLE_RATE else None
        self._stream_rate = rate
        self._pending = np.zeros(0, dtype=np.int16)

    def stop(self) -> None:
        with self._control:
            stream, self._stream = self._stream, None
            self._stopping = True
            if stream is not None:
                try:
                    stream.stop()
                    stream.close()
                except Exception as exc:
                    logger.warning("closing microphone stream: %s", exc)
            self._frames.clear()
            self._level = SILENCE_DBFS
            self._state.set(SourceState.STOPPED)

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
            self._wake()

    def _wake(self) -> None:
        loop, event = self._loop, self._event
        if loop is None or event is None:
            return
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # loop closed: nobody is reading any more
            self._loop = None

    def _finished(self) -> None:
        if not self._stopping:
            name = self._device.name if self._device else "microphone"
            self._state.set(SourceState.UNAVAILABLE, f"{name} stopped delivering audio")

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
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._event is None:
            self._event = asyncio.Event()
            self._loop = loop
        event = self._event
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
