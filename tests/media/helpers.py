"""Small measuring tools shared by the media tests."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np

from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE
from app.media.mixer import AudioMixer
from app.media.pattern import PatternGenerator
from app.media.speaker import SpeakerSink
from app.media.state import SourceState


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


async def async_wait_until(
    predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.02
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


def write_pattern_video(
    path: Path, name: str, frames: int, size: tuple[int, int] = (320, 240), fps: int = 30
) -> None:
    """A real video file (MJPEG in AVI) of pattern frames whose counters are 0..frames-1."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    assert writer.isOpened(), "OpenCV cannot write MJPEG"
    generator = PatternGenerator(name, *size, fps=fps)
    for n in range(frames):
        writer.write(cv2.cvtColor(generator.render(n), cv2.COLOR_RGB2BGR))
    writer.release()


def tone(
    frequency: float, samples: int, start: int = 0, amplitude: float = 0.5, rate: int = SAMPLE_RATE
) -> np.ndarray:
    """int16 sine samples ``start .. start + samples`` of a continuous tone."""
    t = np.arange(start, start + samples) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * frequency * t)).astype(np.int16)


def peak_frequency(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    x = samples.astype(np.float64)
    x = (x - x.mean()) * np.hanning(len(x))
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(spectrum.argmax())])


def max_step(samples: np.ndarray) -> float:
    """Largest jump between neighbouring samples, as a fraction of full scale: clicks show here."""
    x = samples.astype(np.float64) / 32768
    return float(np.abs(np.diff(x)).max())


@contextlib.contextmanager
def playing_tone(device: str, frequency: float = 440.0) -> Iterator[None]:
    """Play a steady tone on ``device`` in real time (20 ms frames) until the block ends."""
    mixer = AudioMixer()
    speaker = SpeakerSink(mixer, device)
    speaker.start()
    assert speaker.state is SourceState.LIVE, speaker.error
    playing = threading.Event()
    playing.set()

    def play() -> None:
        i, began = 0, time.monotonic()
        while playing.is_set():
            mixer.push("tone", tone(frequency, FRAME_SAMPLES, i * FRAME_SAMPLES))
            i += 1
            time.sleep(max(0.0, began + i * 0.02 - time.monotonic()))

    player = threading.Thread(target=play, daemon=True)
    player.start()
    try:
        yield
    finally:
        playing.clear()
        player.join(2)
        speaker.stop()
