"""Real sound end to end: a 440 Hz tone enters one participant's microphone through
a PulseAudio null sink, crosses the relay, and comes out of the other participant's
speaker into a second null sink, where we record it."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator

import numpy as np
import pytest

from app.client.state import PATTERN, MediaConfig, Status
from app.core.roles import MediaKind
from app.media.audioformat import FRAME_SAMPLES
from app.media.mixer import AudioMixer
from app.media.speaker import SpeakerSink
from app.media.state import SourceState
from app.server.embedded import EmbeddedServer
from tests.client.test_session import Party
from tests.fixtures.pulse import PulseServer
from tests.media.helpers import peak_frequency, tone

FAR_SINK = "liqaa_far"


@pytest.fixture
def far_sink(pulse_server: PulseServer) -> Iterator[str]:
    """A second null sink for the receiving participant's speaker."""
    module = subprocess.run(
        ["pactl", "load-module", "module-null-sink", f"sink_name={FAR_SINK}", "rate=48000"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    yield FAR_SINK
    subprocess.run(["pactl", "unload-module", module], check=False)


def _record_for(device: str, seconds: float) -> np.ndarray:
    process = subprocess.Popen(
        [
            "parec",
            f"--device={device}",
            "--format=s16le",
            "--rate=48000",
            "--channels=1",
            "--raw",
            "--latency-msec=20",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        out, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.terminate()
        out, _ = process.communicate()
    return np.frombuffer(out, dtype=np.int16)


async def test_tone_through_microphone_relay_and_speaker(
    server: EmbeddedServer,
    pulse_server: PulseServer,
    far_sink: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The tone plays into the first null sink; the sender's microphone records its monitor.
    player_mixer = AudioMixer()
    player = SpeakerSink(player_mixer, pulse_server.device)
    player.start()
    assert player.state is SourceState.LIVE, player.error
    sender = Party("Sender", MediaConfig(camera=PATTERN, microphone=pulse_server.device))
    receiver = Party("Receiver", MediaConfig(camera=PATTERN, speaker=pulse_server.device))
    feeding = True

    async def feed() -> None:
        i = 0
        loop = asyncio.get_running_loop()
        began = loop.time()
        while feeding:
            player_mixer.push("tone", tone(440, FRAME_SAMPLES, i * FRAME_SAMPLES))
            i += 1
            await asyncio.sleep(max(0.0, began + i * 0.02 - loop.time()))

    feeder = asyncio.create_task(feed())
    try:
        hosted = await sender.session.create_meeting(
            server.host,
            server.port,
            server.fingerprint,
            server.create_token,
            "Sender",
            waiting_room=False,
        )
        assert hosted is not None
        await sender.session.set_media(MediaKind.AUDIO, True)
        assert sender.session.devices.running(MediaKind.AUDIO)
        await sender.recorder.wait_for(lambda: sender.recorder.local.mic_level_db > -40, 10)
        # The receiver's speaker opens on its first received audio: route it to the far sink.
        monkeypatch.setenv("PULSE_SINK", far_sink)
        assert await receiver.session.join(hosted.invite, "Receiver") is Status.JOINED
        await asyncio.sleep(1.5)  # media flowing and the speaker open
        recorded = await asyncio.to_thread(_record_for, f"{far_sink}.monitor", 2.0)
        mixer = receiver.session.devices.mixer
        # Received frames carry their RTP timestamps to the mixer (so it can conceal
        # losses); over loopback there is next to nothing to conceal.
        assert mixer.timed_chunks > 100
        assert mixer.concealed_samples < 0.05 * mixer.timed_chunks * FRAME_SAMPLES
    finally:
        feeding = False
        feeder.cancel()
        player.stop()
        await receiver.close()
        await sender.close()
    assert recorded.size > 48000, "nothing recorded from the receiver's speaker"
    level = 20 * np.log10(np.sqrt(np.mean(recorded.astype(np.float64) ** 2)) / 32768 + 1e-12)
    assert level > -40, f"the receiver's speaker was silent ({level:.1f} dBFS)"
    # The energy is at 440 Hz. (Under heavy load the mixer drops audio to keep
    # latency bounded, which shifts the pitch a little: judge the band, not the bin.)
    spectrum = np.abs(np.fft.rfft(recorded.astype(np.float64) * np.hanning(recorded.size))) ** 2
    freqs = np.fft.rfftfreq(recorded.size, 1 / 48000)
    band = spectrum[(freqs > 400) & (freqs < 480)].sum() / spectrum[freqs > 50].sum()
    assert band > 0.5, f"only {band:.0%} of the energy is near 440 Hz"
    assert abs(peak_frequency(recorded) - 440) < 15
