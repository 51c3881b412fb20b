"""Speaker output: a PortAudio output stream that plays an ``AudioMixer``'s mix.

The audio callback pulls exactly what the device asks for from the mixer, so the
device clock paces playback and the mixer's bounded buffers absorb the difference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .audioformat import SAMPLE_RATE, RateConverter
from .soundstream import SoundStream
from .state import StateCallback


class PlaybackSource(Protocol):
    """What a speaker plays: an ``AudioMixer``, or a ``Clip``."""

    def read(self, n: int = ...) -> np.ndarray:
        """The next ``n`` 48 kHz mono int16 samples (silence when there is nothing)."""
        ...


class SpeakerSink(SoundStream):
    """Plays ``mixer`` (an ``AudioMixer`` or any ``PlaybackSource``) on an output
    device (index, name or None for the default).

    With no usable device the state is ``unavailable`` with a reason in ``error``,
    and nothing raises; the mixer keeps working (nothing drains it, and its
    buffers stay bounded). ``on_state`` runs on the caller's thread, or on
    PortAudio's thread if the stream dies. ``far_end``, if set, receives every
    48 kHz chunk of the mix as it goes to the device (the echo canceller's
    reference); it runs on PortAudio's thread and must only copy.
    """

    KIND = "output"
    NOUN = "speaker"
    DIED = "stopped playing"

    def __init__(
        self,
        mixer: PlaybackSource,
        device: int | str | None = None,
        *,
        on_state: StateCallback | None = None,
        device_rate: int | None = None,
    ) -> None:
        super().__init__(device, on_state=on_state, device_rate=device_rate)
        self.mixer = mixer
        self._converter: RateConverter | None = None
        self._fifo = np.zeros(0, dtype=np.int16)
        self.far_end: Callable[[np.ndarray], None] | None = None

    def _prepare(self, rate: int) -> None:
        self._converter = RateConverter(SAMPLE_RATE, rate) if rate != SAMPLE_RATE else None
        self._stream_rate = rate
        self._fifo = np.zeros(0, dtype=np.int16)

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
