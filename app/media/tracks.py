"""aiortc tracks over the media sources, and helpers for what arrives from remote peers.

Video tracks send the newest captured frame each time the encoder asks, so a
slow encoder skips frames instead of queueing them. They stamp pts from the
capture time on aiortc's 90 kHz clock, and while the source is unavailable they
wait for the next frame (no spinning, no error). The microphone track sends the
microphone's 20 ms frames with a sample-count pts.
"""

from __future__ import annotations

import fractions
import logging
import time
from collections.abc import Callable
from typing import Protocol

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .audioformat import FRAME_DURATION, FRAME_SAMPLES, SAMPLE_RATE
from .camera import CameraSource
from .frames import CapturedFrame, FrameListener
from .microphone import MicrophoneSource
from .mixer import AudioMixer
from .processing import AudioProcessor
from .screen import ScreenSource
from .state import LoopWake

logger = logging.getLogger(__name__)

VIDEO_CLOCK_RATE = 90000
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
AUDIO_TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
# A pause longer than this in microphone frames moves the audio clock forward.
_AUDIO_GAP = 0.25
# pts count from one process-wide instant, so a track swapped in with
# replaceTrack continues the timeline of the one it replaces instead of
# jumping back to zero.
_EPOCH = time.monotonic()


class VideoSource(Protocol):
    fps: float

    def latest(self) -> CapturedFrame | None: ...

    def subscribe(self, listener: FrameListener) -> Callable[[], None]: ...


class _LatestFrameTrack(MediaStreamTrack):
    kind = "video"

    def __init__(self, source: VideoSource) -> None:
        super().__init__()
        self.source = source
        self._last_seq = -1
        self._last_pts = -1
        self._wake = LoopWake()
        self._unsubscribe = source.subscribe(self._on_frame)

    def _on_frame(self, frame: CapturedFrame) -> None:
        self._wake.wake()  # on the capture thread: only poke the loop

    def _newer(self) -> CapturedFrame | None:
        captured = self.source.latest()
        if captured is not None and captured.seq > self._last_seq:
            return captured
        return None

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        event = self._wake.event()
        captured = self._newer()
        while captured is None:
            event.clear()
            captured = self._newer()  # a frame may have landed before clear()
            if captured is not None:
                break
            await event.wait()
            if self.readyState != "live":
                raise MediaStreamError
            captured = self._newer()
        self._last_seq = captured.seq
        pts = round((captured.monotonic - _EPOCH) * VIDEO_CLOCK_RATE)
        pts = max(pts, self._last_pts + 1)  # strictly increasing, whatever the clock did
        self._last_pts = pts
        frame = av.VideoFrame.from_ndarray(captured.image, format="rgb24")
        frame.pts = pts
        frame.time_base = VIDEO_TIME_BASE
        return frame

    def stop(self) -> None:
        super().stop()
        self._unsubscribe()
        self._wake.wake()  # a recv() waiting for a frame sees the track has ended


class CameraTrack(_LatestFrameTrack):
    """Video track of a ``CameraSource`` (device, file or pattern)."""

    def __init__(self, source: CameraSource) -> None:
        super().__init__(source)


class ScreenTrack(_LatestFrameTrack):
    """Video track of a ``ScreenSource``."""

    def __init__(self, source: ScreenSource) -> None:
        super().__init__(source)


class MicrophoneTrack(MediaStreamTrack):
    """Audio track of a ``MicrophoneSource``: s16 mono 48 kHz, 960 samples a frame.

    ``muted`` sends silence instead of the microphone, keeping the stream (and
    the remote side's clock) running. ``processor`` (echo cancellation, noise
    suppression, gain) processes each frame before it is sent.
    """

    kind = "audio"

    def __init__(self, source: MicrophoneSource, processor: AudioProcessor | None = None) -> None:
        super().__init__()
        self.source = source
        self.processor = processor
        self.muted = False
        self._pts: int | None = None
        self._last_read: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._pts is None:
            # Audio captured before anyone listened is stale: start from the newest.
            self.source.discard_backlog(keep=1)
        samples = await self.source.read()
        now = time.monotonic()
        if self._pts is None:
            self._pts = round((now - _EPOCH) / FRAME_DURATION) * FRAME_SAMPLES
        elif self._last_read is not None and now - self._last_read > _AUDIO_GAP:
            # The microphone paused (unplugged, stalled): keep pts on real time.
            missed = round((now - self._last_read) / FRAME_DURATION) - 1
            self._pts += max(0, missed) * FRAME_SAMPLES
        self._last_read = now
        if self.muted:
            samples = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        elif self.processor is not None:
            samples = self.processor.process(samples)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.int16).reshape(1, -1),
            format="s16",
            layout="mono",
        )
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._pts
        frame.time_base = AUDIO_TIME_BASE
        self._pts += frame.samples
        return frame


def video_frame_to_rgb(frame: av.VideoFrame) -> np.ndarray:
    """A decoded remote frame as an RGB (H x W x 3, uint8) array for display or checks."""
    return frame.to_ndarray(format="rgb24")


def audio_resampler() -> av.AudioResampler:
    """A resampler to the app's format (aiortc's Opus decoder gives 48 kHz stereo s16)."""
    return av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)


def audio_frame_to_samples(frame: av.AudioFrame, resampler: av.AudioResampler) -> np.ndarray:
    """A received audio frame as 48 kHz mono int16 samples (keep one resampler per track)."""
    parts = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    if not parts:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(parts).astype(np.int16, copy=False)


def audio_pts(frame: av.AudioFrame) -> int | None:
    """The frame's timestamp in 48 kHz samples (aiortc: the RTP timestamp), if it has one."""
    if frame.pts is None or frame.time_base != AUDIO_TIME_BASE:
        return None
    return int(frame.pts)


async def feed_mixer(track: MediaStreamTrack, mixer: AudioMixer, participant: str) -> None:
    """Push a remote audio track into ``mixer`` until it ends or the task is cancelled.

    On the way out the participant is removed, which fades their voice out.
    """
    resampler = audio_resampler()
    try:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if isinstance(frame, av.AudioFrame):
                mixer.push(participant, audio_frame_to_samples(frame, resampler), audio_pts(frame))
    finally:
        mixer.remove(participant)
