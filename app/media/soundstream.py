"""What the microphone and the speaker share: one PortAudio stream on one device,
with a state that says whether it works and why not, and nothing that raises.

Subclasses say which way the sound goes (``KIND``), what to call the device in
messages (``NOUN``), and supply the real-time ``_callback`` and ``_prepare(rate)``
(their rate converter); ``_opened``/``_closed`` are hooks for their own state.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, ClassVar

import numpy as np

from .audioformat import SAMPLE_RATE
from .devices import AudioDevice, Kind, open_stream, portaudio, portaudio_error, resolve_device
from .state import SourceState, StateCallback, StateCell

logger = logging.getLogger(__name__)


class SoundStream:
    KIND: ClassVar[Kind]
    NOUN: ClassVar[str]  # "microphone", "speaker"
    DIED: ClassVar[str]  # what happened when the stream ends on its own

    def __init__(
        self,
        device: int | str | None,
        *,
        on_state: StateCallback | None,
        device_rate: int | None,
    ) -> None:
        self._device_spec = device
        self._device_rate = device_rate
        self._state = StateCell(on_state)
        self._control = threading.Lock()
        self._stream: Any = None
        self._stopping = False
        self._device: AudioDevice | None = None
        self._stream_rate = 0

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

    def start(self) -> None:
        with self._control:
            if self._stream is not None:
                return
            self._stopping = False
            if portaudio() is None:
                self._state.set(SourceState.UNAVAILABLE, portaudio_error())
                return
            device = resolve_device(self._device_spec, self.KIND)
            if device is None:
                reason = (
                    f"no {self.NOUN} found"
                    if self._device_spec is None
                    else f"{self.NOUN} {self._device_spec!r} not found"
                )
                self._state.set(SourceState.UNAVAILABLE, reason)
                return
            self._state.set(SourceState.STARTING)
            try:
                self._stream = open_stream(
                    self.KIND,
                    device,
                    self._device_rate or SAMPLE_RATE,
                    self._callback,
                    self._finished,
                    self._prepare,
                )
            except Exception as exc:
                self._stream = None
                self._state.set(SourceState.UNAVAILABLE, f"cannot open {device.name}: {exc}")
                return
            self._device = device
            self._opened()
            self._state.set(SourceState.LIVE)

    def stop(self) -> None:
        with self._control:
            stream, self._stream = self._stream, None
            self._stopping = True
            if stream is not None:
                try:
                    stream.stop()
                    stream.close()
                except Exception as exc:
                    logger.warning("closing %s stream: %s", self.NOUN, exc)
            self._closed()
            self._state.set(SourceState.STOPPED)

    def _opened(self) -> None:
        """The stream runs (under the control lock, before the state turns live)."""

    def _closed(self) -> None:
        """The stream is gone (under the control lock, before the state turns stopped)."""

    def _prepare(self, rate: int) -> None:
        raise NotImplementedError

    def _callback(self, data: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        raise NotImplementedError

    # PortAudio's thread, when the stream ends without our stop()
    def _finished(self) -> None:
        if not self._stopping:
            name = self._device.name if self._device else self.NOUN
            self._state.set(SourceState.UNAVAILABLE, f"{name} {self.DIED}")
