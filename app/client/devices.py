"""The session's local devices: camera, microphone, speaker and screen.

Sources start when the user turns them on and are released when turned off, so
the camera light goes out with the camera. A missing, busy or unplugged device
shows as ``unavailable`` and the meeting goes on without it. Source callbacks
arrive on capture threads; ``on_change`` is always called on the session's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import av
import numpy as np
from aiortc import MediaStreamTrack

from app.client.state import PATTERN, SYNTHETIC, DeviceState, LocalMedia, MediaConfig
from app.core.roles import MediaKind
from app.media.audioformat import SILENCE_DBFS, level_dbfs
from app.media.camera import CameraSource
from app.media.microphone import MicrophoneSource
from app.media.mixer import AudioMixer
from app.media.processing import AudioProcessor
from app.media.screen import ScreenSource
from app.media.speaker import SpeakerSink
from app.media.state import SourceState
from app.media.synthetic import SyntheticVoiceTrack
from app.media.tracks import (
    CameraTrack,
    MicrophoneTrack,
    ScreenTrack,
    audio_frame_to_samples,
    audio_pts,
    audio_resampler,
)

logger = logging.getLogger(__name__)

_DEVICE_STATE = {
    SourceState.STARTING: DeviceState.STARTING,
    SourceState.LIVE: DeviceState.LIVE,
    SourceState.UNAVAILABLE: DeviceState.UNAVAILABLE,
    SourceState.STOPPED: DeviceState.OFF,
}

Source = CameraSource | MicrophoneSource | ScreenSource

# The MediaConfig fields each kind's source and track are made from: a settings
# change restarts only the kinds it touches (a microphone option must not blink
# the camera).
_CONFIG_FIELDS: dict[MediaKind, tuple[str, ...]] = {
    MediaKind.VIDEO: ("camera", "width", "height", "fps", "pattern_label"),
    MediaKind.AUDIO: ("microphone", "voice_frequency", "processing"),
    MediaKind.SCREEN: ("screen_monitor", "screen_fps", "screen_display"),
}


class LocalDevices:
    def __init__(self, config: MediaConfig) -> None:
        self.config = config
        self.on_change: Callable[[], None] = lambda: None
        self.mixer = AudioMixer()
        self._speaker: SpeakerSink | None = None
        self._sources: dict[MediaKind, Source] = {}
        self._tracks: dict[MediaKind, MediaStreamTrack] = {}
        self._resamplers: dict[str, av.AudioResampler] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Echo cancellation etc. for the running microphone (None when it is off).
        self.processor: AudioProcessor | None = None

    # ------------------------------------------------------------ sending

    async def start(self, kind: MediaKind) -> MediaStreamTrack:
        """Start a source (if not running) and return the track that sends it."""
        self._loop = asyncio.get_running_loop()
        if kind in self._tracks:
            return self._tracks[kind]
        track: MediaStreamTrack
        if kind is MediaKind.AUDIO and self.config.microphone == SYNTHETIC:
            track = SyntheticVoiceTrack(self.config.voice_frequency)
        else:
            source = self._make_source(kind)
            # Opening a device can block for a while (drivers): not on the loop.
            await asyncio.to_thread(source.start)
            self._sources[kind] = source
            track = self._make_track(kind, source)
        self._tracks[kind] = track
        return track

    def _make_source(self, kind: MediaKind) -> Source:
        c = self.config
        on_state = self._state_changed
        if kind is MediaKind.VIDEO:
            if c.camera == PATTERN:
                return CameraSource(
                    pattern=c.pattern_label,
                    width=c.width,
                    height=c.height,
                    fps=c.fps,
                    on_state=on_state,
                )
            return CameraSource(
                c.camera, width=c.width, height=c.height, fps=c.fps, on_state=on_state
            )
        if kind is MediaKind.AUDIO:
            return MicrophoneSource(c.microphone, on_state=on_state)
        return ScreenSource(
            c.screen_monitor, fps=c.screen_fps, display=c.screen_display, on_state=on_state
        )

    def _make_track(self, kind: MediaKind, source: Source) -> MediaStreamTrack:
        if isinstance(source, CameraSource):
            return CameraTrack(source)
        if isinstance(source, MicrophoneSource):
            self.processor = AudioProcessor(self.config.processing)
            return MicrophoneTrack(source, self.processor)
        return ScreenTrack(source)

    def _far_end(self, samples: np.ndarray) -> None:
        # The speaker's callback: what it plays is the echo canceller's reference.
        processor = self.processor
        if processor is not None:
            processor.far_end(samples)

    def stop(self, kind: MediaKind) -> None:
        track = self._tracks.pop(kind, None)
        if track is not None:
            track.stop()
        source = self._sources.pop(kind, None)
        if source is not None:
            source.stop()
        if kind is MediaKind.AUDIO:
            self.processor = None

    def running(self, kind: MediaKind) -> bool:
        return kind in self._tracks

    def latest_image(self, kind: MediaKind) -> np.ndarray | None:
        source = self._sources.get(kind)
        if isinstance(source, (CameraSource, ScreenSource)):
            frame = source.latest()
            if frame is not None:
                image: np.ndarray = frame.image
                return image
        return None

    async def reconfigure(self, config: MediaConfig) -> dict[MediaKind, MediaStreamTrack | None]:
        """Apply new device choices; returns the new track of each running kind that
        the change touched (the others keep running as they are)."""
        old = self.config
        touched = [
            kind
            for kind in self._tracks
            if any(getattr(config, name) != getattr(old, name) for name in _CONFIG_FIELDS[kind])
        ]
        speaker_changed = config.speaker != old.speaker
        self.config = config
        tracks: dict[MediaKind, MediaStreamTrack | None] = {}
        for kind in touched:
            self.stop(kind)
            tracks[kind] = await self.start(kind)
        if speaker_changed and self._speaker is not None:
            self._speaker.stop()
            self._speaker = None
        self._notify()
        return tracks

    # ------------------------------------------------------------ receiving

    def play(self, pid: str, frame: av.AudioFrame) -> float:
        """Mix a participant's decoded audio into the speaker; returns its level (dBFS)."""
        resampler = self._resamplers.get(pid)
        if resampler is None:
            resampler = self._resamplers[pid] = audio_resampler()
        samples = audio_frame_to_samples(frame, resampler)
        self.mixer.push(pid, samples, audio_pts(frame))
        if self._speaker is None:
            self._speaker = SpeakerSink(
                self.mixer, self.config.speaker, on_state=self._state_changed
            )
            self._speaker.far_end = self._far_end
            self._speaker.start()
        return level_dbfs(samples)

    def forget(self, pid: str) -> None:
        """A participant left: fade their voice out."""
        self._resamplers.pop(pid, None)
        self.mixer.remove(pid)

    # ------------------------------------------------------------ state

    def _state_changed(self, state: SourceState) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._notify)

    def _notify(self) -> None:
        self.on_change()

    def _state(self, kind: MediaKind) -> DeviceState:
        if kind in self._tracks and kind not in self._sources:
            return DeviceState.LIVE  # synthetic
        source = self._sources.get(kind)
        return _DEVICE_STATE[source.state] if source is not None else DeviceState.OFF

    def snapshot(self, wanted: dict[MediaKind, bool]) -> LocalMedia:
        mic = self._sources.get(MediaKind.AUDIO)
        level = mic.level_dbfs if isinstance(mic, MicrophoneSource) else SILENCE_DBFS
        speaker = (
            _DEVICE_STATE[self._speaker.state] if self._speaker is not None else DeviceState.OFF
        )
        return LocalMedia(
            mic_on=wanted[MediaKind.AUDIO],
            camera_on=wanted[MediaKind.VIDEO],
            screen_on=wanted[MediaKind.SCREEN],
            camera=self._state(MediaKind.VIDEO),
            microphone=self._state(MediaKind.AUDIO),
            speaker=speaker,
            screen=self._state(MediaKind.SCREEN),
            mic_level_db=level,
        )

    def close(self) -> None:
        for kind in list(self._tracks):
            self.stop(kind)
        if self._speaker is not None:
            self._speaker.stop()
            self._speaker = None
        self.mixer.clear()
