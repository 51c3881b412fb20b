"""Real sound through a PulseAudio null sink: speaker in, monitor out, microphone reads it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.media import devices
from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE, level_dbfs
from app.media.microphone import MicrophoneSource
from app.media.mixer import AudioMixer
from app.media.speaker import SpeakerSink
from app.media.state import SourceState
from tests.fixtures.pulse import PulseServer

from .helpers import peak_frequency, tone

ROOT = Path(__file__).resolve().parents[2]


def test_pulse_device_is_listed_and_found_by_name(pulse_server: PulseServer) -> None:
    inputs = [d.name for d in devices.list_input_devices()]
    outputs = [d.name for d in devices.list_output_devices()]
    assert pulse_server.device in inputs and pulse_server.device in outputs
    found = devices.find_device("PULSE", "input")
    assert found is not None and found.name == "pulse" and found.max_input_channels > 0
    assert devices.default_input_device() is not None
    assert devices.default_output_device() is not None
    assert devices.find_device("no such device", "output") is None


async def play_and_record(
    speaker_rate: int | None = None, mic_rate: int | None = None, seconds: float = 1.5
) -> tuple[np.ndarray, list[float]]:
    """Play a 440 Hz tone into the null sink in real time while recording its monitor."""
    mixer = AudioMixer()
    speaker = SpeakerSink(mixer, "pulse", device_rate=speaker_rate)
    microphone = MicrophoneSource("pulse", device_rate=mic_rate)
    speaker.start()
    microphone.start()
    assert speaker.state is SourceState.LIVE, speaker.error
    assert microphone.state is SourceState.LIVE, microphone.error
    assert speaker.stream_rate == (speaker_rate or SAMPLE_RATE)
    assert microphone.stream_rate == (mic_rate or SAMPLE_RATE)
    recorded: list[np.ndarray] = []
    levels: list[float] = []

    async def record() -> None:
        while True:
            recorded.append(await microphone.read())
            levels.append(microphone.level_dbfs)

    recorder = asyncio.create_task(record())
    try:
        loop = asyncio.get_running_loop()
        began = loop.time()
        frames = int(seconds / 0.02)
        for i in range(frames):  # a producer paced like a network stream
            mixer.push("remote", tone(440, FRAME_SAMPLES, i * FRAME_SAMPLES))
            await asyncio.sleep(max(0.0, began + (i + 1) * 0.02 - loop.time()))
        await asyncio.sleep(0.3)
    finally:
        recorder.cancel()
        speaker.stop()
        microphone.stop()
    assert speaker.state is SourceState.STOPPED and microphone.state is SourceState.STOPPED
    return np.concatenate(recorded), levels


@pytest.mark.parametrize(
    ("speaker_rate", "mic_rate"),
    [(None, None), (44100, 32000)],
    ids=["48k", "devices-at-other-rates"],
)
async def test_tone_through_speaker_comes_back_through_microphone(
    pulse_server: PulseServer, speaker_rate: int | None, mic_rate: int | None
) -> None:
    samples, levels = await play_and_record(speaker_rate, mic_rate)
    assert samples.dtype == np.int16 and len(samples) % FRAME_SAMPLES == 0
    loud = samples[np.abs(samples) > 0]
    assert len(loud) > SAMPLE_RATE // 2, "the tone never reached the monitor"
    # Analyse the second of audio around the loudest part.
    chunks = samples.reshape(-1, FRAME_SAMPLES)
    energy = np.abs(chunks.astype(np.int32)).sum(axis=1)
    start = max(0, min(int(np.argmax(energy > energy.max() / 2)), len(chunks) - 50))
    second = chunks[start : start + 50].reshape(-1)
    assert abs(peak_frequency(second) - 440) <= 3
    assert level_dbfs(second) > -15  # a -9 dBFS tone, nearly intact
    assert max(levels) > -15  # the meter saw it too


async def test_unknown_device_names_are_unavailable(pulse_server: PulseServer) -> None:
    microphone = MicrophoneSource("no such microphone")
    speaker = SpeakerSink(AudioMixer(), "no such speaker")
    microphone.start()
    speaker.start()
    assert microphone.state is SourceState.UNAVAILABLE
    assert speaker.state is SourceState.UNAVAILABLE
    assert "no such microphone" in (microphone.error or "")
    assert "no such speaker" in (speaker.error or "")
    with pytest.raises(TimeoutError):  # reading just waits
        await asyncio.wait_for(microphone.read(), 0.2)
    microphone.stop()
    speaker.stop()
    assert microphone.state is SourceState.STOPPED


NO_DEVICE_SCRIPT = """
import asyncio, json
from app.media import devices
from app.media.microphone import MicrophoneSource
from app.media.mixer import AudioMixer
from app.media.speaker import SpeakerSink
from app.media.tracks import MicrophoneTrack

states = []
mic = MicrophoneSource(on_state=states.append)
speaker = SpeakerSink(AudioMixer())
mic.start()
speaker.start()

async def try_read():
    try:
        await asyncio.wait_for(MicrophoneTrack(mic).recv(), 0.3)
    except TimeoutError:
        return "waits"
    return "returned"

print(json.dumps({
    "inputs": len(devices.list_input_devices()),
    "outputs": len(devices.list_output_devices()),
    "mic": mic.state, "mic_error": mic.error, "mic_states": states,
    "speaker": speaker.state, "speaker_error": speaker.error,
    "level": mic.level_dbfs, "read": asyncio.run(try_read()),
}))
"""


def _machine_has_sound_card() -> bool:
    snd = Path("/dev/snd")
    return snd.is_dir() and any(p.name.startswith("pcm") for p in snd.iterdir())


def test_no_sound_device_at_all_gives_a_clear_state(tmp_path: Path) -> None:
    if _machine_has_sound_card():
        pytest.skip("this machine has its own sound card: 'no device at all' cannot happen")
    env = dict(os.environ)
    # No sound server to reach (and none autospawned: the server is named explicitly).
    env["PULSE_SERVER"] = f"unix:{tmp_path}/no-server"
    result = subprocess.run(
        [sys.executable, "-c", NO_DEVICE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["inputs"] == 0 and report["outputs"] == 0
    assert report["mic"] == "unavailable" and report["mic_error"] == "no microphone found"
    assert report["mic_states"] == ["unavailable"]
    assert report["speaker"] == "unavailable" and report["speaker_error"] == "no speaker found"
    assert report["level"] == -100.0
    assert report["read"] == "waits"


def test_level_meter_scale() -> None:
    assert level_dbfs(np.zeros(960, np.int16)) == -100.0
    full_square = np.where(np.arange(960) % 2, 32767, -32768).astype(np.int16)
    assert abs(level_dbfs(full_square)) < 0.01
    assert abs(level_dbfs(tone(440, 960 * 10, amplitude=0.5)) - (-9.03)) < 0.1
    began = time.perf_counter()
    for _ in range(1000):
        level_dbfs(full_square)
    assert time.perf_counter() - began < 0.5  # cheap enough for the audio callback
