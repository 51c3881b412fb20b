"""Test speaker and test microphone, as every meeting app's settings offer them.

- ``play_test_sound``: a short chime on the chosen speaker.
- ``record_and_play``: record a few seconds from the microphone (through the same
  echo/noise/gain processing a call uses, so users hear what others will hear),
  then play the recording back on the chosen speaker.

Device-free logic, no Qt: each test runs on its own worker thread (opening a sound
device can block), and the UI polls ``phase``, ``outcome`` and ``progress``.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable

import numpy as np

from .audioformat import FRAME_SAMPLES, SAMPLE_RATE, level_dbfs
from .microphone import MicrophoneSource
from .processing import AudioProcessor, ProcessingConfig
from .speaker import SpeakerSink
from .state import SourceState

__all__ = ["Clip", "Outcome", "Phase", "SoundCheck", "chime"]

RECORD_SECONDS = 3.0
# PulseAudio and device buffers still hold the end of a clip when it has been read:
# keep the stream open this long so the last notes are heard, not cut.
_DRAIN_SECONDS = 0.3
_POLL = 0.02


def chime(rate: int = SAMPLE_RATE) -> np.ndarray:
    """The test sound: two soft bell notes (E5, then A5), 1.2 s, peak -6 dBFS."""
    out = np.zeros(int(1.2 * rate))
    for start, f0 in ((0.0, 659.25), (0.4, 880.0)):
        n = int(0.8 * rate)
        t = np.arange(n) / rate
        note = sum(np.sin(2 * np.pi * f0 * k * t) / k**2 for k in (1, 2, 3))
        envelope = np.minimum(t / 0.005, 1.0) * np.exp(-t / 0.18)  # 5 ms attack, no click
        begin = int(start * rate)
        out[begin : begin + n] += note * envelope
    out *= 0.5 / np.max(np.abs(out))
    return (out * 32767).astype(np.int16)


class Clip:
    """A recording or a test sound, played once by a ``SpeakerSink``; thread-safe."""

    def __init__(self, samples: np.ndarray) -> None:
        self._samples = np.asarray(samples, dtype=np.int16).reshape(-1)
        self._position = 0
        self._lock = threading.Lock()

    @property
    def finished(self) -> bool:
        with self._lock:
            return self._position >= len(self._samples)

    @property
    def progress(self) -> float:
        with self._lock:
            return min(1.0, self._position / max(1, len(self._samples)))

    def read(self, n: int = FRAME_SAMPLES) -> np.ndarray:
        out = np.zeros(n, dtype=np.int16)
        with self._lock:
            part = self._samples[self._position : self._position + n]
            self._position += len(part)
        out[: len(part)] = part
        return out


class Phase(enum.Enum):
    IDLE = "idle"
    RECORDING = "recording"
    PLAYING = "playing"


class Outcome(enum.Enum):
    """How the last test ended (None while one runs or before the first)."""

    DONE = "done"
    STOPPED = "stopped"
    NO_SPEAKER = "no_speaker"
    NO_MICROPHONE = "no_microphone"


class SoundCheck:
    """One test at a time; starting a new one stops the running one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._phase = Phase.IDLE
        self._progress = 0.0
        self.outcome: Outcome | None = None
        #: The device's reason when the outcome is NO_SPEAKER or NO_MICROPHONE.
        self.error: str | None = None
        #: Loudest 20 ms of the last recording, dBFS (-inf before any).
        self.recorded_peak_dbfs = float("-inf")
        self._cancel = threading.Event()
        self._worker: threading.Thread | None = None
        # Each test's number: a stopped test winding down must not report over the next.
        self._generation = 0

    @property
    def phase(self) -> Phase:
        with self._lock:
            return self._phase

    @property
    def progress(self) -> float:
        """How far the current phase is, 0..1."""
        with self._lock:
            return self._progress

    @property
    def busy(self) -> bool:
        return self.phase is not Phase.IDLE

    def play_test_sound(self, speaker: int | str | None) -> None:
        self._start(Phase.PLAYING, lambda gen: self._play(gen, chime(), speaker))

    def record_and_play(
        self,
        microphone: MicrophoneSource,
        speaker: int | str | None,
        *,
        seconds: float = RECORD_SECONDS,
        processing: ProcessingConfig | None = None,
    ) -> None:
        """Record ``seconds`` from a started ``microphone``, then play it back."""
        self._start(
            Phase.RECORDING,
            lambda gen: self._record_then_play(gen, microphone, speaker, seconds, processing),
        )

    def stop(self) -> None:
        """Stop the running test (returns at once; the worker winds down on its own)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker to finish (tests); True when it has."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    # ------------------------------------------------------------ worker side

    def _start(self, first: Phase, work: Callable[[int], None]) -> None:
        self.stop()
        previous = self._worker
        self._cancel = threading.Event()
        with self._lock:
            self._generation += 1
            gen = self._generation
            self._phase, self._progress = first, 0.0  # busy from this moment
            self.outcome = None
            self.error = None

        def run() -> None:
            if previous is not None:
                previous.join()  # one device user at a time
            work(gen)

        self._worker = threading.Thread(target=run, name="liqaa-sound-check", daemon=True)
        self._worker.start()

    def _set(self, gen: int, phase: Phase, progress: float) -> None:
        with self._lock:
            if gen == self._generation:
                self._phase, self._progress = phase, progress

    def _finish(self, gen: int, outcome: Outcome, error: str | None = None) -> None:
        with self._lock:
            if gen == self._generation:
                self._phase, self._progress = Phase.IDLE, 0.0
                self.outcome, self.error = outcome, error

    def _record_then_play(
        self,
        gen: int,
        microphone: MicrophoneSource,
        speaker: int | str | None,
        seconds: float,
        processing: ProcessingConfig | None,
    ) -> None:
        cancel = self._cancel
        wanted = int(seconds * SAMPLE_RATE)
        frames: list[np.ndarray] = []
        record = frames.append  # list.append is atomic: safe on PortAudio's thread
        microphone.add_tap(record)
        deadline = time.monotonic() + seconds + 3.0
        try:
            while len(frames) * FRAME_SAMPLES < wanted:
                if cancel.is_set():
                    self._finish(gen, Outcome.STOPPED)
                    return
                if microphone.state is SourceState.UNAVAILABLE or time.monotonic() > deadline:
                    self._finish(gen, Outcome.NO_MICROPHONE, microphone.error or "no audio")
                    return
                self._set(gen, Phase.RECORDING, len(frames) * FRAME_SAMPLES / wanted)
                time.sleep(_POLL)
        finally:
            microphone.remove_tap(record)
        recording = np.concatenate(frames)[:wanted]
        if processing is not None:
            processor = AudioProcessor(processing)
            recording = np.concatenate(
                [
                    processor.process(recording[i : i + FRAME_SAMPLES])
                    for i in range(0, wanted, FRAME_SAMPLES)
                ]
            )
        self.recorded_peak_dbfs = max(
            level_dbfs(recording[i : i + FRAME_SAMPLES])
            for i in range(0, len(recording), FRAME_SAMPLES)
        )
        self._play(gen, recording, speaker)

    def _play(self, gen: int, samples: np.ndarray, speaker: int | str | None) -> None:
        cancel = self._cancel
        clip = Clip(samples)
        sink = SpeakerSink(clip, speaker)
        self._set(gen, Phase.PLAYING, 0.0)
        sink.start()
        try:
            started = sink.state is SourceState.LIVE
            if not started:
                self._finish(gen, Outcome.NO_SPEAKER, sink.error or "no speaker")
                return
            while not clip.finished:
                if cancel.is_set():
                    self._finish(gen, Outcome.STOPPED)
                    return
                if sink.state is SourceState.UNAVAILABLE:
                    self._finish(gen, Outcome.NO_SPEAKER, sink.error or "the speaker stopped")
                    return
                self._set(gen, Phase.PLAYING, clip.progress)
                time.sleep(_POLL)
            cancel.wait(_DRAIN_SECONDS)
        finally:
            sink.stop()
        self._finish(gen, Outcome.STOPPED if cancel.is_set() else Outcome.DONE)
