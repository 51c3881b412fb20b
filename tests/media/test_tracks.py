from __future__ import annotations

import asyncio
import fractions
import itertools
import time
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError

from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE
from app.media.camera import CameraSource
from app.media.microphone import MicrophoneSource
from app.media.mixer import AudioMixer
from app.media.pattern import colour_distance, dominant_colour, name_colour, read_counter
from app.media.tracks import (
    CameraTrack,
    MicrophoneTrack,
    audio_frame_to_samples,
    audio_resampler,
    feed_mixer,
    video_frame_to_rgb,
)
from tests.fixtures.pulse import PulseServer

from .helpers import async_wait_until, max_step, peak_frequency, tone


async def test_camera_track_sends_fresh_frames_with_90khz_pts() -> None:
    source = CameraSource(pattern="Track", fps=30)
    captured: dict[int, float] = {}
    source.subscribe(lambda f: captured.__setitem__(f.seq, f.monotonic))
    source.start()
    track = CameraTrack(source)
    try:
        frames = [await track.recv() for _ in range(15)]
    finally:
        track.stop()
        source.stop()
    assert all(f.time_base == fractions.Fraction(1, 90000) for f in frames)
    assert all((f.width, f.height) == (640, 480) for f in frames)
    pts = [f.pts for f in frames]
    assert all(b > a for a, b in itertools.pairwise(pts))
    counters = [read_counter(video_frame_to_rgb(f)) for f in frames]
    assert all(c is not None for c in counters)
    assert counters == sorted(set(counters))  # each frame once, in order
    # pts are the capture instants on the 90 kHz clock (3000 ticks a frame at 30 fps).
    for frame, counter in zip(frames, counters, strict=True):
        assert counter is not None
        elapsed = captured[counter] - captured[counters[0]]  # type: ignore[index]
        assert abs(frame.pts - pts[0] - elapsed * 90000) <= 1
    image = video_frame_to_rgb(frames[-1])
    assert image.shape == (480, 640, 3) and image.dtype == np.uint8
    assert colour_distance(dominant_colour(image), name_colour("Track")) < 3
    with pytest.raises(MediaStreamError):
        await track.recv()


async def test_a_replacement_track_continues_the_timeline() -> None:
    source = CameraSource(pattern="Swap", fps=30)
    source.start()
    first, second = CameraTrack(source), CameraTrack(source)
    try:
        before = await first.recv()
        first.stop()
        after = await second.recv()
    finally:
        second.stop()
        source.stop()
    # The new track starts from the newest frame, on the same clock: no jump back to 0.
    assert 0 <= after.pts - before.pts < 0.2 * 90000
    assert read_counter(video_frame_to_rgb(after)) >= read_counter(video_frame_to_rgb(before))  # type: ignore[operator]


async def test_slow_consumer_gets_the_latest_frame_not_a_backlog() -> None:
    source = CameraSource(pattern="Slow", fps=30)
    source.start()
    track = CameraTrack(source)
    try:
        first = await track.recv()
        first_counter = read_counter(video_frame_to_rgb(first))
        assert first_counter is not None
        # The consumer stalls while several frames are captured...
        assert await async_wait_until(
            lambda: source.latest().seq >= first_counter + 5,  # type: ignore[union-attr]
            timeout=5,
        )
        newest = source.latest()
        second = await track.recv()
    finally:
        track.stop()
        source.stop()
    assert newest is not None
    second_counter = read_counter(video_frame_to_rgb(second))
    # ...then gets the newest frame, not the next one of a backlog.
    assert second_counter is not None and second_counter >= newest.seq
    assert second.pts - first.pts >= 4 * 3000  # pts follow capture time


async def test_camera_track_waits_quietly_while_the_camera_is_unavailable() -> None:
    source = CameraSource(99, retry_interval=0.1)
    source.start()
    track = CameraTrack(source)
    try:
        cpu = time.process_time()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(track.recv(), 1.0)
        assert time.process_time() - cpu < 0.3  # waited, did not spin
        assert source.state == "unavailable"
    finally:
        track.stop()
        source.stop()


async def test_microphone_track_frames(pulse_server: PulseServer) -> None:
    microphone = MicrophoneSource(pulse_server.device)
    microphone.start()
    track = MicrophoneTrack(microphone)
    try:
        frames = [await track.recv() for _ in range(5)]
        track.muted = True
        muted = await track.recv()
    finally:
        track.stop()
        microphone.stop()
    for frame in [*frames, muted]:
        assert frame.format.name == "s16" and frame.layout.name == "mono"
        assert frame.samples == FRAME_SAMPLES and frame.sample_rate == SAMPLE_RATE
        assert frame.time_base == fractions.Fraction(1, SAMPLE_RATE)
    first = frames[0].pts
    assert first % FRAME_SAMPLES == 0
    assert [f.pts for f in frames] == [first + i * FRAME_SAMPLES for i in range(5)]
    assert muted.pts == first + 5 * FRAME_SAMPLES and not muted.to_ndarray().any()


def test_remote_audio_frames_become_48k_mono() -> None:
    resampler = audio_resampler()
    stereo = np.repeat(tone(440, FRAME_SAMPLES), 2)[None, :]  # interleaved s16 stereo
    frame = av.AudioFrame.from_ndarray(stereo, format="s16", layout="stereo")
    frame.sample_rate = SAMPLE_RATE
    samples = audio_frame_to_samples(frame, resampler)
    assert samples.dtype == np.int16 and samples.shape == (FRAME_SAMPLES,)
    assert np.abs(samples.astype(np.int32) - tone(440, FRAME_SAMPLES)).max() <= 1
    # Another rate is converted too (the resampler may hold a few samples back).
    resampler = audio_resampler()
    total = 0
    for i in range(10):
        frame = av.AudioFrame.from_ndarray(
            tone(440, 441, i * 441, rate=22050)[None, :], "s16", "mono"
        )
        frame.sample_rate = 22050
        total += len(audio_frame_to_samples(frame, resampler))
    assert abs(total - 10 * FRAME_SAMPLES) < 100


async def test_feed_mixer_plays_a_remote_track_and_fades_it_out_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "voice.wav"
    with wave.open(str(path), "wb") as out:  # a real file, decoded by aiortc's player
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44100)
        mono = tone(440, 44100 // 2, rate=44100)
        out.writeframes(np.repeat(mono, 2).tobytes())
    player = MediaPlayer(str(path))
    assert player.audio is not None
    mixer = AudioMixer()
    feeding = asyncio.create_task(feed_mixer(player.audio, mixer, "guest"))
    played: list[np.ndarray] = []
    loop = asyncio.get_running_loop()
    began = loop.time()
    for i in range(50):  # a speaker pulling 20 ms at a time for one second
        await asyncio.sleep(max(0.0, began + (i + 1) * 0.02 - loop.time()))
        played.append(mixer.read(FRAME_SAMPLES))
    await asyncio.wait_for(feeding, 2)
    assert await async_wait_until(lambda: mixer.participants == [])
    audio = np.concatenate(played)
    assert np.count_nonzero(audio) > SAMPLE_RATE // 4
    assert abs(peak_frequency(audio) - 440) < 3
    assert max_step(audio) < 0.035  # the file ends mid-wave; the fade hides it
