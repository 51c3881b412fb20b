"""Speaker output: a PortAudio output stream that plays an ``AudioMixer``'s mix.

The audio callback pulls exactly what the device asks for from the mixer, so the
device clock paces playback and the mixer's bounded buffers absorb the difference.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .audioformat import SAMPLE_RATE, RateConverter
from .devices import AudioDevice, open_stream, portaudio, portaudio_error, resolve_device
from .state import SourceState, StateCallback, StateCell

logger = logging.getLogger(__name__)


class PlaybackSource(Protocol):
    """What a speaker plays: an ``AudioMixer``, or a ``Clip``."""

    def read(self, n: int = ...) -> np.ndarray:
        """The next ``n`` 48 kHz mono int16 samples (silence when there is nothing)."""
        ...


class SpeakerSink:
    """Plays ``mixer`` (an ``AudioMixer`` or any ``PlaybackSource``) on an output
    device (index, name or None for the default).

    With no usable device the state is ``unavailable`` with a reason in ``error``,
    and nothing raises; the mixer keeps working (nothing drains it, and its
    buffers stay bounded). ``on_state`` runs on the caller's thread, or on
    PortAudio's thread if the stream dies. ``far_end``, if set, receives every
    48 kHz chunk of the mix as it goes to the device (the echo canceller's
    reference); it runs on PortAudio's thread and must only copy.
    """

    def __init__(
        self,
        mixer: PlaybackSource,
        device: int | str | None = None,
        *,
        on_state: StateCallback | None = None,
        device_rate: int | None = None,
    ) -> None:
        self.mixer = mixer
        self._device_spec = device
        self._device_rate = device_rate
        self._state = StateCell(on_state)
        self._control = threading.Lock()
        self._stream: Any = None
        self._stopping = False
        self._device: AudioDevice | None = None
        self._converter: RateConverter | None = None
        self._stream_rate = 0
        self._fifo = np.zeros(0, dtype=np.int16)
        self.far_end: Callable[[np.ndarray], None] | None = None

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
        return self._device

    def start(self) -> None:
        with self._control:
            if self._stream is not None:
                return
            self._stopping = False
            if portaudio() is None:
                self._state.set(SourceState.UNAVAILABLE, portaudio_error())
                return
            device = resolve_device(self._device_spec, "output")
            if device is None:
                reason = (
                    "no speaker found"
                    if self._device_spec is None
                    else f"speaker {self._device_spec!r} not found"
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
            self._state.set(SourceState.LIVE)

    def _open(self, device: AudioDevice) -> Any:
        return open_stream(
            "output",
            device,
            self._device_rate or SAMPLE_RATE,
            self._callback,
            self._finished,
            self._prepare,
        )

    def _prepare(self, rate: int) -> None:
        self._converter = RateConverter(SAMPLE_RATE, rate) if rate != SAMPLE_RATE else None
        self._stream_rate = rate
        self._fifo = np.zeros(0, dtype=np.int16)

    def stop(self) -> None:
        with self._control:
            stream, self._stream = self._stream, None
            self._stopping = True
            if stream is not None:
                try:
                    stream.stop()
                    stream.close()
                except Exception as exc:
                    logger.warning("closing speaker stream: %s", exc)
            self._state.set(SourceState.STOPPED)

    # PortAudio threads

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        tap = self.far_end
        if self._converter is None:
            mono = self.mixer.read(frames)
            if tap is not None:
                tap(mono)
        else:
            fifo = self._fifo
            while len(fifo) < frames:
                mix = self.mixer.read()
                if tap is not None:
                    tap(mix)
                fifo = np.concatenate((fifo, self._converter.convert(mix)))
            mono, self._fifo = fifo[:frames], fifo[frames:]
        outdata[:] = mono[:, None]  # the same mix on every channel

    def _finished(self) -> None:
        if not self._stopping:
            name = self._device.name if self._device else "speaker"
            self._state.set(SourceState.UNAVAILABLE, f"{name} stopped playing")
